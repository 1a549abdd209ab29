"""Watching a library: what a file-system event means, when a folder is still being written, what a polling pass
finds, and whether file-system events can be trusted on the library's mount. No Temporal here.

An event names a path; the watcher scans the top-level movie or series folder it lies in, skipping what discovery
skips (dot and NAS system folders, extras folders, folders holding an ignore marker), or in a movie library the
video loose in the root that a file there belongs to (discovery takes each for a movie). Network and FUSE mounts
deliver no inotify events for changes other machines make, so there the library is polled instead.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.discovery import (
    DiscoveredDirectory,
    DiscoveryStats,
    FolderWalker,
    LibraryWalker,
    loose_movie_fingerprint,
    loose_videos,
    natural_key,
    sorted_entries,
)
from reelscan.library.music_discovery import MusicWalker
from reelscan.library.rules import (
    IGNORE_MARKER_FILES,
    belongs_to_loose_stack,
    is_extras_folder_name,
    is_ignored_folder_name,
    is_loose_movie_name,
    is_valid_utf8,
    loose_stack,
    stack_part,
)
from reelscan.library.tv_discovery import SeriesWalker

GONE = "gone"
WATCH_MODES = ("off", "auto", "events", "poll")
NETWORK_FS_TYPES = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "sshfs"})


def event_folder(root: str, path: str, *, loose_videos: bool = False) -> str | None:
    """The top-level folder (relative to root) an event path lies in; None for the root itself, a path outside
    it, or a folder discovery would skip. With loose_videos (a movie library, where discovery takes each video
    directly in the root for a movie), a file in the root gives the loose movie it belongs to: the video, or the
    first part of its stack ("Heat.mkv" for "Heat.nfo"); other files in the root give None."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if relative == "." or relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return None
    top = relative.split(os.sep, 1)[0]
    if is_ignored_folder_name(top) or is_extras_folder_name(top) or not is_valid_utf8(top):
        return None
    folder = os.path.join(root, top)
    if os.sep not in relative and not os.path.isdir(folder):
        owner = loose_movie_of(root, top) if loose_videos else None
        if owner is not None or os.path.isfile(folder):
            return owner  # a file directly in the root is no movie folder, at most a loose movie's file
        return top  # gone: a deleted folder, or a deleted loose video
    if any(os.path.exists(os.path.join(folder, marker)) for marker in IGNORE_MARKER_FILES):
        return None
    return top


def _loose_video_names(root: str) -> list[str]:
    """The names of the videos directly in the root that discovery takes for movies, in its order."""
    try:
        return [entry.name for entry in loose_videos(sorted_entries(root))]
    except OSError:
        return []


def loose_movie_of(root: str, name: str) -> str | None:
    """The loose movie a file directly in the root goes with, by the path discovery gives it (the video, or the
    first part of its stack), or None. A gone loose video names the path its movie had, so that movie is rescanned
    (and found missing, or found with the parts that are left)."""
    is_video = is_loose_movie_name(name)
    if is_video and stack_part(name[: name.rfind(".")]) is None:
        return name  # no part of a stack: the movie's own path, without listing the root at every write
    videos = _loose_video_names(root)
    if is_video:
        # With a gone part put back, the first part is the path its movie was found at.
        parts = loose_stack(name, videos if name in videos else [*videos, name])
        return min(parts, key=natural_key)
    for video in videos:  # a file named after one: "Heat.nfo", "Heat-poster.jpg", "Movie-cd1.en.srt"
        stem = video[: video.rfind(".")]
        stack = stack_part(stem)
        if not name.startswith(stem) and (stack is None or not name.startswith(stack[0])):
            continue
        parts = loose_stack(video, videos)
        if belongs_to_loose_stack(name, parts):
            return next(n for n in videos if n in parts)
    return None


def folder_snapshot(root: str, folder: str) -> str:
    """A digest of every file under the folder (relative name, size, mtime): equal twice a quiet period apart
    means nothing is being written there. GONE when the folder does not exist."""
    base = os.path.join(root, folder)
    if "/" not in folder and os.path.isfile(base) and is_loose_movie_name(folder):
        return _loose_snapshot(root, folder)
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


def _loose_snapshot(root: str, video: str) -> str:
    """A loose movie's snapshot: discovery's fingerprint of its parts and the files named after them."""
    try:
        entries = sorted_entries(root)
    except OSError:
        return GONE
    parts = loose_stack(video, [e.name for e in loose_videos(entries)])
    return loose_movie_fingerprint(root, entries, parts)


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
