"""A scan ends `completed` only when every directory was scanned: back-pressure from a slow cache must not end
phase 2 while directories are still waiting in the workflow's buffer."""

from __future__ import annotations

import asyncio
import json
import os
import random
from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import finish, reconfigure, running_workers, start, starter_process
from tests.integration.slow_cache import CacheDelay, workers_with_slow_cache
from tests.invariants import assert_scan_invariants, movie_set
from tests.library_builder import MEDIA, build_bulk_library

PROJECT = Path(__file__).resolve().parents[2]
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


@pytest.mark.timeout(300)
async def test_cli_scan_of_large_fanart_reports_every_folder(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's command on real files, no stand-ins: 3 MB of fanart per folder makes each cache batch slower than a
    directory scan, `starter.py scan LIB --wait --json` must still report every folder."""
    folders = 60
    settings = reconfigure(
        monkeypatch, children_window="5", directories_per_child="1", cache_batch_size="1", cache_window="1"
    )
    root = tmp_path / "Movies"
    names = build_bulk_library(root, folders, with_assets=False)
    rng = random.Random(folders)
    header = (MEDIA / "fanart.jpg").read_bytes()
    for name in names:  # distinct content each, so the content-addressed cache copies every one
        (root / name / "fanart.jpg").write_bytes(header + rng.randbytes(3 * 1024 * 1024))
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=client.service_client.config.target_host)
    async with running_workers(client, settings):
        process = await starter_process(env, "scan", str(root), "--wait", "--json", "--skip-ffprobe", "--no-enrich")
        out, err = await asyncio.wait_for(process.communicate(), timeout=240)

    assert process.returncode == 0, err.decode()
    message = json.loads(out.decode().strip().splitlines()[-1])
    scanning = message["progress"]["scanning"]
    assert (scanning["scanned"], scanning["total"]) == (folders, folders), message["summary"]
    assert message["stats"]["moviesFound"] == folders and message["stats"]["errorsCount"] == 0, message["summary"]
    assert message["stats"]["assetsCached"] == folders, message["summary"]
    assert_scan_invariants(settings, message)
