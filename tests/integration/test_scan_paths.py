"""Ways a scan could end with counts that are not the truth: each test drives one of them on a real server, real
workers and real files, and checks the end state against the database (tests/invariants.py)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.exceptions import CancelledError
from temporalio.service import RPCError
from temporalio.testing import ActivityEnvironment

from activities.discovery import discover_directories
from activities.scan import scan_directories
from reelscan.db import scan_jobs, work_list
from reelscan.db.models import Movie, ScanDirectory
from reelscan.db.session import session_scope
from reelscan.payloads.scan import DirectoryRef, DirectoryScanInput, DiscoverInput
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library
from tests.integration.paused_enrichment import PAUSED_PREFIX, workers_with_paused_enrichment
from tests.integration.scanning import finish, reconfigure, running_workers, scan_job, start, worker_process
from tests.integration.slow_cache import CacheDelay, workers_with_slow_cache
from tests.invariants import assert_scan_invariants, error_directories
from tests.library_builder import build_bulk_library

QUICK = ScanOptions(skip_ffprobe=True, enable_enrichment=False)


async def wait_until(condition: Callable[[], Awaitable[bool] | bool], what: str, timeout: float = 120) -> None:
    """Poll a condition (generous timeout: these machines are shared); fail naming what never happened."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        outcome = condition()
        if not isinstance(outcome, bool):
            outcome = await outcome
        if outcome:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {what}")
        await asyncio.sleep(0.01)


def recorded(settings: Settings, scan_job_id: int, seq: int) -> bool:
    return outcome_of(settings, scan_job_id, seq) not in (None, "pending")


def outcome_of(settings: Settings, scan_job_id: int, seq: int) -> str | None:
    with session_scope(settings.resolved_database_url) as session:
        return session.scalar(
            select(ScanDirectory.outcome).where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq == seq)
        )


def movie_id_of(settings: Settings, directory: str) -> int | None:
    with session_scope(settings.resolved_database_url) as session:
        return session.scalar(select(Movie.id).where(Movie.directory == directory))


def give_slow_nfo(folder: Path, entries: int = 80_000) -> None:
    """A bloated but valid NFO (just under the 5 MB limit): reading it keeps a directory scan busy for a while, and
    its nameless cast entries are skipped, so recording the movie stays as quick as for any other folder."""
    cast = "".join(f"<actor><role>Extra {i}</role><order>{i}</order></actor>" for i in range(entries))
    (folder / "movie.nfo").write_text(f"<movie><title>{folder.name[:11]}</title>{cast}</movie>", encoding="utf-8")


def stop_process(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


# --- 1. a cancellation delivered into an activity thread is not a folder's error ----------------------------------


def test_cancel_delivered_inside_a_directory_scan_is_not_the_folders_error(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """The SDK raises CancelledError inside the activity's thread (local-activity timeout, workflow-task eviction,
    worker shutdown); arriving while a healthy folder is being read, it must not be recorded as that folder's error."""
    root = tmp_path / "Movies"
    names = build_bulk_library(root, 3, with_assets=False)
    give_slow_nfo(root / names[1])  # the folder being read when the cancellation arrives
    url = sqlite_settings.resolved_database_url
    with session_scope(url) as session:
        library_id = scan_jobs.get_or_create_library(session, root).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        scan_job_id = job.id
    env = ActivityEnvironment()
    env.run(discover_directories, DiscoverInput(scan_job_id=scan_job_id, library_id=library_id, library_path=str(root)))
    with session_scope(url) as session:
        refs = [DirectoryRef(seq=s, path=p) for s, p in work_list.directory_page(session, scan_job_id, 0, 10)]
    job_input = DirectoryScanInput(
        scan_job_id=scan_job_id, library_id=library_id, library_path=str(root), directories=refs, skip_ffprobe=True
    )
    ended: dict[str, Any] = {}

    def run() -> None:
        try:
            ended["result"] = env.run(scan_directories, job_input)
        except BaseException as exc:  # what the activity raised is part of what the test checks
            ended["raised"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 120
    while not recorded(sqlite_settings, scan_job_id, 0):
        assert time.monotonic() < deadline and thread.is_alive(), "the first folder was never recorded"
        time.sleep(0.005)
    env.cancel()  # as the worker does: the cancellation is raised inside the activity's thread
    thread.join(120)

    assert not thread.is_alive()
    assert error_directories(sqlite_settings, scan_job_id) == {}
    result = ended.get("result")
    if result is not None:
        assert [r.outcome for r in result.results if r.outcome == "error"] == []
    else:
        assert isinstance(ended["raised"], CancelledError), repr(ended["raised"])


# --- 2. a child that ends without a result -------------------------------------------------------------------------


async def test_child_ended_without_result_counts_only_what_the_database_says(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child of three folders ends without a result (its worker hangs while it reads them, the child is
    terminated, the worker is killed) after the child before it recorded its own: a child records its folders
    together once it has read them all, so the hung child recorded none, the folders the first child recorded are
    no errors, the hung child's folders are scanned again, and the scan's counts equal the database."""
    settings = reconfigure(monkeypatch, children_window="1", directories_per_child="3")
    root = tmp_path / "Movies"
    names = build_bulk_library(root, 6, with_assets=False)
    for name in names[3:]:
        give_slow_nfo(root / name)  # the second child reads for a while
    hung = worker_process(client)
    try:
        started = await start(client, settings, root, QUICK)
        await wait_until(lambda: recorded(settings, started.scan_job_id, 0), "the first child's folders", 180)
        child = client.get_workflow_handle(f"{started.workflow_id}/dirs-3-5")

        async def second_child_running() -> bool:
            try:
                return (await child.describe()).status == WorkflowExecutionStatus.RUNNING
            except RPCError:
                return False  # not started yet

        await wait_until(second_child_running, "the second child", 180)
        hung.send_signal(signal.SIGSTOP)  # the worker hangs while the second child reads its folders
        assert not recorded(settings, started.scan_job_id, 3)
        await child.terminate("the child's worker hangs")
        stop_process(hung)  # and is killed: it writes nothing more, and its task polls end with it
        async with running_workers(client, settings):
            message = await finish(client, started)
    finally:
        stop_process(hung)

    assert [outcome_of(settings, started.scan_job_id, seq) for seq in range(6)] == ["new"] * 6
    assert_scan_invariants(settings, message)


# --- 3. enrichment children and cache batches that end cancelled are counted ---------------------------------------


async def test_enrichment_child_cancelled_alone_is_still_counted(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One movie's enrichment child is cancelled on its own (from the Web UI, say) while it waits between steps, so
    it ends cancelled while the scan is not being cancelled: it is still counted."""
    root = tmp_path / "Movies"
    build_bulk_library(root, 3, with_assets=False)
    paused = root / f"{PAUSED_PREFIX} Film (2001)"
    paused.mkdir()
    os.link(next(root.glob("Movie *")) / "movie.mp4", paused / "movie.mp4")
    with FakeTmdb(movies_for_library(root)) as fake:
        settings = reconfigure(
            monkeypatch, tmdb_api_key=API_KEY, tmdb_base_url=fake.base_url, tmdb_requests_per_second="50"
        )
        async with workers_with_paused_enrichment(client, settings):
            started = await start(client, settings, root, ScanOptions(skip_ffprobe=True, enable_enrichment=True))
            await wait_until(lambda: movie_id_of(settings, paused.name) is not None, "the paused movie")
            child = client.get_workflow_handle(f"{started.workflow_id}/enrich-{movie_id_of(settings, paused.name)}-0")

            async def child_running() -> bool:
                with contextlib.suppress(RPCError):
                    return (await child.describe()).status == WorkflowExecutionStatus.RUNNING
                return False

            await wait_until(child_running, "the paused movie's enrichment child")
            await child.cancel()
            message = await finish(client, started)

    enriching = message["progress"]["enriching"]
    assert (enriching["completed"], enriching["queued"]) == (4, 4), message["summary"]
    assert_scan_invariants(settings, message)


async def test_cache_batch_cancelled_by_worker_shutdown_is_still_counted(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker running a cache batch shuts down (graceful timeout 0) in the middle of it, although the scan is not
    being cancelled: the batch's assets are cached by another worker or counted as failed, never dropped."""
    settings = reconfigure(monkeypatch, children_window="2", cache_batch_size="1", cache_window="1")
    root = tmp_path / "Movies"
    build_bulk_library(root, 4)
    delay = CacheDelay(1.0)
    async with workers_with_slow_cache(client, settings, delay):
        started = await start(client, settings, root, QUICK)
        await asyncio.to_thread(delay.started.wait, 120)
    delay.seconds = 0
    async with workers_with_slow_cache(client, settings, delay):
        message = await finish(client, started)

    caching = message["progress"]["caching"]
    assert caching["cached"] + caching["failed"] == caching["queued"] == 4, message["summary"]
    assert_scan_invariants(settings, message)


# --- 4. a failure that is neither a child's nor an activity's still marks the scan failed -------------------------


async def test_child_id_already_taken_marks_the_scan_failed(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 3, with_assets=False)
    library_id = scans.library_for_path(sqlite_settings, root)
    # The first scan of a fresh database is scan 1; its first child is <scan workflow id>/dir-0.
    workflow_id = scans.workflow_id_for(sqlite_settings, library_id, 1)
    squatter = await client.start_workflow(
        "SomeoneElsesWorkflow", id=f"{workflow_id}/dir-0", task_queue=f"nobody-polls-{uuid.uuid4().hex[:8]}"
    )
    try:
        async with running_workers(client, sqlite_settings):
            started = await scans.start_scan(client, sqlite_settings, library_id, QUICK)
            assert started.workflow_id == workflow_id
            with pytest.raises(WorkflowFailureError):
                await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), timeout=120)
    finally:
        await squatter.terminate("test over")

    job = scan_job(sqlite_settings, started.scan_job_id)
    assert job.status == "failed", f"scan_jobs row left {job.status!r} after its workflow failed"
    assert job.last_error


# --- 5. directory pages stay far below Temporal's payload limit whatever the settings ---------------------------


@pytest.mark.timeout(600)
async def test_largest_windows_and_long_paths_still_complete(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """children_window and directories_per_child at their maxima would ask for pages of 75,000 rows; with paths of
    about 1 KB, 2,400 folders in one page are over Temporal's 2 MB payload limit."""
    maxima = {name: Settings.model_fields[name].metadata for name in ("children_window", "directories_per_child")}
    window = next(m.le for m in maxima["children_window"] if hasattr(m, "le"))
    per_child = next(m.le for m in maxima["directories_per_child"] if hasattr(m, "le"))
    settings = reconfigure(monkeypatch, children_window=str(window), directories_per_child=str(per_child))
    root = tmp_path / "Movies"
    deep = root / ("Collection " + "a" * 230) / ("Series " + "b" * 233) / ("Shelf " + "c" * 234)
    video = tmp_path / "movie.mp4"
    build_bulk_library(tmp_path / "seed", 1, with_assets=False)
    os.link(next((tmp_path / "seed").iterdir()) / "movie.mp4", video)
    total = 2400
    for i in range(total):
        folder = deep / f"Movie {i:05d} {'d' * 220} (2001)"
        folder.mkdir(parents=True)
        os.link(video, folder / "movie.mp4")
    assert len(str(folder.relative_to(root))) > 950

    async with running_workers(client, settings):
        started = await start(client, settings, root, QUICK)
        try:
            message = await client.get_workflow_handle(started.workflow_id).result()
        except WorkflowFailureError as failure:
            pytest.fail(f"the scan failed: {failure.cause}")

    assert message["phase"] == "completed", message.get("lastError")
    assert message["progress"]["scanning"]["scanned"] == total
    assert_scan_invariants(settings, message)


# --- 7. what a user sees never goes backwards, even across a killed worker ----------------------------------------


def _count(message: dict[str, Any], *keys: str) -> int:
    value: Any = message
    for key in keys:
        value = (value or {}).get(key)
    return int(value or 0)


COUNTERS: dict[str, Callable[[dict[str, Any]], int]] = {
    "directories scanned": lambda m: _count(m, "progress", "scanning", "scanned"),
    "movies found": lambda m: _count(m, "stats", "moviesFound"),
    "movies new": lambda m: _count(m, "stats", "moviesNew"),
    "assets cached": lambda m: _count(m, "stats", "assetsCached"),
    "assets done": lambda m: _count(m, "progress", "caching", "cached") + _count(m, "progress", "caching", "failed"),
    "errors": lambda m: _count(m, "stats", "errorsCount"),
}


@pytest.mark.timeout(600)
async def test_progress_never_goes_backwards_across_a_killed_worker(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, progress_interval_seconds="2")  # the default refresh of the scan_jobs row
    total = 200
    build_bulk_library(tmp_path / "Movies", total)
    samples: list[tuple[str, dict[str, Any]]] = []
    when = "before the kill"
    stop = threading.Event()

    async def sample(scan_job_id: int) -> None:
        while not stop.is_set():
            message = await scans.scan_progress(client, settings, scan_job_id)  # what `starter.py status` shows
            samples.append((when, message))
            if message.get("phase") in ("completed", "failed", "cancelled"):
                return
            await asyncio.sleep(0.05)

    worker = worker_process(client)
    sampler: asyncio.Task[None] | None = None
    try:
        started = await start(client, settings, tmp_path / "Movies")
        sampler = asyncio.create_task(sample(started.scan_job_id))
        await wait_until(
            lambda: any(COUNTERS["directories scanned"](m) >= total // 4 for _, m in samples), "a quarter scanned", 180
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        when = "worker killed"
        killed_at = len(samples)
        await wait_until(lambda: len(samples) >= killed_at + 2, "two samples while no worker runs")
        when = "worker restarted"
        worker = worker_process(client)
        await asyncio.wait_for(sampler, timeout=300)
    finally:
        stop.set()
        if sampler is not None and not sampler.done():
            sampler.cancel()
        stop_process(worker)

    assert samples[-1][1]["phase"] == "completed", samples[-1][1].get("summary")
    for name, counter in COUNTERS.items():
        for (before_when, before), (after_when, after) in itertools.pairwise(samples):
            assert counter(after) >= counter(before), (
                f"{name} went from {counter(before)} ({before_when}, {before.get('summary')!r} updated "
                f"{before.get('lastUpdatedAt')}) to {counter(after)} ({after_when}, {after.get('summary')!r} updated "
                f"{after.get('lastUpdatedAt')})"
            )
