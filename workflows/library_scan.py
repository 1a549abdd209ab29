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
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.cache import CACHE_MAX_ATTEMPTS, cache_assets
    from activities.common import DATABASE_UNAVAILABLE, LIBRARY_ROOT_ERROR
    from activities.discovery import (
        discover_directories,
        find_pending_directories,
        load_directory_page,
    )
    from activities.enrich import fetch_provider_configuration, load_enrichment_page
    from activities.enrich_tv import load_series_enrichment_page
    from activities.progress import count_scan_outcomes, record_scan_progress
    from reelscan.jobs import (
        CacheAssetsInput,
        CacheAssetsResult,
        DirectoryBatchResult,
        DirectoryPageInput,
        DirectoryRef,
        DirectoryScanInput,
        DirectoryScanResult,
        DiscoverInput,
        EnrichmentPageInput,
        EnrichMovieInput,
        EnrichMovieResult,
        LibraryScanInput,
        OutcomeCountsInput,
        PrioritizeInput,
        ProviderConfigInput,
        RecordProgressInput,
        Target,
        directories_per_child,
        target_id,
    )
    from reelscan.progress import FINAL_PHASES, Phase, ScanState, asset_group, build_message, enter_phase, summary_line
    from reelscan.tv_jobs import EnrichSeriesInput, EnrichSeriesResult, SeriesEnrichmentPageInput, SeriesTarget
    from workflows.directory_scan import DirectoryScanWorkflow
    from workflows.enrich_movie import EnrichMovieWorkflow
    from workflows.enrich_series import EnrichSeriesWorkflow
    from workflows.library_scan_errors import failure_message, failure_type, root_cause

In = TypeVar("In")
Out = TypeVar("Out")
MAX_PRIORITY_PATHS = 500
FIRST_CHILDREN = 4
MAX_PROVIDER_PAUSES = 8
MAX_PAUSE_SECONDS = 1800
TRANSIENT_PROVIDER_ERRORS = ("ProviderRateLimited", "ProviderUnavailable", None)
SCAN_PHASE = SearchAttributeKey.for_keyword("ScanPhase")
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=20), maximum_attempts=12
)


class ScanFailed(Exception):
    """A catastrophic error: the scan stops and is marked failed with this message."""


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
            library_type=job.library_type,
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
        # Children in flight by the seq of their first directory, with the directories they scan.
        self._children: dict[int, tuple[list[DirectoryRef], asyncio.Task[DirectoryBatchResult]]] = {}
        self._cache_tasks: dict[asyncio.Task[CacheAssetsResult], tuple[list[int], list[int], int]] = {}
        self._pending_candidates: list[int] = list(job.pending_candidates)
        # Movies, or the series of a TV library, being enriched, by id.
        self._enrich_children: dict[int, tuple[Target, asyncio.Task[EnrichMovieResult | EnrichSeriesResult]]] = {}
        self._enrich_buffer: list[Target] = []
        self._enrich_exhausted = False
        self._enrichment_cursor = job.enrichment_cursor
        self._enrichment_retry: list[Target] = list(job.enrichment_retry)
        self._enrichment_streak: list[Target] = list(job.enrichment_streak)
        self._provider_pauses = job.provider_pauses
        self._provider_refused = False
        self._progress_task: asyncio.Task[None] | None = None
        self._last_recorded: datetime | None = None
        self._draining = False

    @property
    def _tv(self) -> bool:
        return self._job.library_type == "tv"

    @property
    def _items(self) -> str:
        """What a directory holds, in words."""
        return "series" if self._tv else "movies"

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
            if self._state.phase in ("scanning", "caching"):
                await self._scan_and_cache()
                if not self._cancel_requested and job.enrichment_wanted:
                    await self._begin_enrichment()
            if self._state.phase == "enriching" and not self._cancel_requested:
                await self._enrich()
            if self._cancel_requested:
                return await self._stop("cancelled")
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
                    library_type=self._job.library_type,
                    max_directories=self._job.options.max_directories,
                    force_full_rescan=self._job.options.force_full_rescan,
                ),
                start_to_close_timeout=timedelta(hours=6),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=DB_RETRY,
                summary="Discover directories",
            )
        except ActivityError as exc:
            if failure_type(exc) in (LIBRARY_ROOT_ERROR, DATABASE_UNAVAILABLE):
                raise ScanFailed(failure_message(exc)) from None
            raise ScanFailed(f"discovery failed: {failure_message(exc)}") from None
        c = self._state.counters
        c.directories_total = c.directories_queued = result.directories_total
        c.directories_ignored = result.directories_ignored
        # Unchanged directories are settled without a child: found, scanned, neither new nor updated.
        c.directories_unchanged = result.directories_unchanged
        c.directories_scanned += result.directories_unchanged
        if self._tv:
            c.series_found += result.directories_unchanged
            c.series_missing = result.movies_missing
            c.episodes_found += result.episodes_unchanged
            c.episodes_unchanged = result.episodes_unchanged
        else:
            c.movies_found += result.directories_unchanged
            c.movies_missing = result.movies_missing
        self._job.directories_per_child = directories_per_child(
            self._job.directories_per_child, result.directories_total - result.directories_unchanged
        )
        if result.errors_count:
            c.errors_count += result.errors_count
            c.last_error = result.first_errors[-1] if result.first_errors else c.last_error
        self._enter("scanning", f"Found {c.directories_total:,} {'series' if self._tv else 'movie'} directories")
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
            or any(task.done() for _, task in self._enrich_children.values())
            or (bool(self._priority_paths) and self._state.phase == "scanning" and not self._draining)
            or any(task.done() for _, task in self._children.values())
            or any(task.done() for task in self._cache_tasks)
        )

    # --- phase 2: the sliding window of directory children -------------------------------------------------------

    async def _fill_children_window(self) -> None:
        c = self._state.counters
        # A few children first, so the first movies appear at once; the full window opens when one has finished.
        started = c.directories_scanned > c.directories_unchanged
        window = self._job.children_window if started else min(self._job.children_window, FIRST_CHILDREN)
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
                    self._start_child([ref])
                continue
            batch = await self._next_directories()
            if not batch:
                return
            self._start_child(batch)

    async def _next_directories(self) -> list[DirectoryRef]:
        """The next directories in queue order for one child, skipping those already started ahead (prioritized)."""
        batch: list[DirectoryRef] = []
        while len(batch) < self._job.directories_per_child:
            if not self._buffer:
                if self._directories_exhausted:
                    break
                await self._load_page(max(self._job.children_window * self._job.directories_per_child, 100))
                if not self._buffer:
                    break
            ref = self._buffer.pop(0)
            self._next_seq = ref.seq + 1
            if ref.seq in self._started_ahead:
                self._started_ahead.discard(ref.seq)
            else:
                batch.append(ref)
        return batch

    async def _look_up_priorities(self) -> None:
        paths, self._priority_paths = self._priority_paths, []
        page = await self._read_database(
            find_pending_directories, PrioritizeInput(scan_job_id=self._job.scan_job_id, paths=paths)
        )
        self._priority_refs.extend(page.directories)

    async def _read_database(self, step: Callable[[In], Out], argument: In) -> Out:
        """A short database activity; when the database stays unreachable through the retries, the scan fails."""
        try:
            return await workflow.execute_activity(
                step, argument, start_to_close_timeout=timedelta(minutes=2), retry_policy=DB_RETRY
            )
        except ActivityError as exc:
            raise ScanFailed(failure_message(exc)) from None

    async def _load_page(self, limit: int) -> None:
        page = await self._read_database(
            load_directory_page,
            DirectoryPageInput(scan_job_id=self._job.scan_job_id, start_seq=self._next_seq, limit=limit),
        )
        self._buffer = list(page.directories)
        # Prioritized directories already scanned never come back in a page: forget those behind the cursor.
        horizon = self._buffer[0].seq if self._buffer else None
        self._started_ahead = {s for s in self._started_ahead if horizon is not None and s >= horizon}
        if len(page.directories) < limit:
            self._directories_exhausted = True

    def _start_child(self, refs: list[DirectoryRef]) -> None:
        job = self._job
        first, last = refs[0], refs[-1]
        suffix = f"dir-{first.seq}" if len(refs) == 1 else f"dirs-{first.seq}-{last.seq}"
        summary = first.path if len(refs) == 1 else f"{len(refs)} folders: {first.path} .. {last.path}"
        task = asyncio.create_task(
            workflow.execute_child_workflow(
                DirectoryScanWorkflow.run,
                DirectoryScanInput(
                    scan_job_id=job.scan_job_id,
                    library_id=job.library_id,
                    library_path=job.library_path,
                    library_type=job.library_type,
                    directories=refs,
                    skip_ffprobe=job.options.skip_ffprobe,
                    skip_asset_discovery=job.options.skip_asset_discovery,
                    force_full_rescan=job.options.force_full_rescan,
                ),
                id=f"{workflow.info().workflow_id}/{suffix}",
                task_queue=job.scan_task_queue,
                static_summary=summary[-400:],
            )
        )
        self._children[first.seq] = (refs, task)
        self._state.current_operation = f"Scanning {last.path}"

    def _collect_children(self) -> None:
        for first_seq, (refs, task) in list(self._children.items()):
            if not task.done():
                continue
            del self._children[first_seq]
            try:
                results = task.result().results
            except ChildWorkflowError as exc:
                if isinstance(root_cause(exc), CancelledError) and self._cancel_requested:
                    continue  # cancelled with the scan: settled by _reconcile_after_cancel
                # Any other end (a cancel the scan did not ask for included) counts its folders as errors, never
                # leaves them out silently.
                if failure_type(exc) in (DATABASE_UNAVAILABLE, LIBRARY_ROOT_ERROR):
                    raise ScanFailed(failure_message(exc)) from None
                message = failure_message(exc)
                results = [
                    DirectoryScanResult(
                        seq=ref.seq, outcome="error", error_count=1, errors=[f"cannot scan {ref.path}: {message}"]
                    )
                    for ref in refs
                ]
            except asyncio.CancelledError:
                continue
            for result in results:
                self._count_directory(result)
            self._state.last_updated_at = workflow.now()
        self._show_details()

    def _count_directory(self, result: DirectoryScanResult) -> None:
        c = self._state.counters
        c.directories_scanned += 1
        found = result.outcome in ("new", "updated", "unchanged")
        if self._tv:
            c.series_found += found
            c.series_new += result.outcome == "new"
            c.series_updated += result.outcome == "updated"
            c.episodes_found += result.episodes_found
            c.episodes_new += result.episodes_new
            c.episodes_updated += result.episodes_updated
            c.episodes_missing += result.episodes_missing
            c.episodes_unmatched += result.unmatched
        else:
            c.movies_found += found
            c.movies_new += result.outcome == "new"
            c.movies_updated += result.outcome == "updated"
        if result.error_count:
            c.errors_count += result.error_count
            c.last_error = result.errors[-1] if result.errors else c.last_error
        owner = result.series_id if self._tv else result.movie_id
        if self._job.options.enable_caching and owner is not None and result.assets_to_cache:
            self._pending_cache.append((owner, result.assets_to_cache))
            c.assets_queued += result.assets_to_cache

    # --- phase 3: batched cache activities ----------------------------------------------------------------------

    def _start_cache_batches(self, *, flush: bool) -> None:
        """Batches of about cache_batch_size assets: local assets by movie, then downloaded provider images."""
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
                break
            batch, self._pending_cache = self._pending_cache[:count], self._pending_cache[count:]
            self._start_cache_batch([owner for owner, _ in batch], [], total)
        while (
            self._pending_candidates
            and len(self._cache_tasks) < self._job.cache_window
            and not self._cancel_requested
            and (flush or len(self._pending_candidates) >= size)
        ):
            candidates, self._pending_candidates = self._pending_candidates[:size], self._pending_candidates[size:]
            self._start_cache_batch([], candidates, len(candidates))

    def _start_cache_batch(self, owner_ids: list[int], candidate_ids: list[int], total: int) -> None:
        """Owners are the movies, or the series of a TV library, whose local assets are cached."""
        what = f"{len(owner_ids)} {self._items}" if owner_ids else "downloaded artwork"
        task = asyncio.create_task(
            workflow.execute_activity(
                cache_assets,
                CacheAssetsInput(
                    scan_job_id=self._job.scan_job_id,
                    library_path=self._job.library_path,
                    movie_ids=[] if self._tv else owner_ids,
                    series_ids=owner_ids if self._tv else [],
                    candidate_ids=candidate_ids,
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
                summary=f"Cache {total} assets of {what}",
            )
        )
        self._cache_tasks[task] = (owner_ids, candidate_ids, total)

    def _collect_cache_batches(self) -> None:
        c = self._state.counters
        for task, (owner_ids, _, queued) in list(self._cache_tasks.items()):
            if not task.done():
                continue
            del self._cache_tasks[task]
            try:
                result = task.result()
            except ActivityError as exc:
                if isinstance(root_cause(exc), CancelledError):
                    continue
                if failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(failure_message(exc)) from None
                result = CacheAssetsResult(failed=queued, errors=[failure_message(exc)])
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
            self._state.current_operation = (
                f"Cached assets of {len(owner_ids)} {self._items}" if owner_ids else "Cached downloaded artwork"
            )
            self._state.last_updated_at = workflow.now()
        self._show_details()

    # --- phase 4: enrichment -----------------------------------------------------------------------------------

    async def _begin_enrichment(self) -> None:
        """Enter phase 4 when the provider is configured on the workers; otherwise say why it is skipped."""
        self._set_operation("Checking the metadata provider")
        try:
            config = await workflow.execute_activity(
                fetch_provider_configuration,
                ProviderConfigInput(scan_job_id=self._job.scan_job_id),
                task_queue=self._job.enrich_task_queue,
                start_to_close_timeout=timedelta(seconds=60),
                # Ride out a short provider outage before giving up on phase 4 for this scan.
                retry_policy=RetryPolicy(
                    maximum_interval=timedelta(seconds=30),
                    maximum_attempts=max(self._job.provider_retry_attempts, 8),
                    non_retryable_error_types=["ProviderAuthError"],
                ),
            )
        except ActivityError as exc:
            self._state.notice = f"Metadata enrichment skipped: {failure_message(exc)}"
            return
        if not config.configured:
            self._state.notice = f"Metadata enrichment skipped: {config.reason}"
            return
        self._job.image_base_url = config.image_base_url
        self._state.provider_requests_per_second = self._job.provider_requests_per_second
        self._enter("enriching", "Fetching metadata from TMDB")
        await self._record_progress()

    async def _enrich(self) -> None:
        while not self._cancel_requested:
            if self._state.paused_until is not None:
                await self._wait_for_provider()
                continue
            await self._fill_enrichment_window()
            flush = self._enrich_done_launching() and not self._enrich_children
            self._start_cache_batches(flush=flush)
            if flush and not self._cache_tasks and not self._pending_candidates:
                self._settle_streak()
                return
            if self._draining and not self._enrich_children and not self._cache_tasks:
                await self._continue_as_new()
            await workflow.wait_condition(self._something_finished)
            self._collect_enrichment()
            self._collect_cache_batches()
            self._check_history()
            self._maybe_record_progress()

    def _enrich_done_launching(self) -> bool:
        return self._provider_refused or (
            self._enrich_exhausted and not self._enrich_buffer and not self._enrichment_retry
        )

    async def _fill_enrichment_window(self) -> None:
        while (
            not self._draining
            and not self._provider_refused
            and not self._cancel_requested
            and len(self._enrich_children) < self._job.enrich_window
        ):
            if self._enrichment_retry:
                target = self._enrichment_retry.pop(0)
            else:
                if not self._enrich_buffer:
                    if self._enrich_exhausted:
                        return
                    await self._load_enrichment_page()
                    if not self._enrich_buffer:
                        return
                target = self._enrich_buffer.pop(0)
                self._enrichment_cursor = target_id(target)
            self._start_enrichment(target)

    async def _load_enrichment_page(self) -> None:
        job, limit = self._job, max(self._job.enrich_window, 100)
        scan_job_id, library_id, cursor = job.scan_job_id, job.library_id, self._enrichment_cursor
        if self._tv:
            series_page = await self._read_database(
                load_series_enrichment_page,
                SeriesEnrichmentPageInput(
                    scan_job_id=scan_job_id, library_id=library_id, after_series_id=cursor, limit=limit
                ),
            )
            targets: list[Target] = list(series_page.series)
            total = series_page.total
        else:
            page = await self._read_database(
                load_enrichment_page,
                EnrichmentPageInput(scan_job_id=scan_job_id, library_id=library_id, after_movie_id=cursor, limit=limit),
            )
            targets, total = list(page.movies), page.total
        self._state.counters.enrichment_queued = total
        self._enrich_buffer = targets
        if len(targets) < limit:
            self._enrich_exhausted = True

    def _start_enrichment(self, target: Target) -> None:
        job = self._job
        common: dict[str, Any] = {
            "scan_job_id": job.scan_job_id,
            "mode": "metadata-only" if job.options.enrichment_mode == "metadata-only" else "full",
            "auto_select_assets": job.auto_select_assets,
            "image_base_url": job.image_base_url,
            "enrich_task_queue": job.enrich_task_queue,
            "provider_retry_attempts": job.provider_retry_attempts,
        }
        # A movie or series retried after a provider pause gets a new child (one per pause).
        suffix = f"{target_id(target)}-{self._provider_pauses}"
        summary = f"Enrich {target.title} ({target.year or '?'})"
        child: Awaitable[EnrichMovieResult | EnrichSeriesResult]
        if isinstance(target, SeriesTarget):
            child = workflow.execute_child_workflow(
                EnrichSeriesWorkflow.run,
                EnrichSeriesInput(target=target, **common),
                id=f"{workflow.info().workflow_id}/enrich-series-{suffix}",
                task_queue=job.scan_task_queue,
                static_summary=summary,
            )
        else:
            child = workflow.execute_child_workflow(
                EnrichMovieWorkflow.run,
                EnrichMovieInput(target=target, **common),
                id=f"{workflow.info().workflow_id}/enrich-{suffix}",
                task_queue=job.scan_task_queue,
                static_summary=summary,
            )
        task = asyncio.create_task(child)
        self._enrich_children[target_id(target)] = (target, task)
        self._state.current_operation = f"Fetching {target.title} from TMDB"

    def _collect_enrichment(self) -> None:
        c = self._state.counters
        for entity_id, (target, task) in list(self._enrich_children.items()):
            if not task.done():
                continue
            del self._enrich_children[entity_id]
            try:
                result = task.result()
            except ChildWorkflowError as exc:
                if isinstance(root_cause(exc), CancelledError):
                    continue
                if failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(failure_message(exc)) from None
                result = EnrichMovieResult(movie_id=entity_id, outcome="failed", error=failure_message(exc))
            if result.outcome == "failed" and result.error_type in TRANSIENT_PROVIDER_ERRORS:
                self._enrichment_streak.append(target)
                if len(self._enrichment_streak) >= self._job.provider_failure_threshold:
                    self._pause_for_provider(result.error)
                continue
            self._settle_streak()
            c.enrichment_completed += 1
            if result.outcome == "failed":
                self._count_enrichment_failure(result.error)
                if result.error_type == "ProviderAuthError":
                    self._provider_refused = True
                    self._state.notice = f"Metadata enrichment stopped: {result.error}"
            for candidate_id in result.to_cache:
                self._pending_candidates.append(candidate_id)
                c.assets_queued += 1
            self._state.last_updated_at = workflow.now()
        self._show_details()

    def _count_enrichment_failure(self, error: str | None) -> None:
        c = self._state.counters
        c.enrichment_failed += 1
        c.errors_count += 1
        c.last_error = error or c.last_error

    def _settle_streak(self) -> None:
        """Provider failures that did not turn into an outage are final for their movies."""
        for _ in self._enrichment_streak:
            self._state.counters.enrichment_completed += 1
            self._count_enrichment_failure(self._state.counters.last_error)
        self._enrichment_streak = []

    def _pause_for_provider(self, error: str | None) -> None:
        if self._provider_pauses >= MAX_PROVIDER_PAUSES:
            self._settle_streak()
            return
        seconds = min(self._job.provider_pause_seconds * 2**self._provider_pauses, MAX_PAUSE_SECONDS)
        self._provider_pauses += 1
        self._enrichment_retry = self._enrichment_streak + self._enrichment_retry
        self._enrichment_streak = []
        until = workflow.now() + timedelta(seconds=seconds)
        self._state.paused_until = until
        self._set_operation(f"Waiting for provider until {until:%H:%M:%S} UTC ({error or 'provider unavailable'})")

    async def _wait_for_provider(self) -> None:
        """A durable timer: the pause survives worker restarts and ends by itself (or on cancel)."""
        if self._enrich_children or self._cache_tasks:
            await workflow.wait_condition(self._something_finished)
            self._collect_enrichment()
            self._collect_cache_batches()
            return
        assert self._state.paused_until is not None
        remaining = (self._state.paused_until - workflow.now()).total_seconds()
        if remaining > 0:
            await self._record_progress()
            with contextlib.suppress(asyncio.TimeoutError):
                await workflow.wait_condition(lambda: self._cancel_requested, timeout=remaining)
        self._state.paused_until = None
        self._set_operation("Resuming enrichment")

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
                    "pending_candidates": self._pending_candidates,
                    "enrichment_cursor": self._enrichment_cursor,
                    "enrichment_retry": self._enrichment_retry,
                    "enrichment_streak": self._enrichment_streak,
                    "provider_pauses": self._provider_pauses,
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
            raise ScanFailed(failure_message(exc)) from None

    async def _stop(self, phase: Phase) -> dict[str, Any]:
        """Cancel what is in flight, wait for it to stop, and end in the given phase."""
        for _, child in self._children.values():
            child.cancel()
        for _, enrich_child in self._enrich_children.values():
            enrich_child.cancel()
        for batch in self._cache_tasks:
            batch.cancel()
        pending: list[asyncio.Task[Any]] = [task for _, task in self._children.values()]
        pending.extend(task for _, task in self._enrich_children.values())
        pending.extend(self._cache_tasks)
        if pending:
            await workflow.wait(pending)
        # Already stopping: a child that failed the same way must not raise again from here.
        for collect in (self._collect_children, self._collect_enrichment, self._collect_cache_batches):
            with contextlib.suppress(ScanFailed):
                collect()
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
        found = counts.new + counts.updated + counts.unchanged
        if self._tv:
            c.series_found, c.series_new, c.series_updated = found, counts.new, counts.updated
            c.episodes_found = counts.episodes_found + c.episodes_unchanged
            c.episodes_new, c.episodes_updated = counts.episodes_new, counts.episodes_updated
            c.episodes_missing, c.episodes_unmatched = counts.episodes_missing, counts.unmatched
        else:
            c.movies_found, c.movies_new, c.movies_updated = found, counts.new, counts.updated
        c.directories_scanned = found + counts.error

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
