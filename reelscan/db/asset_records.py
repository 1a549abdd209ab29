"""Asset rows and their caching: the local assets (movie, series and music artwork, trailers, subtitles) and
downloaded candidates not cached yet, marking them cached or failed, and what a batch's caching came to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, literal, select, update
from sqlalchemy.orm import Session

from reelscan.db.models import AssetCandidate, Image, MusicAsset, Subtitle, Trailer, TvAsset, utcnow

AssetRow = Image | Trailer | Subtitle | AssetCandidate | TvAsset | MusicAsset


MovieAssetModel = type[Image] | type[Trailer] | type[Subtitle]


AssetModel = MovieAssetModel | type[AssetCandidate] | type[TvAsset] | type[MusicAsset]


ASSET_MODELS: tuple[MovieAssetModel, ...] = (Image, Trailer, Subtitle)


@dataclass(frozen=True)
class PendingAsset:
    """An asset row still to cache: what the cache needs to copy it and record where it went."""

    model: AssetModel
    asset_id: int
    entity_type: str  # movie | series | season | episode: the cache folder <cache>/<entity_type>/<entity_id>/
    entity_id: int
    asset_type: str
    source_path: str  # relative to the library root (absolute for provider downloads)
    embedded: bool = False  # a cover inside the tags of the track at source_path
    downloaded: bool = False  # a provider download in a temp area, removed once cached


def asset_rows(session: Session, query: Any) -> list[AssetRow]:
    """The asset rows a query selects (of any asset table)."""
    return cast("list[AssetRow]", list(session.scalars(query)))


def uncached_movie_assets(session: Session, movie_ids: Sequence[int]) -> list[PendingAsset]:
    """The local assets of these movies not cached yet, as uncached_assets orders them (images, trailers,
    subtitles, each by id): read as columns, not as ORM rows."""
    pending: list[PendingAsset] = []
    if not movie_ids:
        return pending
    for model in ASSET_MODELS:
        kind = Image.image_type if model is Image else literal("trailer" if model is Trailer else "subtitle")
        query = (
            select(model.id, model.movie_id, kind, model.source_path)
            .where(model.movie_id.in_(movie_ids), model.cache_path.is_(None))
            .order_by(model.id)
        )
        pending.extend(
            PendingAsset(model, asset_id, "movie", movie_id, asset_type, source_path)
            for asset_id, movie_id, asset_type, source_path in session.execute(query)
        )
    return pending


def uncached_assets(
    session: Session,
    movie_ids: Sequence[int],
    candidate_ids: Sequence[int] = (),
    series_ids: Sequence[int] = (),
    album_ids: Sequence[int] = (),
    music_asset_ids: Sequence[int] = (),
) -> list[AssetRow]:
    """Local assets of these movies and series (with their seasons' and episodes') and downloaded provider
    candidates that are not cached yet."""
    rows: list[AssetRow] = []
    if movie_ids:
        for model in ASSET_MODELS:
            query = select(model).where(model.movie_id.in_(movie_ids), model.cache_path.is_(None)).order_by(model.id)
            rows.extend(asset_rows(session, query))
    if candidate_ids:
        query = select(AssetCandidate).where(AssetCandidate.id.in_(candidate_ids), AssetCandidate.cache_path.is_(None))
        rows.extend(asset_rows(session, query.order_by(AssetCandidate.id)))
    if series_ids:
        query = select(TvAsset).where(TvAsset.series_id.in_(series_ids), TvAsset.cache_path.is_(None))
        rows.extend(asset_rows(session, query.order_by(TvAsset.id)))
    if album_ids:  # every local album and artist artwork the scans of these albums' folders recorded
        query = select(MusicAsset).where(
            MusicAsset.album_id.in_(album_ids), MusicAsset.source == "local", MusicAsset.cache_path.is_(None)
        )
        rows.extend(asset_rows(session, query.order_by(MusicAsset.id)))
    if music_asset_ids:  # downloaded album covers
        query = select(MusicAsset).where(MusicAsset.id.in_(music_asset_ids), MusicAsset.cache_path.is_(None))
        rows.extend(asset_rows(session, query.order_by(MusicAsset.id)))
    return rows


def asset_owner(row: AssetRow) -> tuple[str, int]:
    """The cache's entity type and id of an asset: ("movie", id), or ("series"|"season"|"episode", id); a provider
    candidate's owner is its movie, series or season."""
    return row.owner if isinstance(row, TvAsset | AssetCandidate | MusicAsset) else ("movie", row.movie_id)


def asset_type_of(row: AssetRow) -> str:
    if isinstance(row, AssetCandidate | TvAsset | MusicAsset):
        return row.asset_type
    if isinstance(row, Image):
        return row.image_type
    return "trailer" if isinstance(row, Trailer) else "subtitle"


def mark_assets_cached(session: Session, cached: Sequence[tuple[AssetModel, int, str, str]], scan_job_id: int) -> None:
    """Record (model, asset id, sha256, cache path) of cached files: one executemany per table, not per file."""
    now = utcnow()
    for model in {model for model, *_ in cached}:
        table = cast("Table", model.__table__)
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("asset_id"))
            .values(
                sha256=bindparam("sha"),
                cache_path=bindparam("path"),
                cached_at=now,
                cache_error=None,
                cache_scan_job_id=scan_job_id,
            ),
            [{"asset_id": i, "sha": sha, "path": path} for m, i, sha, path in cached if m is model],
        )


def mark_asset_failed(session: Session, model: AssetModel, asset_id: int, *, error: str, scan_job_id: int) -> None:
    session.execute(
        update(model).where(model.id == asset_id).values(cache_error=error[:2000], cache_scan_job_id=scan_job_id)
    )


def cache_outcome(
    session: Session,
    movie_ids: Sequence[int],
    scan_job_id: int,
    candidate_ids: Sequence[int] = (),
    series_ids: Sequence[int] = (),
    album_ids: Sequence[int] = (),
    music_asset_ids: Sequence[int] = (),
) -> tuple[dict[str, int], int, list[str]]:
    """Assets of this batch cached in this scan (by type), and those given up (count, first messages)."""
    by_type: dict[str, int] = {}
    failed = 0
    messages: list[str] = []
    queries = [
        select(model).where(model.movie_id.in_(movie_ids), model.cache_scan_job_id == scan_job_id)
        for model in ASSET_MODELS
    ]
    queries.append(
        select(AssetCandidate).where(
            AssetCandidate.id.in_(candidate_ids), AssetCandidate.cache_scan_job_id == scan_job_id
        )
    )
    if series_ids:
        queries.append(
            select(TvAsset).where(TvAsset.series_id.in_(series_ids), TvAsset.cache_scan_job_id == scan_job_id)
        )
    if album_ids:
        queries.append(
            select(MusicAsset).where(
                MusicAsset.album_id.in_(album_ids),
                MusicAsset.source == "local",
                MusicAsset.cache_scan_job_id == scan_job_id,
            )
        )
    if music_asset_ids:
        queries.append(
            select(MusicAsset).where(MusicAsset.id.in_(music_asset_ids), MusicAsset.cache_scan_job_id == scan_job_id)
        )
    for query in queries:
        for row in asset_rows(session, query):
            if row.cache_path is not None:
                kind = asset_type_of(row)
                by_type[kind] = by_type.get(kind, 0) + 1
            elif row.cache_error:
                failed += 1
                if len(messages) < 5:
                    messages.append(row.cache_error)
    return by_type, failed, messages
