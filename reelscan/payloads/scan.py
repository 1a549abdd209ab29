"""Payloads of a scan's phases 1 to 3 (discovery, directory children, cache batches, the progress projection) and
of scheduled scans."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from reelscan.library_kinds import LibraryKind, LibraryType, library_kind
from reelscan.payloads.carry import ScanCarry
from reelscan.payloads.values import DiscoveryStage, FolderOutcome
from reelscan.progress import ScanState
from reelscan.scan_options import ScanOptions


class LibraryScanInput(BaseModel):
    """Input of LibraryScanWorkflow; `carry` is set only when it continues as new."""

    scan_job_id: int
    library_id: int
    library_name: str
    library_path: str
    library_type: LibraryType = "movie"
    options: ScanOptions = Field(default_factory=ScanOptions)
    enrichment_wanted: bool = False
    # Knobs copied from settings at start so every run of the scan uses the same ones.
    children_window: int = 32
    directories_per_child: int = 0  # 0: chosen from the library's size once discovery has counted it
    discovery_head: int = 0  # folders stored first so scanning starts during the walk; 0: walk, then scan
    discovery_head_seconds: float = 1.0
    discovery_scan_while_walking: bool = False  # also the chunks the walk stores after its head
    cache_window: int = 8
    cache_batch_size: int = 50
    progress_interval_seconds: float = 2.0
    continue_as_new_events: int = 4000
    enrich_task_queue: str = "reelscan-enrich"
    enrich_window: int = 20
    auto_select_assets: bool = True
    provider_retry_attempts: int = 5
    provider_failure_threshold: int = 5
    provider_pause_seconds: float = 60.0
    provider_requests_per_second: float = 5.0
    music_enrich_task_queue: str = "reelscan-music-enrich"  # MusicBrainz calls of a music library's scan
    search_attributes: bool = False  # ScanPhase/LibraryId are registered on the server: keep them current
    scan_task_queue: str = "reelscan-scan"
    cache_task_queue: str = "reelscan-cache"
    carry: ScanCarry | None = None

    @property
    def kind(self) -> LibraryKind:
        return library_kind(self.library_type)

    @model_validator(mode="before")
    @classmethod
    def _carry_from_flat_fields(cls, data: Any) -> Any:
        """A scan that continued as new under the previous release carried its state as separate fields."""
        if isinstance(data, dict) and data.get("state") and not data.get("carry"):
            flat = {key: data.pop(key) for key in list(data) if key in _LEGACY_CARRY_FIELDS}
            flat["directories_per_child"] = data.get("directories_per_child") or 1
            data["carry"] = flat
        return data


_LEGACY_CARRY_FIELDS = frozenset(
    {
        "state",
        "next_seq",
        "pending_cache",
        "pending_candidates",
        "enrichment_cursor",
        "enrichment_retry",
        "enrichment_streak",
        "provider_pauses",
        "image_base_url",
        "priority_paths",
        "started_ahead",
        "cancel_requested",
    }
)


class DiscoverInput(BaseModel):
    scan_job_id: int
    library_id: int
    library_path: str
    library_type: LibraryType = "movie"
    max_directories: int | None = None
    force_full_rescan: bool = False
    paths: list[str] = Field(default_factory=list)  # a targeted scan's folders (ScanOptions.paths); empty = all
    # "head": the first folders only (up to head_limit, or what head_seconds of walking find), stored so scanning
    # can start; "rest": the whole walk, adding what the head did not store; "all": the whole walk at once.
    stage: DiscoveryStage = "all"
    head_limit: int = 0
    head_seconds: float = 0.0
    chunk_rows: int = 2000  # "rest" stores the walk in chunks of this many folders


class StoredDirectoriesInput(BaseModel):
    scan_job_id: int
    library_id: int
    library_type: LibraryType = "movie"
    from_seq: int  # the rows before it are counted already


class DiscoverResult(BaseModel):
    directories_total: int
    directories_ignored: int
    directories_unchanged: int = 0
    movies_missing: int = 0  # movies, or series in a TV library (albums in a music library), whose folder is gone
    episodes_unchanged: int = 0  # episodes of the unchanged series of a TV library
    music_unchanged: dict[str, int] = Field(default_factory=dict)  # albums, tracks, untagged of unchanged folders
    errors_count: int
    first_errors: list[str] = Field(default_factory=list)
    folders_unchecked: int = 0  # folders that could not be read: their movies (or series) were not marked missing
    unchecked_notice: str | None = None  # the line saying so and why, for the scan's notice


class DirectoryPageInput(BaseModel):
    scan_job_id: int
    start_seq: int
    limit: int


class DirectoryRef(BaseModel):
    seq: int
    path: str  # relative to the library root


class DirectoryPage(BaseModel):
    directories: list[DirectoryRef]


class PrioritizeInput(BaseModel):
    scan_job_id: int
    paths: list[str]  # relative to the library root; bounded by the signal (at most 500)


class DirectoryScanInput(BaseModel):
    """The spec's directory-scan payload, for one directory or a small run of consecutive ones (at most
    `directories_per_child`, so it stays small)."""

    scan_job_id: int
    library_id: int
    library_path: str
    library_type: LibraryType = "movie"
    directories: list[DirectoryRef]
    skip_ffprobe: bool = False
    skip_asset_discovery: bool = False
    force_full_rescan: bool = False  # read every season folder of a series, unchanged or not


class DirectoryScanResult(BaseModel):
    seq: int
    outcome: FolderOutcome  # of the movie, or the series in a TV library (the album in a music library)
    movie_id: int | None = None
    series_id: int | None = None
    episodes_found: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_missing: int = 0
    unmatched: int = 0  # video files in a series folder that no episode rule matched
    assets_to_cache: int = 0
    error_count: int = 0
    errors: list[str] = Field(default_factory=list)  # each names the path; first few only
    # Music libraries: the folder's main album and its album and track counts (albums_found, tracks_new, ...).
    album_id: int | None = None
    music: dict[str, int] = Field(default_factory=dict)


class DirectoryBatchResult(BaseModel):
    results: list[DirectoryScanResult]


class CacheAssetsInput(BaseModel):
    """A batch of the spec's cache-asset jobs: every uncached local asset of these movies, and these downloaded
    provider candidates."""

    scan_job_id: int
    library_path: str
    movie_ids: list[int] = Field(default_factory=list)
    candidate_ids: list[int] = Field(default_factory=list)
    series_ids: list[int] = Field(default_factory=list)
    album_ids: list[int] = Field(default_factory=list)  # main albums of album folders (their folders' artwork)
    music_asset_ids: list[int] = Field(default_factory=list)  # downloaded album covers (Cover Art Archive)


class CacheAssetsResult(BaseModel):
    cached: int = 0
    failed: int = 0
    bytes_copied: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    errors: list[str] = Field(default_factory=list)  # first few only


class OutcomeCountsInput(BaseModel):
    scan_job_id: int


class OutcomeCounts(BaseModel):
    """The folder outcomes the database holds for a scan."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0
    pending: int = 0
    error_messages: int = 0  # errors recorded by all the scan's folders (a new movie may carry some too)
    episodes_found: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_missing: int = 0
    unmatched: int = 0
    moved: int = 0  # folders whose movie or series was renamed or moved there (its old folder counted missing)
    # Music libraries: what the album folders recorded (albums_found, tracks_new, ...) and the scan's artists.
    music: dict[str, int] = Field(default_factory=dict)
    artists_found: int = 0


class SettleInput(BaseModel):
    """Directories still pending after the last pass become named errors."""

    scan_job_id: int
    reason: str


class RecordedDirectoriesInput(BaseModel):
    """What the database recorded for a child's directories (a child that failed may have recorded some)."""

    scan_job_id: int
    seqs: list[int]


class RecordProgressInput(BaseModel):
    """Absolute values for the scan_jobs projection (idempotent)."""

    state: ScanState
    message: dict[str, object]


class ScheduledScanInput(BaseModel):
    """What a Temporal Schedule starts: a scan of one library with these options."""

    library_id: int
    options: ScanOptions = Field(default_factory=ScanOptions)


class PreparedScan(BaseModel):
    scan_job_id: int
    workflow_id: str
    already_running: bool
    scan_input: LibraryScanInput | None = None
