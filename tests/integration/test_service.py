"""Running it like a service: schedules, all libraries at once, split task queues, stall detection, metrics."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from bench.scan_benchmark import with_children
from reelscan.db.models import ScanJob
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans, schedules
from tests.integration.scanning import (
    detached,
    eventually,
    finish,
    reconfigure,
    running_workers,
    start,
    worker_process,
)
from tests.integration.test_cli import starter
from tests.library_builder import build_bulk_library
from tests.ports import free_port


async def workflow_exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


def scan_jobs(settings: Settings) -> list[ScanJob]:
    return detached(settings, select(ScanJob).order_by(ScanJob.id))


async def test_schedule_triggers_skips_overlap_pauses_and_deletes(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="2")
    build_bulk_library(tmp_path / "Movies", 120, with_assets=False)
    library_id = scans.library_for_path(settings, tmp_path / "Movies")
    async with running_workers(client, settings):
        schedule_id = await schedules.add_schedule(
            client, settings, library_id, every="12h", options=ScanOptions.profile("quick")
        )
        await schedules.change_schedule(client, settings, library_id, "trigger")

        async def rows() -> list[ScanJob]:
            return scan_jobs(settings)

        first = (await eventually(rows, what="the scheduled scan's row"))[0]
        # A second trigger while the first scan runs is skipped by the overlap policy.
        await schedules.change_schedule(client, settings, library_id, "trigger")
        # The scheduled run starts the scan's workflow just after creating its row.
        await eventually(partial(workflow_exists, client, first.workflow_id or ""), what="the scan's workflow")
        await finish(client, scans.StartedScan(first.id, first.workflow_id or "", library_id, False))
        await schedules.change_schedule(client, settings, library_id, "pause")
        listed = await schedules.list_schedules(client, settings)
        await schedules.change_schedule(client, settings, library_id, "delete")
        remaining = await schedules.list_schedules(client, settings)

    jobs = scan_jobs(settings)
    assert len(jobs) == 1 and jobs[0].status == "completed"
    assert jobs[0].options["skipFfprobe"] is True and jobs[0].options["enableCaching"] is False
    assert [(s.schedule_id, s.paused, s.spec) for s in listed] == [(schedule_id, True, "every 12h")]
    assert remaining == []


async def test_cron_schedule_and_bad_intervals(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    library_id = scans.library_for_path(sqlite_settings, tmp_path / "lib")
    await schedules.add_schedule(client, sqlite_settings, library_id, cron="0 3 * * *")
    # Listed at once: the server's schedule list may not show it yet, so the list reads each library's by id.
    listed = await schedules.list_schedules(client, sqlite_settings)
    with pytest.raises(scans.ScanRequestError, match="cannot read the interval"):
        schedules.parse_every("often")
    with pytest.raises(scans.ScanRequestError, match="already has a schedule"):
        await schedules.add_schedule(client, sqlite_settings, library_id, every="1h")
    await schedules.change_schedule(client, sqlite_settings, library_id, "delete")
    assert [(s.library_id, s.spec, len(s.next_runs)) for s in listed] == [(library_id, "cron 0 3 * * *", 3)]
    assert await schedules.list_schedules(client, sqlite_settings) == []  # nor does it show the deleted one


async def test_scan_all_queues_every_library(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    for name in ("Movies", "Kids", "Documentaries"):
        build_bulk_library(tmp_path / name, 5)
        scans.library_for_path(sqlite_settings, tmp_path / name)
    async with running_workers(client, sqlite_settings):
        result = await starter(client, "scan", "--all", "--wait", "--json")
    finals = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, result.stderr
    assert sorted(m["libraryName"] for m in finals) == ["Documentaries", "Kids", "Movies"]
    assert all(m["phase"] == "completed" and m["stats"]["moviesFound"] == 5 for m in finals)
    assert len({m["workflowId"] for m in finals}) == 3


async def test_a_cache_only_worker_caches_while_another_scans(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 20)
    cache_worker = worker_process(client, "--queues", "cache")
    try:
        from worker import build_workers

        workers = build_workers(client, sqlite_settings, queues=("scan", "enrich"))
        async with workers[0], workers[1]:
            started = await start(client, sqlite_settings, tmp_path / "Movies")
            message = await finish(client, started)
        history = await client.get_workflow_handle(started.workflow_id).fetch_history()
    finally:
        cache_worker.terminate()
        cache_worker.wait()
    identities = {
        e.activity_task_started_event_attributes.identity
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    }
    assert message["stats"]["assetsCached"] == 20
    assert f"{cache_worker.pid}@" in " ".join(identities)
    assert client.identity in identities or any(str(os.getpid()) in i for i in identities)


async def test_a_scan_without_a_worker_shows_as_stalled(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, stall_after_seconds="1")
    build_bulk_library(tmp_path / "Movies", 3)
    started = await start(client, settings, tmp_path / "Movies")  # no worker polls this test's queues
    await asyncio.sleep(1.5)
    message = await scans.scan_progress(client, settings, started.scan_job_id)
    await client.get_workflow_handle(started.workflow_id).terminate()
    health = message["health"]
    assert health["stalled"] is True
    assert f"no worker is polling task queue {settings.scan_task_queue}" in health["waitingOn"]


async def test_metrics_endpoint_serves_reelscan_counters(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 12)
    port = free_port()
    worker = worker_process(client, metrics_port=port, stderr=subprocess.PIPE)
    try:
        started = await start(client, sqlite_settings, tmp_path / "Movies")
        message = await finish(client, started)
        async with httpx.AsyncClient(timeout=60) as http:
            body = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    finally:
        worker.terminate()
        _, logs = worker.communicate(timeout=30)
    assert message["phase"] == "completed"
    scanned = [line for line in body.splitlines() if line.startswith("reelscan_directories_scanned")]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in scanned) == 12
    assert any(line.startswith("reelscan_assets_cached") for line in body.splitlines())
    assert "temporal_workflow_completed" in body or "temporal_activity_execution" in body
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    scan_lines = [line for line in lines if line.get("activity") == "scan_directories"]
    assert scan_lines and all(
        line.get("scan_id") == started.scan_job_id and line.get("directory") for line in scan_lines
    )


def children_of(pid: int) -> list[int]:
    return with_children(pid)[1:]


async def test_a_worker_started_with_two_processes_scans_and_its_sibling_ends_with_it(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 40)
    worker = worker_process(client, "--processes", "2")
    try:
        for _ in range(100):
            if siblings := children_of(worker.pid):
                break
            await asyncio.sleep(0.1)
        assert len(siblings) == 1
        message = await finish(client, await start(client, sqlite_settings, tmp_path / "Movies"))
        assert (message["phase"], message["stats"]["moviesFound"], message["stats"]["assetsCached"]) == (
            "completed",
            40,
            40,
        )
        worker.kill()  # no chance to stop its sibling: the sibling notices on its own
        worker.wait()
        for _ in range(100):
            if not Path(f"/proc/{siblings[0]}").exists() or "Z" in Path(f"/proc/{siblings[0]}/stat").read_text():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the sibling worker process outlived the worker that started it")
    finally:
        worker.kill()
        for pid in children_of(worker.pid):
            os.kill(pid, 9)
