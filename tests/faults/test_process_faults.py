"""Workers killed, the Temporal server restarted, two workers sharing a scan: the end state is exact."""

from __future__ import annotations

import asyncio
import random
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.db.models import Image, Movie
from reelscan.db.session import session_scope
from reelscan.settings import Settings
from service import scans, watch
from service.client import connect
from tests.conftest import temporal_cli
from tests.faults.reference import clean_run, end_state, fault_size
from tests.integration.scanning import (
    children_started,
    eventually,
    finish,
    reconfigure,
    running_workers,
    scan_runs,
    start,
    wait_for_scanned,
    worker_process,
)
from tests.integration.watching import pending_while_paused, resumed_until_scanned
from tests.library_builder import build_bulk_library
from tests.ports import free_port


async def assert_same_as_clean_run(
    client: Client, settings: Settings, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faulted = end_state(settings)
    assert faulted["partial_files"] == []
    assert faulted == await clean_run(client, root, tmp_path, monkeypatch)


def assert_exact(settings: Settings, message: dict, total: int) -> None:
    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["moviesUpdated"]) == (total, total, 0)
    assert (stats["assetsCached"], stats["errorsCount"]) == (total, 0)
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == total
        images = list(session.query(Image))
    assert len(images) == total and all(i.cache_path for i in images)
    cache = settings.resolved_cache_dir
    assert len({i.cache_path for i in images}) == total
    assert not [p for p in cache.rglob("*") if p.name.startswith(".tmp")]


@pytest.mark.timeout(900)
@pytest.mark.postgres
async def test_worker_killed_three_times_at_random_points(
    client: Client, postgres_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = fault_size(160)
    build_bulk_library(tmp_path / "Movies", total)
    address = client.service_client.config.target_host
    worker = worker_process(address)
    rng = random.Random(7)
    try:
        started = await start(client, postgres_settings, tmp_path / "Movies")
        for kill in range(3):
            await wait_for_scanned(
                client, started.workflow_id, (kill + 1) * total // 5 + rng.randint(0, total // 10), timeout=180
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker = worker_process(address)
        message = await finish(client, started)
    finally:
        worker.kill()
        worker.wait()
    assert_exact(postgres_settings, message, total)
    await assert_same_as_clean_run(client, postgres_settings, tmp_path / "Movies", tmp_path, monkeypatch)


@pytest.mark.timeout(900)
@pytest.mark.postgres
async def test_two_workers_share_the_scan(
    client: Client, postgres_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = fault_size(150)
    build_bulk_library(tmp_path / "Movies", total)
    address = client.service_client.config.target_host
    workers = [worker_process(address), worker_process(address)]
    try:
        started = await start(client, postgres_settings, tmp_path / "Movies")
        message = await finish(client, started)
        identities: set[str] = set()
        runs = await scan_runs(client, started.workflow_id)
        for child_id, run_id in children_started(runs, f"{started.workflow_id}/dir"):
            history = await client.get_workflow_handle(child_id, run_id=run_id).fetch_history()
            identities |= {
                e.workflow_task_started_event_attributes.identity
                for e in history.events
                if e.HasField("workflow_task_started_event_attributes")
            }
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()
    assert_exact(postgres_settings, message, total)
    pids = {identity.split("@", 1)[0] for identity in identities}
    assert {str(w.pid) for w in workers} <= pids, identities
    await assert_same_as_clean_run(client, postgres_settings, tmp_path / "Movies", tmp_path, monkeypatch)


class PersistentDevServer:
    """A dev server keeping its history in a file, so it can be stopped and started again mid-test."""

    def __init__(self, db_file: Path) -> None:
        self.port = free_port()
        self.command = [
            temporal_cli(),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--db-filename",
            str(db_file),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--log-level",
            "error",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError("dev server did not start")

    async def restart(self) -> None:
        self.stop()
        await asyncio.sleep(1)
        await self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    async def client(self, settings: Settings) -> Client:
        # The product's connect waits out "Frontend is not healthy yet" of a server that has just opened its port.
        return await connect(settings, address=f"127.0.0.1:{self.port}")


@pytest.mark.timeout(900)
async def test_temporal_server_restarted_mid_scan(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = fault_size(200)
    build_bulk_library(tmp_path / "Movies", total)
    server = PersistentDevServer(tmp_path / "temporal.db")
    await server.start()
    try:
        restarted = await server.client(sqlite_settings)
        async with running_workers(restarted, sqlite_settings):
            started = await start(restarted, sqlite_settings, tmp_path / "Movies")
            await wait_for_scanned(restarted, started.workflow_id, 60, timeout=120)
            await server.restart()
            message = await finish(restarted, started)
    finally:
        server.stop()
    assert_exact(sqlite_settings, message, total)
    await assert_same_as_clean_run(client, sqlite_settings, tmp_path / "Movies", tmp_path, monkeypatch)


@pytest.mark.timeout(600)
async def test_the_watcher_keeps_its_pending_folders_across_a_server_restart(
    sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, watch_quiet_seconds="1")
    root = tmp_path / "Movies"
    root.mkdir()
    library_id = scans.library_for_path(settings, root)
    names = build_bulk_library(tmp_path / "staging", 2)
    server = PersistentDevServer(tmp_path / "temporal.db")
    await server.start()
    try:
        restarted = await server.client(sqlite_settings)
        async with running_workers(restarted, settings):
            plan = watch.library_plan(settings, library_id)
            workflow_id, before = await pending_while_paused(
                restarted, settings, plan, tmp_path / "staging", root, names
            )
            await server.restart()
            after = await eventually(
                lambda: watch.watch_state(restarted, settings, library_id),
                lambda s: s is not None,
                what="the watcher answering after the server restart",
                timeout=120,
            )
            assert before is not None and after is not None and after["paused"]
            assert after["pending"] == before["pending"]
            movies = await resumed_until_scanned(restarted, settings, library_id, 2)
            await restarted.get_workflow_handle(workflow_id).terminate("test over")
    finally:
        server.stop()
    assert sorted(movies) == names
