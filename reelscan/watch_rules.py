"""When a changed folder is ready to scan, as pure code the watcher workflow calls (tested without a server).

A folder is ready once no change was reported for `quiet` seconds AND two snapshots of its files (names, sizes,
mtimes) taken at least `quiet` seconds apart are equal: a copy still writing, even one that reports no events
(a network share), changes its snapshot, so it is never scanned half-written. Many changes to one folder make one
pending entry, so a 10,000-file copy gives a few targeted scans, not thousands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reelscan.payloads.carry import PendingFolder, WatchCarry
from reelscan.scan_options import normalize_library_path

# More folders than this pending at once (a whole share remounted, a library copied in): one incremental scan of
# the whole library instead, which settles unchanged folders by fingerprint.
MAX_PENDING = 5000


def top_folder(path: str) -> str | None:
    """The top-level folder of a path relative to the library root, or None for the root itself or a bad path."""
    try:
        return normalize_library_path(path).split("/", 1)[0]
    except ValueError:
        return None


def note_changes(carry: WatchCarry, folders: Iterable[str], now: float, *, max_pending: int = MAX_PENDING) -> int:
    """Record reported changes (each reduced to its top-level folder); returns how many folders became pending.

    A folder reported again starts its quiet period again. Over max_pending folders, the watcher asks for one
    scan of the whole library instead and forgets the folders."""
    added = 0
    for path in folders:
        folder = top_folder(path)
        if folder is None:
            continue
        carry.last_change_at = now
        entry = carry.pending.get(folder)
        if entry is None:
            carry.pending[folder] = PendingFolder(last_seen=now)
            added += 1
        else:
            entry.last_seen, entry.ready = now, False
    if len(carry.pending) > max_pending:
        carry.pending.clear()
        carry.full_scan_wanted = True
    return added


def to_snapshot(carry: WatchCarry, now: float, quiet: float) -> list[str]:
    """Folders to take a snapshot of now: new ones (the first snapshot), and quiet ones whose last snapshot is a
    quiet period old (the one to compare with it)."""
    return [folder for folder, entry in carry.pending.items() if not entry.ready and _due(entry, now, quiet)]


def _due(entry: PendingFolder, now: float, quiet: float) -> bool:
    if entry.snapshot_at is None:
        return True
    return now - entry.last_seen >= quiet and now - entry.snapshot_at >= quiet


def apply_snapshots(carry: WatchCarry, snapshots: Mapping[str, str], now: float, quiet: float) -> list[str]:
    """Compare fresh snapshots with the stored ones; returns the folders that became ready."""
    ready = []
    for folder, snapshot in snapshots.items():
        entry = carry.pending.get(folder)
        if entry is None or entry.ready:
            continue
        if entry.snapshot == snapshot and _due(entry, now, quiet):
            entry.ready = True
            ready.append(folder)
        else:
            entry.snapshot, entry.snapshot_at = snapshot, now
    return ready


def ready_folders(carry: WatchCarry, limit: int) -> list[str]:
    """Ready folders in name order, at most limit (one targeted scan)."""
    return sorted(folder for folder, entry in carry.pending.items() if entry.ready)[:limit]


def settle_scanned(carry: WatchCarry, folders: Iterable[str], scan_started: float) -> None:
    """A scan of these folders completed: forget them, except those changed again since the scan began."""
    for folder in folders:
        entry = carry.pending.get(folder)
        if entry is not None and entry.last_seen < scan_started:
            del carry.pending[folder]


def requeue(carry: WatchCarry, folders: Iterable[str]) -> None:
    """Folders whose scan did not happen (or failed) wait again from a fresh snapshot."""
    for folder in folders:
        entry = carry.pending.get(folder)
        if entry is not None:
            entry.ready, entry.snapshot, entry.snapshot_at = False, None, None


def next_wake(carry: WatchCarry, now: float, quiet: float) -> float | None:
    """When the watcher has something to do next without a new signal (None: nothing until one arrives)."""
    times: list[float] = []
    for entry in carry.pending.values():
        if entry.ready or entry.snapshot_at is None:
            times.append(now)
        else:
            times.append(max(entry.last_seen, entry.snapshot_at) + quiet)
    if carry.full_scan_wanted:
        times.append(now)
    if carry.poll_interval_seconds > 0:
        times.append(carry.next_poll_at if carry.next_poll_at is not None else now)
    if carry.retry_at is not None:
        times = [max(t, carry.retry_at) for t in times]
    return min(times) if times else None


def describe(carry: WatchCarry, library_name: str, scanning: list[str] | None = None, shown: int = 5) -> str:
    """The watcher's line in the Temporal Web UI: what it waits on."""
    if scanning:
        return f"Watching {library_name}: scanning {_folders(scanning, shown)}; {len(carry.pending)} pending"
    state = "paused, " if carry.paused else ""
    if carry.full_scan_wanted:
        return f"Watching {library_name}: {state}a scan of the whole library is due"
    if not carry.pending:
        return f"Watching {library_name}: {state}no changes pending"
    ready = sum(entry.ready for entry in carry.pending.values())
    return f"Watching {library_name}: {state}{_folders(sorted(carry.pending), shown)} pending ({ready} ready)"


def _folders(names: list[str], shown: int) -> str:
    listed = ", ".join(names[:shown])
    more = f" (+{len(names) - shown:,} more)" if len(names) > shown else ""
    return f"{len(names):,} folder{'s' if len(names) != 1 else ''}: {listed}{more}"
