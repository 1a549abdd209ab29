"""LibraryScanWorkflow: one scan of one library through the spec's phases.

discovering -> scanning -> caching -> (enriching) -> completed | failed | cancelled

The workflow owns every counter (exact and replay-safe); the `progress` query answers from memory and the
scan_jobs row is a projection written by an idempotent activity. All it carries from run to run is one ScanCarry
(handed whole to continue-as-new). The phases' windows live in their own modules (scan_children, scan_cache,
scan_enrichment) and what results do to counters is pure code (reelscan.scan_rules). Before scanning ends the
folders are checked against the database: pending ones get a second pass, whatever is still pending becomes a
named error, and `completed` is reached only when the invariants of reelscan.invariants hold.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.common import DATABASE_UNAVAILABLE, LIBRARY_ROOT_ERROR
    from activities.discovery import count_stored_directories, discover_directories
    from activities.enrich_music import fetch_music_provider_configuration
    from activities.progress import count_scan_outcomes, record_scan_progress, settle_unscanned_directories
    from activities.provider_calls import fetch_provider_configuration
    from activities.scan import load_recorded_directories
    from reelscan.invariants import completion_violations, describe, folder_violations
    from reelscan.payloads.carry import ScanCarry
    from reelscan.payloads.enrichment import ProviderConfigInput
    from reelscan.payloads.scan import (
        DirectoryScanResult,
        DiscoverInput,
        DiscoverResult,
        LibraryScanInput,
        OutcomeCounts,
        OutcomeCountsInput,
        RecordedDirectoriesInput,
        RecordProgressInput,
        SettleInput,
        StoredDirectoriesInput,
    )
    from reelscan.payloads.values import DiscoveryStage
    from reelscan.progress import (
        FINAL_PHASES,
        Phase,
        ScanState,
        build_message,
        enter_phase,
        found_line,
        summary_line,
    )
    from reelscan.scan_rules import SCAN_PASSES, directories_per_child, fold_directory, settle_from_database
    from workflows.library_scan_errors import ScanFailed, failure_message, failure_type
    from workflows.scan_cache import CacheWindow
    from workflows.scan_children import DirectoryWindow, FailedChild
    from workflows.scan_enrichment import EnrichmentWindow
    from workflows.scan_start import SCAN_PHASE

In = TypeVar("In")
Out = TypeVar("Out")
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=20), maximum_attempts=12
)
# workflow.patched() ids: scans started by the previous release replay its decisions, new scans take these.
VERIFY_FOLDERS = "verify-folders-against-database"
BUFFER_DRAINED = "scanning-ends-when-buffer-drained"
PAGE_CAP = "directory-page-capped"
READ_BACK_FAILED_CHILD = "read-back-failed-child"
REQUEUE_CANCELLED_CACHE = "requeue-cancelled-cache-batch"
HEAD_START = "scanning-starts-during-discovery"
STORED_ROWS_POLL = timedelta(seconds=1)  # how often a scan waiting for the walk looks for newly stored rows


@workflow.defn
class LibraryScanWorkflow:
    @workflow.init
    def __init__(self, job: LibraryScanInput) -> None:
        self._job = job
        now = workflow.now()
        self._carry = job.carry or ScanCarry(
            state=ScanState(
                scan_job_id=job.scan_job_id,
                library_id=job.library_id,
                library_name=job.library_name,
                library_type=job.library_type,
                workflow_id=workflow.info().workflow_id,
                started_at=now,
                phase_started_at=now,
                last_updated_at=now,
                targeted_folders=len(job.options.paths),
            )
        )
        self._directories = DirectoryWindow(job, self._carry, self._read_database)
        self._cache = CacheWindow(job, self._carry)
        self._enrichment = EnrichmentWindow(job, self._carry, self._read_database)
        self._progress_task: asyncio.Task[None] | None = None
        self._last_recorded: datetime | None = None
        self._draining = False
        self._rows_read_at = workflow.now()  # when the scan last counted the rows a walk had stored

    @property
    def _state(self) -> ScanState:
        return self._carry.state

    # --- what users see -----------------------------------------------------------------------------------------

    @workflow.query
    def progress(self) -> dict[str, Any]:
        """The spec's ScanProgressMessage, from memory: `temporal workflow query --name progress`."""
        return build_message(self._state, workflow.now()).to_json_dict()

    @workflow.signal
    def prioritize(self, paths: list[str]) -> None:
        """Scan these directories (paths relative to the library root) before the rest of the queue."""
        self._directories.prioritize(paths)

    @workflow.signal
    def cancel(self) -> None:
        """Stop launching work, cancel what is in flight and end as cancelled (scanned movies stay)."""
        self._carry.cancel_requested = True

    # --- the run ------------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, job: LibraryScanInput) -> dict[str, Any]:
        try:
            if self._state.phase == "discovering":
                await self._record_progress()
                await self._discover()
            if self._state.phase in ("scanning", "caching"):
                await self._scan_and_cache()
                if not self._carry.cancel_requested and job.enrichment_wanted:
                    await self._begin_enrichment()
            if self._state.phase == "enriching" and not self._carry.cancel_requested:
                await self._enrich()
            if self._carry.cancel_requested:
                return await self._stop("cancelled")
            if workflow.patched(VERIFY_FOLDERS):
                await self._check_completion()
            return await self._finish("completed")
        except asyncio.CancelledError:
            # Temporal's own cancel request: same outcome as the cancel signal, then report as cancelled.
            self._carry.cancel_requested = True
            await self._stop("cancelled")
            raise
        except ScanFailed as exc:
            self._state.counters.last_error = str(exc)
            await self._stop("failed")
            raise ApplicationError(str(exc), type="ScanFailed", non_retryable=True) from None
        except FailureError as exc:
            # Anything else Temporal failed (a child id already taken, ...): the scan must not stay "active".
            message = f"{type(exc).__name__}: {failure_message(exc)}"
            self._state.counters.last_error = message
            await self._stop("failed")
            raise ApplicationError(message, type="ScanFailed", non_retryable=True) from None

    async def _discover(self) -> None:
        targeted = len(self._job.options.paths)
        self._set_operation(
            f"Reading {targeted:,} folder{'s' if targeted != 1 else ''} of {self._job.library_path}"
            if targeted
            else f"Walking {self._job.library_path}"
        )
        if self._job.discovery_head and not targeted and workflow.patched(HEAD_START):
            await self._discover_with_head_start()
        else:
            result = await self._walk("all")
            self._count_settled(result)
            self._count_walk(result)
        self._enter("scanning", f"Found {found_line(self._state.counters.directories_total, self._job.kind)}")
        await self._record_progress()

    async def _discover_with_head_start(self) -> None:
        """The first folders are stored and scanned while the rest of the library is walked and stored in chunks:
        on a large library or a slow share the first movies come in seconds, not after the whole walk. The window
        scans only rows counted (count_stored_directories tells what the walk stored since), so no counter runs
        ahead of what discovery has found."""
        head = await self._walk("head")
        self._count_settled(head)
        self._count_stored(head.directories_total, head.directories_total - head.directories_unchanged)
        self._set_operation(f"Walking {self._job.library_path}; scanning the first folders meanwhile")
        self._rows_read_at = workflow.now()
        rest = asyncio.create_task(self._walk("rest"))
        try:
            while not rest.done() and not self._carry.cancel_requested:
                self._check_history()  # past the limit: no new children until the walk is stored
                await self._directories.fill(draining=self._draining, page_capped=True, look_up_priorities=False)
                if (
                    self._job.discovery_scan_while_walking
                    and self._directories.waiting_for_rows()
                    and not self._draining
                ):
                    await self._look_for_stored_rows(rest)
                else:
                    await workflow.wait_condition(lambda: rest.done() or self._something_finished())
                await self._collect_children()
                self._cache.start_batches(flush=False)
                self._collect_cache_batches()
                self._maybe_record_progress()
            if self._carry.cancel_requested:
                rest.cancel()  # the scan ends with what was counted; children in flight are settled when it stops
                with contextlib.suppress(asyncio.CancelledError, ActivityError, ScanFailed):
                    await rest
                return
            result = await rest
        except BaseException:
            rest.cancel()
            raise
        await self._read_stored_rows()  # the last chunks
        self._directories.walk_stored()
        self._count_walk(result)

    async def _look_for_stored_rows(self, rest: asyncio.Task[DiscoverResult]) -> None:
        """The window has handed out every counted row: count what the walk stored since, at most once per
        STORED_ROWS_POLL; a child or the walk ending first is handled first."""
        wait = self._rows_read_at + STORED_ROWS_POLL - workflow.now()
        if wait > timedelta(0):
            with contextlib.suppress(asyncio.TimeoutError):
                await workflow.wait_condition(lambda: rest.done() or self._something_finished(), timeout=wait)
                return
        await self._read_stored_rows()

    async def _read_stored_rows(self) -> None:
        counted = self._state.counters.directories_total
        stored = await self._read_database(
            count_stored_directories,
            StoredDirectoriesInput(
                scan_job_id=self._job.scan_job_id,
                library_id=self._job.library_id,
                library_type=self._job.library_type,
                from_seq=counted,
            ),
        )
        self._rows_read_at = workflow.now()
        self._count_settled(stored)
        rows = stored.directories_total
        self._count_stored(rows, rows - self._state.counters.directories_unchanged)

    def _count_stored(self, rows: int, to_scan: int) -> None:
        """Rows 0..rows-1 of the work list are stored and counted: found, and open to the window."""
        c = self._state.counters
        c.directories_total = c.directories_queued = rows
        self._carry.directories_per_child = directories_per_child(self._job.directories_per_child, to_scan)
        self._directories.walk_in_progress(rows)

    async def _walk(self, stage: DiscoveryStage) -> DiscoverResult:
        job = self._job
        head_limit = min(job.discovery_head, job.options.max_directories or job.discovery_head)
        try:
            return await workflow.execute_activity(
                discover_directories,
                DiscoverInput(
                    scan_job_id=job.scan_job_id,
                    library_id=job.library_id,
                    library_path=job.library_path,
                    library_type=job.library_type,
                    max_directories=job.options.max_directories,
                    force_full_rescan=job.options.force_full_rescan,
                    paths=job.options.paths,
                    stage=stage,
                    head_limit=head_limit if stage == "head" else 0,
                    head_seconds=job.discovery_head_seconds if stage == "head" else 0.0,
                ),
                start_to_close_timeout=timedelta(hours=6),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=DB_RETRY,
                summary="Discover the first directories" if stage == "head" else "Discover directories",
            )
        except ActivityError as exc:
            if failure_type(exc) in (LIBRARY_ROOT_ERROR, DATABASE_UNAVAILABLE):
                raise ScanFailed(failure_message(exc)) from None
            raise ScanFailed(f"discovery failed: {failure_message(exc)}") from None

    def _count_settled(self, result: DiscoverResult) -> None:
        """Unchanged directories are settled without a child: found, scanned, neither new nor updated."""
        c = self._state.counters
        c.directories_unchanged += result.directories_unchanged
        c.directories_scanned += result.directories_unchanged
        if self._job.kind.tv:
            c.series_found += result.directories_unchanged
            c.episodes_found += result.episodes_unchanged
            c.episodes_unchanged += result.episodes_unchanged
        elif self._job.kind.music:
            settled = result.music_unchanged
            keys = dict.fromkeys([*c.music_settled, *settled])  # in order: a set's order is not replay-safe
            c.music_settled = {k: c.music_settled.get(k, 0) + settled.get(k, 0) for k in keys}
            c.albums_found += settled.get("albums", 0)
            c.tracks_found += settled.get("tracks", 0)
            c.tracks_untagged += settled.get("untagged", 0)
        else:
            c.movies_found += result.directories_unchanged

    def _count_walk(self, result: DiscoverResult) -> None:
        """What only the whole walk knows: how many directories, ignored and gone, and its errors."""
        c = self._state.counters
        c.directories_total = c.directories_queued = result.directories_total
        c.directories_ignored = result.directories_ignored
        if self._job.kind.tv:
            c.series_missing = result.movies_missing
        elif self._job.kind.music:
            c.music_settled = {**c.music_settled, "albums_missing": result.movies_missing}
            c.albums_missing = result.movies_missing
        else:
            c.movies_missing = result.movies_missing
        self._carry.directories_per_child = directories_per_child(
            self._job.directories_per_child, c.directories_total - c.directories_unchanged
        )
        if result.errors_count:
            c.errors_count += result.errors_count
            c.last_error = result.first_errors[-1] if result.first_errors else c.last_error
        if result.unchecked_notice:
            self._add_notice(result.unchecked_notice)

    async def _scan_and_cache(self) -> None:
        """Phases 2 and 3 in one loop: cache batches start as soon as they fill, during scanning too."""
        while not self._carry.cancel_requested:
            if self._state.phase == "scanning":
                await self._directories.fill(draining=self._draining, page_capped=workflow.patched(PAGE_CAP))
                drained = self._directories.done(buffer_checked=workflow.patched(BUFFER_DRAINED))
                if drained and not self._draining:
                    if not await self._folders_settled():
                        continue  # a second pass over the folders still pending
                    self._enter("caching", "Caching the remaining assets")
                    await self._record_progress()
            if self._state.phase in FINAL_PHASES:
                return
            self._cache.start_batches(flush=self._state.phase == "caching")
            if self._state.phase == "caching" and not self._cache.tasks and not self._carry.pending_cache:
                return
            if self._draining and not self._directories.children and not self._cache.tasks:
                await self._continue_as_new()
            await workflow.wait_condition(self._something_finished)
            await self._collect_children()
            self._collect_cache_batches()
            self._check_history()
            self._maybe_record_progress()

    def _something_finished(self) -> bool:
        return (
            self._carry.cancel_requested
            or self._enrichment.any_finished()
            or (bool(self._carry.priority_paths) and self._state.phase == "scanning" and not self._draining)
            or self._directories.any_finished()
            or self._cache.any_finished()
        )

    # --- phase 2: folding children's results, and the check against the database -------------------------------

    async def _collect_children(self) -> None:
        results, failed = self._directories.collect()
        for result in results:
            self._fold(result)
        if failed:
            if workflow.patched(READ_BACK_FAILED_CHILD):
                await self._read_back(failed)
            else:
                self._count_failed_children(failed)
        self._show_details()

    def _fold(self, result: DirectoryScanResult) -> None:
        fold_directory(self._state.counters, result, tv=self._job.kind.tv)
        owner = result.series_id if self._job.kind.tv else result.album_id if self._job.kind.music else result.movie_id
        if self._job.options.enable_caching and owner is not None and result.assets_to_cache:
            self._carry.pending_cache.append((owner, result.assets_to_cache))
            self._state.counters.assets_queued += result.assets_to_cache
        self._state.last_updated_at = workflow.now()

    async def _read_back(self, failed: list[FailedChild]) -> None:
        """A failed child may have recorded some of its folders: count those; the rest stay pending for the next
        pass (or become named errors after the last)."""
        seqs = [ref.seq for child in failed for ref in child.refs]
        recorded = await self._read_database(
            load_recorded_directories, RecordedDirectoriesInput(scan_job_id=self._job.scan_job_id, seqs=seqs)
        )
        for result in recorded.results:
            self._fold(result)
        self._carry.last_child_failure = failed[-1].reason

    def _count_failed_children(self, failed: list[FailedChild]) -> None:
        """The previous release's rule, kept for the scans it started: every folder of the child is an error."""
        for child in failed:
            for ref in child.refs:
                message = f"cannot scan {ref.path}: {child.reason}"
                self._fold(DirectoryScanResult(seq=ref.seq, outcome="error", error_count=1, errors=[message]))

    async def _folders_settled(self) -> bool:
        """Before scanning ends: every folder has an outcome in the database, and the counters say the same.
        False when folders still pending get another pass."""
        if not workflow.patched(VERIFY_FOLDERS):
            return True
        outcomes = await self._outcomes()
        if outcomes.pending and self._carry.scan_pass < SCAN_PASSES:
            self._directories.start_next_pass()
            self._set_operation(f"Scanning {outcomes.pending:,} directories again that the first pass did not finish")
            return False
        if outcomes.pending:
            reason = self._carry.last_child_failure or "its scan did not finish in two passes"
            outcomes = await self._read_database(
                settle_unscanned_directories, SettleInput(scan_job_id=self._job.scan_job_id, reason=reason)
            )
        self._settle_folders(outcomes)
        return True

    async def _outcomes(self) -> OutcomeCounts:
        return await self._read_database(count_scan_outcomes, OutcomeCountsInput(scan_job_id=self._job.scan_job_id))

    def _settle_folders(self, outcomes: OutcomeCounts) -> None:
        settle_from_database(self._state.counters, outcomes, tv=self._job.kind.tv, music=self._job.kind.music)
        problems = folder_violations(self._state.counters, outcomes, tv=self._job.kind.tv, music=self._job.kind.music)
        if problems:
            raise ScanFailed(describe(problems))

    async def _check_completion(self) -> None:
        """`completed` means every folder, asset and enrichment of the scan was settled."""
        self._enrichment.settle_refused()
        self._settle_folders(await self._outcomes())
        problems = completion_violations(self._state.counters)
        if problems:
            raise ScanFailed(describe(problems))

    async def _read_database(self, step: Callable[[In], Out], argument: In) -> Out:
        """A short database activity; when the database stays unreachable through the retries, the scan fails."""
        try:
            return await workflow.execute_activity(
                step,
                argument,
                # Short reads (a page, the outcomes): a worker killed during one is noticed within a minute.
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=DB_RETRY,
            )
        except ActivityError as exc:
            raise ScanFailed(failure_message(exc)) from None

    # --- phase 3 ---------------------------------------------------------------------------------------------------

    def _collect_cache_batches(self) -> None:
        if self._cache.any_finished():
            self._cache.collect(requeue_cancelled=workflow.patched(REQUEUE_CANCELLED_CACHE))
        self._show_details()

    # --- phase 4: enrichment -----------------------------------------------------------------------------------

    async def _begin_enrichment(self) -> None:
        """Enter phase 4 when the provider is configured on the workers; otherwise say why it is skipped."""
        self._set_operation("Checking the metadata provider")
        music = self._job.kind.music
        try:
            config = await workflow.execute_activity(
                fetch_music_provider_configuration if music else fetch_provider_configuration,
                ProviderConfigInput(scan_job_id=self._job.scan_job_id),
                task_queue=self._job.music_enrich_task_queue if music else self._job.enrich_task_queue,
                start_to_close_timeout=timedelta(seconds=60),
                # Ride out a short provider outage before giving up on phase 4 for this scan.
                retry_policy=RetryPolicy(
                    maximum_interval=timedelta(seconds=30),
                    maximum_attempts=max(self._job.provider_retry_attempts, 8),
                    non_retryable_error_types=["ProviderAuthError"],
                ),
            )
        except ActivityError as exc:
            self._add_notice(f"Metadata enrichment skipped: {failure_message(exc)}")
            return
        if not config.configured:
            self._add_notice(f"Metadata enrichment skipped: {config.reason}")
            return
        self._carry.image_base_url = config.image_base_url
        self._state.provider_requests_per_second = self._job.provider_requests_per_second
        self._enter("enriching", f"Fetching metadata from {'MusicBrainz' if music else 'TMDB'}")
        await self._record_progress()

    async def _enrich(self) -> None:
        enrichment = self._enrichment
        while not self._carry.cancel_requested:
            if self._state.paused_until is not None:
                await self._wait_for_provider()
                continue
            await enrichment.fill(draining=self._draining)
            flush = enrichment.done_launching() and not enrichment.children
            self._cache.start_batches(flush=flush)
            if (
                flush
                and not self._cache.tasks
                and not self._carry.pending_candidates
                and not self._carry.pending_music_assets
            ):
                enrichment.settle_streak()
                return
            if self._draining and not enrichment.children and not self._cache.tasks:
                await self._continue_as_new()
            await workflow.wait_condition(self._something_finished)
            self._collect_enrichment()
            self._collect_cache_batches()
            self._check_history()
            self._maybe_record_progress()

    def _collect_enrichment(self) -> None:
        self._enrichment.collect()
        self._show_details()

    async def _wait_for_provider(self) -> None:
        """A durable timer: the pause survives worker restarts and ends by itself (or on cancel)."""
        if self._enrichment.children or self._cache.tasks:
            await workflow.wait_condition(self._something_finished)
            self._collect_enrichment()
            self._collect_cache_batches()
            return
        assert self._state.paused_until is not None
        remaining = (self._state.paused_until - workflow.now()).total_seconds()
        if remaining > 0:
            await self._record_progress()
            with contextlib.suppress(asyncio.TimeoutError):
                await workflow.wait_condition(lambda: self._carry.cancel_requested, timeout=remaining)
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
        workflow.continue_as_new(self._job.model_copy(update={"carry": self._carry}))

    # --- progress, phases and endings ---------------------------------------------------------------------------

    def _enter(self, phase: Phase, operation: str) -> None:
        enter_phase(self._state, phase, workflow.now())
        self._set_operation(operation)
        if self._job.search_attributes:
            # `temporal workflow list --query "ScanPhase='scanning'"` and the Web UI's filters find the scan.
            workflow.upsert_search_attributes([SCAN_PHASE.value_set(phase)])

    def _add_notice(self, notice: str) -> None:
        """Notices add up (folders that could not be checked, then enrichment skipped), none replaces another."""
        self._state.notice = "; ".join(filter(None, [self._state.notice, notice]))

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
        pending = [
            *self._directories.cancel_all(),
            *self._enrichment.cancel_all(),
            *self._cache.cancel_all(),
        ]
        if pending:
            await workflow.wait(pending)
        # Already stopping: a child that failed the same way must not raise again from here.
        with contextlib.suppress(ScanFailed):
            for result in self._directories.collect()[0]:
                self._fold(result)
        with contextlib.suppress(ScanFailed):
            self._enrichment.collect()
        with contextlib.suppress(ScanFailed):
            self._cache.collect(requeue_cancelled=False)
        if phase == "cancelled" and self._state.phase in ("scanning", "caching"):
            # Directories whose scan finished while being cancelled are in the database: count them exactly.
            counts = await workflow.execute_activity(
                count_scan_outcomes,
                OutcomeCountsInput(scan_job_id=self._job.scan_job_id),
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=DB_RETRY,
            )
            settle_from_database(self._state.counters, counts, tv=self._job.kind.tv, music=self._job.kind.music)
        return await self._finish(phase)

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
