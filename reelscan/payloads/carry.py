"""What a workflow hands to its next run across continue-as-new, each as one object: the workflow keeps it whole
and hands it on whole, so no field is ever left behind by name."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelscan.payloads.enrichment import Target
from reelscan.progress import ScanState


class ScanCarry(BaseModel):
    """Everything a scan (LibraryScanWorkflow) carries from one run to the next."""

    state: ScanState
    directories_per_child: int = 1  # resolved once discovery has counted the library
    scan_pass: int = 1  # 2: the second pass over directories still pending after the first
    next_seq: int = 0  # cursor into the directory list
    priority_paths: list[str] = Field(default_factory=list)  # prioritize requests not yet looked up
    started_ahead: list[int] = Field(default_factory=list)  # seqs started out of order (prioritized)
    pending_cache: list[tuple[int, int]] = Field(default_factory=list)  # (owner id, assets) not yet batched
    pending_candidates: list[int] = Field(default_factory=list)  # downloaded provider images not yet batched
    pending_music_assets: list[int] = Field(default_factory=list)  # downloaded album covers not yet batched
    last_child_failure: str | None = None  # why a directory child failed last (names unscanned folders)
    cache_requeues: int = 0  # cache batches started again after an unrequested cancel
    enrichment_cursor: int = 0  # last movie or series id handed to enrichment
    enrichment_retry: list[Target] = Field(default_factory=list)  # to enrich again after a pause
    enrichment_streak: list[Target] = Field(default_factory=list)  # failing in a row on provider errors
    provider_pauses: int = 0
    image_base_url: str | None = None
    cancel_requested: bool = False


class PendingFolder(BaseModel):
    """A top-level folder that changed and is not scanned yet."""

    last_seen: float  # when the last change was reported
    snapshot: str | None = None  # digest of its files' names, sizes and mtimes, when last taken
    snapshot_at: float | None = None
    ready: bool = False  # quiet and two equal snapshots a quiet period apart: scan it


class WatchCarry(BaseModel):
    """Everything a watcher (LibraryWatchWorkflow) carries from one run to the next."""

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
