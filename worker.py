"""The reelscan worker: runs the scan and cache task queues with their concurrency limits.

python worker.py                 # every queue
python worker.py --queues cache  # only asset caching (e.g. on the machine next to the storage)
python worker.py --processes 2   # two worker processes (scanning is CPU-bound Python: one process per core)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.cache import cache_assets
from activities.discovery import (
    count_stored_directories,
    discover_directories,
    find_pending_directories,
    load_directory_page,
)
from activities.enrich import SCAN_QUEUE_ACTIVITIES
from activities.enrich_music import MUSIC_ENRICH_QUEUE_ACTIVITIES, MUSIC_SCAN_QUEUE_ACTIVITIES
from activities.enrich_tv import TV_SCAN_QUEUE_ACTIVITIES
from activities.progress import count_scan_outcomes, record_scan_progress, settle_unscanned_directories
from activities.provider_calls import ENRICH_QUEUE_ACTIVITIES
from activities.scan import load_recorded_directories, scan_directories
from activities.schedule import prepare_scheduled_scan
from activities.watch import poll_library_changes, snapshot_folders
from reelscan.cache_store import CacheStore
from reelscan.db.session import migrate
from reelscan.logs import configure_logging
from reelscan.settings import Settings, get_settings
from service.client import TemporalUnavailable, connect
from service.installation_guard import InstallationGuard
from service.watch import watched_libraries
from service.watch_runner import WatchRunner
from workflows.directory_scan import DirectoryScanWorkflow
from workflows.enrich_album import EnrichAlbumWorkflow
from workflows.enrich_movie import EnrichMovieWorkflow
from workflows.enrich_series import EnrichSeriesWorkflow
from workflows.library_scan import LibraryScanWorkflow
from workflows.library_watch import LibraryWatchWorkflow
from workflows.scheduled_scan import ScheduledScanWorkflow

QUEUES = ("scan", "cache", "enrich")
PROVIDER_HEADROOM = 0.8
log = logging.getLogger("reelscan.worker")

# Every workflow the scan queue's workers run (tests/unit/test_replay.py replays recorded histories against these).
WORKFLOWS: list[type] = [
    LibraryScanWorkflow,
    DirectoryScanWorkflow,
    EnrichMovieWorkflow,
    EnrichSeriesWorkflow,
    EnrichAlbumWorkflow,
    ScheduledScanWorkflow,
    LibraryWatchWorkflow,
]


def build_workers(
    client: Client, settings: Settings, queues: Sequence[str] = QUEUES, replaced: Sequence[Callable[..., Any]] = ()
) -> list[Worker]:
    """The Worker objects for the chosen queues (tests run these in-process; `replaced` are activities that stand
    in for the scan queue's activity of the same function name, e.g. one that waits for a test's go-ahead)."""
    # Activities are blocking I/O (filesystem, database, media parsing): threads, sized per queue.
    executor = ThreadPoolExecutor(max_workers=settings.scan_concurrency + settings.cache_concurrency + 4)
    # Work that reaches these queues from another database is refused rather than written into this one.
    guard = [InstallationGuard(settings.resolved_workflow_id_prefix)]
    workers = []
    if "scan" in queues:
        workers.append(
            Worker(
                client,
                task_queue=settings.scan_task_queue,
                interceptors=guard,
                workflows=WORKFLOWS,
                activities=_replace(
                    replaced,
                    discover_directories,
                    count_stored_directories,
                    load_directory_page,
                    find_pending_directories,
                    scan_directories,
                    record_scan_progress,
                    count_scan_outcomes,
                    settle_unscanned_directories,
                    load_recorded_directories,
                    *SCAN_QUEUE_ACTIVITIES,
                    *TV_SCAN_QUEUE_ACTIVITIES,
                    *MUSIC_SCAN_QUEUE_ACTIVITIES,
                    prepare_scheduled_scan,
                    snapshot_folders,
                    poll_library_changes,
                ),
                activity_executor=executor,
                max_concurrent_local_activities=settings.scan_concurrency,
                max_concurrent_activities=4,
                max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
            )
        )
    if "cache" in queues:
        workers.append(
            Worker(
                client,
                task_queue=settings.cache_task_queue,
                interceptors=guard,
                activities=[cache_assets],
                activity_executor=executor,
                max_concurrent_activities=settings.cache_concurrency,
            )
        )
    if "enrich" in queues:
        # One queue per provider, its rate enforced by the server for the whole queue, so the provider's limit holds
        # across every worker; scheduled at 80% of the allowance: the limiter's initial burst then still fits any
        # 10 s window. MusicBrainz allows about one request per second per client.
        for task_queue, activities, concurrency, per_second in (
            (settings.enrich_task_queue, ENRICH_QUEUE_ACTIVITIES, 8, settings.tmdb_requests_per_second),
            (
                settings.music_enrich_task_queue,
                MUSIC_ENRICH_QUEUE_ACTIVITIES,
                4,
                settings.musicbrainz_requests_per_second,
            ),
        ):
            workers.append(
                Worker(
                    client,
                    task_queue=task_queue,
                    interceptors=guard,
                    activities=activities,
                    max_concurrent_activities=concurrency,
                    max_task_queue_activities_per_second=per_second * PROVIDER_HEADROOM,
                    max_activities_per_second=per_second * PROVIDER_HEADROOM,
                )
            )
    return workers


def _replace(replaced: Sequence[Callable[..., Any]], *activities: Callable[..., Any]) -> list[Callable[..., Any]]:
    by_name = {activity.__name__: activity for activity in replaced}
    return [by_name.get(activity.__name__, activity) for activity in activities]


async def run(queues: Sequence[str], parent_pid: int | None = None) -> None:
    settings = get_settings()
    runtime = None
    if settings.metrics_port:
        # Temporal SDK metrics and our reelscan_* counters on one Prometheus endpoint.
        metrics = PrometheusConfig(bind_address=f"0.0.0.0:{settings.metrics_port}")
        runtime = Runtime(telemetry=TelemetryConfig(metrics=metrics))
    client = await connect(settings, start_embedded=False, runtime=runtime)
    workers = build_workers(client, settings, queues)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    for worker in workers:
        asyncio.get_running_loop().create_task(worker.run())
    if parent_pid is not None:
        threading.Thread(target=_stop_when_orphaned, args=(parent_pid, loop, stop), daemon=True).start()
    log.info(
        "worker polling %s for workflows %s-*",
        ", ".join(w.task_queue for w in workers),
        settings.resolved_workflow_id_prefix,
    )
    watcher = None
    if "scan" in queues and parent_pid is None and settings.watch_in_worker:
        # Libraries set to be watched (starter.py watch-library): one process runs their file-system observers,
        # and picks up libraries set to be watched later within half a minute.
        runner = WatchRunner(client, settings, watched_libraries(settings), refresh=lambda: watched_libraries(settings))
        watcher = loop.create_task(runner.run(stop))
    await stop.wait()
    log.info("worker shutting down")
    if watcher is not None:
        await watcher
    await asyncio.gather(*(worker.shutdown() for worker in workers))


def _stop_when_orphaned(parent_pid: int, loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """A sibling process ends with the worker that started it, even if that one was killed outright."""
    while os.getppid() == parent_pid:
        time.sleep(1)
    loop.call_soon_threadsafe(stop.set)


def start_siblings(queues: Sequence[str], count: int) -> list[subprocess.Popen[bytes]]:
    """More worker processes on the same queues: Python runs one thread at a time, so one process per core."""
    command = [sys.executable, __file__, "--queues", ",".join(queues), "--parent-pid", str(os.getpid())]
    return [subprocess.Popen(command, stdin=subprocess.DEVNULL) for _ in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the reelscan worker.")
    parser.add_argument("--queues", default=",".join(QUEUES), help="comma-separated subset of: scan,cache,enrich")
    parser.add_argument("--processes", type=int, default=1, help="worker processes to run (one per core is best)")
    parser.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = [q for q in queues if q not in QUEUES]
    if unknown or not queues:
        print(
            f"worker: unknown queue(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(QUEUES)}",
            file=sys.stderr,
        )
        return 2
    configure_logging()
    try:
        # The schema is brought current once, before any sibling starts.
        migrate(get_settings().resolved_database_url)
        if args.parent_pid is None:
            # Temp files of workers killed mid-copy: swept once, in the background (the cache may be large).
            cache = CacheStore(get_settings().resolved_cache_dir)
            threading.Thread(target=cache.remove_stale_temp_files, daemon=True).start()
        siblings = start_siblings(queues, max(args.processes, 1) - 1)
        try:
            asyncio.run(run(queues, args.parent_pid))
        finally:
            for sibling in siblings:
                sibling.terminate()
            for sibling in siblings:
                sibling.wait()
    except TemporalUnavailable as exc:
        print(f"worker: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # temporalio/sdk-python#300: avoid the abort at interpreter shutdown
