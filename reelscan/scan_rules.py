"""The scan's window rules, batch selection and counter folding, as pure functions.

LibraryScanWorkflow calls these and only orchestrates: what a child's result, a cache batch's result or an
enrichment outcome does to the counters is decided here, where it is unit tested without a server.
"""

from __future__ import annotations

from reelscan.payloads.scan import CacheAssetsResult, DirectoryScanResult, OutcomeCounts
from reelscan.progress import ScanCounters, asset_group

# An album folder's counts (DirectoryScanResult.music, OutcomeCounts.music) -> the counters they add to.
MUSIC_FOLDER_COUNTS = (
    "albums_found", "albums_new", "albums_updated", "albums_missing",
    "tracks_found", "tracks_new", "tracks_updated", "tracks_missing", "tracks_untagged",
)  # fmt: skip

# A page of the directory list travels through Temporal: about 1,000 rows keeps it far below the 2 MB payload
# limit whatever the windows (paths are at most a few hundred bytes).
MAX_PAGE_ROWS = 1000
MIN_PAGE_ROWS = 100
# The first few children start alone so the first movies appear at once; the full window opens after one ends.
FIRST_CHILDREN = 4
# Local assets queued for caching beyond this many batches hold back new children (memory and history stay small).
CACHE_BACKLOG_BATCHES = 4
SCAN_PASSES = 2
CHILDREN_PER_SCAN_TARGET = 1000
MAX_DIRECTORIES_PER_CHILD = 20


def directories_per_child(configured: int, directories_total: int) -> int:
    """One directory per child workflow for libraries up to about 1,000 folders (each visible on its own in the
    Temporal Web UI); bigger libraries group consecutive folders so the server handles about 1,000 children per
    scan, since each child workflow costs the server far more than scanning one folder."""
    if configured:
        return configured
    return min(MAX_DIRECTORIES_PER_CHILD, max(1, -(-directories_total // CHILDREN_PER_SCAN_TARGET)))


def page_limit(children_window: int, per_child: int) -> int:
    """Rows per directory page: enough to fill the window, never more than MAX_PAGE_ROWS."""
    return min(MAX_PAGE_ROWS, max(children_window * per_child, MIN_PAGE_ROWS))


def launch_window(configured: int, counters: ScanCounters) -> int:
    """Children allowed in flight now."""
    started = counters.directories_scanned > counters.directories_unchanged
    return configured if started else min(configured, FIRST_CHILDREN)


def cache_backlog_full(pending_cache: list[tuple[int, int]], batch_size: int, cache_window: int) -> bool:
    return sum(n for _, n in pending_cache) >= batch_size * cache_window * CACHE_BACKLOG_BATCHES


def next_cache_batch(
    pending: list[tuple[int, int]], size: int, *, flush: bool
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """The next batch of owners (movies or series) with about `size` assets, and what is left; None while the
    first batch is not full yet and the phase is not flushing."""
    if not pending:
        return None
    total = count = 0
    for _, n in pending:
        total += n
        count += 1
        if total >= size:
            break
    if total < size and not flush:
        return None
    return pending[:count], pending[count:]


def child_id_suffix(scan_pass: int, first_seq: int, last_seq: int) -> str:
    """Child workflow ids of a pass: the second pass gets its own, so nothing collides or is counted twice."""
    name = f"dir-{first_seq}" if first_seq == last_seq else f"dirs-{first_seq}-{last_seq}"
    return name if scan_pass <= 1 else f"p{scan_pass}-{name}"


def fold_directory(counters: ScanCounters, result: DirectoryScanResult, *, tv: bool) -> None:
    """One directory's outcome into the counters (each directory is folded exactly once)."""
    c = counters
    c.directories_scanned += 1
    found = result.outcome in ("new", "updated", "unchanged")
    c.directories_failed += result.outcome == "error"
    if result.music:
        for name in MUSIC_FOLDER_COUNTS:
            setattr(c, name, getattr(c, name) + result.music.get(name, 0))
    elif tv:
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
        c.directory_error_messages += result.error_count
        c.last_error = result.errors[-1] if result.errors else c.last_error


def fold_cache_result(counters: ScanCounters, result: CacheAssetsResult, queued: int) -> None:
    c = counters
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


def fold_enrichment_failure(counters: ScanCounters, error: str | None) -> None:
    counters.enrichment_completed += 1
    counters.enrichment_failed += 1
    counters.errors_count += 1
    counters.last_error = error or counters.last_error


def settle_from_database(counters: ScanCounters, outcomes: OutcomeCounts, *, tv: bool, music: bool = False) -> None:
    """Set the folder counters from the database's outcomes (the truth once no child is in flight).

    Directories settled at discovery as unchanged are rows of the database too, so every folder is counted."""
    c = counters
    found = outcomes.new + outcomes.updated + outcomes.unchanged
    c.directories_scanned = found + outcomes.error
    c.directories_failed = outcomes.error
    c.errors_count += outcomes.error_messages - c.directory_error_messages
    c.directory_error_messages = outcomes.error_messages
    # Discovery counted a renamed folder's movie missing; found again under its new name, it is not.
    moved = outcomes.moved - c.folders_moved
    c.folders_moved = outcomes.moved
    if music:
        # Folders settled at discovery recorded no counts of their own: their albums and tracks are kept aside.
        kept = c.music_settled
        unchanged = {"albums_found": kept.get("albums", 0), "tracks_found": kept.get("tracks", 0),
                     "tracks_untagged": kept.get("untagged", 0)}  # fmt: skip
        for name in MUSIC_FOLDER_COUNTS:
            setattr(c, name, outcomes.music.get(name, 0) + unchanged.get(name, 0))
        c.albums_missing += kept.get("albums_missing", 0)
        c.artists_found = outcomes.artists_found
    elif tv:
        c.series_found, c.series_new, c.series_updated = found, outcomes.new, outcomes.updated
        c.series_missing = max(0, c.series_missing - moved)
        # Series settled at discovery recorded no episode counts of their own: their episodes are kept aside.
        c.episodes_found = outcomes.episodes_found + c.episodes_unchanged
        c.episodes_new, c.episodes_updated = outcomes.episodes_new, outcomes.episodes_updated
        c.episodes_missing, c.episodes_unmatched = outcomes.episodes_missing, outcomes.unmatched
    else:
        c.movies_found, c.movies_new, c.movies_updated = found, outcomes.new, outcomes.updated
        c.movies_missing = max(0, c.movies_missing - moved)
