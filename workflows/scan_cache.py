"""Phase 3 of LibraryScanWorkflow: cache batches, started as soon as they fill (during scanning too)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, CancelledError

with workflow.unsafe.imports_passed_through():
    from activities.cache import CACHE_MAX_ATTEMPTS, cache_assets
    from activities.common import DATABASE_UNAVAILABLE
    from reelscan.payloads.carry import ScanCarry
    from reelscan.payloads.scan import CacheAssetsInput, CacheAssetsResult, LibraryScanInput
    from reelscan.scan_rules import fold_cache_result, next_cache_batch
    from workflows.library_scan_errors import ScanFailed, failure_message, failure_type, root_cause

# A batch cancelled while the scan was not being cancelled (worker shutdown) is started again, this many times
# per scan window; past that its assets are counted as failed, never dropped.
REQUEUES_PER_WINDOW = 4


class Batch:
    """A cache batch in flight: local assets of these owners (movies or series), or downloaded candidates."""

    def __init__(
        self,
        owners: list[tuple[int, int]],
        candidate_ids: list[int],
        total: int,
        music_asset_ids: list[int] | None = None,
    ) -> None:
        self.owners = owners
        self.candidate_ids = candidate_ids
        self.total = total
        self.music_asset_ids = music_asset_ids or []


class CacheWindow:
    def __init__(self, job: LibraryScanInput, carry: ScanCarry) -> None:
        self._job = job
        self._carry = carry
        self.tasks: dict[asyncio.Task[CacheAssetsResult], Batch] = {}

    @property
    def _items(self) -> str:
        return self._job.kind.asset_owners

    def idle(self) -> bool:
        carry = self._carry
        return (
            not self.tasks
            and not carry.pending_cache
            and not carry.pending_candidates
            and not carry.pending_music_assets
        )

    def any_finished(self) -> bool:
        return any(task.done() for task in self.tasks)

    def start_batches(self, *, flush: bool) -> None:
        """Batches of about cache_batch_size assets: local assets by owner, then downloaded provider images."""
        carry, size, window = self._carry, self._job.cache_batch_size, self._job.cache_window
        while carry.pending_cache and len(self.tasks) < window and not carry.cancel_requested:
            picked = next_cache_batch(carry.pending_cache, size, flush=flush)
            if picked is None:
                break
            batch, carry.pending_cache = picked
            self._start(Batch(batch, [], sum(n for _, n in batch)))
        carry.pending_candidates = self._start_id_batches(
            carry.pending_candidates, lambda ids: Batch([], ids, len(ids)), flush=flush
        )
        carry.pending_music_assets = self._start_id_batches(
            carry.pending_music_assets, lambda ids: Batch([], [], len(ids), ids), flush=flush
        )

    def _start_id_batches(self, pending: list[int], batch: Callable[[list[int]], Batch], *, flush: bool) -> list[int]:
        """Batches of cache_batch_size ids from the front of `pending` (a smaller one only when flushing) while the
        window has room; the ids left."""
        size, window = self._job.cache_batch_size, self._job.cache_window
        while (
            pending
            and len(self.tasks) < window
            and not self._carry.cancel_requested
            and (flush or len(pending) >= size)
        ):
            ids, pending = pending[:size], pending[size:]
            self._start(batch(ids))
        return pending

    def _start(self, batch: Batch) -> None:
        owner_ids = [owner for owner, _ in batch.owners]
        what = f"{len(owner_ids)} {self._items}" if owner_ids else "downloaded artwork"
        tv, music = self._job.kind.tv, self._job.kind.music
        task = asyncio.create_task(
            workflow.execute_activity(
                cache_assets,
                CacheAssetsInput(
                    scan_job_id=self._job.scan_job_id,
                    library_path=self._job.library_path,
                    movie_ids=[] if tv or music else owner_ids,
                    series_ids=owner_ids if tv else [],
                    album_ids=owner_ids if music else [],
                    candidate_ids=batch.candidate_ids,
                    music_asset_ids=batch.music_asset_ids,
                ),
                task_queue=self._job.cache_task_queue,
                start_to_close_timeout=timedelta(hours=1),
                # Heartbeats come per file: a killed worker's batch is retried elsewhere within 30 s.
                heartbeat_timeout=timedelta(seconds=30),
                # Files get CACHE_MAX_ATTEMPTS tries (then they are counted errors, see cache_assets); the extra
                # attempts only serve database outages, which fail an attempt before any file is given up.
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=2),
                    maximum_interval=timedelta(seconds=20),
                    maximum_attempts=CACHE_MAX_ATTEMPTS + 9,
                ),
                summary=f"Cache {batch.total} assets of {what}",
            )
        )
        self.tasks[task] = batch

    def collect(self, *, requeue_cancelled: bool) -> None:
        carry = self._carry
        c = carry.state.counters
        for task, batch in list(self.tasks.items()):
            if not task.done():
                continue
            del self.tasks[task]
            try:
                result = task.result()
            except ActivityError as exc:
                if isinstance(root_cause(exc), CancelledError):
                    if carry.cancel_requested:
                        continue  # the scan is being cancelled: its caching stops with it
                    if requeue_cancelled and carry.cache_requeues < REQUEUES_PER_WINDOW * self._job.cache_window:
                        # Not asked for (a worker shutting down): the batch is idempotent, so it runs again.
                        carry.cache_requeues += 1
                        carry.pending_cache = batch.owners + carry.pending_cache
                        carry.pending_candidates = batch.candidate_ids + carry.pending_candidates
                        carry.pending_music_assets = batch.music_asset_ids + carry.pending_music_assets
                        continue
                    if not requeue_cancelled:
                        continue  # the previous release dropped these; scans it started keep doing so
                if failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(failure_message(exc)) from None
                result = CacheAssetsResult(failed=batch.total, errors=[failure_message(exc)])
            except asyncio.CancelledError:
                continue
            fold_cache_result(c, result, batch.total)
            carry.state.current_operation = (
                f"Cached assets of {len(batch.owners)} {self._items}" if batch.owners else "Cached downloaded artwork"
            )
            carry.state.last_updated_at = workflow.now()

    def cancel_all(self) -> list[asyncio.Task[CacheAssetsResult]]:
        for task in self.tasks:
            task.cancel()
        return list(self.tasks)
