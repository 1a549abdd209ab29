"""Phase 2 of LibraryScanWorkflow: the sliding window of DirectoryScanWorkflow children over the directory list.

The list lives in the database; this window holds one bounded page of it in memory (`buffer`) and the children
in flight. It is done only when the list is exhausted, the page is consumed and no child is in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import CancelledError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.common import DATABASE_UNAVAILABLE, LIBRARY_ROOT_ERROR
    from activities.discovery import find_pending_directories, load_directory_page
    from reelscan.payloads.carry import ScanCarry
    from reelscan.payloads.scan import (
        DirectoryBatchResult,
        DirectoryPageInput,
        DirectoryRef,
        DirectoryScanInput,
        DirectoryScanResult,
        LibraryScanInput,
        PrioritizeInput,
    )
    from reelscan.scan_rules import cache_backlog_full, child_id_suffix, launch_window, page_limit
    from workflows.directory_scan import DirectoryScanWorkflow
    from workflows.library_scan_errors import ScanFailed, failure_message, failure_type, root_cause

In = TypeVar("In")
Out = TypeVar("Out")
Key = TypeVar("Key")
Value = TypeVar("Value")
Ended = TypeVar("Ended")
ReadDatabase = Callable[[Callable[[In], Out], In], Awaitable[Out]]
MAX_PRIORITY_PATHS = 500
LEGACY_PAGE_ROWS = 100  # pages of the previous release: window x directories per child, at least this many


def any_ended(children: dict[Key, tuple[Value, asyncio.Task[Ended]]]) -> bool:
    return any(task.done() for _, task in children.values())


def take_ended(
    children: dict[Key, tuple[Value, asyncio.Task[Ended]]],
) -> Iterator[tuple[Key, Value, asyncio.Task[Ended]]]:
    """The children in flight whose task has ended, in launch order, each taken out of `children` as it comes."""
    for key, (value, task) in list(children.items()):
        if not task.done():
            continue
        del children[key]
        yield key, value, task


class FailedChild:
    """A child that ended in failure: its directories and why (what it had recorded is read back)."""

    def __init__(self, refs: list[DirectoryRef], reason: str) -> None:
        self.refs = refs
        self.reason = reason


class DirectoryWindow:
    def __init__(self, job: LibraryScanInput, carry: ScanCarry, read_database: ReadDatabase[Any, Any]) -> None:
        self._job = job
        self._carry = carry
        self._read = read_database
        self.buffer: list[DirectoryRef] = []
        self.priority_refs: list[DirectoryRef] = []
        self.exhausted = False
        self.end_seq: int | None = None  # while the walk goes on: only the rows before this are stored and counted
        # Children in flight by the seq of their first directory, with the directories they scan.
        self.children: dict[int, tuple[list[DirectoryRef], asyncio.Task[DirectoryBatchResult]]] = {}

    def done(self, *, buffer_checked: bool) -> bool:
        """Every directory of the list was handed to a child that has ended."""
        if buffer_checked:
            return self.exhausted and not self.buffer and not self.priority_refs and not self.children
        return self.exhausted and not self.children  # the previous release's rule, for scans it started

    def any_finished(self) -> bool:
        return any_ended(self.children)

    def start_next_pass(self) -> None:
        """Directories still pending after a pass get another one, from the start of the list."""
        self._carry.scan_pass += 1
        self._carry.next_seq = 0
        self._carry.started_ahead = []
        self.buffer, self.priority_refs, self.exhausted = [], [], False

    def walk_in_progress(self, end_seq: int) -> None:
        """Scan only the first end_seq rows (what the walk has stored and the scan counted) until walk_stored()."""
        if self.end_seq is None or end_seq > self.end_seq:
            self.exhausted = False
        self.end_seq = end_seq

    def waiting_for_rows(self) -> bool:
        """While the walk goes on: every counted row was handed to a child."""
        return self.end_seq is not None and self.exhausted and not self.buffer

    def walk_stored(self) -> None:
        """The whole walk is in the work list: go on past the head."""
        self.end_seq, self.exhausted = None, False

    def prioritize(self, paths: list[str]) -> None:
        room = MAX_PRIORITY_PATHS - len(self._carry.priority_paths)
        self._carry.priority_paths.extend(str(p) for p in paths[: max(room, 0)])

    async def fill(self, *, draining: bool, page_capped: bool, look_up_priorities: bool = True) -> None:
        """Start children up to the window. Prioritized paths wait while the walk goes on (look_up_priorities
        False): a folder not stored yet would not be found."""
        carry, job = self._carry, self._job
        window = launch_window(job.children_window, carry.state.counters)
        if carry.priority_paths and not draining and look_up_priorities:
            await self._look_up_priorities()
        while (
            not draining
            and not carry.cancel_requested
            and len(self.children) < window
            and not cache_backlog_full(carry.pending_cache, job.cache_batch_size, job.cache_window)
        ):
            if self.priority_refs:
                ref = self.priority_refs.pop(0)
                if ref.seq >= carry.next_seq and ref.seq not in carry.started_ahead:
                    carry.started_ahead.append(ref.seq)
                    self._start_child([ref])
                continue
            batch = await self._next_directories(page_capped)
            if not batch:
                return
            self._start_child(batch)

    async def _next_directories(self, page_capped: bool) -> list[DirectoryRef]:
        """The next directories in queue order for one child, skipping those already started ahead (prioritized)."""
        carry = self._carry
        batch: list[DirectoryRef] = []
        while len(batch) < carry.directories_per_child:
            if not self.buffer:
                if self.exhausted:
                    break
                await self._load_page(page_capped)
                if not self.buffer:
                    break
            ref = self.buffer.pop(0)
            carry.next_seq = ref.seq + 1
            if ref.seq in carry.started_ahead:
                carry.started_ahead.remove(ref.seq)
            else:
                batch.append(ref)
        return batch

    async def _look_up_priorities(self) -> None:
        paths, self._carry.priority_paths = self._carry.priority_paths, []
        page = await self._read(
            find_pending_directories, PrioritizeInput(scan_job_id=self._job.scan_job_id, paths=paths)
        )
        self.priority_refs.extend(page.directories)

    async def _load_page(self, page_capped: bool) -> None:
        carry = self._carry
        window, per_child = self._job.children_window, carry.directories_per_child
        limit = page_limit(window, per_child) if page_capped else max(window * per_child, LEGACY_PAGE_ROWS)
        page = await self._read(
            load_directory_page,
            DirectoryPageInput(scan_job_id=self._job.scan_job_id, start_seq=carry.next_seq, limit=limit),
        )
        self.buffer = list(page.directories)
        if self.end_seq is not None:
            # Rows of the rest of the walk may be stored already, but are not counted yet: they wait.
            before = [ref for ref in self.buffer if ref.seq < self.end_seq]
            if len(before) < len(self.buffer):
                self.buffer, self.exhausted = before, True
        # Prioritized directories already scanned never come back in a page: forget those behind the cursor.
        horizon = self.buffer[0].seq if self.buffer else None
        carry.started_ahead = [s for s in carry.started_ahead if horizon is not None and s >= horizon]
        if len(page.directories) < limit:
            self.exhausted = True

    def _start_child(self, refs: list[DirectoryRef]) -> None:
        job, carry = self._job, self._carry
        first, last = refs[0], refs[-1]
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
                id=f"{workflow.info().workflow_id}/{child_id_suffix(carry.scan_pass, first.seq, last.seq)}",
                task_queue=job.scan_task_queue,
                static_summary=summary[-400:],
            )
        )
        self.children[first.seq] = (refs, task)
        carry.state.current_operation = f"Scanning {last.path}"

    def collect(self) -> tuple[list[DirectoryScanResult], list[FailedChild]]:
        """Results of the children that ended, and the children that failed (not counted here)."""
        results: list[DirectoryScanResult] = []
        failed: list[FailedChild] = []
        for _, refs, task in take_ended(self.children):
            try:
                results.extend(task.result().results)
            except ChildWorkflowError as exc:
                if isinstance(root_cause(exc), CancelledError) and self._carry.cancel_requested:
                    continue  # cancelled with the scan: settled from the database when it stops
                if failure_type(exc) in (DATABASE_UNAVAILABLE, LIBRARY_ROOT_ERROR):
                    raise ScanFailed(failure_message(exc)) from None
                # Any other end (a cancel the scan did not ask for included) is read back from the database.
                failed.append(FailedChild(refs, failure_message(exc)))
            except asyncio.CancelledError:
                continue
        return results, failed

    def cancel_all(self) -> list[asyncio.Task[Any]]:
        for _, task in self.children.values():
            task.cancel()
        return [task for _, task in self.children.values()]
