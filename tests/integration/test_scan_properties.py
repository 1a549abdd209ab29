"""Randomized scans: small generated libraries (with broken folders), random windows, batch sizes, history limits
and cache speeds, and workers stopped or killed at random points. After each scan every invariant must hold
(tests/invariants.py) and the movies must be those a clean read of the same folders finds.

The seed is random per run and printed on failure; REELSCAN_PROPERTY_SEED=<seed> repeats a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.generated_library import GeneratedLibrary, build_generated_library, reference_movies
from tests.integration.scanning import finish, reconfigure, start, worker_process
from tests.integration.slow_cache import CacheDelay, workers_with_slow_cache
from tests.invariants import error_directories, movie_set, scan_problems

FINAL = ("completed", "failed", "cancelled")


@dataclass
class ScanPlan:
    directories: int
    children_window: int
    directories_per_child: int
    cache_batch_size: int
    cache_window: int
    continue_as_new_events: int
    cache_delay: float
    skip_ffprobe: bool
    fault: str  # none | restart (in-process workers shut down and started again) | kill (worker.py SIGKILLed)
    fault_after: int  # directories scanned before the fault
    discovery_head: int  # folders stored first and scanned while the rest is walked (0: walk, then scan)
    scan_while_walking: bool  # the walk's later chunks too


def plan_scan(rng: random.Random, kill: bool, late_faults: bool) -> ScanPlan:
    """late_faults: faults anywhere up to the last folder (a worker killed while the scan checks its folders against
    the database can stall the scan until a short activity's timeout); otherwise in the first half of scanning."""
    directories = rng.randint(5, 30)
    return ScanPlan(
        directories=directories,
        children_window=rng.choice([1, 2, 3, 5, 8, 20]),
        directories_per_child=rng.choice([0, 0, 1, 2, 3, 5]),
        cache_batch_size=rng.choice([1, 2, 3, 10, 50]),
        cache_window=rng.choice([1, 1, 2, 4]),
        continue_as_new_events=rng.choice([100, 150, 250, 4000]),
        cache_delay=rng.choice([0.0, 0.0, 0.01, 0.05]),
        skip_ffprobe=rng.random() < 0.7,
        fault="kill" if kill else rng.choices(["none", "restart"], weights=[3, 1])[0],
        fault_after=rng.randint(1, directories - 1 if late_faults else max(1, directories // 2)),
        discovery_head=rng.choice([0, 1, 3, 10, 500]),
        scan_while_walking=rng.random() < 0.5,
    )


async def scanned_at_least(client: Client, workflow_id: str, count: int, timeout: float = 180) -> None:
    """Until the scan has scanned `count` directories or ended (small scans may end before any fault point)."""
    handle = client.get_workflow_handle(workflow_id)
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(Exception):
            message = await handle.query("progress")
            if message["phase"] in FINAL or (message["progress"].get("scanning") or {}).get("scanned", 0) >= count:
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the scan never reached {count} scanned directories")


class Workers:
    """In-process workers (with a cache whose speed each scan chooses), stopped while a worker.py process runs."""

    def __init__(self, client: Client, settings: Settings) -> None:
        self.client, self.settings, self.delay = client, settings, CacheDelay()
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> None:
        assert self._stack is None
        self._stack = contextlib.AsyncExitStack()
        await self._stack.enter_async_context(workers_with_slow_cache(self.client, self.settings, self.delay))

    async def stop(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.aclose()


@contextlib.asynccontextmanager
async def in_process_workers(client: Client, settings: Settings) -> AsyncIterator[Workers]:
    workers = Workers(client, settings)
    await workers.start()
    try:
        yield workers
    finally:
        await workers.stop()


async def run_one(
    client: Client, workers: Workers, monkeypatch: pytest.MonkeyPatch, library: GeneratedLibrary, plan: ScanPlan
) -> dict[str, Any]:
    settings = reconfigure(
        monkeypatch,
        children_window=str(plan.children_window),
        directories_per_child=str(plan.directories_per_child),
        cache_batch_size=str(plan.cache_batch_size),
        cache_window=str(plan.cache_window),
        continue_as_new_events=str(plan.continue_as_new_events),
        discovery_head=str(plan.discovery_head),
        discovery_scan_while_walking=str(plan.scan_while_walking).lower(),
    )
    workers.delay.seconds = plan.cache_delay
    options = ScanOptions(skip_ffprobe=plan.skip_ffprobe, enable_enrichment=False)
    if plan.fault == "kill":
        await workers.stop()
        process = worker_process(client)
        try:
            started = await start(client, settings, library.root, options)
            await scanned_at_least(client, started.workflow_id, plan.fault_after)
            process.send_signal(signal.SIGKILL)
            process.wait()
            process = worker_process(client)
            message = await finish(client, started)
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait()
            await workers.start()
        return message
    started = await start(client, settings, library.root, options)
    if plan.fault == "restart":
        await scanned_at_least(client, started.workflow_id, plan.fault_after)
        await workers.stop()  # graceful shutdown timeout 0: whatever runs is cancelled
        await workers.start()
    return await finish(client, started)


def check_scan(
    settings: Settings, message: dict[str, Any], library: GeneratedLibrary, plan: ScanPlan, context: str
) -> list[str]:
    problems = scan_problems(settings, message)
    if not message:
        return problems
    got = movie_set(settings, int(message["libraryId"]))
    expected = reference_movies(library, read_media=not plan.skip_ffprobe)
    if got != expected:
        missing = sorted(set(expected) - set(got))[:5]
        extra = sorted(set(got) - set(expected))[:5]
        wrong = sorted(d for d in set(got) & set(expected) if got[d] != expected[d])[:5]
        problems.append(f"movies differ from a clean read: missing {missing}, unexpected {extra}, titles {wrong}")
    unexpected_errors = sorted(set(error_directories(settings, int(message["scanJobId"]))) - library.error_directories)
    if unexpected_errors:
        problems.append(f"healthy folders recorded as errors: {unexpected_errors[:5]}")
    return [f"{context}: {p}" for p in problems]


async def run_property_scans(
    client: Client,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    scans: int,
    kills: int,
    late_faults: bool,
) -> None:
    seed = int(os.environ.get("REELSCAN_PROPERTY_SEED") or random.SystemRandom().randrange(2**32))
    print(f"property scans: REELSCAN_PROPERTY_SEED={seed}")
    rng = random.Random(seed)
    kill_at = set(rng.sample(range(scans), kills))
    failures: list[str] = []
    async with in_process_workers(client, settings) as workers:
        for n in range(scans):
            scan_seed = rng.randrange(2**32)
            scan_rng = random.Random(scan_seed)
            plan = plan_scan(scan_rng, kill=n in kill_at, late_faults=late_faults)
            library = build_generated_library(tmp_path / f"library-{n:03d}" / "Movies", scan_rng, plan.directories)
            context = f"REELSCAN_PROPERTY_SEED={seed} scan {n} (scan seed {scan_seed}) {asdict(plan)}"
            began = time.monotonic()
            message = await run_one(client, workers, monkeypatch, library, plan)
            print(f"scan {n}: {message.get('summary')} in {time.monotonic() - began:.1f} s, {asdict(plan)}")
            failures.extend(check_scan(settings, message, library, plan, context))
    assert not failures, f"{len(failures)} broken invariants (REELSCAN_PROPERTY_SEED={seed}):\n" + "\n".join(failures)


@pytest.mark.timeout(900)
async def test_random_scans_keep_every_invariant(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await run_property_scans(client, sqlite_settings, tmp_path, monkeypatch, scans=20, kills=2, late_faults=False)


@pytest.mark.slow
@pytest.mark.timeout(7200)
async def test_random_scans_keep_every_invariant_long(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await run_property_scans(client, sqlite_settings, tmp_path, monkeypatch, scans=300, kills=20, late_faults=True)
