"""How fast a watched library catches up: copy-to-database latency, scans per bulk copy, cost of a polling pass.

    python -m bench.watch_latency                      # quiet time 2 s, 20 copies, 500 folders, 10,000 polled
    python -m bench.watch_latency --quiet 10 --copies 5

Runs a real Temporal dev server (in memory), in-process workers, SQLite and the real file-system watcher
(inotify here) on generated folders. Prints figures; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from sqlalchemy import func, insert, select
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from bench.scan_benchmark import in_process_settings
from reelscan.db.models import Movie, ScanJob
from reelscan.db.session import dispose_engines, session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.settings import Settings
from reelscan.watching import poll_pass
from service import scans, watch
from service.watch_runner import WatchRunner

MEDIA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "media"


@contextlib.asynccontextmanager
async def watching(client: Client, settings: Settings, root: Path) -> AsyncIterator[int]:
    """Workers and the file-system watcher on a new library; yields its id."""
    from worker import build_workers

    library_id = scans.library_for_path(settings, root)
    watch.set_watch_mode(settings, library_id, "events")
    plan = watch.library_plan(settings, library_id)
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        for worker in build_workers(client, settings):
            await stack.enter_async_context(worker)
        runner = asyncio.create_task(WatchRunner(client, settings, [plan]).run(stop))
        await asyncio.sleep(1.0)  # observer started
        try:
            yield library_id
        finally:
            stop.set()
            await runner
            await client.get_workflow_handle(watch.watch_workflow_id(settings, library_id)).terminate("bench over")


def count_movies(settings: Settings, library_id: int) -> int:
    with session_scope(settings.resolved_database_url) as session:
        return session.scalar(select(func.count()).select_from(Movie).where(Movie.library_id == library_id)) or 0


def has_movies(settings: Settings, library_id: int, count: int) -> bool:
    return count_movies(settings, library_id) >= count


def scan_jobs(settings: Settings, library_id: int) -> list[ScanJob]:
    with session_scope(settings.resolved_database_url) as session:
        rows = list(session.scalars(select(ScanJob).where(ScanJob.library_id == library_id)))
        for row in rows:
            session.expunge(row)
        return rows


async def until(done: Callable[[], bool], what: str, limit: float = 600) -> float:
    """Poll until done() holds; returns the monotonic time it did."""
    deadline = time.monotonic() + limit
    while True:
        if await asyncio.to_thread(done):
            return time.monotonic()
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def copy_folder(target: Path, steps: int = 3) -> None:
    """A movie folder written the way a copy writes it: the video in a few steps, then the poster."""
    target.mkdir()
    data = (MEDIA / "h264_aac.mp4").read_bytes()
    size = -(-len(data) // steps)
    with (target / "movie.mp4").open("wb") as out:
        for i in range(0, len(data), size):
            out.write(data[i : i + size])
            out.flush()
            time.sleep(0.1)
    shutil.copyfile(MEDIA / "poster.jpg", target / "poster.jpg")


async def latency(client: Client, settings: Settings, base: Path, copies: int) -> list[float]:
    root = base / "latency"
    await asyncio.to_thread(root.mkdir)
    results = []
    async with watching(client, settings, root) as library_id:
        for i in range(copies):
            await asyncio.to_thread(copy_folder, root / f"Copied Movie {i:03d} (2001)")
            ended = time.monotonic()
            found = await until(functools.partial(has_movies, settings, library_id, i + 1), "the copied movie")
            results.append(found - ended)
            await asyncio.sleep(0.2)
    return results


def make_staging(staging: Path, root: Path, folders: int) -> None:
    staging.mkdir()
    root.mkdir()
    for i in range(folders):
        folder = staging / f"Bulk Movie {i:04d} ({1950 + i % 70})"
        folder.mkdir()
        shutil.copyfile(MEDIA / "h264_aac.mp4", folder / "movie.mp4")


def copy_all(staging: Path, root: Path) -> None:
    for folder in sorted(staging.iterdir()):
        shutil.copytree(folder, root / folder.name)


async def bulk(client: Client, settings: Settings, base: Path, folders: int) -> tuple[int, float, list[int]]:
    staging, root = base / "staging", base / "bulk"
    await asyncio.to_thread(make_staging, staging, root, folders)
    async with watching(client, settings, root) as library_id:
        started = time.monotonic()
        await asyncio.to_thread(copy_all, staging, root)
        copied = time.monotonic()
        found = await until(lambda: count_movies(settings, library_id) >= folders, f"{folders} movies")
        await until(lambda: all(job.status == "completed" for job in scan_jobs(settings, library_id)), "the scans")
        jobs = scan_jobs(settings, library_id)
    print(f"  ({folders} folders copied in {copied - started:.1f} s)")
    return len(jobs), found - copied, sorted(job.directories_total for job in jobs)


def polling_cost(settings: Settings, base: Path, folders: int) -> tuple[list[float], int]:
    root = base / "polled"
    root.mkdir()
    video = base / "polled-video.mp4"
    shutil.copyfile(MEDIA / "h264_aac.mp4", video)
    for i in range(folders):
        folder = root / f"Polled Movie {i:05d} ({1950 + i % 70})"
        folder.mkdir()
        os.link(video, folder / "movie.mp4")
        (folder / "movie.nfo").write_text("<movie><title>x</title></movie>")
    library_id = scans.library_for_path(settings, root)
    rows = [
        {"library_id": library_id, "directory": d.path, "fingerprint": d.fingerprint, "title": d.path}
        for d in LibraryWalker(root).walk()
    ]
    with session_scope(settings.resolved_database_url) as session:
        session.execute(insert(Movie), rows)
    timings = []
    for _ in range(3):
        started = time.monotonic()
        with session_scope(settings.resolved_database_url) as session:
            known = dict(
                session.execute(select(Movie.directory, Movie.fingerprint).where(Movie.library_id == library_id)).all()
            )
        found = poll_pass(root, known)
        timings.append(time.monotonic() - started)
        assert not found.changed, found.changed[:5]
    return timings, found.directories


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", type=float, default=2.0, help="REELSCAN_WATCH_QUIET_SECONDS for the run")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--folders", type=int, default=500)
    parser.add_argument("--polled", type=int, default=10_000)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="reelscan-watch-bench-"))
    settings = in_process_settings(
        base / "data", "bench", REELSCAN_WATCH_QUIET_SECONDS=str(args.quiet), REELSCAN_PROGRESS_INTERVAL_SECONDS="1"
    )
    temporal = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal, data_converter=pydantic_data_converter
    )
    try:
        print(f"quiet time {args.quiet:g} s (a folder is scanned once quiet this long and unchanged across it)")
        waits = await latency(env.client, settings, base, args.copies)
        print(
            f"copy end -> movie in database, {len(waits)} copies: median {statistics.median(waits):.2f} s, "
            f"min {min(waits):.2f} s, max {max(waits):.2f} s "
            f"(median {statistics.median(waits) - args.quiet:.2f} s beyond the quiet time)"
        )
        count, seconds, sizes = await bulk(env.client, settings, base, args.folders)
        print(
            f"{args.folders}-folder copy: {count} targeted scans (folders per scan: {sizes}), "
            f"all in the database {seconds:.1f} s after the copy ended"
        )
        timings, directories = polling_cost(settings, base, args.polled)
        print(
            f"polling pass over {directories:,} unchanged folders: median {statistics.median(timings):.2f} s "
            f"({statistics.median(timings) / directories * 1e6:.0f} us per folder; runs: "
            f"{', '.join(f'{t:.2f}' for t in timings)} s)"
        )
    finally:
        await env.shutdown()
        dispose_engines()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    os._exit(0)  # temporalio/sdk-python#300
