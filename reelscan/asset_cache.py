"""Phase 3 for a batch of assets: copy them into the content-addressed cache and record where they went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from reelscan.cache_store import CacheError, CacheStore, StoredAsset
from reelscan.db import asset_records
from reelscan.db.asset_records import PendingAsset
from reelscan.db.models import AssetCandidate, MusicAsset
from reelscan.library.music_tags import TagError, embedded_cover_bytes, picture_extension

# A unit of work of the caller: the activity's database(), or session_scope(url) bound with functools.partial.
Database = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class CacheOutcome:
    asset: PendingAsset
    stored: StoredAsset | None = None
    error: CacheError | None = None


def pending_assets(
    session: Session,
    movie_ids: Sequence[int],
    candidate_ids: Sequence[int] = (),
    series_ids: Sequence[int] = (),
    album_ids: Sequence[int] = (),
    music_asset_ids: Sequence[int] = (),
) -> list[PendingAsset]:
    """The uncached assets of these movies, provider candidates, series (with their seasons and episodes) and
    albums (with their artists' artwork)."""
    return asset_records.uncached_movie_assets(session, movie_ids) + [
        PendingAsset(
            type(row),
            row.id,
            *asset_records.asset_owner(row),
            asset_records.asset_type_of(row),
            row.source_path,
            embedded=isinstance(row, MusicAsset) and row.embedded,
            downloaded=isinstance(row, AssetCandidate) or (isinstance(row, MusicAsset) and row.source != "local"),
        )
        for row in asset_records.uncached_assets(session, [], candidate_ids, series_ids, album_ids, music_asset_ids)
    ]


def _store(store: CacheStore, root: Path, asset: PendingAsset) -> StoredAsset:
    if asset.embedded:
        try:
            data = embedded_cover_bytes(root / asset.source_path)
        except TagError as exc:
            raise CacheError(str(exc)) from None
        return store.store_bytes(
            data,
            extension=picture_extension("", data) or "bin",
            entity_type=asset.entity_type,
            entity_id=asset.entity_id,
            asset_type=asset.asset_type,
            sync_folder=False,
        )
    return store.store(
        root / asset.source_path,
        entity_type=asset.entity_type,
        entity_id=asset.entity_id,
        asset_type=asset.asset_type,
        sync_folder=False,
    )


def cache_pending_assets(
    database: Database,
    store: CacheStore,
    root: Path,
    assets: Sequence[PendingAsset],
    scan_job_id: int,
    before_each: Callable[[PendingAsset], None] | None = None,
) -> list[CacheOutcome]:
    """Store each file (a failure is its own outcome), make the renames durable once per folder, then record every
    hash and cache path in one transaction of the caller's database (an activity's `database()`, so an outage comes
    back as its typed error); a provider download's temp file is removed once recorded."""
    outcomes: list[CacheOutcome] = []
    for asset in assets:
        if before_each is not None:
            before_each(asset)
        try:
            stored = _store(store, root, asset)
        except CacheError as exc:
            outcomes.append(CacheOutcome(asset, error=exc))
        else:
            outcomes.append(CacheOutcome(asset, stored=stored))
    done = [(o.asset, o.stored) for o in outcomes if o.stored is not None]
    store.sync_folders(stored for _, stored in done)
    if done:
        with database() as session:
            asset_records.mark_assets_cached(
                session,
                [(a.model, a.asset_id, stored.sha256, stored.relative_path) for a, stored in done],
                scan_job_id,
            )
    for asset, _ in done:
        if asset.downloaded:
            (root / asset.source_path).unlink(missing_ok=True)
    return outcomes
