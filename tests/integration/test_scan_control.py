"""Cancelling, failing cleanly, surviving a killed worker, and never running two scans of one library."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError

from reelscan.db.session import session_scope
from reelscan.db.views import list_movies
from reelscan.settings import Settings
from tests.integration.scanning import (
    children_started,
    eventually,
    finish,
    movies_by_directory,
    reconfigure,
    running_workers,
    scan_job,
    scan_runs,
    scan_under_way,
    start,
    wait_for_scanned,
)
from tests.library_builder import build_bulk_library

PROJECT = Path(__file__).resolve().parents[2]


def three_hundred_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """300 movie folders in tmp_path/Movies; three children at a time, two directory scans at once per worker."""
    settings = reconfigure(monkeypatch, children_window="3", scan_concurrency="2")
    build_bulk_library(tmp_path / "Movies", 300)
    return settings


async def test_cancel_signal_stops_the_scan_and_keeps_scanned_movies(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = three_hundred_folders(monkeypatch, tmp_path)
    async with scan_under_way(client, settings, tmp_path / "Movies", 10) as started:
        await client.get_workflow_handle(started.workflow_id).signal("cancel")
        message = await finish(client, started)

    assert message["phase"] == "cancelled"
    scanned = message["progress"]["scanning"]["scanned"]
    assert 10 <= scanned < 300
    assert len(movies_by_directory(settings)) == message["stats"]["moviesFound"] >= 10
    assert scan_job(settings, started.scan_job_id).status == "cancelled"
    assert message["summary"].startswith(f"Scan cancelled after {scanned}/300 directories")


async def test_temporal_cancel_request_ends_the_scan_as_cancelled(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = three_hundred_folders(monkeypatch, tmp_path)
    async with scan_under_way(client, settings, tmp_path / "Movies", 5) as started:
        handle = client.get_workflow_handle(started.workflow_id)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        # No directory child is left running after the scan ended. Each child's own state is read (list_workflows
        # by ExecutionStatus may lag behind), for a while: a parent-close policy would act a moment later.
        children = children_started(await scan_runs(client, started.workflow_id))

        async def still_running() -> list[str]:
            handles = [client.get_workflow_handle(child_id, run_id=run_id) for child_id, run_id in children]
            statuses = [(await handle.describe()).status for handle in handles]
            return [
                h.id for h, status in zip(handles, statuses, strict=True) if status == WorkflowExecutionStatus.RUNNING
            ]

        running = await eventually(still_running, lambda ids: not ids, what="no child running", timeout=30)

    job = scan_job(settings, started.scan_job_id)
    assert job.status == "cancelled"
    assert job.directories_scanned < 300
    assert children and running == []


async def test_second_start_returns_the_running_scan(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="3")
    build_bulk_library(tmp_path / "Movies", 60)
    async with running_workers(client, settings):
        first = await start(client, settings, tmp_path / "Movies")
        second = await start(client, settings, tmp_path / "Movies")
        await finish(client, first)

    assert second.already_running
    assert (second.scan_job_id, second.workflow_id) == (first.scan_job_id, first.workflow_id)


async def test_missing_library_root_fails_the_scan_with_a_clear_message(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 3)
    started = await start(client, sqlite_settings, root)  # no worker yet: the scan waits in its queue
    shutil.rmtree(root)  # the share is unmounted before the walk begins
    async with running_workers(client, sqlite_settings):
        with pytest.raises(WorkflowFailureError) as failure:
            await client.get_workflow_handle(started.workflow_id).result()

    job = scan_job(sqlite_settings, started.scan_job_id)
    assert job.status == "failed"
    assert job.last_error is not None and str(root) in job.last_error and "does not exist" in job.last_error
    assert str(root) in str(failure.value.cause)


async def test_killed_worker_is_replaced_and_counts_stay_exact(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="20")
    total = 200
    build_bulk_library(tmp_path / "Movies", total)
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=client.service_client.config.target_host)

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, str(PROJECT / "worker.py")],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    worker = start_worker()
    try:
        started = await start(client, settings, tmp_path / "Movies")
        await wait_for_scanned(client, started.workflow_id, 40)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker = start_worker()
        message = await finish(client, started)
    finally:
        worker.kill()
        worker.wait()

    assert message["phase"] == "completed"
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["moviesUpdated"]) == (total, total, 0)
    assert stats["assetsCached"] == total
    assert message["progress"]["scanning"]["scanned"] == total
    with session_scope(settings.resolved_database_url) as session:
        movies = list_movies(session)
    assert len(movies) == total
    assert all(len(m["assets"]) == 1 and m["assets"][0]["cachePath"] for m in movies)


async def test_library_root_vanishing_mid_scan_fails_the_scan_cleanly(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="2")
    root = tmp_path / "Movies"
    build_bulk_library(root, 150, with_assets=False)
    async with scan_under_way(client, settings, root, 10) as started:
        shutil.rmtree(root)
        with pytest.raises(WorkflowFailureError) as failure:
            await client.get_workflow_handle(started.workflow_id).result()

    job = scan_job(settings, started.scan_job_id)
    assert job.status == "failed"
    assert (
        job.last_error is not None and "disappeared during the scan" in job.last_error and str(root) in job.last_error
    )
    assert job.errors_count < 5
    assert "disappeared during the scan" in str(failure.value.cause)
