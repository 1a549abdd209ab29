"""Bounded history and payloads, incremental rescans and priority scanning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client

from reelscan.db.models import Movie
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import (
    children_started,
    eventually,
    finish,
    reconfigure,
    running_workers,
    scan,
    scan_runs,
    scanned_bulk_library,
    start,
)
from tests.library_builder import MEDIA, build_bulk_library

PAYLOAD_LIMIT = 256 * 1024


# Runs and children are read from the scans' histories, which are current; list_workflows may lag behind.


async def directory_children(client: Client, workflow_id: str, prefix: str = "/dir-") -> list[str]:
    """Ids of the directory children the scan started, in the order it started them."""
    return [child_id for child_id, _ in children_started(await scan_runs(client, workflow_id), workflow_id + prefix)]


def largest_payload(events: list) -> int:
    """The biggest activity/child input or result in a history."""
    largest = 0
    for event in events:
        for attr in (
            "activity_task_scheduled_event_attributes",
            "activity_task_completed_event_attributes",
            "start_child_workflow_execution_initiated_event_attributes",
            "child_workflow_execution_completed_event_attributes",
            "workflow_execution_continued_as_new_event_attributes",
            "workflow_execution_started_event_attributes",
        ):
            if event.HasField(attr):
                message = getattr(event, attr)
                for field in ("input", "result"):
                    if hasattr(message, field) and isinstance(getattr(message, field), Payloads):
                        largest = max(largest, *(len(p.data) for p in getattr(message, field).payloads), 0)
    return largest


async def test_continue_as_new_keeps_counts_exact_and_payloads_small(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, continue_as_new_events="200", children_window="50", cache_batch_size="40")
    total = 800
    build_bulk_library(tmp_path / "Movies", total)
    message = await scan(client, settings, tmp_path / "Movies")

    assert message["phase"] == "completed"
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["assetsCached"], stats["errorsCount"]) == (
        total,
        total,
        total,
        0,
    )
    assert message["progress"]["scanning"]["scanned"] == total
    runs = await scan_runs(client, message["workflowId"])
    assert len(runs) >= 5, "the scan should have continued as new several times"
    assert max(len(run.events) for run in runs) < 1000
    largest = 0
    for run in runs:
        largest = max(largest, largest_payload(list(run.events)))
    assert 0 < largest < PAYLOAD_LIMIT
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == total


async def test_cancel_lands_across_continue_as_new(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, continue_as_new_events="150", children_window="5")
    build_bulk_library(tmp_path / "Movies", 1000, with_assets=False)
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies")
        await eventually(
            lambda: scan_runs(client, started.workflow_id),
            lambda runs: len(runs) >= 3,
            what="three runs",
            timeout=120,
            interval=0.2,
        )
        await client.get_workflow_handle(started.workflow_id).signal("cancel")
        message = await finish(client, started)

    assert len(await scan_runs(client, started.workflow_id)) >= 3
    assert message["phase"] == "cancelled"
    scanned = message["progress"]["scanning"]["scanned"]
    assert 0 < scanned < 1000
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == message["stats"]["moviesFound"] == scanned


async def test_rescan_skips_unchanged_and_notices_added_removed_and_modified(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root, names = await scanned_bulk_library(client, sqlite_settings, tmp_path, 30)

    shutil.rmtree(root / names[0])
    (root / names[1] / "movie.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    # Videos of their own: a folder holding the removed folder's very video would be that movie, renamed.
    for new, video in (("Added One (2024)", "vp9_opus.webm"), ("Added Two (2025)", "mpeg4_mp3.avi")):
        (root / new).mkdir()
        shutil.copyfile(MEDIA / video, root / new / f"movie{Path(video).suffix}")
    message = await scan(client, sqlite_settings, root)

    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["moviesUpdated"], stats["moviesMissing"]) == (31, 2, 1, 1)
    assert message["progress"]["scanning"] == {"scanned": 31, "total": 31, "percentage": 100, "unchanged": 28}
    assert message["progress"]["caching"]["cached"] == 1
    assert len(await directory_children(client, message["workflowId"])) == 3
    with session_scope(sqlite_settings.resolved_database_url) as session:
        states = {m.directory: m.state for m in session.query(Movie)}
    assert states[names[0]] == "missing" and len(states) == 32

    forced = await scan(client, sqlite_settings, root, ScanOptions(force_full_rescan=True))
    assert forced["progress"]["scanning"]["unchanged"] == 0
    assert (forced["stats"]["moviesNew"], forced["stats"]["moviesUpdated"]) == (0, 0)
    assert len(await directory_children(client, forced["workflowId"])) == 31


async def test_prioritized_directories_are_scanned_next(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="2")
    names = build_bulk_library(tmp_path / "Movies", 120, with_assets=False)
    wanted = [names[-1], names[-2]]
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies")
        await client.get_workflow_handle(started.workflow_id).signal("prioritize", wanted)
        message = await finish(client, started)

    assert message["stats"]["moviesFound"] == 120
    order = [child_id.rsplit("/dir-", 1)[1] for child_id in await directory_children(client, started.workflow_id)]
    # In list order they would be the last two; prioritized, they come within the first few windows.
    assert order.index("119") < 20 and order.index("118") < 20
    assert len(order) == len(set(order)) == 120


async def test_large_libraries_scan_runs_of_directories_per_child_and_still_honour_priorities(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, directories_per_child="7", children_window="2")
    names = build_bulk_library(tmp_path / "Movies", 300)
    wanted = [names[-1], names[-2]]
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies")
        await client.get_workflow_handle(started.workflow_id).signal("prioritize", wanted)
        message = await finish(client, started)

    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["assetsCached"], stats["errorsCount"]) == (300, 300, 300, 0)
    ids = [child_id.rsplit("/", 1)[1] for child_id in await directory_children(client, started.workflow_id, "/")]
    # The prioritized folders get a child of their own near the front; the rest go seven at a time.
    assert ids.index("dir-299") < 10 and ids.index("dir-298") < 10
    covered: list[int] = []
    for child_id in ids:
        if child_id.startswith("dirs-"):
            first, last = (int(n) for n in child_id.removeprefix("dirs-").split("-"))
            covered.extend(range(first, last + 1))
        else:
            covered.append(int(child_id.removeprefix("dir-")))
    assert sorted(covered) == list(range(300)), "every directory scanned by exactly one child"
    assert len(ids) < 300 / 7 + 4
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == 300
