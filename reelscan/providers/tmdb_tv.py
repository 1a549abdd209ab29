"""Pure functions that turn TMDB's TV answers (tv_details, tv_season) into metadata and image candidates.

The calls themselves are TmdbClient's (tv_details, tv_season, search_tv, find_tv_by_external_id); the rules for
images, cast, ratings and external ids are the movie ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reelscan.providers.tmdb.matching import release_year
from reelscan.providers.tmdb.parsing import (
    MAX_CAST,
    ImageCandidate,
    cast_list,
    external_ids,
    image_candidates,
    item_names,
    optional_text,
    rating_and_votes,
)

SEASON_IMAGE_KINDS = {"posters": "poster"}


@dataclass
class SeriesMetadata:
    """The fields of a tv_details answer that the library keeps; `seasons` maps season number to episode count."""

    tmdb_id: int
    imdb_id: str | None
    tvdb_id: int | None
    title: str | None
    original_title: str | None
    overview: str | None
    first_air_date: str | None
    year: int | None
    status: str | None
    genres: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)
    certifications: dict[str, str] = field(default_factory=dict)
    seasons: dict[int, int] = field(default_factory=dict)
    cast: list[dict[str, Any]] = field(default_factory=list)
    rating: float | None = None
    votes: int | None = None
    external_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class EpisodeMetadata:
    """One episode of a tv_season answer; `still_path` is a TMDB image path (after a base URL and size)."""

    season: int
    episode: int
    title: str | None
    air_date: str | None
    overview: str | None
    still_path: str | None
    tmdb_id: int | None = None
    runtime: int | None = None
    rating: float | None = None
    votes: int | None = None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _certifications(details: dict[str, Any]) -> dict[str, str]:
    """The first non-empty content rating per country."""
    found: dict[str, str] = {}
    for row in (details.get("content_ratings") or {}).get("results") or []:
        if not isinstance(row, dict):
            continue
        code, rating = row.get("iso_3166_1"), str(row.get("rating") or "").strip()
        if code and rating and code not in found:
            found[str(code)] = rating
    return found


def series_cast(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The cast of the whole series from the appended aggregate_credits (every season's, not only the latest's as
    in credits): the first 50 by billing order, each with the role they played in the most episodes. The credits
    cast when aggregate_credits is missing or empty."""
    rows = [c for c in (details.get("aggregate_credits") or {}).get("cast") or [] if isinstance(c, dict)]
    rows = [c for c in rows if c.get("name")]
    if not rows:
        return cast_list(details.get("credits") or {})
    cast: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        roles = [r for r in row.get("roles") or [] if isinstance(r, dict) and r.get("character")]
        main = max(roles, key=lambda r: _int(r.get("episode_count")) or 0, default=None)
        order = row.get("order")
        cast.append(
            {
                "name": str(row["name"]),
                "role": optional_text(main.get("character")) if main else None,
                "order": int(order) if isinstance(order, int | float) and not isinstance(order, bool) else index,
            }
        )
    cast.sort(key=lambda c: c["order"])
    return cast[:MAX_CAST]


def _season_counts(details: dict[str, Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for season in details.get("seasons") or []:
        number = _int(season.get("season_number")) if isinstance(season, dict) else None
        if number is not None and number >= 0:
            counts[number] = max(_int(season.get("episode_count")) or 0, 0)
    return dict(sorted(counts.items()))


def parse_series_details(details: dict[str, Any]) -> SeriesMetadata:
    """SeriesMetadata from a tv_details answer (with credits, aggregate_credits, content_ratings and external_ids
    appended). The cast is the whole series' (`series_cast`).

    Studios are the production companies; networks are listed apart. Certifications: the first non-empty content
    rating per country. Seasons: every season TMDB lists (0 for specials) with its episode count.
    """
    external = external_ids(details)
    first_air_date = optional_text(details.get("first_air_date"))
    rating, votes = rating_and_votes(details)
    return SeriesMetadata(
        tmdb_id=int(details["id"]),
        imdb_id=external.get("imdb_id"),
        tvdb_id=_int(external.get("tvdb_id")),
        title=optional_text(details.get("name")),
        original_title=optional_text(details.get("original_name")),
        overview=optional_text(details.get("overview")),
        first_air_date=first_air_date,
        year=release_year(first_air_date),
        status=optional_text(details.get("status")),
        genres=item_names(details.get("genres")),
        networks=item_names(details.get("networks")),
        studios=item_names(details.get("production_companies")),
        certifications=_certifications(details),
        seasons=_season_counts(details),
        cast=series_cast(details),
        rating=rating,
        votes=votes,
        external_ids=external,
    )


def parse_season(details: dict[str, Any]) -> list[EpisodeMetadata]:
    """The episodes of a tv_season answer, by episode number; rows without a number are left out."""
    default_season = _int(details.get("season_number"))
    episodes: list[EpisodeMetadata] = []
    for row in details.get("episodes") or []:
        if not isinstance(row, dict):
            continue
        season = _int(row.get("season_number"))
        season = default_season if season is None else season
        number = _int(row.get("episode_number"))
        if season is None or number is None:
            continue
        runtime = _int(row.get("runtime"))
        rating, votes = rating_and_votes(row)
        episodes.append(
            EpisodeMetadata(
                season=season,
                episode=number,
                title=optional_text(row.get("name")),
                air_date=optional_text(row.get("air_date")),
                overview=optional_text(row.get("overview")),
                still_path=optional_text(row.get("still_path")),
                tmdb_id=_int(row.get("id")),
                runtime=runtime if runtime else None,
                rating=rating,
                votes=votes,
            )
        )
    episodes.sort(key=lambda e: (e.season, e.episode))
    return episodes


def series_image_candidates(details: dict[str, Any]) -> list[ImageCandidate]:
    """Images appended to tv_details: posters -> poster, backdrops -> fanart, logos -> clearlogo."""
    return image_candidates(details)


def season_image_candidates(details: dict[str, Any]) -> list[ImageCandidate]:
    """Posters appended to tv_season, as "poster" candidates (the season's own poster)."""
    return image_candidates(details, SEASON_IMAGE_KINDS)
