"""Kodi movie NFO files, parsed as the hostile input they are (defusedxml: no entities, no network).

Handles the declared encoding and BOMs (UTF-8, UTF-16, Latin-1, Windows-1252), junk after the closing tag,
URL-only files, and recovers IMDb/TMDB ids from files that are not valid XML.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_FIELD = 20_000
MAX_NFO_BYTES = 5 * 1024 * 1024
_IMDB_RE = re.compile(r"\b(tt\d{7,8})\b")
_TMDB_URL_RE = re.compile(r"themoviedb\.org/movie/(\d+)", re.IGNORECASE)
_TMDB_TAG_RE = re.compile(r"<uniqueid[^>]*type=[\"']tmdb[\"'][^>]*>\s*(\d+)\s*<|<tmdbid>\s*(\d+)\s*<", re.IGNORECASE)
_DECLARATION_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
_DECLARATION_TEXT_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CLOSING_RE = re.compile(r"</movie\s*>", re.IGNORECASE)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MOVIE_LEGACY_IDS = (("imdbid", "imdb"), ("tmdbid", "tmdb"), ("id", "imdb"))
_ANY_RE = re.compile(r".+", re.DOTALL)
_LEGACY_ID_SHAPES = {"imdb": _IMDB_RE, "tvdb": re.compile(r"\d+")}


@dataclass(frozen=True)
class Actor:
    name: str
    role: str | None = None
    order: int | None = None


@dataclass(frozen=True)
class Rating:
    name: str
    value: float
    votes: int | None = None
    max: float | None = None
    default: bool = False


@dataclass
class NfoData:
    path: str
    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    year: int | None = None
    premiered: str | None = None
    plot: str | None = None
    outline: str | None = None
    tagline: str | None = None
    runtime: int | None = None
    mpaa: str | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    unique_ids: dict[str, str] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    set_name: str | None = None
    url_only: bool = False


class NfoError(Exception):
    """An NFO that cannot be used. The message names the file; `recovered` holds any ids found in its text."""

    def __init__(self, message: str, recovered: NfoData | None = None) -> None:
        super().__init__(message)
        self.recovered = recovered


def find_nfo(directory: Path, video_stems: Sequence[str]) -> Path | None:
    """<video>.nfo (Kodi's recommended name), then movie.nfo, then VIDEO_TS/VIDEO_TS.nfo; case-insensitive."""
    try:
        names = {p.name.lower(): p for p in directory.iterdir() if p.suffix.lower() == ".nfo"}
    except OSError:
        return None
    for stem in video_stems:
        if f"{stem.lower()}.nfo" in names:
            return names[f"{stem.lower()}.nfo"]
    if "movie.nfo" in names:
        return names["movie.nfo"]
    for disc in ("VIDEO_TS", "video_ts"):
        candidate = directory / disc / "VIDEO_TS.nfo"
        if candidate.is_file():
            return candidate
    return None


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:8192]:
        raise NfoError(f"NFO {path} is not a text file")
    declared = _DECLARATION_RE.match(raw)
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _ids_in(text: str, path: Path) -> NfoData | None:
    imdb = _IMDB_RE.search(text)
    tmdb_url = _TMDB_URL_RE.search(text)
    tmdb_tag = _TMDB_TAG_RE.search(text)
    tmdb = tmdb_url.group(1) if tmdb_url else (tmdb_tag.group(1) or tmdb_tag.group(2) if tmdb_tag else None)
    if not imdb and not tmdb:
        return None
    return NfoData(path=str(path), imdb_id=imdb.group(1) if imdb else None, tmdb_id=int(tmdb) if tmdb else None)


def node_text(node: Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value[:MAX_FIELD] if value else None


def leading_int(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"\s*(\d+)", value.replace(",", ""))
    return int(match.group(1)) if match else None


def _float(value: str | None) -> float | None:
    try:
        return float(value.replace(",", ".")) if value else None
    except ValueError:
        return None


def node_texts(root: Element, tag: str, split: bool = False) -> list[str]:
    values: list[str] = []
    for node in root.findall(tag):
        text = node_text(node)
        if not text:
            continue
        parts = [p.strip() for p in text.split(" / ")] if split else [text]
        values.extend(p for p in parts if p and p not in values)
    return values


def iso_date(value: str | None) -> str | None:
    """ "2024-03-01" from a date field that starts with one ("2024-03-01 20:00"), else None."""
    date = _DATE_RE.match(value or "")
    return date.group(0) if date else None


def read_premiered(root: Element, *tags: str) -> tuple[str | None, int | None]:
    """(first date among tags, year): the <year> tag when plausible, else the date's year."""
    premiered = iso_date(next(filter(None, (node_text(root.find(tag)) for tag in tags)), None))
    year = leading_int(node_text(root.find("year")))
    return premiered, year if year and 1870 <= year <= 2200 else (int(premiered[:4]) if premiered else None)


def read_unique_ids(root: Element, legacy: Sequence[tuple[str, str]]) -> dict[str, str]:
    """<uniqueid type="..."> values by lower-case type, then (tag, type) legacy tags for types still missing.

    Legacy values must look like their type (IMDb "tt..." ids; TVDB numbers), since Kodi's <id> held either.
    """
    ids: dict[str, str] = {}
    for node in root.findall("uniqueid"):
        kind, value = (node.get("type") or "").strip().lower(), node_text(node)
        if kind and value:
            ids[kind] = value
    for tag, kind in legacy:
        value = node_text(root.find(tag))
        if value and kind not in ids and _LEGACY_ID_SHAPES.get(kind, _ANY_RE).fullmatch(value):
            ids[kind] = value
    return ids


def imdb_id(unique_ids: dict[str, str]) -> str | None:
    imdb = unique_ids.get("imdb")
    return imdb if imdb and _IMDB_RE.fullmatch(imdb) else None


def numeric_id(value: str | None) -> int | None:
    """A positive provider id written as a plain number ("603"), else None."""
    number = leading_int(value)
    return number if number and str(number) == value else None


def read_actors(root: Element) -> list[Actor]:
    """<actor> entries with a name; the order defaults to the position in the file."""
    actors: list[Actor] = []
    for position, node in enumerate(root.findall("actor")):
        name = node_text(node.find("name"))
        if name:
            order = leading_int(node_text(node.find("order")))
            actors.append(Actor(name, node_text(node.find("role")), position if order is None else order))
    return actors


def _movie(root: Element, path: Path) -> NfoData:
    data = NfoData(path=str(path))
    data.title = node_text(root.find("title"))
    data.original_title = node_text(root.find("originaltitle"))
    data.sort_title = node_text(root.find("sorttitle"))
    data.plot = node_text(root.find("plot"))
    data.outline = node_text(root.find("outline"))
    data.tagline = node_text(root.find("tagline"))
    data.runtime = leading_int(node_text(root.find("runtime")))
    data.mpaa = node_text(root.find("mpaa"))
    data.premiered, data.year = read_premiered(root, "premiered", "releasedate")

    data.unique_ids = read_unique_ids(root, _MOVIE_LEGACY_IDS)
    data.imdb_id = imdb_id(data.unique_ids)
    data.tmdb_id = numeric_id(data.unique_ids.get("tmdb"))

    for node in root.findall("ratings/rating"):
        rating = _float(node_text(node.find("value")))
        if rating is not None:
            data.ratings.append(
                Rating(
                    name=(node.get("name") or "default").strip(),
                    value=rating,
                    votes=leading_int(node_text(node.find("votes"))),
                    max=_float(node.get("max")),
                    default=(node.get("default") or "").lower() == "true",
                )
            )
    legacy_rating = _float(node_text(root.find("rating")))
    if not data.ratings and legacy_rating is not None:
        data.ratings.append(Rating("default", legacy_rating, leading_int(node_text(root.find("votes"))), default=True))

    data.genres = node_texts(root, "genre", split=True)
    data.studios = node_texts(root, "studio", split=True)
    data.countries = node_texts(root, "country", split=True)
    data.directors = node_texts(root, "director", split=True)
    data.credits = node_texts(root, "credits", split=True)
    data.actors = read_actors(root)
    set_node = root.find("set")
    data.set_name = (
        node_text(set_node.find("name"))
        if set_node is not None and set_node.find("name") is not None
        else (node_text(set_node))
    )
    return data


def read_nfo_text(path: Path, max_bytes: int = MAX_NFO_BYTES) -> str:
    """The decoded text of an NFO without its XML declaration; NfoError when unreadable, too large or empty."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise NfoError(f"NFO {path} cannot be read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        size = path.stat().st_size
        raise NfoError(f"NFO {path} is too large ({size:,} bytes; limit {max_bytes:,})")
    if not raw.strip():
        raise NfoError(f"NFO {path} is empty")
    return _DECLARATION_TEXT_RE.sub("", _decode(raw, path), count=1)


def parse_nfo_xml(text: str, path: Path, recover: Callable[[], NfoData | None] | None = None) -> Element:
    """The root element; entities are refused. recover supplies what invalid XML still yields (its ids)."""
    try:
        return fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise NfoError(f"NFO {path} uses XML entities, which are not allowed") from None
    except (ParseError, RecursionError, ValueError) as exc:
        recovered = recover() if recover is not None else None
        raise NfoError(f"NFO {path} is not valid XML: {exc}", recovered=recovered) from None


def parse_nfo(path: Path, *, max_bytes: int = MAX_NFO_BYTES) -> NfoData:
    text = read_nfo_text(path, max_bytes)
    if not text.lstrip().startswith("<"):
        recovered = _ids_in(text, path)
        if recovered is None:
            raise NfoError(f"NFO {path} is not valid XML and holds no IMDb or TMDB id")
        recovered.url_only = True
        return recovered

    closing = _CLOSING_RE.search(text)
    xml_text, junk = (text[: closing.end()], text[closing.end() :]) if closing else (text, "")
    root = parse_nfo_xml(xml_text, path, lambda: _ids_in(text, path))
    if root.tag != "movie":
        recovered = _ids_in(text, path)
        raise NfoError(f"NFO {path} has the root element <{root.tag}>, expected <movie>", recovered=recovered)
    data = _movie(root, path)
    if junk.strip():
        extra = _ids_in(junk, path)
        if extra:
            data.imdb_id = data.imdb_id or extra.imdb_id
            data.tmdb_id = data.tmdb_id or extra.tmdb_id
    return data
