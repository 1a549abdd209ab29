"""The end state of a scan, by natural keys, and a clean run of the same library to compare it with."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.client import Client

from reelscan.db.models import Image, Movie, Stream, Subtitle, Trailer
from reelscan.db.session import migrate, session_scope
from reelscan.settings import Settings
from tests.integration.scanning import reconfigure, scan


def fault_size(default: int) -> int:
    """Directories per fault scan: small in CI, REELSCAN_FAULT_DIRECTORIES=1000 for the long variant."""
    return int(os.environ.get("REELSCAN_FAULT_DIRECTORIES", default))


def end_state(settings: Settings) -> dict[str, Any]:
    """Movies, streams, assets and cached files by directory (ids differ between databases)."""
    cache = settings.resolved_cache_dir
    with session_scope(settings.resolved_database_url) as session:
        movies = {m.id: m for m in session.scalars(select(Movie))}
        state: dict[str, Any] = {
            "movies": sorted((m.directory, m.title, m.year, m.main_video, m.content_hash) for m in movies.values()),
            "streams": sorted(
                (movies[s.movie_id].directory, s.position, s.kind, s.codec, s.language)
                for s in session.scalars(select(Stream))
            ),
        }
        assets = []
        for model in (Image, Trailer, Subtitle):
            for movie_id, source, sha, cache_path in session.execute(
                select(model.movie_id, model.source_path, model.sha256, model.cache_path)
            ):
                content = hashlib.sha256((cache / cache_path).read_bytes()).hexdigest() if cache_path else None
                assets.append((movies[movie_id].directory, source, sha, content))
        state["assets"] = sorted(assets, key=str)
    files = [p for p in cache.rglob("*") if p.is_file()]
    state["cache_files"] = len(files)
    state["partial_files"] = [p.name for p in files if p.name.startswith(".tmp")]
    return state


async def clean_run(client: Client, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Scan the same library again, fault-free, into a fresh SQLite database and cache."""
    data = tmp_path / "reference-data"
    settings = reconfigure(
        monkeypatch,
        data_dir=str(data),
        database_url=f"sqlite:///{data / 'reference.db'}",
        task_queue_prefix="reference-" + tmp_path.name[-8:],
        workflow_id_prefix="reference-" + tmp_path.name[-8:],
    )
    migrate(settings.resolved_database_url)
    message = await scan(client, settings, root)
    assert message["phase"] == "completed"
    return end_state(settings)
