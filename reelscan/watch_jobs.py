"""Payloads of LibraryWatchWorkflow: the folders it waits on, and what its activities take and return.

Same rules as reelscan.jobs: bounded lists (at most MAX_PENDING folders pending, MAX_TARGETED_PATHS per scan or
snapshot), no secrets. Times are seconds since the epoch on the workflow's clock.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelscan.scan_options import MAX_TARGETED_PATHS

# More folders than this pending at once (a whole share remounted, a library copied in): one incremental scan of
# the whole library instead, which settles unchanged folders by fingerprint.
MAX_PENDING = 5000
MAX_FOLDERS_PER_SIGNAL = 500
SNAPSHOT_BATCH = MAX_TARGETED_PATHS


class PendingFolder(BaseModel):
    """A top-level folder that changed and is not scanned yet."""

    last_seen: float  # when the last change was reported
    snapshot: str | None = None  # digest of its files' names, sizes and mtimes, when last taken
    snapshot_at: float | None = None
    ready: bool = False  # quiet and two equal snapshots a quiet period apart: scan it


class WatchCarry(BaseModel):
    """Everything a watcher carries across continue-as-new, as one object."""

    pending: dict[str, PendingFolder] = Field(default_factory=dict)
    full_scan_wanted: bool = False
    paused: bool = False
    poll_interval_seconds: float = 0.0  # 0: changes come from a file-system watcher only
    next_poll_at: float | None = None
    scans_started: int = 0
    folders_scanned: int = 0
    last_scan_job_id: int | None = None
    last_summary: str | None = None
    last_error: str | None = None
    failures: int = 0  # targeted scans in a row that failed
    busy_waits: int = 0  # tries in a row that found another scan of the library running
    retry_at: float | None = None  # the library's other scan is running, or the last one failed: wait until then
    polls: int = 0
    last_change_at: float | None = None  # when a change was last reported or found (workflow time, epoch seconds)


class WatchInput(BaseModel):
    library_id: int
    library_name: str = ""
    library_path: str = ""
    library_type: str = "movie"
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
    library_type: str = "movie"
    limit: int = MAX_TARGETED_PATHS


class PollResult(BaseModel):
    """Top-level folders whose movies or series changed, appeared or vanished since they were recorded."""

    folders: list[str]
    more: bool = False  # over the limit: scan the whole library instead
    directories: int = 0  # directories walked (for the benchmark and the state query)
