"""LibraryScanWorkflow: one scan of one library through the spec's phases.

discovering -> scanning -> caching -> (enriching) -> completed | failed | cancelled

The workflow owns every counter (exact and replay-safe); the `progress` query answers from memory and the
scan_jobs row is a projection written by an idempotent activity. Work is kept in sliding windows far below
Temporal's pending limits, and the run continues as new (after draining its windows) before its history grows
large, carrying its state, its cursor into the directory list and the cache jobs not yet started.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, ChildWorkflowError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.cache import CACHE_MAX_ATTEMPTS, cache_assets
    from activities.common import DATABASE_UNAVAILABLE
    from activities.discovery import (
        LIBRARY_ROOT_ERROR,
        discover_directories,
        find_pending_directories,
        load_directory_page,
    )
    from activities.progress import count_scan_outcomes, record_scan_progress
    from reelscan.jobs import (
        CacheAssetsInput,
        CacheAssetsResult,
        DirectoryPageInput,
        DirectoryRef,
        DirectoryScanInput,
        DirectoryScanResult,
        DiscoverInput,
        LibraryScanInput,
        OutcomeCountsInput,
        PrioritizeInput,
        RecordProgressInput,
    )
    from reelscan.progress import FINAL_PHASES, Phase, ScanState, asset_group, build_message, enter_phase, summary_line
    from workflows.directory_scan import DirectoryScanWorkflow

MAX_PRIORITY_PATHS = 500
SCAN_PHASE = SearchAttributeKey.for_keyword("ScanPhase")
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=20), maximum_attempts=12
)


class ScanFailed(Exception):
    """A catastrophic error: the scan stops and is marked failed with this message."""


def _root_cause(error: BaseException) -> BaseException:
    while isinstance(error, FailureError) and error.cause is not None:
        error = error.cause
    return error


def _failure_type(error: BaseException) -> str | None:
    cause = _root_cause(error)
    return cause.type if isinstance(cause, ApplicationError) else None


def _failure_message(error: BaseException) -> str:
    cause = _root_cause(error)
    return cause.message if isinstance(cause, FailureError) else str(cause)


@workflow.defn
class LibraryScanWorkflow:
    @workflow.init
    def __init__(self, job: LibraryScanInput) -> None:
        self._job = job
        now = workflow.now()
        self._state = job.state or ScanState(
            scan_job_id=job.scan_job_id,
            library_id=job.library_id,
            library_name=job.library_name,
            workflow_id=workflow.info().workflow_id,
            started_at=now,
            phase_started_at=now,
            last_updated_at=now,
        )
        self._cancel_requested = job.cancel_requested
        self._next_seq = job.next_seq
        self._pending_cache: list[tuple[int, int]] = [tuple(p) for p in job.pending_cache]  # type: ignore[misc]
        self._buffer: list[DirectoryRef] = []
        self._priority_paths: list[str] = list(job.priority_paths)
        self._priority_refs: list[DirectoryRef] = []
        self._started_ahead: set[int] = set(job.started_ahead)
        self._directories_exhausted = False
        self._children: dict[int, tuple[str, asyncio.Task[DirectoryScanResult]]] = {}
        self._cache_tasks: dict[asyncio.Task[CacheAssetsResult], tuple[list[int], int]] = {}
        self._progress_task: asyncio.Task[None] | None = None
        self._last_recorded: datetime | None = None
        self._draining = False

    # --- what users see -----------------------------------------------------------------------------------------

    @workflow.query
    def progress(self) -> dict[str, Any]:
        """The spec's ScanProgressMessage, from memory: `temporal workflow query --name progress`."""
        return build_message(self._state, workflow.now()).to_json_dict()

    @workflow.signal
    def prioritize(self, paths: list[str]) -> None:
        """Scan these directories (paths relative to the library root) before the rest of the queue."""
        room = MAX_PRIORITY_PATHS - len(self._priority_paths)
        self._priority_paths.extend(str(p) for p in paths[: max(room, 0)])

    @workflow.signal
    def cancel(self) -> None:
        """Stop launching work, cancel what is in flight and end as cancelled (scanned movies stay)."""
        self._cancel_requested = True

    # --- the run ------------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, job: LibraryScanInput) -> dict[str, Any]:
        try:
            if self._state.phase == "discovering":
                await self._record_progress()
                await self._discover()
            await self._scan_and_cache()
            if self._cancel_requested:
                return await self._stop("cancelled")
            if job.enrichment_wanted:
                self._state.notice = (
                    "Metadata enrichment is not available in this version yet: the scan completed after caching."
                )
            return await self._finish("completed")
        except asyncio.CancelledError:
            # Temporal's own cancel request: same outcome as the cancel signal, then report as cancelled.
            self._cancel_requested = True
            await self._stop("cancelled")
            raise
        except ScanFailed as exc:
            self._state.counters.last_error = str(exc)
            await self._stop("failed")
            raise ApplicationError(str(exc), type="ScanFailed", non_retryable=True) from None

    async def _discover(self) -> None:
        self._set_operation(f"Walking {self._job.library_path}")
        try:
            result = await workflow.execute_activity(
                discover_directories,
                DiscoverInput(
                    scan_job_id=self._job.scan_job_id,
                    library_id=self._job.library_id,
                    library_path=self._job.library_path,
                    max_directories=self._job.options.max_directories,
                    force_full_rescan=self._job.options.force_full_rescan,
                ),
                start_to_close_timeout=timedelta(hours=6),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=DB_RETRY,
                summary="Discover directories",
            )
        except ActivityError as exc:
            if _failure_type(exc) in (LIBRARY_ROOT_ERROR, DATABASE_UNAVAILABLE):
                raise ScanFailed(_failure_message(exc)) from None
            raise ScanFailed(f"discovery failed: {_failure_message(exc)}") from None
        c = self._state.counters
        c.directories_total = c.directories_queued = result.directories_total
        c.directories_ignored = result.directories_ignored
        # Unchanged directories are settled without a child: found, scanned, neither new nor updated.
        c.directories_unchanged = result.directories_unchanged
        c.directories_scanned += result.directories_unchanged
        c.movies_found += result.directories_unchanged
        c.movies_missing = result.movies_missing
        if result.errors_count:
            c.errors_count += result.errors_count
            c.last_error = result.first_errors[-1] if result.first_errors else c.last_error
        self._enter("scanning", f"Found {c.directories_total:,} movie directories")
        await self._record_progress()

    async def _scan_and_cache(self) -> None:
        """Phases 2 and 3 in one loop: cache batches start as soon as they fill, during scanning too."""
        while not self._cancel_requested:
            if self._state.phase == "scanning":
                await self._fill_children_window()
                if not self._children and self._directories_exhausted and not self._draining:
                    self._enter("caching", "Caching the remaining assets")
                    await self._record_progress()
            if self._state.phase in FINAL_PHASES:
                return
            self._start_cache_batches(flush=self._state.phase == "caching")
            if self._state.phase == "caching" and not self._cache_tasks and not self._pending_cache:
                return
            if self._draining and not self._children and not self._cache_tasks:
                await self._continue_as_new()
            await workflow.wait_condition(self._something_finished)
            self._collect_children()
            self._collect_cache_batches()
            self._check_history()
            self._maybe_record_progress()

    def _something_finished(self) -> bool:
        return (
            self._cancel_requested
            or (bool(self._priority_paths) and self._state.phase == "scanning" and not self._draining)
            or any(task.done() for _, task in self._children.values())
            or any(task.done() for task in self._cache_tasks)
        )

    # --- phase 2: the sliding window of directory children -------------------------------------------------------

    async def _fill_children_window(self) -> None:
        window = self._job.children_window
        cache_backlog_limit = self._job.cache_batch_size * self._job.cache_window * 4
        if self._priority_paths and not self._draining:
            await self._look_up_priorities()
        while (
            not self._draining
            and not self._cancel_requested
            and len(self._children) < window
            and sum(n for _, n in self._pending_cache) < cache_backlog_limit
        ):
            if self._priority_refs:
                ref = self._priority_refs.pop(0)
                if ref.seq >= self._next_seq and ref.seq not in self._started_ahead:
                    self._started_ahead.add(ref.seq)
                    self._start_child(ref, in_order=False)
                continue
            if self._buffer and self._buffer[0].seq in self._started_ahead:
                skipped = self._buffer.pop(0)
                self._started_ahead.discard(skipped.seq)
                self._next_seq = skipped.seq + 1
                continue
            if not self._buffer:
                if self._directories_exhausted:
                    return
                await self._load_page(max(window, 100))
                if not self._buffer:
                    return
            self._start_child(self._buffer.pop(0))

    async def _look_up_priorities(self) -> None:
        paths, self._priority_paths = self._priority_paths, []
        try:
            page = await workflow.execute_activity(
                find_pending_directories,
                PrioritizeInput(scan_job_id=self._job.scan_job_id, paths=paths),
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            raise ScanFailed(_failure_message(exc)) from None
        self._priority_refs.extend(page.directories)

    async def _load_page(self, limit: int) -> None:
        try:
            page = await workflow.execute_activity(
                load_directory_page,
                DirectoryPageInput(scan_job_id=self._job.scan_job_id, start_seq=self._next_seq, limit=limit),
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            raise ScanFailed(_failure_message(exc)) from None
        self._buffer = list(page.directories)
        # Prioritized directories already scanned never come back in a page: forget those behind the cursor.
        horizon = self._buffer[0].seq if self._buffer else None
        self._started_ahead = {s for s in self._started_ahead if horizon is not None and s >= horizon}
        if len(page.directories) < limit:
            self._directories_exhausted = True

    def _start_child(self, ref: DirectoryRef, *, in_order: bool = True) -> None:
        job = self._job
        task = asyncio.create_task(
            workflow.execute_child_workflow(
                DirectoryScanWorkflow.run,
                DirectoryScanInput(
                    scan_job_id=job.scan_job_id,
                    library_id=job.library_id,
                    library_path=job.library_path,
                    library_type=job.library_type,
                    directory_seq=ref.seq,
                    directory_path=ref.path,
                    skip_ffprobe=job.options.skip_ffprobe,
                    skip_asset_discovery=job.options.skip_asset_discovery,
                ),
                id=f"{workflow.info().workflow_id}/dir-{ref.seq}",
                task_queue=job.scan_task_queue,
                static_summary=ref.path[-400:],
            )
        )
        self._children[ref.seq] = (ref.path, task)
        if in_order:
            self._next_seq = ref.seq + 1
        self._state.current_operation = f"Scanning {ref.path}"

    def _collect_children(self) -> None:
        c = self._state.counters
        for seq, (path, task) in list(self._children.items()):
            if not task.done():
                continue
            del self._children[seq]
            try:
                result = task.result()
            except ChildWorkflowError as exc:
                if isinstance(_root_cause(exc), CancelledError):
                    continue  # cancelled with the scan: settled by _reconcile_after_cancel
                if _failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(_failure_message(exc)) from None
                result = DirectoryScanResult(
                    seq=seq, outcome="error", error_count=1, errors=[f"cannot scan {path}: {_failure_message(exc)}"]
                )
            except asyncio.CancelledError:
                continue
            c.directories_scanned += 1
            if result.outcome in ("new", "updated", "unchanged"):
                c.movies_found += 1
                c.movies_new += result.outcome == "new"
                c.movies_updated += result.outcome == "updated"
            if result.error_count:
                c.errors_count += result.error_count
                c.last_error = result.errors[-1] if result.errors else c.last_error
            if self._job.options.enable_caching and result.movie_id is not None and result.assets_to_cache:
                self._pending_cache.append((result.movie_id, result.assets_to_cache))
                c.assets_queued += result.assets_to_cache
            self._state.last_updated_at = workflow.now()
        self._show_details()

    # --- phase 3: batched cache activities ----------------------------------------------------------------------

    def _start_cache_batches(self, *, flush: bool) -> None:
        size = self._job.cache_batch_size
        while self._pending_cache and len(self._cache_tasks) < self._job.cache_window and not self._cancel_requested:
            total = 0
            count = 0
            for _, n in self._pending_cache:
                total += n
                count += 1
                if total >= size:
                    break
            if total < size and not flush:
                return
            batch, self._pending_cache = self._pending_cache[:count], self._pending_cache[count:]
            movie_ids = [movie_id for movie_id, _ in batch]
            task = asyncio.create_task(
                workflow.execute_activity(
                    cache_assets,
                    CacheAssetsInput(
                        scan_job_id=self._job.scan_job_id, library_path=self._job.library_path, movie_ids=movie_ids
                    ),
                    task_queue=self._job.cache_task_queue,
                    start_to_close_timeout=timedelta(hours=1),
                    # Heartbeats come per file: a killed worker's batch is retried elsewhere within 30 s.
                    heartbeat_timeout=timedelta(seconds=30),
                    retry_policy=RetryPolicy(
                        initial_interval=timedelta(seconds=2), maximum_attempts=CACHE_MAX_ATTEMPTS
                    ),
                    summary=f"Cache {total} assets of {len(movie_ids)} movies",
                )
            )
            self._cache_tasks[task] = (movie_ids, total)

    def _collect_cache_batches(self) -> None:
        c = self._state.counters
        for task, (movie_ids, queued) in list(self._cache_tasks.items()):
            if not task.done():
                continue
            del self._cache_tasks[task]
            try:
                result = task.result()
            except ActivityError as exc:
                if isinstance(_root_cause(exc), CancelledError):
                    continue
                if _failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(_failure_message(exc)) from None
                result = CacheAssetsResult(failed=queued, errors=[_failure_message(exc)])
            except asyncio.CancelledError:
                continue
            c.assets_cached += result.cached
            c.assets_failed += result.failed
            # Keep "queued" true to what was processed (an asset may vanish between scanning and caching).
            c.assets_queued += result.cached + result.failed - queued
            for asset_type, n in result.by_type.items():
                group = asset_group(asset_type)
                c.assets_by_type[group] = c.assets_by_type.get(group, 0) + n
            if result.failed:
                c.errors_count += result.failed
                c.last_error = result.errors[-1] if result.errors else c.last_error
            self._state.current_operation = f"Cached assets of {len(movie_ids)} movies"
            self._state.last_updated_at = workflow.now()
        self._show_details()

    # --- bounded history ----------------------------------------------------------------------------------------

    def _check_history(self) -> None:
        info = workflow.info()
        if info.is_continue_as_new_suggested() or info.get_current_history_length() >= self._job.continue_as_new_events:
            self._draining = True

    async def _continue_as_new(self) -> None:
        if self._progress_task is not None:
            await self._progress_task
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            self._job.model_copy(
                update={
                    "state": self._state,
                    "next_seq": self._next_seq,
                    "pending_cache": self._pending_cache,
                    "priority_paths": self._priority_paths,
                    "started_ahead": sorted(self._started_ahead),
                    "cancel_requested": self._cancel_requested,
                }
            )
        )

    # --- progress, phases and endings ---------------------------------------------------------------------------

    def _enter(self, phase: Phase, operation: str) -> None:
        enter_phase(self._state, phase, workflow.now())
        self._set_operation(operation)
        if self._job.search_attributes:
            # `temporal workflow list --query "ScanPhase='scanning'"` and the Web UI's filters find the scan.
            workflow.upsert_search_attributes([SCAN_PHASE.value_set(phase)])

    def _set_operation(self, operation: str) -> None:
        self._state.current_operation = operation
        self._state.last_updated_at = workflow.now()
        self._show_details()

    def _show_details(self) -> None:
        """The human progress line in the Temporal Web UI."""
        workflow.set_current_details(summary_line(self._state))

    def _maybe_record_progress(self) -> None:
        if self._progress_task is not None and not self._progress_task.done():
            return
        now = workflow.now()
        interval = timedelta(seconds=self._job.progress_interval_seconds)
        if self._last_recorded is not None and now - self._last_recorded < interval:
            return
        self._last_recorded = now
        self._progress_task = asyncio.create_task(self._write_progress())

    async def _record_progress(self) -> None:
        if self._progress_task is not None:
            await self._progress_task
        self._last_recorded = workflow.now()
        await self._write_progress()

    async def _write_progress(self) -> None:
        state = self._state.model_copy(deep=True)
        message = build_message(state, workflow.now()).to_json_dict()
        try:
            await workflow.execute_activity(
                record_scan_progress,
                RecordProgressInput(state=state, message=message),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            raise ScanFailed(_failure_message(exc)) from None

    async def _stop(self, phase: Phase) -> dict[str, Any]:
        """Cancel what is in flight, wait for it to stop, and end in the given phase."""
        for _, child in self._children.values():
            child.cancel()
        for batch in self._cache_tasks:
            batch.cancel()
        pending: list[asyncio.Task[Any]] = [task for _, task in self._children.values()]
        pending.extend(self._cache_tasks)
        if pending:
            await workflow.wait(pending)
        self._collect_children()
        self._collect_cache_batches()
        if phase == "cancelled" and self._state.phase in ("scanning", "caching"):
            await self._reconcile_after_cancel()
        return await self._finish(phase)

    async def _reconcile_after_cancel(self) -> None:
        """Directories whose scan finished while being cancelled are in the database: count them exactly."""
        counts = await workflow.execute_activity(
            count_scan_outcomes,
            OutcomeCountsInput(scan_job_id=self._job.scan_job_id),
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=DB_RETRY,
        )
        c = self._state.counters
        c.movies_found = counts.new + counts.updated + counts.unchanged
        c.movies_new, c.movies_updated = counts.new, counts.updated
        c.directories_scanned = c.movies_found + counts.error

    async def _finish(self, phase: Phase) -> dict[str, Any]:
        if self._progress_task is not None and not self._progress_task.done():
            with contextlib.suppress(ScanFailed):
                await self._progress_task
        operation = {
            "completed": "Scan completed",
            "cancelled": "Scan cancelled",
            "failed": f"Scan failed: {self._state.counters.last_error}",
        }.get(phase, phase)
        self._enter(phase, operation)
        try:
            await self._record_progress()
        except ScanFailed:
            if phase != "failed":
                raise
            # The database is what failed: the workflow's result and history still hold the final message.
        return build_message(self._state, workflow.now()).to_json_dict()
