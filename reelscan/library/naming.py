"""Title, year and ids from a movie folder's name.

Handles tidy names ("The Matrix (1999) [tmdbid-603]") and release names ("The.Matrix.1999.1080p.BluRay.x264-GROUP").
The year is the last plausible year (1900..2099) that has title text before it and is either in brackets or followed
by release junk or the end of the name, so "Blade Runner 2049 (2017)" and "2001 A Space Odyssey (1968)" keep their
numbers in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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

# Release junk that never appears in a title: cuts a name that has no year ("Alien.1080p.BluRay").
_STRONG_JUNK = (
    r"480p|576p|720p|1080[pi]|2160p|4320p|4k|8k|uhd|blu-?ray|bdrip|brrip|bdremux|remux|web-?dl|web-?rip|hdtv|hdrip|"
    r"dvdrip|dvdscr|x26[45]|h[ .]?26[45]|hevc|xvid|divx|aac(?:[ .]?\d(?:[ .]\d)?)?|e?ac3|dts(?:-hd(?:[ .]?ma)?)?|"
    r"truehd|atmos|ddp?[ .+]?\d[ .]\d|flac|10bit|8bit|hdr(?:10)?(?:\+|plus)?|dolby[ .]?vision"
)
# Words that are release junk right after a year but may be title words elsewhere ("Old DVD", "Charlotte's Web").
_WEAK_JUNK = (
    r"dvd(?:r|5|9)?|web|proper|repack|rerip|extended(?:[ .]cut|[ .]edition)?|unrated|uncut|remastered|imax|limited|"
    r"internal|multi|dual|subbed|dubbed|directors?[ .]?cut|director'?s[ .]?cut|theatrical(?:[ .]cut)?|final[ .]cut|"
    r"criterion|special[ .]edition|anniversary[ .]edition|complete|german|french|truefrench|vostfr|italian|ita|"
    r"spanish|castellano|latino|english|nordic|swedish|danish|dutch|russian|hindi|japanese|korean|dl|avc|sdr|dv|"
    r"hdcam|cam|hdts|ts|tc|r5|readnfo|nfofix|sample"
)
_BOUNDARY_AFTER = r"(?![\w'])"
_STRONG_JUNK_RE = re.compile(rf"(?<![\w'])(?:{_STRONG_JUNK}){_BOUNDARY_AFTER}", re.IGNORECASE)
_ANY_JUNK_RE = re.compile(rf"(?:{_STRONG_JUNK}|{_WEAK_JUNK}){_BOUNDARY_AFTER}", re.IGNORECASE)
# "-GROUP" at the very end of a release name.
_RELEASE_GROUP_RE = re.compile(r"-[^\s.\-]+$")

_YEAR_RE = re.compile(r"(?<!\w)((?:19|20)\d{2})(?!\w)")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_SPACES_RE = re.compile(r"\s+")
_SEPARATORS = " .-_"
_TITLE_TAIL = " -_,:;([{"


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


def parse_folder_name(name: str) -> ParsedName:
    """Title, year, IMDb and TMDB ids of a movie folder name; the title falls back to the raw name."""
    tmdb = _TMDB_RE.search(name)
    imdb = _IMDB_TAGGED_RE.search(name) or _IMDB_BRACKETED_RE.search(name) or _IMDB_BARE_RE.search(name)
    text = name
    if tmdb is not None:
        text = _TMDB_RE.sub("", text)
    if imdb is not None:
        text = _IMDB_BARE_RE.sub("", _IMDB_BRACKETED_RE.sub("", _IMDB_TAGGED_RE.sub("", text)))
    text = text.replace("_", " ")
    if " " not in text.strip():
        text = text.replace(".", " ")

    year_match = _find_year(text)
    if year_match is not None:
        head = text[: year_match.start()]
    else:
        junk = _first_strong_junk(text)
        head = text if junk is None else text[:junk]
    title = _clean_title(head) or name.strip()
    return ParsedName(
        title=title,
        year=int(year_match.group(1)) if year_match is not None else None,
        imdb_id=imdb.group(1).lower() if imdb is not None else None,
        tmdb_id=int(tmdb.group(1)) if tmdb is not None else None,
    )
