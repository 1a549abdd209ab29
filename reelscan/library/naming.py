"""Title, year and ids from movie and series folder names and from movie file names.

Handles tidy names ("The Matrix (1999) [tmdbid-603]") and release names ("The.Matrix.1999.1080p.BluRay.x264-GROUP",
"[Group] Title.EXTENDED.2013.German.DL.1080p", "www.site.tld - Title 2010 720p"). The year is the last plausible
year (1900..2099) that has title text before it and is either in brackets or followed by release words or the end
of the name, so "Blade Runner 2049 (2017)" and "2001 A Space Odyssey (1968)" keep their numbers in the title.
Edition and language words between the title and the year ("Title.IMAX.2018") are release words, not title words.
The words come from rules.py.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from reelscan.library.rules import (
    RELEASE_STRONG_PAIRS,
    RELEASE_STRONG_TOKENS,
    SITE_SUFFIXES,
    TAIL_WORDS,
    TITLE_ARTICLES,
    TITLE_EDITION_TOKENS,
    YEARS_AHEAD,
    edition_length,
    is_moved_article,
    is_release_word,
    is_strong_release_word,
)


@dataclass(frozen=True)
class ParsedName:
    title: str
    year: int | None = None
    imdb_id: str | None = None  # "tt0133093"
    tmdb_id: int | None = None


# Ids: "[tmdbid-603]", "{tmdb-603}", "[imdbid-tt0133093]", "{imdb-tt0133093}", "[tt0133093]", bare "tt0133093".
_TMDB_RE = re.compile(r"[\[{(]\s*tmdb(?:id)?\s*[-=:_ ]\s*(\d+)\s*[\]})]", re.IGNORECASE)
_IMDB_TAGGED_RE = re.compile(r"[\[{(]\s*imdb(?:id)?\s*[-=:_ ]\s*(tt\d{7,9})\s*[\]})]", re.IGNORECASE)
_IMDB_BRACKETED_RE = re.compile(r"[\[{(]\s*(tt\d{7,9})\s*[\]})]", re.IGNORECASE)
_IMDB_BARE_RE = re.compile(r"(?<![0-9A-Za-z])(tt\d{7,9})(?![0-9A-Za-z])", re.IGNORECASE)
# Other provider tags ("[tvdbid-81189]", "{tvdb-81189}") are removed from the title.
_OTHER_ID_RE = re.compile(r"[\[{(]\s*(?:tvdb|anidb|tvmaze)(?:id)?\s*[-=:_ ]\s*\d+\s*[\]})]", re.IGNORECASE)

_PAIR_FIRST = frozenset(pair.split(" ", 1)[0] for pair in RELEASE_STRONG_PAIRS)
# "Show, The", "Office, The (US)", "Good, the Bad and the Ugly, The": a title with its article moved behind its
# last comma.
_MOVED_ARTICLE_RE = re.compile(r"^(?P<rest>.*\S),\s*(?P<article>\w{1,3})(?P<tail>\s*(?:[(\[].*)?)$")
_ARTICLE_END_RE = re.compile(r"(?<=\S)[\s._-]+(\w{1,3})$")
# "[Group] ", "[Group][Other] " at the start; "www.site.tld - ", "[ www.site.tld ] - ", "[site.tld] " too.
_LEADING_TAG_RE = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】)\s*[-_.]?\s*")
_SITE_RE = re.compile(
    rf"^\s*[\[(]?\s*(?:www\.[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,6}}|[\w-]+\.(?:{'|'.join(SITE_SUFFIXES)}))\s*[\])]?\s*"
    r"(?:[-_.]\s*|\s+)",
    re.IGNORECASE,
)
_LATEST_YEAR = datetime.date.today().year + YEARS_AHEAD
_YEAR_RE = re.compile(r"(?<!\w)((?:19|20)\d{2})(?!\w)")
# Two single letters between dots: an acronym in a dotted name ("S.H.I.E.L.D", "L.A.Confidential").
_ACRONYM_RE = re.compile(r"(?:^|\.)[^\W\d_]\.[^\W\d_](?:\.|$)")
# "Title (Year)" with a title of words and no brackets, dashes at its ends or release separators.
_TIDY_RE = re.compile(r"([^\s\[\](){}_\-.【][^\[\](){}_]*?[^\s\[\](){}_\-]) \(((?:19|20)\d{2})\)")
_GLUED_GROUPS_RE = re.compile(r"(?<=[\])])(?=[\[(])")
_COMPOUND_SPLIT_RE = re.compile(r"(?<=[^\W_])[.-](?=[^\W_])")
_GLUED_BRACKET_RE = re.compile(r"(?<=[^\W_])(?=[(\[]\s*(?:19|20)\d{2}\s*[)\]])")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_SEPARATORS = " .-_"
_TITLE_TAIL = " -_,:;([{"
_OPENERS = "([{"
_CLOSERS = ")]}"

# Series folder words that end the title: season packs ("Show.S01.COMPLETE", "Show S01-S03", "Show Season 1-3").
_SERIES_MARKER_RE = re.compile(
    r"(?<![\w'])(?:s\d{1,2}(?:[-_ ]?(?:s|e)?\d{1,3})*|seasons?[\s._]*\d{1,2}(?:[\s._]*-[\s._]*\d{1,2})?|"
    r"\d{1,2}[\s._]*-[\s._]*\d{1,2}[\s._]+seasons|"
    r"complete(?:[\s._]+(?:series|seasons?))?)(?![\w'])",
    re.IGNORECASE,
)


def _has_title_before(text: str, start: int) -> bool:
    return bool(text[:start].strip(_SEPARATORS + "([{"))


def _clean_title(text: str) -> str:
    if "(" in text or "[" in text or "{" in text:
        text = _EMPTY_BRACKETS_RE.sub(" ", text)
        for opener, closer in ("()", "[]"):
            if text.count(opener) > text.count(closer):  # "REDLINE (BD" once the release words are cut
                text = text[: text.rindex(opener)]
    text = " ".join(text.split())
    return text.strip().rstrip(_TITLE_TAIL).lstrip(" -_,:;").strip()


def _year_of(word: str) -> tuple[int, bool, bool] | None:
    """(year, in brackets, a "-GROUP" or release words follow inside the word) of a word that is a year:
    "1999", "(1999)", "[1999]", "1999-GRP", "1999.1080p"; else None."""
    bracketed = word[:1] in "([" and word[-1:] in ")]"
    core = word[1:-1].strip() if bracketed else word.lstrip(_OPENERS)
    if len(core) < 4 or not core[:4].isdigit() or core[:2] not in ("19", "20") or int(core[:4]) > _LATEST_YEAR:
        return None  # "Blade.Runner.2049.1080p": a year no movie has yet is a title number
    rest = core[4:]
    if rest and (rest[0] not in "-.)]" or (len(core) > 4 and core[4:5].isdigit())):
        return None
    return int(core[:4]), bracketed or core.endswith((")", "]")), bool(rest.strip(")]"))


def _title_and_year(lowered: list[str], strong: list[bool]) -> tuple[int, int | None, bool]:
    """(how many words the title has, the year, whether release words end the title) per the module rules."""
    count = len(lowered)
    candidates = [
        (i, found)
        for i in range(1, count)
        if ("19" in lowered[i] or "20" in lowered[i]) and (found := _year_of(lowered[i])) is not None
    ]
    bracketed_years = [(i, found) for i, found in candidates if found[1]]
    if bracketed_years:  # "My Movie (1997) - Group 2019": the year in brackets is the movie's
        index, (year, _, _) = bracketed_years[-1]
        return index, year, True
    for index, (year, bracketed, tagged) in reversed(candidates):
        following = lowered[index + 1] if index + 1 < count else ""
        after = lowered[index + 2] if index + 2 < count else ""
        if bracketed or tagged or not following or is_release_word(following, after):
            return index, year, True
        if following[:1] in _OPENERS and is_release_word(following.lstrip(_OPENERS), after):
            return index, year, True
    junk = _first_strong(strong, count)
    if junk is not None:
        before = [(i, found) for i, found in candidates if i < junk]
        if before:
            return before[-1][0], before[-1][1][0], True
        return junk, None, True
    return count, None, False


def _strong_flags(lowered: list[str]) -> list[bool]:
    """Which words are strong release words (with the word after them for pairs: "H 264")."""
    last = len(lowered) - 1
    return [
        word in RELEASE_STRONG_TOKENS
        or (
            (not word.isalpha() or word in _PAIR_FIRST)
            and is_strong_release_word(word, lowered[i + 1] if i < last else "")
        )
        for i, word in enumerate(lowered)
    ]


def _first_strong(strong: list[bool], end: int) -> int | None:
    """The first strong release word after the first word and before end."""
    for index in range(1, min(end, len(strong))):
        if strong[index]:
            return index
    return None


def _strip_release_tail(words: list[str], lowered: list[str], end: int, release_style: bool) -> int:
    """The title's word count without edition and language words at its end ("Title EXTENDED" -> "Title").

    Only in release names or for words in capitals, and never down to nothing or to a lone article, so "The Final
    Cut" and "Uncut Gems" stay whole; "Blade.Runner.The.Final.Cut": the article belongs to the edition.
    """
    while end > 1:
        if lowered[end - 1].strip(_OPENERS + _CLOSERS) not in TAIL_WORDS:
            return end
        cut = 0
        for length in (3, 2, 1):
            start = end - length
            if start >= 1 and edition_length(lowered, start) == length:
                cut = length
                break
        if not cut:
            return end
        start = end - cut
        phrase = " ".join(words[start:end]).strip(_OPENERS + _CLOSERS)
        remaining = _clean_title(" ".join(words[:start]))
        upper = phrase.isupper() and phrase.lower() not in TITLE_EDITION_TOKENS
        if not remaining or remaining.lower() in TITLE_ARTICLES or not (release_style or upper):
            return end
        end = start - 1 if start >= 2 and lowered[start - 1] in TITLE_ARTICLES else start
    return end


def _strip_leading_tags(text: str) -> str:
    """Without "[Group]" and site prefixes, when title text is left after them."""
    while True:
        first = text.lstrip()[:4].lower()
        if not first or (first[0] not in "[(【" and first != "www." and " - " not in text[:50]):
            return text
        match = _SITE_RE.match(text) or _LEADING_TAG_RE.match(text)
        if match is None:
            return text
        rest = text[match.end() :]
        if not _clean_title(_YEAR_RE.sub("", rest, count=1)) or _YEAR_RE.fullmatch(match.group(0).strip(" []-_.")):
            return text
        text = rest


def _undot(text: str) -> str:
    """A dotted release name with spaces for its dots, keeping acronyms: "Marvel's.Agents.of.S.H.I.E.L.D." ->
    "Marvel's Agents of S.H.I.E.L.D.", "The.Show.P.I.S01" -> "The Show P.I S01"."""
    if _ACRONYM_RE.search(text) is None:
        return text.replace(".", " ")
    parts = text.split(".")
    words: list[str] = []
    run: list[str] = []
    for index, part in enumerate(parts):
        if len(part) == 1 and part.isalpha():
            run.append(part)
            continue
        if len(run) >= 2:
            words.append(".".join(run) + ("." if not part and index == len(parts) - 1 else ""))
        else:
            words.extend(run)
        run = []
        words.append(part)
    if len(run) >= 2:
        words.append(".".join(run))
    else:
        words.extend(run)
    return " ".join(word for word in words if word)


def _ids(name: str) -> tuple[str, str | None, int | None]:
    """The name without its id tags, and the IMDb and TMDB ids they give."""
    lowered = name.lower()
    text, imdb, tmdb = name, None, None
    if "tmdb" in lowered:
        found = _TMDB_RE.search(name)
        if found is not None:
            tmdb, text = int(found.group(1)), _TMDB_RE.sub("", text)
    if "tt" in lowered:
        match = _IMDB_TAGGED_RE.search(name) or _IMDB_BRACKETED_RE.search(name) or _IMDB_BARE_RE.search(name)
        if match is not None:
            imdb = match.group(1).lower()
            text = _IMDB_BARE_RE.sub("", _IMDB_BRACKETED_RE.sub("", _IMDB_TAGGED_RE.sub("", text)))
    if "tvdb" in lowered or "anidb" in lowered or "tvmaze" in lowered:
        text = _OTHER_ID_RE.sub("", text)
    return text, imdb, tmdb


def _is_year_word(part: str) -> bool:
    return len(part) == 4 and part.isdigit() and part[:2] in ("19", "20")


def _split_compounds(words: list[str]) -> list[str]:
    """Words glued by dots or dashes around a year or a release word are split ("Child-2007-TRUEFRENCH-TVRip",
    "langkasuka.2008.FRENCH", "DVDRip.XviD-GRP"); the "-GROUP" at the end stays on the word before it, and
    hyphenated titles ("Spider-Man") and acronyms ("S.H.I.E.L.D.") stay whole."""
    out: list[str] = []
    for word in words:
        if "." not in word and "-" not in word and "]" not in word and ")" not in word:
            out.append(word)
        elif ("]" in word or ")" in word) and _GLUED_GROUPS_RE.search(word):  # "[DVDRIP][Vostfr]"
            for part in _GLUED_GROUPS_RE.sub(" ", word).split():
                _split_compound(part, out)
        else:
            _split_compound(word, out)
    return out


def _split_compound(word: str, out: list[str]) -> None:
    inner = word.strip(".-")
    if "." not in inner and "-" not in inner:
        out.append(word)
        return
    parts = [part for part in _COMPOUND_SPLIT_RE.split(word) if part]
    lowered = [part.lower().strip(_OPENERS + _CLOSERS) for part in parts]
    if len(parts) >= 2 and "." in word and _is_release_phrase(lowered):  # "German.DL", "Directors.Cut"
        out.extend(parts)
        return
    if len(parts) < 2 or not any(_is_year_word(p) or is_strong_release_word(p) for p in lowered[:-1]):
        out.append(word)
        return
    if "-" in word and word.rsplit("-", 1)[1] == parts[-1]:
        parts = [*parts[:-2], f"{parts[-2]}-{parts[-1]}"]  # "XviD-GRP", "1979-GROUP"
    out.extend(parts)


def _is_release_phrase(lowered: list[str]) -> bool:
    """True when dotted words inside a spaced name are all edition or language words ("German.DL",
    "Directors.Cut"), so they are split like the rest of the name."""
    index = 0
    while index < len(lowered):
        length = edition_length(lowered, index)
        if not length:
            return False
        index += length
    return True


def _leading_release_words(lowered: list[str], strong: list[bool]) -> int:
    """How many release words (and dashes) open the name before its title ("h265 - HEVC Riddick ...")."""
    start = 0
    while start < len(lowered) - 1 and (strong[start] or lowered[start] in ("-", "\u2013")):
        start += 1
    return start if start < len(lowered) and not strong[start] else 0


def _without_alternative_title(words: list[str], end: int) -> int:
    """The title without a last bracketed group of several words after it, an alternative title ("Le Prestige (The
    Prestige)", "Battle Royale (Batoru Rowaiaru)"); one bracketed word stays ("The Office (US)")."""
    if end < 3 or not words[end - 1].endswith((")", "]")):
        return end
    start = end - 1
    while start > 0 and not words[start].startswith(("(", "[")):
        start -= 1
    if start == 0 or start == end - 1 or not words[start].startswith(("(", "[")):
        return end
    return start


def _tidy(name: str) -> ParsedName | None:
    """The tidy shape media servers name folders in, "Title (Year)", read at once; None for any other name."""
    match = _TIDY_RE.fullmatch(name)
    if match is None:
        return None
    title = match.group(1)
    first, _, _ = title.partition(" ")
    last = title.rsplit(" ", 1)[-1].lower()
    if (last in TAIL_WORDS and last not in TITLE_EDITION_TOKENS) or is_strong_release_word(first.lower()):
        return None
    if title[:4].lower() == "www.":
        return None
    return ParsedName(title=_restore_article(title), year=int(match.group(2)))


def parse_folder_name(name: str) -> ParsedName:
    """Title, year, IMDb and TMDB ids of a movie folder name; the title falls back to the raw name."""
    tidy = _tidy(name)
    if tidy is not None:
        return tidy
    text, imdb, tmdb = _ids(name)
    text = _strip_leading_tags(text).replace("_", " ")
    release_style = " " not in text.strip()
    if release_style:
        text = _undot(text)
    if "(" in text or "[" in text:
        text = _GLUED_BRACKET_RE.sub(" ", text)  # "Super movie(2009)"
    words = _split_compounds(text.split())
    lowered = [word.lower() for word in words]
    strong = _strong_flags(lowered)
    if strong[0] if strong else False:
        skip = _leading_release_words(lowered, strong)
        words, lowered, strong = words[skip:], lowered[skip:], strong[skip:]
    end, year, junk = _title_and_year(lowered, strong)
    first = _first_strong(strong, end)
    if first is not None:  # "Sin City (BluRay) (2005)": release words before the year end the title too
        end = first
    release_style = release_style or junk
    head = " ".join(words[:end])
    end = _strip_release_tail(words, lowered, end, release_style)
    if year is not None or junk:
        end = _without_alternative_title(words, end)
    title = _restore_article(_clean_title(" ".join(words[:end])) or _clean_title(head))
    return ParsedName(title=title or name.strip(), year=year, imdb_id=imdb, tmdb_id=tmdb)


def _comparable(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def parse_movie_name(folder_name: str, file_stem: str | None = None) -> ParsedName:
    """The folder name's title, year and ids, completed from the main video's file name.

    The folder names the movie; the file name adds what the folder leaves out: a year ("City of God/City.of.God.2002.
    2160p.mkv") and ids, and the title when the folder's name says nothing ("Disc 1", "movie").
    """
    folder = parse_folder_name(folder_name)
    if not file_stem:
        return folder
    file = parse_folder_name(file_stem)
    same_title = _comparable(file.title) == _comparable(folder.title)
    year = folder.year
    if year is None and file.year is not None and (same_title or not _comparable(folder.title)):
        year = file.year
    return ParsedName(
        title=folder.title,
        year=year,
        imdb_id=folder.imdb_id or file.imdb_id,
        tmdb_id=folder.tmdb_id or file.tmdb_id,
    )


def version_key(stem: str) -> str:
    """What two files of one movie share when they are versions of it ("Dune (2021) - 1080p", "Dune (2021) -
    2160p", "Dune.2021.720p.WEB"): the comparable title and year of the name."""
    parsed = parse_folder_name(stem)
    return f"{_comparable(parsed.title)}\0{parsed.year or ''}"


def _restore_article(title: str) -> str:
    """ "Show, The" -> "The Show", "Office, The (US)" -> "The Office (US)": an article moved to the end of a
    title (TITLE_ARTICLES) goes back to its front, once ("The Show, The" -> "The Show"); other titles unchanged."""
    if "," not in title:
        return title
    found = _MOVED_ARTICLE_RE.match(title)
    if (
        found is None
        or found["article"].lower() not in TITLE_ARTICLES
        or not is_moved_article(found["article"], found["rest"])
    ):
        return title
    rest, article = found["rest"].strip(), found["article"]
    if rest.split(" ", 1)[0].lower() != article.lower():
        rest = f"{article} {rest}"
    return f"{rest} {found['tail'].strip()}".strip()


def parse_series_folder_name(name: str) -> ParsedName:
    """Title, year and ids of a series folder: a movie folder's rules, with season-pack words ending the title
    ("The.Show.S01.COMPLETE" -> "The Show", "Show (2019) Season 1-3 1080p" -> "Show", 2019) and a moved article put
    back ("Show, The (2010)" -> "The Show", 2010)."""
    parsed = _series_folder_name(name)
    title = _restore_article(parsed.title)
    if title == parsed.title:
        return parsed
    return ParsedName(title=title, year=parsed.year, imdb_id=parsed.imdb_id, tmdb_id=parsed.tmdb_id)


def _series_folder_name(name: str) -> ParsedName:
    text, imdb, tmdb = _ids(name)
    text = _strip_leading_tags(text).replace("_", " ")
    marker = next((m for m in _SERIES_MARKER_RE.finditer(text) if _has_title_before(text, m.start())), None)
    if marker is None:
        return parse_folder_name(name)
    before = text[: marker.start()].rstrip(" ._-")
    last = _ARTICLE_END_RE.search(before)
    moved = last is not None and before[last.start() - 1] == ","  # "Show, The - Season 1": the title's article
    if last is not None and last.group(1).lower() in TITLE_ARTICLES and not moved:  # "Show - The Complete Series"
        before = before[: last.start()].rstrip(" ._-")
    head = parse_folder_name(before)
    year = head.year
    if year is None:
        after = parse_folder_name(text[: marker.start()] + " " + text[marker.end() :]).year
        year = after if after is not None and str(after) not in head.title.split() else None
    return ParsedName(title=head.title, year=year, imdb_id=imdb, tmdb_id=tmdb)
