"""Scanning starts on the first folders the walk stores while the rest of the library is walked.

The rest of the walk is held back (the real activity, behind a go-ahead) until the test has seen the first movies
in the database: were scanning to wait for the whole walk, nothing would be scanned and the test would time out.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio import activity
from temporalio.client import Client

from activities.discovery import discover
from activities.discovery import discover_directories as real_discover_directories
from reelscan.db.models import Series
from reelscan.payloads.scan import DiscoverInput, DiscoverResult
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.integration.scanning import detached, eventually, finish, movies_by_directory, reconfigure
from tests.library_builder import build_bulk_library, build_tv_library
from worker import build_workers

HEAD = 4


class HeldWalk:
    """The rest of the walk waits for go() (at most a minute, so a broken test ends): before it walks, or with
    chunk_rows set, once it has stored its first chunk of that many folders."""

    def __init__(self, chunk_rows: int | None = None) -> None:
        self.released = threading.Event()
        self.stages: list[str] = []
        self.chunk_rows = chunk_rows

    def go(self) -> None:
        self.released.set()

    def run(self, job: DiscoverInput) -> DiscoverResult:
        self.stages.append(job.stage)
        if job.stage != "rest":
            return real_discover_directories(job)
        if self.chunk_rows is None:
            self.released.wait(60)
            return real_discover_directories(job)

        def stored(rows: int) -> None:
            activity.heartbeat(rows)
            self.released.wait(60)

        return discover(job.model_copy(update={"chunk_rows": self.chunk_rows}), on_stored=stored)


@contextlib.asynccontextmanager
async def workers_holding_the_walk(client: Client, settings: Settings, held: HeldWalk) -> AsyncIterator[None]:
    @activity.defn(name="discover_directories")
    def discover_directories(job: DiscoverInput) -> DiscoverResult:
        return held.run(job)

    async with contextlib.AsyncExitStack() as stack:
        for worker in build_workers(client, settings, replaced=[discover_directories]):
            await stack.enter_async_context(worker)
        yield


async def scan_while_holding_the_walk(
    client: Client, settings: Settings, root: Path, held: HeldWalk | None = None, scanned: int = HEAD
) -> tuple[dict[str, Any], dict[str, Any], HeldWalk]:
    """Scan, wait until `scanned` folders are recorded while the walk is held, then let the walk go on.
    Returns (the progress seen while the walk was held, the final message, the held walk)."""
    held = held or HeldWalk()
    library_id = scans.library_for_path(settings, root)
    async with workers_holding_the_walk(client, settings, held):
        started = await scans.start_scan(client, settings, library_id, ScanOptions())
        handle = client.get_workflow_handle(started.workflow_id)

        async def progress() -> dict[str, Any]:
            message: dict[str, Any] = await handle.query("progress")
            return message

        try:
            during = await eventually(
                progress, lambda m: scanned_at_least(m, scanned), what=f"{scanned} folders scanned", timeout=60
            )
        finally:
            held.go()
        return during, await finish(client, started), held


def scanned_at_least(message: dict[str, Any], count: int) -> bool:
    scanning = message["progress"]["scanning"]
    return scanning is not None and bool(scanning["scanned"] >= count)


@pytest.fixture
def settings(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return reconfigure(monkeypatch, discovery_head=str(HEAD), children_window="2", discovery_scan_while_walking="true")


async def test_the_first_movies_are_scanned_while_the_walk_goes_on(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    folders = build_bulk_library(root, 12)

    during, message, held = await scan_while_holding_the_walk(client, settings, root)

    assert held.stages == ["head", "rest"]
    # While the walk was held: the head's movies were in the database, the phase still discovering, and no
    # counter ahead of what discovery had counted.
    assert during["phase"] == "discovering"
    assert during["progress"]["discovering"]["directoriesFound"] == HEAD
    assert during["progress"]["scanning"]["scanned"] == during["progress"]["scanning"]["total"] == HEAD
    assert "so far" in during["summary"], during["summary"]
    assert message["phase"] == "completed", message.get("lastError")
    scanning = message["progress"]["scanning"]
    assert scanning["total"] == scanning["scanned"] == len(folders)
    assert message["stats"]["moviesNew"] == message["stats"]["moviesFound"] == len(folders)
    assert sorted(movies_by_directory(settings)) == sorted(folders)


async def test_chunks_the_walk_stores_are_scanned_while_it_goes_on(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    folders = build_bulk_library(root, 14)

    # The walk holds after storing its first chunk of 3: the scan must find and scan those rows meanwhile.
    during, message, held = await scan_while_holding_the_walk(
        client, settings, root, HeldWalk(chunk_rows=3), scanned=HEAD + 3
    )

    assert held.stages == ["head", "rest"]
    assert during["phase"] == "discovering"
    assert during["progress"]["discovering"]["directoriesFound"] == HEAD + 3
    assert during["progress"]["scanning"]["scanned"] == HEAD + 3
    assert message["phase"] == "completed", message.get("lastError")
    scanning = message["progress"]["scanning"]
    assert scanning["total"] == scanning["scanned"] == len(folders)
    assert message["stats"]["moviesNew"] == len(folders)
    assert sorted(movies_by_directory(settings)) == sorted(folders)


async def test_a_rescan_with_a_head_counts_each_folder_once(client: Client, settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    folders = build_bulk_library(root, 12)
    _, first, _ = await scan_while_holding_the_walk(client, settings, root)
    assert first["phase"] == "completed"
    # One folder of the head and one of the rest change, one of the rest goes.
    (root / folders[1] / "movie.nfo").write_text("<movie><title>Changed in the head</title></movie>")
    (root / folders[8] / "movie.nfo").write_text("<movie><title>Changed in the rest</title></movie>")
    shutil.rmtree(root / folders[10])

    library_id = scans.library_for_path(settings, root)
    async with workers_holding_the_walk(client, settings, held := HeldWalk(chunk_rows=2)):
        held.go()
        message = await finish(client, await scans.start_scan(client, settings, library_id, ScanOptions()))

    assert message["phase"] == "completed", message.get("lastError")
    stats, scanning = message["stats"], message["progress"]["scanning"]
    assert scanning["total"] == scanning["scanned"] == len(folders) - 1
    assert (stats["moviesNew"], stats["moviesUpdated"], stats["moviesMissing"]) == (0, 2, 1)
    assert scanning["unchanged"] == len(folders) - 3
    assert stats["moviesFound"] == len(folders) - 1


async def test_a_tv_library_with_a_head_counts_series_and_episodes_once(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, discovery_head="1", children_window="2", discovery_scan_while_walking="true")
    library = build_tv_library(tmp_path / "TV")
    assert library.series_total > 1

    async def scan_once() -> dict[str, Any]:
        library_id = scans.library_for_path(settings, library.root, library_type="tv")
        async with workers_holding_the_walk(client, settings, held := HeldWalk(chunk_rows=2)):
            held.go()
            return await finish(client, await scans.start_scan(client, settings, library_id, ScanOptions()))

    first = await scan_once()
    again = await scan_once()

    for message in (first, again):
        assert message["phase"] == "completed", message.get("lastError")
        assert message["stats"]["seriesFound"] == library.series_total
        assert message["stats"]["episodesFound"] == library.episodes_total
    assert again["progress"]["scanning"]["unchanged"] == library.series_total
    assert (again["stats"]["episodesNew"], again["stats"]["episodesUpdated"]) == (0, 0)
    assert len(detached(settings, select(Series))) == library.series_total
