"""Title, year and ids from movie and series folder names and from movie file names.

Handles tidy names ("The Matrix (1999) [tmdbid-603]") and release names ("The.Matrix.1999.1080p.BluRay.x264-GROUP",
"[Group] Title.EXTENDED.2013.German.DL.1080p", "www.site.tld - Title 2010 720p"). The year is the last plausible
year (1900..2099) that has title text before it and is either in brackets or followed by release words or the end
of the name, so "Blade Runner 2049 (2017)" and "2001 A Space Odyssey (1968)" keep their numbers in the title.
Edition and language words between the title and the year ("Title.IMAX.2018") are release words, not title words.
The words come from rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelscan.library.rules import (
    RELEASE_EDITION_WORDS,
    RELEASE_LANGUAGE_WORDS,
    RELEASE_STRONG_WORDS,
    RELEASE_WEAK_WORDS,
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

_BOUNDARY_AFTER = r"(?![\w'])"
_STRONG_JUNK_RE = re.compile(rf"(?<![\w'])(?:{RELEASE_STRONG_WORDS}){_BOUNDARY_AFTER}", re.IGNORECASE)
_ANY_JUNK_RE = re.compile(rf"(?:{RELEASE_STRONG_WORDS}|{RELEASE_WEAK_WORDS}){_BOUNDARY_AFTER}", re.IGNORECASE)
# Edition and language words at the end of the title part: "Title EXTENDED", "Title German DL".
_TAIL_WORD_RE = re.compile(
    rf"[\s.\-_]+(?:{RELEASE_EDITION_WORDS}|{RELEASE_LANGUAGE_WORDS})[\s.\-_\])]*$", re.IGNORECASE
)
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "der", "die", "das", "el", "il"})
# "-GROUP" at the very end of a release name.
_RELEASE_GROUP_RE = re.compile(r"-[^\s.\-]+$")
# "[Group] ", "[Group][Other] " at the start; "www.site.tld - ", "[ www.site.tld ] - ", "[site.tld] " too.
_LEADING_TAG_RE = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】)\s*[-_.]?\s*")
_SITE_RE = re.compile(
    r"^\s*[\[(]?\s*(?:www\.[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}|[\w-]+\.(?:com|org|net|to|cd|tv|me|info|ws|cc|io|ru|se|"
    r"nl|lol|xyz|club|tld))\s*[\])]?\s*(?:[-_.]\s*|\s+)",
    re.IGNORECASE,
)

_YEAR_RE = re.compile(r"(?<!\w)((?:19|20)\d{2})(?!\w)")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_SPACES_RE = re.compile(r"\s+")
_SEPARATORS = " .-_"
_TITLE_TAIL = " -_,:;([{"

# Series folder words that end the title: season packs ("Show.S01.COMPLETE", "Show S01-S03", "Show Season 1-3").
_SERIES_MARKER_RE = re.compile(
    r"(?<![\w'])(?:s\d{1,2}(?:[-_ ]?(?:s|e)?\d{1,3})*|seasons?[\s._]*\d{1,2}(?:[\s._]*-[\s._]*\d{1,2})?|"
    r"complete(?:[\s._]+(?:series|seasons?))?)(?![\w'])",
    re.IGNORECASE,
)


def _has_title_before(text: str, start: int) -> bool:
    return bool(text[:start].strip(_SEPARATORS + "([{"))


def _find_year(text: str) -> re.Match[str] | None:
    """The year match per the module rules, or None."""
    matches = [m for m in _YEAR_RE.finditer(text) if _has_title_before(text, m.start())]
    for match in reversed(matches):
        before = text[: match.start()].rstrip()
        after = text[match.end() :]
        if before.endswith(("(", "[")) and after.lstrip().startswith((")", "]")):
            return match
        rest = after.lstrip(_SEPARATORS + "()[]{}")
        if not rest or _ANY_JUNK_RE.match(rest) or _RELEASE_GROUP_RE.fullmatch(after.lstrip()):
            return match
    # A year followed by unknown words before the release junk: "Movie.2010.Something.1080p".
    junk = _first_strong_junk(text)
    if junk is not None:
        before_junk = [m for m in matches if m.end() <= junk]
        if before_junk:
            return before_junk[-1]
    return None


def _first_strong_junk(text: str) -> int | None:
    for match in _STRONG_JUNK_RE.finditer(text):
        if _has_title_before(text, match.start()):
            return match.start()
    return None


def _clean_title(text: str) -> str:
    text = _EMPTY_BRACKETS_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text)
    return text.strip().rstrip(_TITLE_TAIL).lstrip(" -_,:;").strip()


def _strip_release_tail(head: str, release_style: bool) -> str:
    """The title part without edition and language words at its end ("Title EXTENDED" -> "Title").

    Only in release names or for words in capitals, and never down to nothing or to a lone article, so "The Final
    Cut" and "Uncut Gems" stay whole.
    """
    while True:
        match = _TAIL_WORD_RE.search(head)
        if match is None:
            return head
        word = match.group(0).strip(" .-_])")
        rest = head[: match.start()]
        remaining = _clean_title(rest)
        if not remaining or remaining.lower() in _ARTICLES or not (release_style or word.isupper()):
            return head
        last = remaining.rsplit(" ", 1)
        # "Blade.Runner.The.Final.Cut": the article belongs to the edition.
        head = last[0] if len(last) == 2 and last[1].lower() in _ARTICLES else rest


def _strip_leading_tags(text: str) -> str:
    """Without "[Group]" and site prefixes, when title text is left after them."""
    while True:
        match = _SITE_RE.match(text) or _LEADING_TAG_RE.match(text)
        if match is None:
            return text
        rest = text[match.end() :]
        if not _clean_title(_YEAR_RE.sub("", rest, count=1)) or _YEAR_RE.fullmatch(match.group(0).strip(" []-_.")):
            return text
        text = rest


def parse_folder_name(name: str) -> ParsedName:
    """Title, year, IMDb and TMDB ids of a movie folder name; the title falls back to the raw name."""
    tmdb = _TMDB_RE.search(name)
    imdb = _IMDB_TAGGED_RE.search(name) or _IMDB_BRACKETED_RE.search(name) or _IMDB_BARE_RE.search(name)
    text = name
    if tmdb is not None:
        text = _TMDB_RE.sub("", text)
    if imdb is not None:
        text = _IMDB_BARE_RE.sub("", _IMDB_BRACKETED_RE.sub("", _IMDB_TAGGED_RE.sub("", text)))
    text = _OTHER_ID_RE.sub("", text)
    text = _strip_leading_tags(text)
    text = text.replace("_", " ")
    release_style = " " not in text.strip()
    if release_style:
        text = text.replace(".", " ")

    year_match = _find_year(text)
    if year_match is not None:
        head = text[: year_match.start()]
    else:
        junk = _first_strong_junk(text)
        head = text if junk is None else text[:junk]
        release_style = release_style or junk is not None
    title = _clean_title(_strip_release_tail(head, release_style)) or _clean_title(head) or name.strip()
    return ParsedName(
        title=title,
        year=int(year_match.group(1)) if year_match is not None else None,
        imdb_id=imdb.group(1).lower() if imdb is not None else None,
        tmdb_id=int(tmdb.group(1)) if tmdb is not None else None,
    )


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


def parse_series_folder_name(name: str) -> ParsedName:
    """Title, year and ids of a series folder: a movie folder's rules, with season-pack words ending the title
    ("The.Show.S01.COMPLETE" -> "The Show", "Show (2019) Season 1-3 1080p" -> "Show", 2019)."""
    full = parse_folder_name(name)
    text = _strip_leading_tags(name)
    marker = next((m for m in _SERIES_MARKER_RE.finditer(text) if _has_title_before(text, m.start())), None)
    if marker is None:
        return full
    head = parse_folder_name(text[: marker.start()])
    year = head.year if head.year is not None else full.year
    if year is not None and head.year is None and str(year) in head.title.split():
        year = None
    return ParsedName(title=head.title, year=year, imdb_id=full.imdb_id, tmdb_id=full.tmdb_id)
