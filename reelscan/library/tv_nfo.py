"""TV NFO files: tvshow.nfo (the series), season.nfo (a season) and <episode>.nfo (one or more <episodedetails>).

Read with the movie NFO's safeguards (size limit, encodings, defusedxml without entities) and dialects (tag names in
any case, typeless Kodi 16 <uniqueid> values, Emby and tinyMediaManager id tags). A multi-episode file holds several
<episodedetails> roots, which is not well-formed XML: it is parsed inside a wrapper element. A tvshow.nfo that is
only a TVDB, TMDB or IMDb URL gives the series' ids; a plain-text file without one is NotAnNfo.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from reelscan.library.nfo import (
    MAX_NFO_BYTES,
    Actor,
    NfoError,
    NotAnNfo,
    Rating,
    clean_name,
    imdb_id,
    iso_date,
    leading_int,
    node_text,
    node_texts,
    numeric_id,
    parse_nfo_xml,
    read_actors,
    read_nfo_text,
    read_premiered,
    read_ratings,
    read_unique_ids,
    runtime_minutes,
)

# Kodi's <id> held the TVDB id of shows and episodes; IMDb ids are told apart by their "tt".
_TV_LEGACY_IDS = (
    ("imdbid", "imdb"),
    ("imdb_id", "imdb"),
    ("tmdbid", "tmdb"),
    ("tvdbid", "tvdb"),
    ("imdb", "imdb"),
    ("tvdb", "tvdb"),
    ("tmdb", "tmdb"),
    ("id", "imdb"),
    ("id", "tvdb"),
)
_TV_IMDB_RE = re.compile(r"\b(tt\d{7,8})\b")
_TVDB_URL_RE = re.compile(
    r"thetvdb\.com/(?:\?[^\s]*?\bid=|[^\s]*?[?&](?:series)?id=|(?:dereferrer/)?series/|api/\w+/series/)(\d+)",
    re.IGNORECASE,
)
_TMDB_TV_URL_RE = re.compile(r"themoviedb\.org/(?:[a-z]{2}(?:-[A-Z]{2})?/)?tv/(\d+)", re.IGNORECASE)
_EPISODE_OPEN_RE = re.compile(r"<episodedetails[\s>/]", re.IGNORECASE)
_DOCTYPE_RE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_WRAPPER = "episodes"


@dataclass(frozen=True)
class ProviderIds:
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    unique_ids: dict[str, str] = field(default_factory=dict)  # every <uniqueid> by lower-case type, as written


@dataclass
class SeriesNfo:
    path: str
    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    plot: str | None = None
    premiered: str | None = None  # "YYYY-MM-DD"
    year: int | None = None
    mpaa: str | None = None
    status: str | None = None  # "Continuing", "Ended"
    ratings: list[Rating] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    ids: ProviderIds = field(default_factory=ProviderIds)
    url_only: bool = False  # the file held only provider URLs
    season_names: dict[int, str] = field(default_factory=dict)  # Kodi's <namedseason number="1">


@dataclass
class SeasonNfo:
    path: str
    season: int | None = None  # <seasonnumber>
    title: str | None = None
    plot: str | None = None
    premiered: str | None = None
    ids: ProviderIds = field(default_factory=ProviderIds)


@dataclass
class EpisodeNfo:
    path: str
    title: str | None = None
    season: int | None = None
    episode: int | None = None
    aired: str | None = None  # "YYYY-MM-DD"
    plot: str | None = None
    ids: ProviderIds = field(default_factory=ProviderIds)
    runtime: int | None = None  # minutes
    ratings: list[Rating] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)  # guest stars


def _ids(root: Element) -> ProviderIds:
    unique = read_unique_ids(root, _TV_LEGACY_IDS, numeric_kind="tvdb")
    return ProviderIds(imdb_id(unique), numeric_id(unique.get("tmdb")), numeric_id(unique.get("tvdb")), unique)


def url_ids(text: str) -> ProviderIds | None:
    """The series ids the TVDB, TMDB and IMDb URLs in a text give, or None when it holds none."""
    unique: dict[str, str] = {}
    for kind, pattern in (("tvdb", _TVDB_URL_RE), ("tmdb", _TMDB_TV_URL_RE), ("imdb", _TV_IMDB_RE)):
        match = pattern.search(text)
        if match:
            unique[kind] = match.group(1)
    if not unique:
        return None
    return ProviderIds(imdb_id(unique), numeric_id(unique.get("tmdb")), numeric_id(unique.get("tvdb")), unique)


def _merged(ids: ProviderIds, extra: ProviderIds | None) -> ProviderIds:
    if extra is None:
        return ids
    unique = {**extra.unique_ids, **ids.unique_ids}
    return ProviderIds(ids.imdb_id or extra.imdb_id, ids.tmdb_id or extra.tmdb_id, ids.tvdb_id or extra.tvdb_id, unique)


def _without_trailing_junk(text: str, tag: str) -> str:
    """The text up to the last closing tag: release groups append banners after the XML."""
    closing = text.lower().rfind(f"</{tag}")
    end = text.find(">", closing) if closing >= 0 else -1
    return text[: end + 1] if end >= 0 else text


def _xml_text(path: Path, tag: str, max_bytes: int) -> str:
    text = read_nfo_text(path, max_bytes)
    if not text.lstrip().startswith("<"):
        raise NotAnNfo(f"NFO {path} is not valid XML (release notes?); not read")
    return _without_trailing_junk(text, tag)


def _wrong_root(path: Path, found: str, expected: str) -> NfoError:
    return NfoError(f"NFO {path} has the root element <{found}>, expected <{expected}>")


def parse_tvshow_nfo(path: Path, *, max_bytes: int = MAX_NFO_BYTES) -> SeriesNfo:
    """The series of a tvshow.nfo; NfoError names the file when it cannot be used."""
    text = read_nfo_text(path, max_bytes)
    if not text.lstrip().startswith("<"):
        ids = url_ids(text)
        if ids is None:
            raise NotAnNfo(f"NFO {path} is not valid XML and holds no TVDB, TMDB or IMDb id (release notes?); not read")
        return SeriesNfo(path=str(path), ids=ids, url_only=True)
    xml = _without_trailing_junk(text, "tvshow")
    root = parse_nfo_xml(xml, path)
    if root.tag != "tvshow":
        raise _wrong_root(path, root.tag, "tvshow")
    premiered, year = read_premiered(root, "premiered", "aired", "releasedate")
    return SeriesNfo(
        path=str(path),
        title=clean_name(
            node_text(root.find("title")) or node_text(root.find("showtitle")) or node_text(root.find("localtitle"))
        ),
        original_title=clean_name(node_text(root.find("originaltitle"))),
        sort_title=clean_name(node_text(root.find("sorttitle"))),
        plot=node_text(root.find("plot")),
        premiered=premiered,
        year=year,
        mpaa=node_text(root.find("mpaa")) or node_text(root.find("certification")),
        status=node_text(root.find("status")),
        ratings=read_ratings(root),
        countries=node_texts(root, "country", split=True),
        studios=node_texts(root, "studio", split=True),
        genres=node_texts(root, "genre", split=True),
        actors=read_actors(root),
        ids=_merged(_merged(_ids(root), _episode_guide_ids(root)), url_ids(text[len(xml) :])),
        season_names=_season_names(root),
    )


def _episode_guide_ids(root: Element) -> ProviderIds | None:
    """Ids in <episodeguide>: Kodi 20's JSON ({"tvdb": "81189", "tmdb": "1396"}) or an older scraper URL."""
    guide = root.find("episodeguide")
    if guide is None:
        return None
    texts = [text for text in (node_text(guide), *(node_text(url) for url in guide.iter("url"))) if text]
    for text in texts:
        if text.startswith("{"):
            try:
                decoded = json.loads(text)
            except ValueError:
                continue
            if isinstance(decoded, dict):
                unique = {str(k).lower(): str(v) for k, v in decoded.items() if isinstance(v, (str, int))}
                return ProviderIds(
                    imdb_id(unique), numeric_id(unique.get("tmdb")), numeric_id(unique.get("tvdb")), unique
                )
    return url_ids(" ".join(texts))


def _season_names(root: Element) -> dict[int, str]:
    names: dict[int, str] = {}
    for node in root.findall("namedseason"):
        number, name = leading_int(node.get("number")), node_text(node)
        if number is not None and name:
            names.setdefault(number, name)
    return names


def parse_season_nfo(path: Path, *, max_bytes: int = MAX_NFO_BYTES) -> SeasonNfo:
    """The season of a season.nfo (Kodi 19+, Jellyfin): <season> with <title>, <plot>, <seasonnumber>."""
    root = parse_nfo_xml(_xml_text(path, "season", max_bytes), path)
    if root.tag != "season":
        raise _wrong_root(path, root.tag, "season")
    premiered, _ = read_premiered(root, "premiered", "aired", "releasedate")
    return SeasonNfo(
        path=str(path),
        season=leading_int(node_text(root.find("seasonnumber"))),
        title=clean_name(node_text(root.find("title"))),
        plot=node_text(root.find("plot")) or node_text(root.find("outline")),
        premiered=premiered,
        ids=_ids(root),
    )


def _episode_roots(text: str, path: Path) -> list[Element]:
    if len(_EPISODE_OPEN_RE.findall(text)) < 2:
        return [parse_nfo_xml(text, path)]
    if _DOCTYPE_RE.search(text):
        # A DTD cannot sit inside the wrapper: parse as written, so entities are refused rather than ignored.
        parse_nfo_xml(text, path)
    return list(parse_nfo_xml(f"<{_WRAPPER}>{text}</{_WRAPPER}>", path))


def parse_episode_nfo(path: Path, *, max_bytes: int = MAX_NFO_BYTES) -> list[EpisodeNfo]:
    """Every <episodedetails> of an episode NFO, in file order; NfoError names the file when it cannot be used."""
    roots = _episode_roots(_xml_text(path, "episodedetails", max_bytes), path)
    episodes: list[EpisodeNfo] = []
    for root in roots:
        if root.tag != "episodedetails":
            raise _wrong_root(path, root.tag, "episodedetails")
        episodes.append(
            EpisodeNfo(
                path=str(path),
                title=clean_name(node_text(root.find("title"))),
                season=leading_int(node_text(root.find("season"))),
                episode=leading_int(node_text(root.find("episode"))),
                aired=iso_date(node_text(root.find("aired"))) or iso_date(node_text(root.find("premiered"))),
                plot=node_text(root.find("plot")),
                ids=_ids(root),
                runtime=runtime_minutes(node_text(root.find("runtime"))),
                ratings=read_ratings(root),
                directors=node_texts(root, "director", split=True, names=True),
                credits=node_texts(root, "credits", split=True, names=True, also=("writer",)),
                actors=read_actors(root),
            )
        )
    if not episodes:
        raise NfoError(f"NFO {path} holds no <episodedetails>")
    return episodes
