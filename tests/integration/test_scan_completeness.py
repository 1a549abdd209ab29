"""A scan ends `completed` only when every directory was scanned: back-pressure from a slow cache must not end
phase 2 while directories are still waiting in the workflow's buffer."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import finish, reconfigure, start
from tests.integration.slow_cache import CacheDelay, workers_with_slow_cache
from tests.invariants import assert_scan_invariants, movie_set
from tests.library_builder import build_bulk_library

# More than one page of directories (pages hold at least 100), so the last page is loaded while others wait.
DIRECTORIES = 130


@pytest.mark.timeout(240)
async def test_slow_cache_backlog_does_not_end_scanning_early(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(
        monkeypatch, children_window="5", directories_per_child="1", cache_batch_size="1", cache_window="1"
    )
    root = tmp_path / "Movies"
    names = build_bulk_library(root, DIRECTORIES)
    # Each cache batch (one poster) takes longer than scanning a directory, as on a slow cache share.
    async with workers_with_slow_cache(client, settings, CacheDelay(0.1)):
        started = await start(client, settings, root, ScanOptions(skip_ffprobe=True, enable_enrichment=False))
        message = await finish(client, started)

    scanning = message["progress"]["scanning"]
    assert message["phase"] == "completed", message.get("lastError")
    assert (scanning["scanned"], scanning["total"]) == (DIRECTORIES, DIRECTORIES), message["summary"]
    assert message["stats"]["errorsCount"] == 0, message.get("lastError")
    assert sorted(movie_set(settings, started.library_id)) == sorted(names)
    assert message["stats"]["assetsCached"] == DIRECTORIES
    assert_scan_invariants(settings, message)
