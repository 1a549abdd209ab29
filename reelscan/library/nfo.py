"""Movie NFO files, parsed as the hostile input they are (defusedxml: no entities, no network).

Handles the declared encoding and BOMs (UTF-8, UTF-16, Latin-1, Windows-1252), junk after the closing tag,
URL-only files, and recovers IMDb/TMDB ids from files that are not valid XML. Reads the dialects media managers
write: Kodi 14-16 (<id>, <rating>, <set> as text, <uniqueid> without a type) and 17+ (<uniqueid type>, <ratings>,
<set><name>), Emby/Jellyfin (<tmdbid>, <imdbid>, <releasedate>, <writer>), MediaPortal (<imdb>, <genres><genre>)
and tinyMediaManager (<ids><entry>). Tag names are matched case-insensitively (<tmdbId>, <TMDBID>). A plain-text
scene .nfo (release notes, no XML) is not an NFO: NotAnNfo, with any ids its URLs give.
"""

from __future__ import annotations

import codecs
import datetime
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_FIELD = 20_000
MAX_NFO_BYTES = 5 * 1024 * 1024
_IMDB_RE = re.compile(r"\b(tt\d{7,8})\b")
_TMDB_URL_RE = re.compile(r"themoviedb\.org/(?:[a-z]{2}(?:-[A-Z]{2})?/)?movie/(\d+)", re.IGNORECASE)
_TMDB_TAG_RE = re.compile(r"<uniqueid[^>]*type=[\"']tmdb[\"'][^>]*>\s*(\d+)\s*<|<tmdbid>\s*(\d+)\s*<", re.IGNORECASE)
_DECLARATION_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
_DECLARATION_TEXT_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CLOSING_RE = re.compile(r"</movie\s*>", re.IGNORECASE)
_ISO_DATE_RE = re.compile(r"^\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_DMY_DATE_RE = re.compile(r"^\s*(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?!\d)")
_YEAR_ONLY_RE = re.compile(r"^\s*(\d{4})\s*$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janvier", "januar", "enero"),
            ("feb", "february", "fevrier", "février", "februar", "febrero"),
            ("mar", "march", "mars", "märz", "marz", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "juni", "junio"),
            ("jul", "july", "juillet", "juli", "julio"),
            ("aug", "august", "août", "aout", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "oktober", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "décembre", "decembre", "dezember", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
_WORDS_DATE_RE = re.compile(r"^\s*(?:(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})|([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4}))")
# Legacy id tags, in the order they are tried for each kind: Kodi's <id>, Emby's <imdbid>/<tmdbid>, MediaPortal's
# <imdb>. Kodi's <id> held the IMDb id, or the TMDB number with the TMDB scraper.
_MOVIE_LEGACY_IDS = (
    ("imdbid", "imdb"),
    ("imdb_id", "imdb"),
    ("imdb", "imdb"),
    ("tmdbid", "tmdb"),
    ("tmdb_id", "tmdb"),
    ("tmdb", "tmdb"),
    ("id", "imdb"),
    ("id", "tmdb"),
)
_ANY_RE = re.compile(r".+", re.DOTALL)
_FLOAT_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*\d+(?:[.,]\d+)?)?\s*$")
_HOURS_MINUTES_RE = re.compile(
    r"^\s*(?:pt)?\s*(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?)?)?)?\s*$", re.I
)
_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$")
_DIGITS_RE = re.compile(r"\d+")
_LEGACY_ID_SHAPES = {"imdb": _IMDB_RE, "tvdb": _DIGITS_RE, "tmdb": _DIGITS_RE}
# Lists written in one tag: "Action / Drama", "Action, Drama", "Action/Drama", "Action | Drama".
_LIST_SPLIT_RE = re.compile(r"\s*(?:/|,|\||;)\s*")
_NAME_SPLIT_RE = re.compile(r"\s+/\s+|\s*[,;|]\s*")
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_VALUE_STRIP = " \t\r\n,;/|"
# Id types as media managers spell them, in one vocabulary: "imdb", "tmdb", "tvdb" (others kept lower-case).
_ID_TYPE_ALIASES = {
    "themoviedb": "tmdb",
    "moviedb": "tmdb",
    "tmdbid": "tmdb",
    "thetvdb": "tvdb",
    "tvdbid": "tvdb",
    "imdbid": "imdb",
    "imdb_id": "imdb",
    "tmdb_id": "tmdb",
    "tvdb_id": "tvdb",
}
# Tags whose text may be a provider URL ("<id>https://www.imdb.com/title/tt0133093/</id>", "<url>...</url>").
_URL_ID_TAGS = ("id", "url", "website", "homepage", "imdb", "tmdb")


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
    set_name: str | None = None  # the first of sets
    sets: list[str] = field(default_factory=list)
    url_only: bool = False


class NfoError(Exception):
    """An NFO that cannot be used. The message names the file; `recovered` holds any ids found in its text."""

    def __init__(self, message: str, recovered: NfoData | None = None) -> None:
        super().__init__(message)
        self.recovered = recovered


class NotAnNfo(NfoError):
    """A text file with the .nfo extension that is no media manager's NFO (a scene release's notes): a notice for
    the user, not an error of the folder."""


def find_nfo(directory: Path, video_stems: Sequence[str], listed: Iterable[str] | None = None) -> Path | None:
    """<video>.nfo (Kodi's recommended name), then movie.nfo, then VIDEO_TS/VIDEO_TS.nfo; case-insensitive.

    listed: the names of the directory's entries when the caller has just listed it (else it is listed here)."""
    try:
        paths = directory.iterdir() if listed is None else (directory / name for name in listed if _nfo_named(name))
        names = {p.name.lower(): p for p in paths if p.suffix.lower() == ".nfo"}
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


def _nfo_named(name: str) -> bool:
    return name[-4:].lower() == ".nfo"


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


def lower_tags(root: Element) -> Element:
    """The tree with every tag and attribute name in lower case, so <tmdbId>, <TMDBID>, <Title> and Type="imdb" read
    as Kodi's names."""
    for node in root.iter():
        if isinstance(node.tag, str):
            node.tag = node.tag.lower()
        if node.attrib and any(not key.islower() for key in node.attrib):
            node.attrib = {key.lower(): value for key, value in node.attrib.items()}
    return root


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
    """A number as NFOs write one: "8.7", "8,7", "8.7/10", " 8.7 "; None otherwise."""
    match = _FLOAT_RE.match(value) if value else None
    return float(match.group(1).replace(",", ".")) if match else None


def runtime_minutes(value: str | None) -> int | None:
    """Minutes from the runtime shapes NFOs hold: "136", "136 min", "2h 16min", "2:16:00", "PT2H16M"."""
    if not value:
        return None
    match = _HOURS_MINUTES_RE.match(value)
    if match and (match.group(1) or match.group(2)):
        return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    match = _CLOCK_RE.match(value)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    return leading_int(value)


def _split_names(text: str) -> list[str]:
    """People written in one tag: "A / B", "A, B"; "Robert Downey, Jr." stays one name."""
    parts: list[str] = []
    for part in _NAME_SPLIT_RE.split(text):
        if parts and part.lower() in _NAME_SUFFIXES:
            parts[-1] = f"{parts[-1]}, {part}"
        else:
            parts.append(part)
    return parts


def node_texts(
    root: Element, tag: str, split: bool = False, *, names: bool = False, also: tuple[str, ...] = ()
) -> list[str]:
    """The texts of every <tag> (and <tags><tag>, MediaPortal's lists; and the also tags), trimmed of trailing
    commas and spaces. split: one tag may hold several values ("Action / Drama", "Action, Drama"); names: the
    values are people, split only on " / " and commas."""
    values: list[str] = []
    for path in (tag, f"{tag}s/{tag}", *also):
        for node in root.findall(path):
            text = node_text(node)
            if not text:
                continue
            parts = (_split_names(text) if names else _LIST_SPLIT_RE.split(text)) if split else [text]
            for part in parts:
                value = part.strip(_VALUE_STRIP)
                if value and value not in values:
                    values.append(value)
    return values


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_date(value: str | None) -> str | None:
    """ "YYYY-MM-DD" from the date shapes NFOs hold: "2009-08-19" (with a time after it), "2009/08/19", "19-08-2009",
    "19.08.2009", "08/19/2009" (month first when the day says so, or with slashes), "19 August 2009", "August 19,
    2009"; None otherwise (a year alone is not a date)."""
    if not value:
        return None
    match = _ISO_DATE_RE.match(value)
    if match:
        return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DMY_DATE_RE.match(value)
    if match:
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        month_first = second > 12 or (match.group(2) == "/" and first <= 12)
        return _date(year, first, second) if month_first else _date(year, second, first)
    match = _WORDS_DATE_RE.match(value)
    if match:
        day_text, month_name, year_text = (
            (match.group(1), match.group(2), match.group(3))
            if match.group(1)
            else (match.group(5), match.group(4), match.group(6))
        )
        month = _MONTHS.get(month_name.lower())
        return _date(int(year_text), month, int(day_text)) if month else None
    return None


def read_premiered(root: Element, *tags: str) -> tuple[str | None, int | None]:
    """(first date among tags, year): the <year> tag when plausible, else the date's year (or a year-only date)."""
    texts = [text for text in (node_text(root.find(tag)) for tag in tags) if text]
    premiered = next((date for date in map(iso_date, texts) if date), None)
    year = leading_int(node_text(root.find("year")))
    if year and 1870 <= year <= 2200:
        return premiered, year
    if premiered:
        return premiered, int(premiered[:4])
    year_only = next((int(m.group(1)) for m in map(_YEAR_ONLY_RE.match, texts) if m), None)
    return None, year_only if year_only and 1870 <= year_only <= 2200 else None


def _inferred_kind(value: str, numeric_kind: str) -> str | None:
    """The provider of an id written without a type (Kodi 16 and older): "tt..." is IMDb, a number is the file
    kind's default provider (TMDB for movies, TVDB for series and episodes)."""
    if _IMDB_RE.fullmatch(value):
        return "imdb"
    if _DIGITS_RE.fullmatch(value):
        return numeric_kind
    return None


def read_unique_ids(root: Element, legacy: Sequence[tuple[str, str]], numeric_kind: str = "tmdb") -> dict[str, str]:
    """<uniqueid type="..."> values by lower-case type (typeless ones by their shape, the default one first), then
    tinyMediaManager's <ids>, then (tag, type) legacy tags for types still missing.

    Legacy values must look like their type (IMDb "tt..." ids; TMDB and TVDB numbers), since Kodi's <id> held either.
    """
    ids: dict[str, str] = {}
    typeless: list[tuple[bool, str]] = []
    for node in root.findall("uniqueid"):
        kind, value = id_type(node.get("type") or ""), node_text(node)
        if not value or value == "0":
            continue
        if kind and (kind not in ("unknown", "default") or _inferred_kind(value, "") is None):
            ids.setdefault(kind, value)
        else:
            typeless.append(((node.get("default") or "").strip().lower() != "true", value))
    for _, value in sorted(typeless, key=lambda item: item[0]):
        inferred = _inferred_kind(value, numeric_kind)
        if inferred is not None:
            ids.setdefault(inferred, value)
    for entry in root.findall("ids/entry"):
        key, value = node_text(entry.find("key")), node_text(entry.find("value"))
        if key and value and value != "0":
            ids.setdefault(id_type(key), value)
    for node in root.findall("ids/*"):
        value = node_text(node)
        if node.tag != "entry" and value and value != "0":
            ids.setdefault(id_type(str(node.tag).removesuffix("id").rstrip("_")), value)
    for tag, kind in legacy:
        for node in root.findall(tag):
            value = node_text(node)
            if value and value != "0" and kind not in ids and _LEGACY_ID_SHAPES.get(kind, _ANY_RE).fullmatch(value):
                ids[kind] = value
    return ids


def id_type(kind: str) -> str:
    """An id type in the one vocabulary ("TheMovieDb" -> "tmdb", "IMDB" -> "imdb"); others lower-case."""
    lowered = kind.strip().lower()
    return _ID_TYPE_ALIASES.get(lowered, lowered)


def ids_from_urls(root: Element, data: NfoData, path: Path) -> None:
    """IMDb and TMDB ids from provider URLs in id and link tags, for the ids the tags did not give."""
    if data.imdb_id and data.tmdb_id:
        return
    texts = [text for tag in _URL_ID_TAGS for node in root.findall(tag) if (text := node_text(node)) and "/" in text]
    found = _ids_in("\n".join(texts), path) if texts else None
    if found is not None:
        data.imdb_id = data.imdb_id or found.imdb_id
        data.tmdb_id = data.tmdb_id or found.tmdb_id
        if data.imdb_id:
            data.unique_ids.setdefault("imdb", data.imdb_id)
        if data.tmdb_id:
            data.unique_ids.setdefault("tmdb", str(data.tmdb_id))


def imdb_id(unique_ids: dict[str, str]) -> str | None:
    imdb = unique_ids.get("imdb")
    return imdb if imdb and _IMDB_RE.fullmatch(imdb) else None


def numeric_id(value: str | None) -> int | None:
    """A positive provider id written as a plain number ("603"), else None."""
    number = leading_int(value)
    return number if number and str(number) == value else None


def clean_name(value: str | None) -> str | None:
    """A name without the trailing commas and spaces some media managers leave."""
    cleaned = value.strip(_VALUE_STRIP) if value else None
    return cleaned or None


def read_actors(root: Element) -> list[Actor]:
    """<actor> entries with a name (or MediaPortal's <actors><actor>); the order defaults to the position in the file.
    Emby's <type> tells actors from guest stars and directors: only actors and guest stars are kept."""
    actors: list[Actor] = []
    for node in [*root.findall("actor"), *root.findall("actors/actor")]:
        name = clean_name(node_text(node.find("name")) if node.find("name") is not None else node_text(node))
        kind = (node_text(node.find("type")) or "actor").lower()
        if name and kind in ("actor", "gueststar", "guest star"):
            order = leading_int(node_text(node.find("order")))
            role = clean_name(node_text(node.find("role")))
            actors.append(Actor(name, role, len(actors) if order is None else order))
    return actors


def _movie(root: Element, path: Path) -> NfoData:
    data = NfoData(path=str(path))
    data.title = clean_name(node_text(root.find("title")) or node_text(root.find("localtitle")))  # Emby: <localtitle>
    data.original_title = clean_name(node_text(root.find("originaltitle")))
    data.sort_title = clean_name(node_text(root.find("sorttitle")))
    data.plot = node_text(root.find("plot"))
    data.outline = node_text(root.find("outline"))
    data.tagline = node_text(root.find("tagline"))
    data.runtime = runtime_minutes(node_text(root.find("runtime"))) or _stream_minutes(root)
    data.mpaa = node_text(root.find("mpaa")) or node_text(root.find("certification"))
    data.premiered, data.year = read_premiered(root, "premiered", "releasedate", "release_date", "aired")

    data.unique_ids = read_unique_ids(root, _MOVIE_LEGACY_IDS)
    data.imdb_id = imdb_id(data.unique_ids)
    data.tmdb_id = numeric_id(data.unique_ids.get("tmdb"))
    ids_from_urls(root, data, path)

    data.ratings = read_ratings(root)

    critic = _float(node_text(root.find("criticrating")))  # Emby: the critics' score out of 100
    if critic is not None and not any(r.name == "tomatometerallcritics" for r in data.ratings):
        data.ratings.append(Rating("tomatometerallcritics", critic, max=100.0))

    data.genres = node_texts(root, "genre", split=True)
    data.studios = node_texts(root, "studio", split=True)
    data.countries = node_texts(root, "country", split=True)
    data.directors = node_texts(root, "director", split=True, names=True)
    data.credits = node_texts(root, "credits", split=True, names=True, also=("writer",))
    data.actors = read_actors(root)
    for set_node in root.findall("set"):
        named = set_node.find("name")
        name = clean_name(node_text(named) if named is not None else node_text(set_node))
        if name and name not in data.sets:
            data.sets.append(name)
    data.set_name = data.sets[0] if data.sets else None
    return data


def read_ratings(root: Element) -> list[Rating]:
    """Kodi 17+'s <ratings><rating name=...>, and the old single <rating> (with <votes>) beside them: it may be the
    only one of its kind."""
    ratings: list[Rating] = []
    for node in root.findall("ratings/rating"):
        rating = _float(node_text(node.find("value")))
        if rating is not None:
            ratings.append(
                Rating(
                    name=(node.get("name") or "default").strip(),
                    value=rating,
                    votes=leading_int(node_text(node.find("votes"))),
                    max=_float(node.get("max")),
                    default=(node.get("default") or "").lower() == "true",
                )
            )
    legacy = root.find("rating")
    legacy_rating = _float(node_text(legacy)) if legacy is not None and len(legacy) == 0 else None
    if legacy_rating is not None and all(r.value != legacy_rating for r in ratings):
        # The old <rating> beside <ratings> is kept: it may be the only one of its kind.
        ratings.append(
            Rating(
                "default",
                legacy_rating,
                leading_int(node_text(root.find("votes"))),
                default=not any(r.default for r in ratings),
            )
        )
    return ratings


def _stream_minutes(root: Element) -> int | None:
    """The video stream's duration in an NFO without <runtime> (<fileinfo><streamdetails><video>
    <durationinseconds>), in whole minutes."""
    seconds = leading_int(node_text(root.find("fileinfo/streamdetails/video/durationinseconds")))
    return round(seconds / 60) if seconds else None


def read_nfo_text(path: Path, max_bytes: int = MAX_NFO_BYTES) -> str:
    """The decoded text of an NFO without its XML declaration; NfoError when unreadable, too large or empty."""
    try:
        with path.open("rb") as handle:
            # A read of the file's size (plus one), not of the limit: a buffer of the limit costs more than reading
            # a small NFO. More is read, up to the limit, if the file grew since its size was taken.
            expected = os.fstat(handle.fileno()).st_size
            raw = handle.read(min(expected, max_bytes) + 1)
            if expected < len(raw) <= max_bytes:
                raw += handle.read(max_bytes + 1 - len(raw))
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
        return lower_tags(fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True))
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
            raise NotAnNfo(f"NFO {path} is not valid XML and holds no IMDb or TMDB id (release notes?); not read")
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
