"""Phase 3 for one asset: copy it into the content-addressed cache and record where it went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from reelscan.cache_store import CacheStore, StoredAsset
from reelscan.db import repository
from reelscan.db.models import AssetCandidate
from reelscan.db.session import session_scope


@dataclass(frozen=True)
class PendingAsset:
    model: repository.AssetModel
    asset_id: int
    movie_id: int
    asset_type: str
    source_path: str  # relative to the library root (absolute for provider downloads)


def pending_assets(session: Session, movie_ids: Sequence[int], candidate_ids: Sequence[int] = ()) -> list[PendingAsset]:
    return [
        PendingAsset(type(row), row.id, row.movie_id, repository.asset_type_of(row), row.source_path)
        for row in repository.uncached_assets(session, movie_ids, candidate_ids)
    ]


def cache_asset(url: str, store: CacheStore, root: Path, asset: PendingAsset, scan_job_id: int) -> StoredAsset:
    """Store the file (raises CacheError) and record its hash and cache path; a provider download's temp file
    is removed once cached."""
    stored = store.store(
        root / asset.source_path, entity_type="movie", entity_id=asset.movie_id, asset_type=asset.asset_type
    )
    with session_scope(url) as session:
        repository.mark_asset_cached(
            session,
            asset.model,
            asset.asset_id,
            sha256=stored.sha256,
            cache_path=stored.relative_path,
            scan_job_id=scan_job_id,
        )
    if asset.model is AssetCandidate:
        (root / asset.source_path).unlink(missing_ok=True)
    return stored
