"""Choosing a search result for a title and year: normalised titles, moved articles, prefix and word-subset rules,
year tolerance and alternative titles."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reelscan.library.rules import is_moved_article


@dataclass(frozen=True)
class SearchMatch:
    """The search result chosen for a title and year; `score` is the title similarity minus year penalties."""

    tmdb_id: int
    title: str
    year: int | None
    score: float


@dataclass(frozen=True)
class SearchKind:
    """Where one kind of title is searched, how its results name and date it, and where its alternative titles
    (other countries' and languages' titles) are listed: /movie/{id}/alternative_titles under "titles",
    /tv/{id}/alternative_titles under "results"."""

    path: str
    year_param: str
    name_keys: tuple[str, str]  # the title and the original title
    date_key: str
    details_path: str = "/movie"
    alternatives_key: str = "titles"


MOVIE_SEARCH = SearchKind("/search/movie", "year", ("title", "original_title"), "release_date")
TV_SEARCH = SearchKind(
    "/search/tv", "first_air_date_year", ("name", "original_name"), "first_air_date", "/tv", "results"
)
# How many results that matched no title are looked up for their alternative titles, at most, per search.
ALTERNATIVE_TITLE_LOOKUPS = 2


SAME_YEAR_SIMILARITY = 0.75
NEAR_YEAR_SIMILARITY = 0.85
NO_YEAR_SIMILARITY = 0.9
NEAR_YEAR_PENALTY = 0.1
UNKNOWN_YEAR_PENALTY = 0.05

SUBSET_SIMILARITY = 0.8  # one title's words all in the other, in order: enough in the same year only

_NOT_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_ELISION = re.compile(r"\b([ld])['\u2019](?=\w)")  # French and Italian "l'", "d'": a word of their own
_APOSTROPHES = re.compile(r"['\u2019\u02bc`\u00b4]")
_LETTERS = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
# Leading articles of the languages libraries are named in, moved to the end as "Matrix, The" by many tools.
ARTICLES = frozenset(
    [
        *("the", "a", "an"),  # English
        *("der", "die", "das", "ein", "eine"),  # German
        *("le", "la", "les", "l", "un", "une"),  # French
        *("el", "los", "las"),  # Spanish
        *("il", "lo", "gli", "i", "uno"),  # Italian
        *("de", "het", "een", "den", "det"),  # Dutch, Scandinavian
        *("o", "os", "as", "um", "uma"),  # Portuguese
    ]
)
_MOVED_ARTICLE = re.compile(r"^(?P<rest>.+?),\s*(?P<article>[^\W\d_]+'?)\s*(?P<tail>(?:[:\-\u2013(].*)?)$", re.UNICODE)


def restore_article(title: str, *, unsure: bool = False) -> str:
    """ "Matrix, The" -> "The Matrix" (also "Matrix, The: Reloaded" and "Misérables, Les"); other titles unchanged.
    An article that is also an English word stays unless the title shows its language ("Boy, Die", "Die, Monster,
    Die" stay; rules.is_moved_article); unsure=True moves it anyway, for comparing both readings."""
    if "," not in title:
        return title
    found = _MOVED_ARTICLE.match(title.strip())
    if found is None or found["article"].casefold().rstrip("'") not in ARTICLES:
        return title
    if not unsure and not is_moved_article(found["article"].rstrip("'"), found["rest"]):
        return title
    article = found["article"]
    joiner = "" if article.endswith("'") else " "
    tail = found["tail"]
    return f"{article}{joiner}{found['rest'].strip()}{'' if tail.startswith(':') else ' '}{tail}".strip()


def normalise_title(title: str, *, unsure: bool = False) -> str:
    """Casefolded, a moved article put back (restore_article), accents and punctuation removed, apostrophes
    dropped, '&' read as 'and', whitespace collapsed."""
    text = restore_article(title, unsure=unsure).casefold().translate(_LETTERS).replace("&", " and ")
    text = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", _ELISION.sub(r"\1 ", text)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _without_articles(words: list[str]) -> list[str]:
    """The words without a leading article (kept when it is the only word)."""
    return words[1:] if len(words) > 1 and words[0] in ARTICLES else words


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether every word of `short` is in `long`, in the same order."""
    rest = iter(long)
    return all(word in rest for word in short)


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, 0..1 (1.0 = the same title).

    The best of: the difflib ratio of the normalised titles; the same without a leading article ("The Thing" and
    "Thing"), without spaces ("Spider-Man" and "Spiderman") and without "and"; and SUBSET_SIMILARITY when the
    words of one (articles aside) begin the other ("Star Wars" and "Star Wars Episode IV - A New Hope") or, two
    words or more, all appear in it in order ("Star Wars A New Hope").
    """
    best = _similarity(normalise_title(a), normalise_title(b))
    if "," in a or "," in b:  # "Welle, Die" may be "Die Welle" after all: the better of both readings
        best = max(best, _similarity(normalise_title(a, unsure=True), normalise_title(b, unsure=True)))
    return best


def _similarity(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    words_left, words_right = _without_articles(left.split()), _without_articles(right.split())
    forms = [
        (left, right),
        (" ".join(words_left), " ".join(words_right)),
        ("".join(words_left), "".join(words_right)),
        ("".join(w for w in words_left if w != "and"), "".join(w for w in words_right if w != "and")),
    ]
    best = max(difflib.SequenceMatcher(None, x, y).ratio() for x, y in forms if x and y)
    short, long = sorted((words_left, words_right), key=len)
    prefix = long[: len(short)] == short
    subset = prefix or (len(short) > 1 and _in_order(short, long))
    if best < SUBSET_SIMILARITY and len(short) < len(long) and subset:
        best = SUBSET_SIMILARITY
    return best


def release_year(date: Any) -> int | None:
    """The year of a TMDB release_date ("1999-03-30"), or None."""
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def year_allows(year: int | None, result: dict[str, Any], kind: SearchKind = MOVIE_SEARCH) -> bool:
    """Whether a result's date leaves it a candidate for a title of `year` (the same year or one off, or either
    unknown)."""
    result_year = release_year(result.get(kind.date_key))
    return year is None or result_year is None or abs(result_year - year) <= 1


def alternative_titles(answer: dict[str, Any], kind: SearchKind = MOVIE_SEARCH) -> list[str]:
    """The titles of an alternative_titles answer (each once, in TMDB's order)."""
    titles = [
        str(item["title"])
        for item in answer.get(kind.alternatives_key) or []
        if isinstance(item, dict) and item.get("title")
    ]
    return list(dict.fromkeys(titles))


def best_match(
    title: str,
    year: int | None,
    results: list[dict[str, Any]],
    *,
    kind: SearchKind = MOVIE_SEARCH,
    alternatives: Mapping[int, list[str]] | None = None,
) -> SearchMatch | None:
    """Choose the search result for `title` and `year`; None when nothing is close enough.

    The similarity (`title_similarity`: moved articles, punctuation, accents and '&' do not count, a shorter title
    whose words begin the other scores SUBSET_SIMILARITY) is the better of the title and original title (name and
    original_name for TV, dated by first_air_date: `kind` says which keys). Rules:
    same year: similarity >= 0.75; year off by one: >= 0.85 and a 0.1 penalty; no year on either side: >= 0.9
    (a small penalty when the result has no date); further off: never. The highest score wins, then popularity.
    `alternatives` adds more titles per result id (TMDB's alternative titles: "Harry Potter und der Stein der
    Weisen" for a German folder name).
    """
    best: tuple[float, float, SearchMatch] | None = None
    for result in results:
        if not isinstance(result.get("id"), int):
            continue
        names = [str(result[key]) for key in kind.name_keys if result.get(key)]
        if alternatives:
            names += alternatives.get(int(result["id"]), [])
        if not names:
            continue
        similarity = max(title_similarity(title, name) for name in names)
        result_year = release_year(result.get(kind.date_key))
        if year is None:
            needed, penalty = NO_YEAR_SIMILARITY, 0.0
        elif result_year is None:
            needed, penalty = NO_YEAR_SIMILARITY, UNKNOWN_YEAR_PENALTY
        elif result_year == year:
            needed, penalty = SAME_YEAR_SIMILARITY, 0.0
        elif abs(result_year - year) == 1:
            needed, penalty = NEAR_YEAR_SIMILARITY, NEAR_YEAR_PENALTY
        else:
            continue
        if similarity < needed:
            continue
        score = round(similarity - penalty, 4)
        popularity = float(result.get("popularity") or 0.0)
        if best is None or (score, popularity) > (best[0], best[1]):
            match = SearchMatch(int(result["id"]), str(result.get(kind.name_keys[0]) or names[0]), result_year, score)
            best = (score, popularity, match)
    return best[2] if best else None
