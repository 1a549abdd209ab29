"""Watching a library: what a file-system event means, when a folder is still being written, what a polling pass
finds, and whether file-system events can be trusted on the library's mount. No Temporal here.

An event names a path; the watcher scans the top-level movie or series folder it lies in, skipping what discovery
skips (dot and NAS system folders, extras folders, folders holding an ignore marker). Network and FUSE mounts
deliver no inotify events for changes other machines make, so there the library is polled instead.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.discovery import DiscoveredDirectory, DiscoveryStats, FolderWalker, LibraryWalker
from reelscan.library.music_discovery import MusicWalker
from reelscan.library.rules import IGNORE_MARKER_FILES, is_extras_folder_name, is_ignored_folder_name, is_valid_utf8
from reelscan.library.tv_discovery import SeriesWalker

GONE = "gone"
WATCH_MODES = ("off", "auto", "events", "poll")
NETWORK_FS_TYPES = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "sshfs"})


def event_folder(root: str, path: str) -> str | None:
    """The top-level folder (relative to root) an event path lies in; None for the root itself, a path outside
    it, or a folder discovery would skip."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if relative == "." or relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return None
    top = relative.split(os.sep, 1)[0]
    if is_ignored_folder_name(top) or is_extras_folder_name(top) or not is_valid_utf8(top):
        return None
    folder = os.path.join(root, top)
    if os.sep not in relative and os.path.isfile(folder):
        return None  # a file directly in the root is not a movie folder
    if any(os.path.exists(os.path.join(folder, marker)) for marker in IGNORE_MARKER_FILES):
        return None
    return top


def folder_snapshot(root: str, folder: str) -> str:
    """A digest of every file under the folder (relative name, size, mtime): equal twice a quiet period apart
    means nothing is being written there. GONE when the folder does not exist."""
    base = os.path.join(root, folder)
    if not os.path.isdir(base):
        return GONE
    digest = hashlib.blake2b(digest_size=16)
    lines: list[bytes] = []
    for directory, subfolders, files in os.walk(base, onerror=None):
        subfolders.sort()
        for name in files:
            path = os.path.join(directory, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue  # vanished while walking: the next snapshot differs anyway
            relative = os.path.relpath(path, base).encode("utf-8", "surrogateescape")
            lines.append(b"%s\0%d\0%d" % (relative, st.st_size, st.st_mtime_ns))
    for line in sorted(lines):
        digest.update(line + b"\n")
    return digest.hexdigest()


def _under_any(directory: str, folders: Collection[str]) -> bool:
    parts = directory.split("/")
    return bool(folders) and any("/".join(parts[:n]) in folders for n in range(len(parts) + 1))


def top_of(directory: str) -> str:
    return directory.split("/", 1)[0]


def changed_folders(
    found: Iterable[DiscoveredDirectory],
    known: Mapping[str, str | None],
    *,
    vanished_too: bool,
    failed: Mapping[str, str | None] | None = None,
    unchecked: Collection[str] = (),
) -> set[str]:
    """Top-level folders holding a directory whose fingerprint differs from the recorded one, a new directory, or
    (when the walk was complete) a recorded directory that is gone. A directory whose last scan failed (failed:
    path -> fingerprint then) counts only once it changes, so a broken folder is not scanned at every pass."""
    changed: set[str] = set()
    seen: set[str] = set()
    failed = failed or {}
    for directory in found:
        seen.add(directory.path)
        recorded = known.get(directory.path, failed.get(directory.path))
        if recorded != directory.fingerprint:
            changed.add(top_of(directory.path))
    if vanished_too:
        # A directory under a folder the walk could not read is not known to be gone.
        changed.update(top_of(path) for path in known if path not in seen and not _under_any(path, unchecked))
    return changed


@dataclass(frozen=True)
class PollPass:
    changed: list[str]  # top-level folders, sorted
    directories: int  # movie or series directories walked
    complete: bool  # every folder could be read


def poll_pass(
    root: Path,
    known: Mapping[str, str | None],
    *,
    tv: bool = False,
    failed: Mapping[str, str | None] | None = None,
    on_progress: Callable[[DiscoveryStats], None] | None = None,
    music: bool = False,
) -> PollPass:
    """One polling pass: walk the library as discovery does (fingerprints only: names, sizes, mtimes; no media
    info, no NFOs) and compare with the recorded fingerprints (known: directory -> fingerprint)."""
    kind: type[FolderWalker] = SeriesWalker if tv else MusicWalker if music else LibraryWalker
    walker = kind(root, on_progress=on_progress, progress_every=500)
    found = list(walker.walk())
    complete = not walker.stats.errors
    unchecked = walker.stats.unchecked.keys()
    changed = changed_folders(found, known, vanished_too=not walker.stats.truncated, failed=failed, unchecked=unchecked)
    return PollPass(sorted(changed), len(found), complete)


# --- which kind of watching fits the mount ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mount:
    mount_point: str
    fs_type: str
    source: str


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal (\\040)."""
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of /proc/self/mountinfo text (see proc(5)); malformed lines are skipped."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or len(tail) < 2:
            continue
        mounts.append(Mount(_unescape(fields[4]), tail[0], _unescape(tail[1])))
    return mounts


def mount_of(path: str, mounts: Iterable[Mount]) -> Mount | None:
    """The mount a path lies on: the longest mount point that contains it (the last one mounted wins a tie)."""
    best: Mount | None = None
    for mount in mounts:
        point = mount.mount_point.rstrip("/") or "/"
        inside = path == point or point == "/" or path.startswith(point + "/")
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = mount
    return best


def is_network_fs(fs_type: str) -> bool:
    return fs_type in NETWORK_FS_TYPES or fs_type == "fuse" or fs_type.startswith("fuse.")


def choose_watch_mode(setting: str, path: str, mountinfo: str | None) -> tuple[str, str]:
    """What watching a library at this path does for its setting (off | auto | events | poll), and why."""
    if setting != "auto":
        return setting, {"off": "not watched", "events": "set to file-system events", "poll": "set to polling"}.get(
            setting, setting
        )
    if mountinfo is None:
        return "poll", "mount table unreadable; polling is safe everywhere"
    mount = mount_of(path, parse_mountinfo(mountinfo))
    if mount is None:
        return "poll", "mount not found; polling is safe everywhere"
    if is_network_fs(mount.fs_type):
        return "poll", f"{mount.fs_type} at {mount.mount_point}: network and FUSE mounts deliver no change events"
    return "events", f"{mount.fs_type} at {mount.mount_point}: local file system"


def read_mountinfo() -> str | None:
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
