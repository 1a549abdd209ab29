"""Kodi TV NFO files: tvshow.nfo (the series) and <episode>.nfo (one or more <episodedetails>).

Read with the movie NFO's safeguards (size limit, encodings, defusedxml without entities). A multi-episode file
holds several <episodedetails> roots, which is not well-formed XML: it is parsed inside a wrapper element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from reelscan.library.nfo import (
    MAX_NFO_BYTES,
    Actor,
    NfoError,
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
    read_unique_ids,
)

# Kodi's <id> held the TVDB id of shows and episodes; IMDb ids are told apart by their "tt".
_TV_LEGACY_IDS = (
    ("imdbid", "imdb"),
    ("imdb_id", "imdb"),
    ("tmdbid", "tmdb"),
    ("tvdbid", "tvdb"),
    ("id", "imdb"),
    ("id", "tvdb"),
)
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
    plot: str | None = None
    premiered: str | None = None  # "YYYY-MM-DD"
    year: int | None = None
    studios: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
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


def _ids(root: Element) -> ProviderIds:
    unique = read_unique_ids(root, _TV_LEGACY_IDS)
    return ProviderIds(imdb_id(unique), numeric_id(unique.get("tmdb")), numeric_id(unique.get("tvdb")), unique)


def _without_trailing_junk(text: str, tag: str) -> str:
    """The text up to the last closing tag: release groups append banners after the XML."""
    closing = text.lower().rfind(f"</{tag}")
    end = text.find(">", closing) if closing >= 0 else -1
    return text[: end + 1] if end >= 0 else text


def _xml_text(path: Path, tag: str, max_bytes: int) -> str:
    text = read_nfo_text(path, max_bytes)
    if not text.lstrip().startswith("<"):
        raise NfoError(f"NFO {path} is not valid XML")
    return _without_trailing_junk(text, tag)


def _wrong_root(path: Path, found: str, expected: str) -> NfoError:
    return NfoError(f"NFO {path} has the root element <{found}>, expected <{expected}>")


def parse_tvshow_nfo(path: Path, *, max_bytes: int = MAX_NFO_BYTES) -> SeriesNfo:
    """The series of a tvshow.nfo; NfoError names the file when it cannot be used."""
    root = parse_nfo_xml(_xml_text(path, "tvshow", max_bytes), path)
    if root.tag != "tvshow":
        raise _wrong_root(path, root.tag, "tvshow")
    premiered, year = read_premiered(root, "premiered", "aired")
    return SeriesNfo(
        path=str(path),
        title=node_text(root.find("title")),
        original_title=node_text(root.find("originaltitle")),
        plot=node_text(root.find("plot")),
        premiered=premiered,
        year=year,
        studios=node_texts(root, "studio", split=True),
        genres=node_texts(root, "genre", split=True),
        actors=read_actors(root),
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
                title=node_text(root.find("title")),
                season=leading_int(node_text(root.find("season"))),
                episode=leading_int(node_text(root.find("episode"))),
                aired=iso_date(node_text(root.find("aired"))),
                plot=node_text(root.find("plot")),
                ids=_ids(root),
            )
        )
    if not episodes:
        raise NfoError(f"NFO {path} holds no <episodedetails>")
    return episodes
