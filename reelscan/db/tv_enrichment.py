"""Database side of phase 4 for TV libraries: series to enrich, stored provider answers, series and episode
metadata with locks, series and season artwork candidates, and their selection.

The rules are the movie ones (reelscan.db.enrichment): a provider value never overwrites a locked field, provider
artwork becomes asset candidates keyed by their owner (a series or a season), local files become candidates too,
and selection (reelscan.selection) chooses per artwork type unless the choice is locked. Every write is keyed by
natural keys, so running any of these twice changes nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelscan.db import enrichment
from reelscan.db.enrichment import Owner
from reelscan.db.models import (
    SEASON_ARTWORK_TYPES,
    SERIES_ARTWORK_TYPES,
    AssetCandidate,
    Episode,
    Season,
    Series,
    TvAsset,
)
from reelscan.providers.tmdb import ImageCandidate, VideoCandidate, merge_unique_ids
from reelscan.providers.tmdb_tv import EpisodeMetadata, SeriesMetadata


def series_enrichment_page(
    session: Session, scan_job_id: int, library_id: int, after_series_id: int, limit: int
) -> tuple[list[Series], int]:
    """A page (by id) of the series this scan found and did not mark missing, and how many there are in all."""
    rows, total = enrichment.enrichment_page(session, Series, scan_job_id, library_id, after_series_id, limit)
    return rows, total


# --- provider answers and metadata -------------------------------------------------------------------------------


def _series_owner(series_id: int) -> Owner:
    return {"series_id": series_id}


def store_series_details(session: Session, series_id: int, tmdb_id: int, payload: dict[str, Any]) -> None:
    """The one tv_details answer per series, so artwork and metadata both use it."""
    enrichment.store_details_of(session, Series, series_id, _series_owner(series_id), tmdb_id, payload)


def series_title_and_year(session: Session, series_id: int) -> tuple[str, int | None]:
    """The series' title and first-air year."""
    return enrichment.title_and_year_of(session, Series, series_id)


def series_provider_id(session: Session, series_id: int) -> int | None:
    """The TMDB id the series' stored details are of."""
    series = session.get(Series, series_id)
    return series.tmdb_id if series is not None else None


def series_details(session: Session, series_id: int) -> dict[str, Any] | None:
    return enrichment.stored_details(session, _series_owner(series_id))


def local_season_numbers(session: Session, series_id: int) -> list[int]:
    """The seasons found on disk (season folders, season images or episode numbers), in order."""
    return list(session.scalars(select(Season.number).where(Season.series_id == series_id).order_by(Season.number)))


def seasons_to_fetch(session: Session, series_id: int, meta: SeriesMetadata) -> list[int]:
    """Seasons on disk that the provider lists too: only these are worth a season call."""
    return [number for number in local_season_numbers(session, series_id) if number in meta.seasons]


def apply_series_metadata(session: Session, series_id: int, meta: SeriesMetadata, match: str) -> list[str]:
    """Update the series from the provider, never touching a locked field; the series is then "enriched". Studios
    are the networks first, then the production companies. Returns the fields changed."""
    series = session.get(Series, series_id)
    if series is None:
        return []
    values: dict[str, Any] = {
        "title": meta.title,
        "original_title": meta.original_title,
        "plot": meta.overview,
        "premiered": meta.first_air_date,
        "year": meta.year,
        "genres": meta.genres,
        "studios": list(dict.fromkeys([*meta.networks, *meta.studios])),
        "actors": meta.cast,
    }
    changed = enrichment.apply_values(series, values)
    if meta.imdb_id and not series.imdb_id:
        series.imdb_id = meta.imdb_id
    if meta.tvdb_id and not series.tvdb_id:
        series.tvdb_id = meta.tvdb_id
    series.unique_ids = merge_unique_ids(series.unique_ids, meta.external_ids, meta.tmdb_id)
    series.tmdb_id = meta.tmdb_id
    enrichment.mark_enriched(series, match)
    return changed


def mark_series_outcome(session: Session, series_id: int, state: str, reason: str) -> None:
    """unmatched or enrichment_failed, with the reason for people."""
    session.execute(update(Series).where(Series.id == series_id).values(state=state, enrichment_error=reason[:2000]))


@dataclass(frozen=True)
class SeasonApplied:
    season_id: int | None  # None when the series has no such season on disk
    episodes_matched: int
    fields_changed: int


def apply_season(
    session: Session,
    series_id: int,
    season_number: int,
    episodes: Sequence[EpisodeMetadata],
    *,
    title: str | None = None,
    plot: str | None = None,
) -> SeasonApplied:
    """Fill the title, air date and plot of the series' episodes from a season answer, matched by season and
    episode number (each row of a multi-episode file by its own number), and the season's title and plot; never a
    locked field. Episodes without a number (air-date or absolute files) are left as they are."""
    season = session.scalars(
        select(Season).where(Season.series_id == series_id, Season.number == season_number)
    ).one_or_none()
    changed = len(enrichment.apply_values(season, {"title": title, "plot": plot})) if season else 0
    by_number = {e.episode: e for e in episodes if e.season == season_number}
    rows = session.scalars(
        select(Episode).where(
            Episode.series_id == series_id,
            Episode.season_number == season_number,
            Episode.episode_number.in_(list(by_number)),
        )
    )
    matched = 0
    for row in rows:
        found = by_number[row.episode_number or 0]
        matched += 1
        changed += len(
            enrichment.apply_values(row, {"title": found.title, "air_date": found.air_date, "plot": found.overview})
        )
        if found.tmdb_id is not None:
            row.unique_ids = {**(row.unique_ids or {}), "tmdb": str(found.tmdb_id)}
    return SeasonApplied(season.id if season else None, matched, changed)


# --- artwork ---------------------------------------------------------------------------------------------------


def store_series_artwork(
    session: Session,
    series_id: int,
    images: Sequence[ImageCandidate],
    trailers: Sequence[VideoCandidate],
    image_base_url: str | None,
) -> list[AssetCandidate]:
    """Provider posters, fanart, clearlogos (and trailers, as YouTube candidates) of a series."""
    return enrichment.upsert_candidates(session, _series_owner(series_id), images, trailers, image_base_url)


def store_season_artwork(
    session: Session, season_id: int, images: Sequence[ImageCandidate], image_base_url: str | None
) -> list[AssetCandidate]:
    """Provider posters of a season."""
    return enrichment.upsert_candidates(session, {"season_id": season_id}, images, [], image_base_url)


def _season_ids(session: Session, series_id: int) -> list[int]:
    return list(session.scalars(select(Season.id).where(Season.series_id == series_id).order_by(Season.number)))


def artwork_owners(session: Session, series_id: int) -> list[Owner]:
    """The series, then each of its seasons: every owner of the series' artwork candidates."""
    return [_series_owner(series_id), *({"season_id": i} for i in _season_ids(session, series_id))]


def series_downloads(
    session: Session, series_id: int, *, preferred_language: str, keep: dict[str, int]
) -> list[tuple[int, str]]:
    """(id, url) of the provider images of the series and of each season worth downloading, per owner as for movies."""
    wanted: list[tuple[int, str]] = []
    for owner in artwork_owners(session, series_id):
        rows = list(
            session.scalars(
                select(AssetCandidate).where(
                    *enrichment.owned_by(AssetCandidate, owner), AssetCandidate.source == "tmdb"
                )
            )
        )
        wanted += enrichment.downloads_wanted(rows, preferred_language=preferred_language, keep=keep)
    return wanted


def sync_local_series_candidates(session: Session, series_id: int) -> None:
    """The series folder's own artwork and trailers, and each season's images, become candidates of their owner."""
    assets = list(session.scalars(select(TvAsset).where(TvAsset.series_id == series_id, TvAsset.episode_id.is_(None))))
    series_local = [(a.asset_type, a) for a in assets if a.season_id is None and a.asset_type in SERIES_ARTWORK_TYPES]
    enrichment.sync_local(session, _series_owner(series_id), series_local)
    for season_id in _season_ids(session, series_id):
        season_local = [
            (a.asset_type, a) for a in assets if a.season_id == season_id and a.asset_type in SEASON_ARTWORK_TYPES
        ]
        enrichment.sync_local(session, {"season_id": season_id}, season_local)


def select_series_artwork(
    session: Session, series_id: int, *, preferred_language: str, local_first: bool, keep: dict[str, int]
) -> dict[str, int]:
    """Local files become candidates, then the series' and each season's artwork is chosen (local first when asked)
    unless the choice is locked. Returns the choices: "poster" for the series, "season 1 poster" for a season."""
    series = session.get(Series, series_id)
    if series is None:
        return {}
    sync_local_series_candidates(session, series_id)
    options: dict[str, Any] = {"preferred_language": preferred_language, "local_first": local_first, "keep": keep}
    chosen = enrichment.select_for(session, series, _series_owner(series_id), SERIES_ARTWORK_TYPES, **options)
    for season in session.scalars(select(Season).where(Season.series_id == series_id).order_by(Season.number)):
        picked = enrichment.select_for(session, season, {"season_id": season.id}, SEASON_ARTWORK_TYPES, **options)
        chosen.update({f"season {season.number} {kind}": value for kind, value in picked.items()})
    return chosen
