"""Helpers for the integration tests: run a real scan on the test dev server with in-process workers."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Select, select
from temporalio.client import Client, WorkflowFailureError, WorkflowHistory

from reelscan.db.models import ScanJob
from reelscan.db.session import session_scope
from reelscan.db.views import list_movies
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings, get_settings
from service import scans
from tests.library_builder import TvLibraryManifest, build_bulk_library, build_tv_library
from worker import build_workers

PROJECT = Path(__file__).resolve().parents[2]

T = TypeVar("T")


@contextlib.asynccontextmanager
async def running_workers(client: Client, settings: Settings) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        for worker in build_workers(client, settings):
            await stack.enter_async_context(worker)
        yield


async def start(
    client: Client, settings: Settings, root: Path, options: ScanOptions | None = None
) -> scans.StartedScan:
    library_id = scans.library_for_path(settings, root)
    return await scans.start_scan(client, settings, library_id, options or ScanOptions())


async def finish(client: Client, started: scans.StartedScan, phases: list[str] | None = None) -> dict[str, Any]:
    """Wait for the scan's workflow, recording the phases the progress query shows on the way."""
    handle = client.get_workflow_handle(started.workflow_id)
    result_task = asyncio.ensure_future(handle.result())
    while not result_task.done():
        if phases is not None:
            with contextlib.suppress(Exception):
                phase = (await handle.query("progress"))["phase"]
                if not phases or phases[-1] != phase:
                    phases.append(phase)
        await asyncio.sleep(0.05)
    try:
        message: dict[str, Any] = result_task.result()
    except WorkflowFailureError:
        message = {}
    if phases is not None and message and (not phases or phases[-1] != message["phase"]):
        phases.append(message["phase"])
    return message


async def scan(
    client: Client, settings: Settings, root: Path, options: ScanOptions | None = None, phases: list[str] | None = None
) -> dict[str, Any]:
    async with running_workers(client, settings):
        started = await start(client, settings, root, options)
        return await finish(client, started, phases)


def movies_by_directory(settings: Settings) -> dict[str, dict[str, Any]]:
    with session_scope(settings.resolved_database_url) as session:
        return {m["directory"]: m for m in list_movies(session)}


def detached(settings: Settings, query: Select[T]) -> list[T]:
    """The rows of a query, still readable after their session has closed."""
    with session_scope(settings.resolved_database_url) as session:
        rows = list(session.scalars(query))
        for row in rows:
            session.expunge(row)
        return rows


def scan_job(settings: Settings, scan_job_id: int) -> ScanJob:
    with session_scope(settings.resolved_database_url) as session:
        job = session.scalars(select(ScanJob).where(ScanJob.id == scan_job_id)).one()
        session.expunge(job)
        return job


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def wait_for_scanned(client: Client, workflow_id: str, at_least: int, timeout: float = 60) -> dict:
    handle = client.get_workflow_handle(workflow_id)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        message = await handle.query("progress")
        scanning = message["progress"].get("scanning") or {}
        if scanning.get("scanned", 0) >= at_least:
            return message
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"scan did not reach {at_least} directories: {message['summary']}")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def scan_under_way(
    client: Client, settings: Settings, root: Path, at_least: int
) -> AsyncIterator[scans.StartedScan]:
    """A scan of `root` with in-process workers, handed over once it has scanned `at_least` directories; the
    workers stop when the block ends."""
    async with running_workers(client, settings):
        started = await start(client, settings, root)
        await wait_for_scanned(client, started.workflow_id, at_least)
        yield started


def reconfigure(monkeypatch: pytest.MonkeyPatch, **values: str) -> Settings:
    """Change REELSCAN_ settings for this test (in-process workers and activities read them)."""
    for key, value in values.items():
        monkeypatch.setenv(f"REELSCAN_{key.upper()}", value)
    get_settings.cache_clear()
    return get_settings()


async def eventually(
    probe: Callable[[], Awaitable[T]],
    done: Callable[[T], bool] = bool,
    *,
    what: str,
    timeout: float = 60,
    interval: float = 0.05,
) -> T:
    """Call probe until done(its value) holds, then return the value; fail naming `what` after timeout seconds.

    For what becomes true a moment later: visibility (list_workflows, list_schedules, search attributes) is
    eventually consistent, a row written by a worker appears when it does.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if done(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; last seen: {value!r}")
        await asyncio.sleep(interval)


async def scanned_bulk_library(
    client: Client, settings: Settings, tmp_path: Path, count: int
) -> tuple[Path, list[str]]:
    """A `Movies` folder of `count` bulk movies, scanned once: its root and folder names."""
    root = tmp_path / "Movies"
    names = build_bulk_library(root, count)
    await scan(client, settings, root)
    return root, names


async def scan_library(client: Client, settings: Settings, library_id: int, options: ScanOptions) -> dict[str, Any]:
    """One scan of a library already registered, to its end: its final message (the workers must be running)."""
    return await finish(client, await scans.start_scan(client, settings, library_id, options))


async def scanned_tv_library(
    client: Client, settings: Settings, tmp_path: Path, options: ScanOptions
) -> tuple[TvLibraryManifest, int]:
    """A `TV` folder of build_tv_library, registered as a TV library and scanned once to completion with these
    options (the workers must be running): its manifest and library id."""
    library = build_tv_library(tmp_path / "TV")
    library_id = scans.library_for_path(settings, library.root, library_type="tv")
    first = await scan_library(client, settings, library_id, options)
    assert first["phase"] == "completed"
    return library, library_id


async def movies_when(
    settings: Settings, done: Callable[[dict[str, dict[str, Any]]], bool], *, what: str, timeout: float = 60
) -> dict[str, dict[str, Any]]:
    """The movies by directory once done(them) holds, read from the database; fails naming `what` after timeout."""
    return await eventually(lambda: asyncio.to_thread(movies_by_directory, settings), done, what=what, timeout=timeout)


async def scan_runs(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a scan so far, first to last, following its continue-as-new chain.

    Read from the histories, which are current, rather than from list_workflows, which may lag behind.
    """
    latest = await client.get_workflow_handle(workflow_id).fetch_history()
    run_id = latest.events[0].workflow_execution_started_event_attributes.first_execution_run_id
    runs = []
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        runs.append(history)
        last = history.events[-1]
        if not last.HasField("workflow_execution_continued_as_new_event_attributes"):
            return runs
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id


def children_started(runs: list[WorkflowHistory], prefix: str = "") -> list[tuple[str, str]]:
    """(workflow id, run id) of the children these runs started, in the order they started (ids with `prefix`)."""
    started = []
    for run in runs:
        for event in run.events:
            if event.HasField("child_workflow_execution_started_event_attributes"):
                execution = event.child_workflow_execution_started_event_attributes.workflow_execution
                if execution.workflow_id.startswith(prefix):
                    started.append((execution.workflow_id, execution.run_id))
    return started


async def starter_process(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    """starter.py in its own process with this environment, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT / "starter.py"),
        *args,
        cwd=PROJECT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def worker_process(
    server: Client | str, *args: str, metrics_port: int | None = None, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """worker.py in its own process, with this test's settings, on the test server (a client of it, or its
    address)."""
    address = server if isinstance(server, str) else server.service_client.config.target_host
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=address)
    if metrics_port is not None:
        env["REELSCAN_METRICS_PORT"] = str(metrics_port)
    return subprocess.Popen(
        [sys.executable, str(PROJECT / "worker.py"), *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )
