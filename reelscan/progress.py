"""Scan counters, phase rules and the spec's ScanProgressMessage, as pure code.

LibraryScanWorkflow owns a ScanState and calls these functions; the same code renders the message for the
progress query, the scan_jobs projection, the CLI and the API, so every surface says the same thing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from reelscan.library_kinds import LibraryKind, LibraryType, library_kind

Phase = Literal["discovering", "scanning", "caching", "enriching", "completed", "failed", "cancelled"]
FINAL_PHASES: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
ASSET_GROUPS = ("poster", "fanart", "trailer", "subtitle", "cover", "other")  # cover: album covers
# The counters every library's stats carry; TV and music libraries add theirs.
STATS_COUNTERS = ("movies_found", "movies_new", "movies_updated", "movies_missing", "assets_cached", "errors_count")
TV_COUNTERS = (
    "series_found",
    "series_new",
    "series_updated",
    "series_missing",
    "episodes_found",
    "episodes_new",
    "episodes_updated",
    "episodes_missing",
    "episodes_unmatched",
)
MUSIC_COUNTERS = (
    "artists_found",
    "albums_found",
    "albums_new",
    "albums_updated",
    "albums_missing",
    "tracks_found",
    "tracks_new",
    "tracks_updated",
    "tracks_missing",
    "tracks_untagged",
)


class ScanCounters(BaseModel):
    """Every counter of the spec's scan_jobs table, plus a few the displays need."""

    directories_total: int = 0
    directories_queued: int = 0
    directories_ignored: int = 0
    directories_scanned: int = 0
    directories_unchanged: int = 0
    directories_failed: int = 0  # folders whose outcome is an error (each counted once, whatever its messages)
    directory_error_messages: int = 0  # error messages of all folders (a new movie may carry some too)
    movies_found: int = 0
    movies_new: int = 0
    movies_updated: int = 0
    movies_missing: int = 0
    # TV libraries: a series folder is the directory-level item; episodes are counted inside it.
    series_found: int = 0
    series_new: int = 0
    series_updated: int = 0
    series_missing: int = 0
    episodes_found: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_missing: int = 0
    episodes_unmatched: int = 0
    episodes_unchanged: int = 0  # of the series settled as unchanged at discovery (included in episodes_found)
    # Music libraries: an album folder is the directory-level item; its albums and tracks are counted inside it.
    # artists_found is the scan's distinct album artists, known once the folders are settled.
    artists_found: int = 0
    albums_found: int = 0
    albums_new: int = 0
    albums_updated: int = 0
    albums_missing: int = 0
    tracks_found: int = 0
    tracks_new: int = 0
    tracks_updated: int = 0
    tracks_missing: int = 0
    tracks_untagged: int = 0
    # What discovery settled: albums, tracks and untagged tracks of unchanged folders, albums whose folder is gone.
    music_settled: dict[str, int] = Field(default_factory=dict)
    folders_moved: int = 0  # movies or series found again in another folder (not missing after all)
    assets_queued: int = 0
    assets_cached: int = 0
    assets_failed: int = 0
    assets_by_type: dict[str, int] = Field(default_factory=dict)
    enrichment_queued: int = 0
    enrichment_completed: int = 0
    enrichment_failed: int = 0
    errors_count: int = 0
    last_error: str | None = None

    @property
    def assets_done(self) -> int:
        """Assets that will not be worked on again in this scan (cached or given up)."""
        return self.assets_cached + self.assets_failed


class ScanState(BaseModel):
    """What LibraryScanWorkflow knows about its scan; carried whole across continue-as-new."""

    scan_job_id: int
    library_id: int
    library_name: str
    library_type: LibraryType = "movie"
    workflow_id: str = ""
    phase: Phase = "discovering"
    counters: ScanCounters = Field(default_factory=ScanCounters)
    started_at: datetime
    discovery_completed_at: datetime | None = None
    scanning_completed_at: datetime | None = None
    caching_completed_at: datetime | None = None
    completed_at: datetime | None = None
    phase_started_at: datetime | None = None
    phase_done_at_start: int = 0
    current_operation: str = "Starting scan"
    notice: str | None = None
    last_updated_at: datetime | None = None
    provider_requests_per_second: float | None = None
    paused_until: datetime | None = None
    targeted_folders: int = 0  # a targeted scan of this many folders (ScanOptions.paths); 0 = the whole library


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class DiscoveringProgress(_Camel):
    directories_found: int
    directories_ignored: int
    in_progress: bool


class ScanningProgress(_Camel):
    scanned: int
    total: int
    percentage: int
    unchanged: int = 0


class CachingProgress(_Camel):
    cached: int
    queued: int
    failed: int
    percentage: int
    by_type: dict[str, int]


class EnrichingProgress(_Camel):
    completed: int
    queued: int
    percentage: int
    failed: int = 0
    provider: str = "TMDB"
    rate_limit: str | None = None
    paused_until: str | None = None


class PhaseProgress(_Camel):
    discovering: DiscoveringProgress | None = None
    scanning: ScanningProgress | None = None
    caching: CachingProgress | None = None
    enriching: EnrichingProgress | None = None


class ScanStats(_Camel):
    movies_found: int
    movies_new: int
    movies_updated: int
    movies_missing: int = 0
    assets_cached: int
    errors_count: int
    # Only for TV libraries (absent for movie libraries).
    series_found: int | None = None
    series_new: int | None = None
    series_updated: int | None = None
    series_missing: int | None = None
    episodes_found: int | None = None
    episodes_new: int | None = None
    episodes_updated: int | None = None
    episodes_missing: int | None = None
    episodes_unmatched: int | None = None
    # Only for music libraries.
    artists_found: int | None = None
    albums_found: int | None = None
    albums_new: int | None = None
    albums_updated: int | None = None
    albums_missing: int | None = None
    tracks_found: int | None = None
    tracks_new: int | None = None
    tracks_updated: int | None = None
    tracks_missing: int | None = None
    tracks_untagged: int | None = None


class ScanProgressMessage(_Camel):
    """The spec's WebSocket message, with a few additions (summary line, notice, last error, timestamps)."""

    type: Literal["scan:progress"] = "scan:progress"
    scan_job_id: int
    library_id: int
    library_name: str
    library_type: str = "movie"
    workflow_id: str = ""
    phase: Phase
    progress: PhaseProgress
    stats: ScanStats
    summary: str
    current_operation: str
    estimated_time_remaining: str | None = None
    notice: str | None = None
    last_error: str | None = None
    started_at: str
    last_updated_at: str
    phase_timestamps: dict[str, str | None] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, object]:
        data = self.model_dump(by_alias=True, mode="json")
        # The spec's stats for movie libraries; series and episode counts only for TV libraries, artist, album and
        # track counts only for music libraries.
        data["stats"] = {key: value for key, value in data["stats"].items() if value is not None}
        return data


def percentage(done: int, total: int) -> int:
    """Whole percent, never 100 before the work is really done."""
    if total <= 0:
        return 100 if done >= total else 0
    return min(100, done * 100 // total)


def _n(value: int) -> str:
    return f"{value:,}"


def phase_done_and_total(state: ScanState) -> tuple[int, int]:
    c = state.counters
    if state.phase == "scanning":
        return c.directories_scanned, c.directories_total
    if state.phase == "caching":
        return c.assets_done, c.assets_queued
    if state.phase == "enriching":
        return c.enrichment_completed, c.enrichment_queued
    return 0, 0


def _plural(count: int, word: str) -> str:
    return f"{_n(count)} {word}{'' if count == 1 else 's'}"


def _items_line(state: ScanState) -> str:
    """What the scan found so far: movies, series and their episodes, or artists, albums and tracks."""
    c, kind = state.counters, library_kind(state.library_type)
    if kind.music:
        untagged = f", {_n(c.tracks_untagged)} untagged" if c.tracks_untagged else ""
        return (
            f"{_plural(c.artists_found, 'artist')}, {_plural(c.albums_found, 'album')}, "
            f"{_plural(c.tracks_found, 'track')} ({_n(c.tracks_new)} new, {_n(c.tracks_updated)} updated){untagged}"
        )
    if not kind.tv:
        return f"{_plural(c.movies_found, 'movie')} ({_n(c.movies_new)} new, {_n(c.movies_updated)} updated)"
    unmatched = f", {_plural(c.episodes_unmatched, 'unmatched file')}" if c.episodes_unmatched else ""
    return (
        f"{_n(c.series_found)} series, {_plural(c.episodes_found, 'episode')} ({_n(c.episodes_new)} new, "
        f"{_n(c.episodes_updated)} updated){unmatched}"
    )


def found_line(directories: int, kind: LibraryKind) -> str:
    """What discovery found, in words: "1 movie directory", "12 series directories", "40 album directories"."""
    return f"{_n(directories)} {kind.directory} director{'y' if directories == 1 else 'ies'}"


def summary_line(state: ScanState) -> str:
    """The one human line of the spec's displays, for the Web UI, the CLI and logs."""
    c, kind = state.counters, library_kind(state.library_type)
    items = kind.items
    if state.targeted_folders and state.phase in ("discovering", "scanning"):
        updating = f"Updating {_plural(state.targeted_folders, 'folder')}..."
        if state.phase == "discovering":
            return f"{updating} Reading them"
        done, total = phase_done_and_total(state)
        return f"{updating} {_n(done)}/{_n(total)} ({percentage(done, total)}%)"
    if state.phase == "discovering":
        found = (
            _n(c.directories_total) + " series"
            if kind.tv
            else _plural(c.directories_total, "album folder")
            if kind.music
            else _plural(c.directories_total, "movie")
        )
        if c.directories_scanned:  # the first folders are scanned while the walk goes on
            return f"Discovering directories... Found {found} so far, {_n(c.directories_scanned)} scanned"
        return f"Discovering directories... Found {found}"
    if state.phase == "scanning":
        done, total = phase_done_and_total(state)
        episodes = (
            f", {_plural(c.episodes_found, 'episode')}"
            if kind.tv
            else f", {_plural(c.tracks_found, 'track')}"
            if kind.music
            else ""
        )
        return f"Scanning {items}... {_n(done)}/{_n(total)} ({percentage(done, total)}%){episodes}"
    if state.phase == "caching":
        done, total = phase_done_and_total(state)
        return f"Caching assets... {_n(done)}/{_n(total)} ({percentage(done, total)}%)"
    if state.phase == "enriching":
        done, total = phase_done_and_total(state)
        return f"Enriching metadata... {_n(done)}/{_n(total)} ({percentage(done, total)}%)"
    movies = _items_line(state)
    errors = _plural(c.errors_count, "error")
    if state.phase == "completed":
        return f"Scan completed: {movies}, {_plural(c.assets_cached, 'asset')} cached, {errors}"
    if state.phase == "cancelled":
        scanned = f"{_n(c.directories_scanned)}/{_n(c.directories_total)}"
        return f"Scan cancelled after {scanned} directories: {movies}, {errors}"
    return f"Scan failed: {c.last_error or 'unknown error'}"


def humanize_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"about {seconds} second{'' if seconds == 1 else 's'}"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {minutes} minute{'' if minutes == 1 else 's'}"
    hours = seconds / 3600
    return f"about {hours:.1f} hours"


def estimate_remaining(state: ScanState, now: datetime) -> str | None:
    """Time left in the current phase from the rate observed since the phase began."""
    if state.phase_started_at is None or state.phase in FINAL_PHASES or state.phase == "discovering":
        return None
    done, total = phase_done_and_total(state)
    progressed = done - state.phase_done_at_start
    elapsed = (now - state.phase_started_at).total_seconds()
    if total <= done:
        return None
    observed = (total - done) * elapsed / progressed if progressed > 0 and elapsed >= 1 else None
    if state.phase == "enriching" and state.provider_requests_per_second:
        # At least two provider calls per movie, and never faster than the rate limit allows.
        floor = (total - done) * 2 / state.provider_requests_per_second
        observed = max(observed or 0.0, floor)
    return humanize_seconds(observed) if observed is not None else None


def enter_phase(state: ScanState, phase: Phase, now: datetime) -> None:
    """Move to a phase, stamping the spec's phase timestamps."""
    previous = state.phase
    if previous == "discovering" and phase != "discovering":
        state.discovery_completed_at = state.discovery_completed_at or now
    if previous == "scanning" and phase != "scanning":
        state.scanning_completed_at = state.scanning_completed_at or now
    if previous == "caching" and phase != "caching":
        state.caching_completed_at = state.caching_completed_at or now
    if phase in FINAL_PHASES:
        state.completed_at = now
    state.phase = phase
    state.phase_started_at = now
    state.phase_done_at_start = phase_done_and_total(state)[0]
    state.last_updated_at = now


def caching_finished(counters: ScanCounters) -> bool:
    return counters.assets_done >= counters.assets_queued


def build_message(state: ScanState, now: datetime) -> ScanProgressMessage:
    c, kind = state.counters, library_kind(state.library_type)
    progress = PhaseProgress(
        discovering=DiscoveringProgress(
            directories_found=c.directories_total,
            directories_ignored=c.directories_ignored,
            in_progress=state.phase == "discovering",
        ),
    )
    if state.phase != "discovering" or c.directories_scanned:
        progress.scanning = ScanningProgress(
            scanned=c.directories_scanned,
            total=c.directories_total,
            percentage=percentage(c.directories_scanned, c.directories_total),
            unchanged=c.directories_unchanged,
        )
    if c.assets_queued or state.phase in ("caching", "enriching", "completed"):
        progress.caching = CachingProgress(
            cached=c.assets_cached,
            queued=c.assets_queued,
            failed=c.assets_failed,
            percentage=percentage(c.assets_done, c.assets_queued),
            by_type=dict(sorted(c.assets_by_type.items())),
        )
    if c.enrichment_queued or state.phase == "enriching":
        rps = state.provider_requests_per_second
        progress.enriching = EnrichingProgress(
            completed=c.enrichment_completed,
            queued=c.enrichment_queued,
            percentage=percentage(c.enrichment_completed, c.enrichment_queued),
            failed=c.enrichment_failed,
            provider=kind.provider,
            rate_limit=f"{rps * 10:g} req/10 sec" if rps else None,
            paused_until=state.paused_until.isoformat() if state.paused_until else None,
        )

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return ScanProgressMessage(
        scan_job_id=state.scan_job_id,
        library_id=state.library_id,
        library_name=state.library_name,
        library_type=state.library_type,
        workflow_id=state.workflow_id,
        phase=state.phase,
        progress=progress,
        stats=ScanStats(
            **c.model_dump(include=set(STATS_COUNTERS)),
            **(c.model_dump(include=set(TV_COUNTERS)) if kind.tv else {}),
            **(c.model_dump(include=set(MUSIC_COUNTERS)) if kind.music else {}),
        ),
        summary=summary_line(state),
        current_operation=state.current_operation,
        estimated_time_remaining=estimate_remaining(state, now),
        notice=state.notice,
        last_error=c.last_error,
        started_at=state.started_at.isoformat(),
        last_updated_at=(state.last_updated_at or now).isoformat(),
        phase_timestamps={
            "discoveryCompletedAt": iso(state.discovery_completed_at),
            "scanningCompletedAt": iso(state.scanning_completed_at),
            "cachingCompletedAt": iso(state.caching_completed_at),
            "completedAt": iso(state.completed_at),
        },
    )


def asset_group(asset_type: str) -> str:
    """Group asset types the way the displays count them (posters, fanart, trailers, subtitles, other)."""
    return asset_type if asset_type in ASSET_GROUPS else "other"
