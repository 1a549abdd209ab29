"""The main video of a movie folder: skip samples, trailers and extras; stack multi-part files; discs."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.rules import DISC_FOLDERS, is_sample_name, is_video_name


@dataclass(frozen=True)
class FolderEntry:
    """One entry of a movie folder, from a single os.scandir pass."""

    name: str
    is_dir: bool
    size: int  # 0 for directories
    mtime_ns: int


@dataclass(frozen=True)
class MainVideo:
    path: Path  # the main video file (first part when stacked); the VIDEO_TS/BDMV folder for discs
    parts: tuple[Path, ...]  # all parts in order; (path,) when not stacked
    disc: str | None = None  # "dvd" | "bluray" | None
    size: int = 0  # total bytes of all parts; 0 for discs


# Multi-part files: "Movie-cd1.avi", "Movie CD2.avi", "Movie.part1.mkv", "Movie_disc2.mkv", "Movie pt1.mkv",
# "Moviecd1.avi", "Movie-cd1-GROUP.avi". The base is greedy so the last marker counts ("Script 2 cd1").
_STACK_RE = re.compile(
    r"^(?P<base>.*)(?:cd|dvd|part|pt|disc|disk)[\s._-]*(?P<n>\d{1,3})(?P<rest>[\s._-].*)?$",
    re.IGNORECASE,
)
# Extras kept next to the movie (Jellyfin/Kodi suffixes): "Movie-trailer.mkv", "Movie.trailer.mkv", "trailer.mp4",
# "Movie-behindthescenes.mkv". Only a dash introduces the other suffixes, so "The Big Short.mkv" stays a movie.
_EXTRA_STEM_RE = re.compile(
    r"(?:^trailer|[._-]trailer|-(?:behindthescenes|deleted|deletedscene|featurette|interview|scene|short|other|extra|"
    r"clip|teaser))$",
    re.IGNORECASE,
)
_STACK_SEPARATORS = " ._-"
# Preferred disc kind when a folder holds both.
_DISC_PREFERENCE = ("bluray", "dvd")


def list_folder(directory: Path) -> list[FolderEntry]:
    """The folder's entries in one scandir pass, sorted by name.

    Symlinks are not followed: a symlink's own metadata says nothing about the file or folder it points at, and
    following it could leave the library, so symlinks are left out. Entries that vanish or cannot be stat'ed are
    left out too. Errors opening the folder itself propagate.
    """
    entries: list[FolderEntry] = []
    with os.scandir(directory) as it:
        for entry in it:
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    entries.append(FolderEntry(entry.name, True, 0, 0))
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            entries.append(FolderEntry(entry.name, False, st.st_size, st.st_mtime_ns))
    entries.sort(key=lambda e: e.name)
    return entries


def split_name(name: str) -> tuple[str, str]:
    """("Movie.en", ".srt") for "Movie.en.srt"; the extension is lower-case; ("name", "") without one."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:].lower()) if dot > 0 else (name, "")


def is_extra_video(stem: str) -> bool:
    """True for samples, trailers and Jellyfin/Kodi extras by their stem ("Movie-featurette")."""
    return is_sample_name(stem) or _EXTRA_STEM_RE.search(stem) is not None


def _stack_part(stem: str) -> tuple[str, str, int] | None:
    """(base, text after the marker, part number) of a multi-part file stem, or None."""
    match = _STACK_RE.match(stem)
    if match is None:
        return None
    base = match.group("base").strip(_STACK_SEPARATORS)
    if not base:
        return None
    return base, match.group("rest") or "", int(match.group("n"))


def is_video_candidate(entry: FolderEntry) -> bool:
    """A non-empty, visible video file that is not a sample, trailer or extra: a movie or an episode."""
    if entry.is_dir or entry.size <= 0 or entry.name.startswith(".") or not is_video_name(entry.name):
        return False
    return not is_extra_video(split_name(entry.name)[0])


def _candidate_videos(entries: Sequence[FolderEntry]) -> list[tuple[FolderEntry, str, str]]:
    """(entry, stem, extension) of every file that may be the movie."""
    return [(entry, *split_name(entry.name)) for entry in entries if is_video_candidate(entry)]


def _disc(directory: Path, entries: Sequence[FolderEntry]) -> MainVideo | None:
    discs: dict[str, str] = {}
    for entry in entries:
        kind = DISC_FOLDERS.get(entry.name.lower()) if entry.is_dir else None
        if kind is not None:
            discs.setdefault(kind, entry.name)
    for kind in _DISC_PREFERENCE:
        if kind in discs:
            path = directory / discs[kind]
            return MainVideo(path=path, parts=(path,), disc=kind)
    return None


def choose_main_video(directory: Path, entries: Sequence[FolderEntry]) -> MainVideo | None:
    """The movie's video among the files directly in directory, or its disc folder; None when there is neither.

    Zero-byte, hidden, sample, trailer and extra videos are never chosen. Parts with the same base name, trailing text
    and extension stack in part order; the stack wins when its total size beats the largest single video.
    """
    candidates = _candidate_videos(entries)
    if not candidates:
        return _disc(directory, entries)

    stacks: dict[tuple[str, str, str], list[tuple[int, str, int]]] = {}
    for entry, stem, ext in candidates:
        part = _stack_part(stem)
        if part is not None:
            base, rest, number = part
            stacks.setdefault((base.lower(), rest.lower(), ext), []).append((number, entry.name, entry.size))

    best: MainVideo | None = None
    for parts in stacks.values():
        if len(parts) < 2:
            continue
        parts.sort()
        total = sum(size for _, _, size in parts)
        if best is None or total > best.size:
            paths = tuple(directory / name for _, name, _ in parts)
            best = MainVideo(path=paths[0], parts=paths, size=total)

    largest = min(candidates, key=lambda c: (-c[0].size, c[0].name))[0]
    if best is None or largest.size > best.size:
        path = directory / largest.name
        best = MainVideo(path=path, parts=(path,), size=largest.size)
    return best


def video_stem(main: MainVideo) -> str:
    """The name NFOs and artwork are matched against.

    The file stem ("Movie.mkv" -> "Movie"); for stacks the base name without the part marker ("Movie-cd1.avi" ->
    "Movie"); for discs the movie folder's name.
    """
    if main.disc is not None:
        return main.path.parent.name
    stem = split_name(main.path.name)[0]
    if len(main.parts) > 1:
        part = _stack_part(stem)
        if part is not None:
            return part[0]
    return stem


SIGNATURE_SPAN = 1 << 20  # bytes read from each end of the main video


def video_signature(main: MainVideo) -> str | None:
    """What identifies a movie's main video wherever its folder goes: its size and a hash of its first and last
    megabyte (a rename or move keeps both; another movie practically never has both). None for disc folders and
    files that cannot be read."""
    if main.disc or not main.path.is_file():
        return None
    digest = hashlib.blake2b(digest_size=16)
    try:
        with main.path.open("rb") as video:
            size = os.fstat(video.fileno()).st_size
            digest.update(video.read(SIGNATURE_SPAN))
            if size > SIGNATURE_SPAN:
                video.seek(max(SIGNATURE_SPAN, size - SIGNATURE_SPAN))
                digest.update(video.read(SIGNATURE_SPAN))
    except OSError:
        return None
    return f"{main.size or size}:{digest.hexdigest()}"
