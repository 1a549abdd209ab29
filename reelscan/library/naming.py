"""Title, year and ids from a movie folder's name: "The Matrix (1999) [tmdbid-603]", "The.Matrix.1999.1080p"."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ParsedName:
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None


_TMDB_RE = re.compile(r"[\[{(]\s*tmdb(?:id)?\s*[-=:]\s*(\d+)\s*[\]})]", re.IGNORECASE)
_IMDB_TAGGED_RE = re.compile(r"[\[{(]\s*imdb(?:id)?\s*[-=:]\s*(tt\d{7,8})\s*[\]})]", re.IGNORECASE)
_IMDB_BARE_RE = re.compile(r"[\[{(]\s*(tt\d{7,8})\s*[\]})]", re.IGNORECASE)
# Release junk: everything from the first of these tokens on is not part of the title.
_JUNK_RE = re.compile(
    r"\b(?:480p|576p|720p|1080[pi]|2160p|4k|uhd|hdr10?\+?|dv|bluray|blu-ray|bdrip|brrip|bdremux|remux|web-?dl|webrip|"
    r"web|hdtv|dvdrip|dvdscr|dvd|hdrip|x264|x265|h\.?264|h\.?265|hevc|avc|xvid|divx|aac(?:2\.0)?|ac3|dts(?:-hd)?|"
    r"truehd|atmos|ddp?5\.1|5\.1|7\.1|10bit|proper|repack|extended|unrated|remastered|imax|limited|internal|"
    r"multi|dual|subbed|directors\.?cut|director'?s\.cut)\b",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?<![0-9])(19\d{2}|20\d{2})(?![0-9])")
_BRACKETS_RE = re.compile(r"[\[{(][^\]})]*[\]})]")
_SPACES_RE = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = _BRACKETS_RE.sub(" ", text)
    text = text.replace("_", " ")
    return _SPACES_RE.sub(" ", text).strip(" -.[](){}")


def parse_folder_name(name: str) -> ParsedName:
    tmdb = _TMDB_RE.search(name)
    imdb = _IMDB_TAGGED_RE.search(name) or _IMDB_BARE_RE.search(name)
    text = _TMDB_RE.sub(" ", name)
    text = _IMDB_TAGGED_RE.sub(" ", text)
    text = _IMDB_BARE_RE.sub(" ", text)
    if " " not in text.strip() and ("." in text or "_" in text):
        text = text.replace(".", " ").replace("_", " ")

    # Release junk cuts the name, but only after the year ("Old DVD (1995)" keeps its "DVD").
    years = [m for m in _YEAR_RE.finditer(text) if m.start() > 0]
    after = years[0].end() if years else 0
    junk = next((m for m in _JUNK_RE.finditer(text) if m.start() >= after and m.start() > 0), None)
    head = text[: junk.start()] if junk else text
    year: int | None = None
    title = head
    # The last year that is not at the very start wins: "Blade Runner 2049 (2017)", "1917 (2019)".
    candidates = [m for m in _YEAR_RE.finditer(head) if m.start() > 0]
    if candidates:
        match = candidates[-1]
        year = int(match.group(1))
        title = head[: match.start()]
    cleaned = _clean(title) or _clean(head) or name.strip()
    return ParsedName(
        title=cleaned,
        year=year,
        imdb_id=imdb.group(1).lower() if imdb else None,
        tmdb_id=int(tmdb.group(1)) if tmdb else None,
    )
