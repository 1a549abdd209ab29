"""In-process workers whose asset caching is the real cache_assets activity, slowed by a fixed delay per batch.

The delay stands for a slow cache disk or share: the scan sees a cache batch that takes longer than a directory
scan, which is what puts back-pressure on the directory window.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from activities.cache import cache_assets
from reelscan.payloads.scan import CacheAssetsInput, CacheAssetsResult
from reelscan.settings import Settings
from worker import build_workers


class CacheDelay:
    """Seconds each cache batch waits before doing its real work; changeable while the workers run."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.started = threading.Event()  # set when a batch begins


def slow_cache_worker(client: Client, settings: Settings, delay: CacheDelay, executor: ThreadPoolExecutor) -> Worker:
    @activity.defn(name="cache_assets")
    def slow_cache_assets(job: CacheAssetsInput) -> CacheAssetsResult:
        delay.started.set()
        time.sleep(delay.seconds)
        return cache_assets(job)

    return Worker(
        client,
        task_queue=settings.cache_task_queue,
        activities=[slow_cache_assets],
        activity_executor=executor,
        max_concurrent_activities=settings.cache_concurrency,
    )


@contextlib.asynccontextmanager
async def workers_with_slow_cache(client: Client, settings: Settings, delay: CacheDelay) -> AsyncIterator[None]:
    """The real scan and enrich workers, and a cache worker running the real activity after the delay."""
    with ThreadPoolExecutor(max_workers=settings.cache_concurrency) as executor:
        async with contextlib.AsyncExitStack() as stack:
            workers = [*build_workers(client, settings, ("scan", "enrich"))]
            workers.append(slow_cache_worker(client, settings, delay, executor))
            for worker in workers:
                await stack.enter_async_context(worker)
            yield
