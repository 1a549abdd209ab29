"""LibraryWatchWorkflow: one per library, turning reported folder changes into a few targeted scans.

Changes arrive as `changed` signals (top-level folder names, batched by the file-system watcher) or from the
polling pass it runs itself on network shares. Each folder waits on a durable timer until it has been quiet for
`quiet_seconds` and two snapshots of its files a quiet period apart are equal (reelscan.watch_rules); then the
ready folders get one targeted LibraryScanWorkflow (a child, with its scan_jobs row made by the same activity as
scheduled scans). A library has one active scan at most: while another runs, the watcher waits and tries again.
All it carries across continue-as-new is one WatchCarry, so pending folders survive restarts and new runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.schedule import prepare_scheduled_scan
    from activities.watch import poll_library_changes, snapshot_folders
    from reelscan.payloads.carry import WatchCarry
    from reelscan.payloads.scan import ScheduledScanInput
    from reelscan.payloads.watch import MAX_FOLDERS_PER_SIGNAL, SNAPSHOT_BATCH, PollInput, SnapshotInput, WatchInput
    from reelscan.scan_options import MAX_TARGETED_PATHS, ScanOptions
    from reelscan.watch_rules import (
        apply_snapshots,
        describe,
        next_wake,
        note_changes,
        ready_folders,
        requeue,
        settle_scanned,
        to_snapshot,
    )
    from workflows.scan_child import run_scan

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30), maximum_attempts=10)
BUSY_RETRY_SECONDS = (2.0, 30.0)  # wait for the library's running scan: first and longest pause
FAILURES_BEFORE_DROPPING = 3
MIN_SLEEP_SECONDS = 0.2
STATE_FOLDERS = 1000


@workflow.defn
class LibraryWatchWorkflow:
    @workflow.init
    def __init__(self, job: WatchInput) -> None:
        self._job = job
        self._carry = job.carry or WatchCarry(poll_interval_seconds=job.poll_interval_seconds)
        self._wake = False
        self._scanning: list[str] = []

    # --- messages -----------------------------------------------------------------------------------------------

    @workflow.signal
    def changed(self, folders: list[str]) -> None:
        """Folders (relative to the library root; reduced to their top-level folder) that changed."""
        if note_changes(self._carry, folders[:MAX_FOLDERS_PER_SIGNAL], self._now()):
            self._wake = True  # a new folder gets its first snapshot now
        self._show()

    @workflow.signal
    def pause(self) -> None:
        """Keep collecting changes but start no scan until resumed."""
        self._carry.paused = True
        self._show()

    @workflow.signal
    def resume(self) -> None:
        self._carry.paused = False
        self._wake = True
        self._show()

    @workflow.signal
    def configure(self, poll_interval_seconds: float) -> None:
        """Poll the library every this many seconds (0: rely on file-system events only)."""
        self._carry.poll_interval_seconds = max(0.0, poll_interval_seconds)
        self._carry.next_poll_at = None
        self._wake = True

    @workflow.query
    def state(self) -> dict[str, Any]:
        c = self._carry
        return {
            "libraryId": self._job.library_id,
            "paused": c.paused,
            "quietSeconds": self._job.quiet_seconds,
            "pollIntervalSeconds": c.poll_interval_seconds,
            # The first STATE_FOLDERS by name (a bulk copy can leave thousands pending), and how many in all.
            "pending": {
                folder: {"lastSeen": c.pending[folder].last_seen, "ready": c.pending[folder].ready}
                for folder in sorted(c.pending)[:STATE_FOLDERS]
            },
            "pendingCount": len(c.pending),
            "scanning": list(self._scanning),
            "fullScanWanted": c.full_scan_wanted,
            "scansStarted": c.scans_started,
            "foldersScanned": c.folders_scanned,
            "polls": c.polls,
            "lastChangeAt": c.last_change_at,
            "lastScanJobId": c.last_scan_job_id,
            "lastSummary": c.last_summary,
            "lastError": c.last_error,
            "summary": describe(c, self._job.library_name, self._scanning),
        }

    # --- the run ------------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, job: WatchInput) -> None:
        self._show()
        while True:
            if self._history_long():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(job.model_copy(update={"carry": self._carry}))
            await self._poll_if_due()
            await self._take_snapshots()
            if not self._carry.paused and self._may_scan():
                await self._scan_what_is_ready()
            self._show()
            await self._sleep()

    def _now(self) -> float:
        return workflow.now().timestamp()

    def _history_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested() or info.get_current_history_length() >= self._job.continue_as_new_events
        )

    def _may_scan(self) -> bool:
        retry_at = self._carry.retry_at
        return retry_at is None or self._now() >= retry_at

    async def _sleep(self) -> None:
        """A durable timer to the next thing due, cut short by a signal that needs action."""
        now = self._now()
        wake = next_wake(self._carry, now, self._job.quiet_seconds)
        if self._carry.paused:
            # Paused: snapshots and polls go on (so folders are ready at resume), scans wait for resume.
            candidates = [
                t
                for t in (self._next_snapshot_time(now), self._carry.next_poll_at if self._polling else None)
                if t is not None
            ]
            wake = min(candidates) if candidates else None
        self._wake = False
        # Never zero: whatever was due ran in this iteration, so a short floor keeps the loop from spinning.
        timeout = None if wake is None else max(MIN_SLEEP_SECONDS, wake - now)
        with contextlib.suppress(asyncio.TimeoutError):
            await workflow.wait_condition(lambda: self._wake or self._history_long(), timeout=timeout)

    @property
    def _polling(self) -> bool:
        return self._carry.poll_interval_seconds > 0

    def _next_snapshot_time(self, now: float) -> float | None:
        quiet = self._job.quiet_seconds
        times = [
            now if entry.snapshot_at is None else max(entry.last_seen, entry.snapshot_at) + quiet
            for entry in self._carry.pending.values()
            if not entry.ready
        ]
        return min(times) if times else None

    # --- changes found by polling -------------------------------------------------------------------------------

    async def _poll_if_due(self) -> None:
        c = self._carry
        if not self._polling:
            return
        now = self._now()
        if c.next_poll_at is not None and now < c.next_poll_at:
            return
        try:
            result = await workflow.execute_activity(
                poll_library_changes,
                PollInput(
                    library_id=self._job.library_id,
                    library_path=self._job.library_path,
                    library_type=self._job.library_type,
                ),
                start_to_close_timeout=timedelta(hours=2),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=RETRY,
                summary="Poll the library for changes",
            )
        except ActivityError as exc:
            c.last_error = f"polling failed: {exc.cause or exc}"
        else:
            c.polls += 1
            if result.more:
                c.full_scan_wanted = True
            note_changes(c, result.folders, self._now())
        c.next_poll_at = self._now() + c.poll_interval_seconds

    # --- debouncing ---------------------------------------------------------------------------------------------

    async def _take_snapshots(self) -> None:
        folders = to_snapshot(self._carry, self._now(), self._job.quiet_seconds)
        for start in range(0, len(folders), SNAPSHOT_BATCH):
            batch = folders[start : start + SNAPSHOT_BATCH]
            try:
                result = await workflow.execute_activity(
                    snapshot_folders,
                    SnapshotInput(library_path=self._job.library_path, folders=batch),
                    start_to_close_timeout=timedelta(minutes=10),
                    # It heartbeats per folder: a snapshot lost with a stopped worker is retried within seconds.
                    heartbeat_timeout=timedelta(seconds=15),
                    retry_policy=RETRY,
                )
            except ActivityError as exc:
                self._carry.last_error = f"cannot read the changed folders: {exc.cause or exc}"
                return  # the folders stay pending; the next wake tries again
            apply_snapshots(self._carry, result.snapshots, self._now(), self._job.quiet_seconds)

    # --- scanning -----------------------------------------------------------------------------------------------

    async def _scan_what_is_ready(self) -> None:
        c = self._carry
        if c.full_scan_wanted:
            if await self._run_scan([]):
                c.full_scan_wanted = False
            return
        folders = ready_folders(c, MAX_TARGETED_PATHS)
        if folders:
            await self._run_scan(folders)

    async def _run_scan(self, folders: list[str]) -> bool:
        """One targeted scan of these folders (all of the library when empty); False when it must wait."""
        c = self._carry
        started_at = self._now()
        try:
            prepared = await workflow.execute_activity(
                prepare_scheduled_scan,
                ScheduledScanInput(library_id=self._job.library_id, options=ScanOptions(paths=folders)),
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RETRY,
            )
        except ActivityError as exc:
            # The library cannot be scanned now (its share unmounted, the database away): keep the folders, try later.
            c.failures += 1
            c.last_error = f"cannot start a scan: {exc.cause or exc}"
            self._back_off(c.last_error, c.failures)
            return False
        if prepared.already_running or prepared.scan_input is None:
            # The library's other scan read the folders before they changed, or may have: scan them after it.
            c.busy_waits += 1
            self._back_off(f"waiting for scan {prepared.scan_job_id} of the library to finish", c.busy_waits)
            return False
        scan_input = prepared.scan_input
        c.busy_waits = 0
        c.scans_started += 1
        c.last_scan_job_id = prepared.scan_job_id
        self._scanning = folders or ["(whole library)"]
        self._show()
        try:
            message = await run_scan(scan_input, prepared.workflow_id)
        except ChildWorkflowError as exc:
            self._scanning = []
            c.failures += 1
            c.last_error = f"scan {prepared.scan_job_id} failed: {exc.cause or exc}"
            if c.failures >= FAILURES_BEFORE_DROPPING:
                settle_scanned(c, folders, started_at)  # give up on these; the next change brings them back
                c.failures = 0
                return True
            requeue(c, folders)
            self._back_off(c.last_error, c.failures)
            return False
        self._scanning = []
        c.failures, c.retry_at, c.last_error = 0, None, None
        c.last_summary = str(message.get("summary", ""))
        c.folders_scanned += len(folders)
        settle_scanned(c, folders, started_at)
        return True

    def _back_off(self, reason: str, attempt: int) -> None:
        c = self._carry
        first, longest = BUSY_RETRY_SECONDS
        c.retry_at = self._now() + min(longest, first * 2 ** min(attempt - 1, 5))
        c.last_summary = reason

    # --- what users see -----------------------------------------------------------------------------------------

    def _show(self) -> None:
        workflow.set_current_details(describe(self._carry, self._job.library_name, self._scanning))
