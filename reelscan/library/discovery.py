"""Phase 1: walk a library and yield its movie directories, skipping what the rules say to skip.

A movie directory holds a video file directly, or a disc folder (VIDEO_TS/BDMV). Dot folders, NAS system folders,
folders with an ignore marker and extras folders are skipped and counted. Symlinks are followed only inside the
root and never twice; the walk uses an explicit stack, so depth cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reelscan.library.rules import (
    ASSET_FOLDER_NAMES,
    DISC_FOLDERS,
    IGNORE_MARKER_FILES,
    belongs_to_loose_stack,
    disc_part_folder,
    is_extras_folder_name,
    is_ignored_folder_name,
    is_loose_movie_name,
    is_valid_utf8,
    is_video_name,
    loose_stack,
)

_NATURAL_RE = re.compile(r"(\d+)")


Listed = list[os.DirEntry[str]] | None  # a folder's entries, None where it could not be read


@dataclass(frozen=True)
class DiscoveredDirectory:
    path: str  # relative to the root, POSIX separators
    fingerprint: str  # changes when any entry's name, size or mtime changes (incremental rescans)


class LibraryRootError(Exception):
    """The library root is missing, not a directory or unreadable."""


@dataclass(frozen=True)
class DiscoveryError:
    message: str
    path: str  # relative to the root, "" for the root itself


@dataclass
class DiscoveryStats:
    found: int = 0
    ignored: int = 0
    skipped_symlinks: int = 0
    # Every error, kept so each one counted can be listed (one short entry per problem folder or file).
    error_list: list[DiscoveryError] = field(default_factory=list)
    # Folders whose contents could not be read (relative path -> why): what was under them is not known to be
    # gone, so a rescan must not mark their movies missing.
    unchecked: dict[str, str] = field(default_factory=dict)
    truncated: bool = False
    visited: int = 0
    gone: list[str] = field(default_factory=list)  # targeted folders that no longer exist (relative)

    @property
    def errors(self) -> int:
        return len(self.error_list)

    @property
    def error_messages(self) -> list[str]:
        return [e.message for e in self.error_list]

    def error(self, message: str, path: str = "") -> None:
        self.error_list.append(DiscoveryError(message, path))

    def cannot_check(self, relative: str, reason: str, message: str) -> None:
        """A folder that could not be read: a counted error, and a subtree whose movies are kept as they are."""
        self.unchecked[relative] = reason
        self.error(message, relative)


def natural_key(name: str) -> list[object]:
    if _NATURAL_RE.search(name) is None:  # most names: no number to compare as one (the same key, made faster)
        return [name.casefold()]
    return [int(part) if part.isdigit() else part.casefold() for part in _NATURAL_RE.split(name)]


def _entry_line(entry: os.DirEntry[str]) -> bytes:
    name = entry.name.encode("utf-8", "surrogateescape")
    try:
        if entry.is_dir():
            return b"d" + name
        st = entry.stat()
    except OSError:
        return b"?" + name
    return b"f%s\0%d\0%d" % (name, st.st_size, st.st_mtime_ns)


def fingerprint(absolute: str, entries: list[os.DirEntry[str]], read_ahead: Mapping[str, Listed] | None = None) -> str:
    """Names, sizes and mtimes of a movie folder's entries and of its asset subfolders' entries (read_ahead: asset
    subfolders' entries already read, by name; None where they could not be)."""
    digest = hashlib.blake2b(digest_size=16)
    for entry in entries:
        digest.update(_entry_line(entry) + b"\n")
        if entry.name.lower() in ASSET_FOLDER_NAMES:
            if read_ahead is not None and entry.name in read_ahead:
                subs = read_ahead[entry.name]
            else:
                try:
                    subs = sorted_entries(os.path.join(absolute, entry.name), natural=False)
                except OSError:
                    subs = None
            if subs is None:
                digest.update(b"  ?\n")
                continue
            for sub in subs:
                digest.update(b"  " + _entry_line(sub) + b"\n")
    return digest.hexdigest()


def sorted_entries(absolute: str, *, natural: bool = True) -> list[os.DirEntry[str]]:
    """A folder's entries in natural name order, the order its fingerprint is taken in (an asset subfolder's in
    plain name order)."""
    with os.scandir(absolute) as it:
        if natural:
            return sorted(it, key=lambda e: natural_key(e.name))
        return sorted(it, key=lambda e: e.name)


def folder_fingerprint(absolute: str) -> str:
    """The fingerprint of the folder at this path, as a walk computes it. Raises OSError when it cannot be read."""
    return fingerprint(absolute, sorted_entries(absolute))


_Read = tuple[list[os.DirEntry[str]], dict[str, Listed]]


def _take_stats(entries: list[os.DirEntry[str]]) -> None:
    """Each entry's type and stat result, which DirEntry keeps: a walk and a fingerprint then need no more calls."""
    for entry in entries:
        try:
            entry.is_symlink()
            entry.is_dir()
            entry.stat()
        except OSError:
            continue  # looked at again where it is used, and reported there


class ReadAhead:
    """Reads folders for a walk, on a few threads when the file system is slow to answer.

    On a network share every directory read and stat waits for a round trip (the benchmark's NAS profile of 2 ms per
    operation makes a movie folder cost about 20 ms, and the root of a 10,000-movie library 20 s), and a walk that
    waits for them one at a time spends minutes on a large library. The first stats are timed; when they average over
    SLOW_STAT seconds, the stats of a large folder are taken on THREADS threads and the folders the walk visits next
    (depth-first order, a window of WINDOW) are read ahead on them. A local disk answers a stat in microseconds and
    stays in line: handing work to a thread would cost more than doing it.
    """

    SLOW_STAT = 0.0001
    SAMPLE = 8
    THREADS = 16
    WINDOW = 64
    CHUNK = 64  # stats per task when a large folder's stats are spread over the threads

    def __init__(self) -> None:
        self._timed: list[float] = []
        self._pool: ThreadPoolExecutor | None = None
        self._queued: deque[str] = deque()  # absolute paths the walk visits next, in visiting order
        self._reading: dict[str, Future[_Read]] = {}
        self._read_in_line: set[str] = set()  # not to be read ahead when the queue reaches them

    @property
    def _deciding(self) -> bool:
        return len(self._timed) < self.SAMPLE

    def read(self, absolute: str) -> _Read:
        """The folder's entries in natural order and its asset subfolders' entries; raises OSError as reading it
        would."""
        future = self._reading.pop(absolute, None)
        if future is not None:
            self._fill()
            return future.result()
        if self._pool is not None or self._deciding:
            self._read_in_line.add(absolute)
        return self._read(absolute, in_line=True)

    def _read(self, absolute: str, *, in_line: bool = False) -> _Read:
        entries = sorted_entries(absolute)
        rest = entries
        if in_line and self._deciding:
            rest = entries[self.SAMPLE - len(self._timed) :]
            for entry in entries[: len(entries) - len(rest)]:
                began = time.perf_counter()
                _take_stats([entry])
                self._timed.append(time.perf_counter() - began)
            if not self._deciding:
                self._decide()
        pool = self._pool
        if in_line and pool is not None and len(rest) > self.CHUNK:
            # Threads reading ahead never wait on the pool themselves: all of them could wait on each other.
            chunks = [rest[i : i + self.CHUNK] for i in range(0, len(rest), self.CHUNK)]
            for done in [pool.submit(_take_stats, chunk) for chunk in chunks]:
                done.result()
        else:
            _take_stats(rest)
        assets: dict[str, Listed] = {}
        for entry in entries:
            try:
                if entry.name.lower() not in ASSET_FOLDER_NAMES or not entry.is_dir():
                    continue
            except OSError:
                continue
            try:
                subs = sorted_entries(entry.path, natural=False)
            except OSError:
                assets[entry.name] = None
                continue
            _take_stats(subs)
            assets[entry.name] = subs
        return entries, assets

    def _decide(self) -> None:
        if sum(self._timed) / len(self._timed) > self.SLOW_STAT:
            self._pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="read-ahead")
            self._fill()
        else:
            self._queued.clear()
            self._read_in_line.clear()

    def next_up(self, absolutes: list[str]) -> None:
        """The walk visits these folders next, in this order, before anything it was to visit before them."""
        if self._pool is None and not self._deciding:
            return
        self._queued.extendleft(reversed(absolutes))
        self._fill()

    def _fill(self) -> None:
        pool = self._pool
        if pool is None:
            return
        while self._queued and len(self._reading) < self.WINDOW:
            absolute = self._queued.popleft()
            if absolute not in self._reading and absolute not in self._read_in_line:
                self._reading[absolute] = pool.submit(self._read, absolute)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._reading.clear()
        self._queued.clear()
        self._read_in_line.clear()


def loose_videos(entries: list[os.DirEntry[str]]) -> list[os.DirEntry[str]]:
    """The videos directly in a library root's listing that discovery takes for movies of their own."""
    return [e for e in entries if is_loose_movie_name(e.name) and is_valid_utf8(e.name) and not e.is_dir()]


def loose_movie_fingerprint(root: str, entries: list[os.DirEntry[str]], parts: Sequence[str]) -> str:
    """A loose movie's fingerprint: its parts and the files named after them, from the root's listing."""
    return fingerprint(root, [e for e in entries if belongs_to_loose_stack(e.name, parts)])


@dataclass
class FolderListing:
    """One folder read by a walker: its entries and what the rules make of them."""

    relative: str  # "" for the root
    absolute: str
    entries: list[os.DirEntry[str]]
    has_video: bool  # a video file directly inside, or a disc folder
    subfolders: list[str]  # relative paths of the folders to walk into, natural order
    read_ahead: dict[str, Listed] = field(default_factory=dict)  # asset subfolders' entries

    def fingerprint(self) -> str:
        return fingerprint(self.absolute, self.entries, self.read_ahead)


class FolderWalker:
    """Reads folders under a library root by the shared rules; subclasses decide what a folder is."""

    def __init__(
        self,
        root: Path,
        *,
        max_directories: int | None = None,
        on_progress: Callable[[DiscoveryStats], None] | None = None,
        progress_every: int = 500,
        only: Sequence[str] = (),
    ) -> None:
        self.root = root
        self.only = tuple(only)  # targeted scan: walk only these folders (relative to the root)
        self.max_directories = max_directories
        self.on_progress = on_progress
        self.progress_every = progress_every
        self.stats = DiscoveryStats()
        self._real_root = ""
        self._seen: set[tuple[int, int]] = set()
        self._loose_targets: list[str] = []  # targeted videos loose in the root (walkers that take them)
        self._reader = ReadAhead()

    def _check_root(self) -> str:
        root = self.root
        if not root.exists():
            raise LibraryRootError(f"library root {root} does not exist (is the share mounted?)")
        if not root.is_dir():
            raise LibraryRootError(f"library root {root} is not a directory")
        try:
            with os.scandir(root):
                pass
        except PermissionError:
            raise LibraryRootError(f"library root {root} cannot be read: permission denied") from None
        except OSError as exc:
            raise LibraryRootError(f"library root {root} cannot be read: {exc.strerror or exc}") from None
        return os.path.realpath(root)

    def _begin(self) -> None:
        """Checks the root; each folder (by inode) is walked into once from here on."""
        self._real_root = self._check_root()
        root_stat = os.stat(self._real_root)
        self._seen = {(root_stat.st_dev, root_stat.st_ino)}

    def _targets(self) -> list[str]:
        """The targeted folders to walk, outermost only, in natural order. A folder that no longer exists goes to
        stats.gone; one the rules skip (an ignored or extras name, an ignore marker above it, a link out of the
        root) is counted as ignored, as the full walk would."""
        targets: list[str] = []
        self._loose_targets = []
        for relative in sorted(set(self.only), key=natural_key):
            if any(relative.startswith(outer + "/") for outer in targets):
                continue  # walked with the folder above it
            parts = relative.split("/")
            if any(is_ignored_folder_name(p) or is_extras_folder_name(p) or not is_valid_utf8(p) for p in parts):
                self.stats.ignored += 1
                continue
            absolute = os.path.join(self._real_root, relative)
            if not os.path.isdir(absolute):
                if not os.path.lexists(absolute):
                    self.stats.gone.append(relative)
                elif len(parts) == 1 and is_loose_movie_name(relative):
                    self._loose_targets.append(relative)  # a video loose in the root: a movie of its own
                continue
            if not self._inside(self._real_root, absolute) or self._marked_above(parts):
                self.stats.ignored += 1
                continue
            st = os.stat(absolute)
            if (st.st_dev, st.st_ino) in self._seen:
                continue
            self._seen.add((st.st_dev, st.st_ino))
            targets.append(relative)
        return targets

    def _marked_above(self, parts: list[str]) -> bool:
        """An ignore marker in a folder between the root and a targeted folder skips it, as in the full walk."""
        for depth in range(1, len(parts)):
            folder = os.path.join(self._real_root, *parts[:depth])
            if any(os.path.exists(os.path.join(folder, marker)) for marker in IGNORE_MARKER_FILES):
                return True
        return False

    def _full(self) -> bool:
        """True, and the walk marked truncated, once max_directories have been found."""
        if self.max_directories is not None and self.stats.found >= self.max_directories:
            self.stats.truncated = True
            self._reader.close()
            return True
        return False

    def _read(self, relative: str) -> FolderListing | None:
        """The folder's listing; None (reported or counted) when it cannot be read or holds an ignore marker."""
        real_root = self._real_root
        stats = self.stats
        absolute = os.path.join(real_root, relative) if relative else real_root
        stats.visited += 1
        if self.on_progress and stats.visited % self.progress_every == 0:
            self.on_progress(stats)
        try:
            entries, read_ahead = self._reader.read(absolute)
        except OSError as exc:
            if isinstance(exc, PermissionError):
                reason = "permission denied"
            elif isinstance(exc, FileNotFoundError):
                reason = "it vanished during the walk"
            else:
                reason = str(exc.strerror or exc)
            stats.cannot_check(relative, reason, f"cannot read directory {absolute}: {reason}")
            return None

        names = {e.name.lower() for e in entries}
        if relative and names & IGNORE_MARKER_FILES:
            stats.ignored += 1
            return None
        has_video = False
        subfolders: list[str] = []
        # Real folders claim their inode before symlinks to them, so a link never hides the real path.
        for entry in sorted(entries, key=lambda e: e.is_symlink()):
            name = entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows links
            except OSError as exc:
                # A link loop or an entry that cannot be looked at: whatever it held cannot be checked.
                child = f"{relative}/{name}" if relative else name
                reason = str(exc.strerror or exc)
                stats.cannot_check(child, reason, f"cannot read {os.path.join(absolute, name)!r}: {reason}")
                continue
            if not is_dir:
                if self._is_media_name(name) and (not is_link or self._inside(real_root, entry.path)):
                    has_video = True
                continue
            if self._is_media_folder(name):
                has_video = True
                continue
            if self._is_skipped_folder(name):
                stats.ignored += 1
                continue
            if not is_valid_utf8(name):
                child = f"{relative}/{name}" if relative else name
                stats.error(f"skipped {os.path.join(absolute, name)!r}: name is not valid UTF-8", child)
                continue
            if is_link and not self._inside(real_root, entry.path):
                stats.skipped_symlinks += 1
                continue
            try:
                st = entry.stat()
            except OSError as exc:
                child = f"{relative}/{name}" if relative else name
                reason = str(exc.strerror or exc)
                stats.cannot_check(child, reason, f"cannot read {os.path.join(absolute, name)!r}: {reason}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in self._seen:
                stats.skipped_symlinks += 1
                continue
            self._seen.add(key)
            subfolders.append(name)
        subfolders.sort(key=natural_key)
        self._reader.next_up([os.path.join(absolute, name) for name in subfolders])
        subfolders = [f"{relative}/{name}" if relative else name for name in subfolders]
        return FolderListing(relative, absolute, entries, has_video, subfolders, read_ahead)

    def walk(self) -> Iterator[DiscoveredDirectory]:
        """The library's directories, in walk order."""
        raise NotImplementedError

    # What a kind of library counts as media; music libraries change these (reelscan.library.music_discovery).
    @staticmethod
    def _is_media_name(name: str) -> bool:
        return is_video_name(name)

    @staticmethod
    def _is_media_folder(name: str) -> bool:
        """A folder that is itself a movie's media (VIDEO_TS, BDMV)."""
        return bool(DISC_FOLDERS.get(name.lower()))

    @staticmethod
    def _is_skipped_folder(name: str) -> bool:
        return is_ignored_folder_name(name) or is_extras_folder_name(name)

    def close(self) -> None:
        """Stop reading ahead: for a walk left before its end (a generator closed early)."""
        self._reader.close()

    def _finish(self) -> None:
        self._reader.close()
        if self.on_progress:
            self.on_progress(self.stats)

    @staticmethod
    def _inside(real_root: str, path: str) -> bool:
        real = os.path.realpath(path)
        return real == real_root or real.startswith(real_root + os.sep)


class LibraryWalker(FolderWalker):
    def _disc_parts(self, listing: FolderListing) -> list[FolderListing]:
        """The "Disc 1", "Disc 2" (or "CD1", "DVD 2") folders of a folder without videos of its own that hold a video or
        a disc folder: the folder is one movie in parts. [] when it has none."""
        if listing.has_video or not listing.relative:
            return []
        names = [
            relative for relative in listing.subfolders if disc_part_folder(relative.rsplit("/", 1)[-1]) is not None
        ]
        parts = [part for part in (self._read(relative) for relative in names) if part is not None]
        return parts if any(part.has_video for part in parts) else []

    def _loose_videos(
        self, listing: FolderListing, wanted: Sequence[str] | None = None
    ) -> Iterator[DiscoveredDirectory]:
        """Each video directly in the library root is a movie of its own, as media servers take it; its path is the
        file's and its fingerprint covers the files named after it. The parts of a stack ("Movie-cd1.avi",
        "Movie-cd2.avi") are one movie, at its first part's path. A disc folder in the root is an error. wanted
        (a targeted scan) keeps the movies with one of these videos among their parts."""
        loose = loose_videos(listing.entries)
        if not loose and wanted is None:
            self.stats.error(
                f"a disc folder directly in the library root {self._real_root} is not scanned; put it in a folder"
                " named after the movie"
            )
        names = [e.name for e in loose]
        stacked: set[str] = set()
        for video in loose:
            if video.name in stacked:
                continue
            if video.is_symlink() and not self._inside(self._real_root, video.path):
                self.stats.skipped_symlinks += 1
                continue
            parts = loose_stack(video.name, names)  # "Movie-cd1.avi" and "Movie-cd2.avi": one movie
            stacked.update(parts)
            if wanted is not None and not any(part in wanted for part in parts):
                continue
            self.stats.found += 1
            yield DiscoveredDirectory(video.name, loose_movie_fingerprint(listing.absolute, listing.entries, parts))

    def walk(self) -> Iterator[DiscoveredDirectory]:
        """Movie directories (relative POSIX paths and fingerprints), depth-first in natural name order; a video
        loose in the library root is a movie whose path is the file's."""
        self._begin()
        # Relative paths still to visit (reversed order): the root, or the targeted folders.
        stack: list[str] = list(reversed(self._targets())) if self.only else [""]
        if self._loose_targets:  # targeted videos loose in the root, read from the root's listing only
            root = FolderListing("", self._real_root, sorted_entries(self._real_root), True, [])
            for loose in self._loose_videos(root, self._loose_targets):
                yield loose
                if self._full():
                    return
        while stack:
            listing = self._read(stack.pop())
            if listing is None:
                continue
            parts = self._disc_parts(listing)
            if parts:
                self.stats.found += 1
                digest = hashlib.blake2b(digest_size=16)
                digest.update(listing.fingerprint().encode())
                for part in parts:
                    digest.update(f"\n{part.relative}\0{part.fingerprint()}".encode("utf-8", "surrogateescape"))
                yield DiscoveredDirectory(listing.relative, digest.hexdigest())
                if self._full():
                    return
                taken = {part.relative for part in parts}
                stack.extend(reversed([s for s in listing.subfolders if s not in taken]))
                continue
            if listing.has_video:
                if not listing.relative:
                    for loose in self._loose_videos(listing):
                        yield loose
                        if self._full():
                            return
                else:
                    self.stats.found += 1
                    yield DiscoveredDirectory(listing.relative, listing.fingerprint())
                    if self._full():
                        return
            stack.extend(reversed(listing.subfolders))
        self._finish()
