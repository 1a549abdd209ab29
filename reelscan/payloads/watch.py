"""Payloads of LibraryWatchWorkflow: its input and what its activities take and return (its pending folders are
in reelscan/payloads/carry.py). Bounded lists (MAX_FOLDERS_PER_SIGNAL a signal, MAX_TARGETED_PATHS per scan or
snapshot); times are seconds since the epoch on the workflow's clock.
"""

from __future__ import annotations

from pydantic import BaseModel

from reelscan.library_kinds import LibraryType
from reelscan.payloads.carry import WatchCarry
from reelscan.scan_options import MAX_TARGETED_PATHS

MAX_FOLDERS_PER_SIGNAL = 500
SNAPSHOT_BATCH = MAX_TARGETED_PATHS


class WatchInput(BaseModel):
    library_id: int
    library_name: str = ""
    library_path: str = ""
    library_type: LibraryType = "movie"
    quiet_seconds: float = 10.0
    poll_interval_seconds: float = 0.0
    continue_as_new_events: int = 4000
    scan_task_queue: str = "reelscan-scan"
    carry: WatchCarry | None = None


class SnapshotInput(BaseModel):
    library_path: str
    folders: list[str]  # at most SNAPSHOT_BATCH


class SnapshotResult(BaseModel):
    snapshots: dict[str, str]


class PollInput(BaseModel):
    library_id: int
    library_path: str
    library_type: LibraryType = "movie"
    limit: int = MAX_TARGETED_PATHS


class PollResult(BaseModel):
    """Top-level folders whose movies or series changed, appeared or vanished since they were recorded."""

    folders: list[str]
    more: bool = False  # over the limit: scan the whole library instead
    directories: int = 0  # directories walked (for the benchmark and the state query)
