"""The main video of a movie folder: skip samples, trailers and extras; stack multi-part files; discs."""

from __future__ import annotations

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
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class MainVideo:
    path: Path  # first part when stacked; the VIDEO_TS/BDMV folder for discs
    parts: tuple[Path, ...]
    disc: str | None = None  # "dvd" | "bluray"
    size: int = 0  # bytes of all parts


# "Movie-cd1.avi", "Movie CD2.avi", "Movie.part1.mkv", "Movie_disc2.mkv", "Movie pt1.mkv"
_STACK_RE = re.compile(r"^(?P<base>.*?)[\s._-]*(?:cd|dvd|part|pt|disc|disk)[\s._-]*(?P<n>\d{1,2})$", re.IGNORECASE)
# Extras kept next to the movie: "Movie-trailer.mkv", "Movie-behindthescenes.mkv", "trailer.mp4".
_EXTRA_SUFFIX_RE = re.compile(
    r"(?:^|[\s._-])(?:trailer|teaser|behindthescenes|deleted|deletedscene|featurette|interview|scene|short|other|"
    r"extra|clip)$",
    re.IGNORECASE,
)


def list_folder(directory: Path) -> list[FolderEntry]:
    """The folder's entries in one pass; entries that vanish or cannot be stat'ed are left out."""
    entries: list[FolderEntry] = []
    with os.scandir(directory) as it:
        for entry in it:
            try:
                is_dir = entry.is_dir()
                if is_dir:
                    entries.append(FolderEntry(entry.name, True, 0, 0))
                else:
                    st = entry.stat()
                    entries.append(FolderEntry(entry.name, False, st.st_size, st.st_mtime_ns))
            except OSError:
                continue
    entries.sort(key=lambda e: e.name)
    return entries


def is_extra_video(stem: str) -> bool:
    return is_sample_name(stem) or bool(_EXTRA_SUFFIX_RE.search(stem))


def _stack_key(stem: str) -> tuple[str, int] | None:
    match = _STACK_RE.match(stem)
    if not match or not match.group("base").strip(" ._-"):
        return None
    return match.group("base").strip(" ._-").lower(), int(match.group("n"))


def choose_main_video(directory: Path, entries: Sequence[FolderEntry]) -> MainVideo | None:
    candidates = [
        e
        for e in entries
        if not e.is_dir and e.size > 0 and is_video_name(e.name) and not is_extra_video(_stem(e.name))
    ]
    if not candidates:
        for entry in entries:
            kind = DISC_FOLDERS.get(entry.name.lower())
            if entry.is_dir and kind:
                disc = directory / entry.name
                return MainVideo(path=disc, parts=(disc,), disc=kind)
        return None

    stacks: dict[tuple[str, str], list[tuple[int, FolderEntry]]] = {}
    for entry in candidates:
        key = _stack_key(_stem(entry.name))
        if key is not None:
            stacks.setdefault((key[0], _ext(entry.name)), []).append((key[1], entry))
    best: MainVideo | None = None
    for parts in stacks.values():
        if len(parts) < 2:
            continue
        ordered = [e for _, e in sorted(parts, key=lambda p: (p[0], p[1].name))]
        stack = MainVideo(
            path=directory / ordered[0].name,
            parts=tuple(directory / e.name for e in ordered),
            size=sum(e.size for e in ordered),
        )
        if best is None or stack.size > best.size:
            best = stack
    largest = max(candidates, key=lambda e: (e.size, e.name))
    if best is None or largest.size > best.size:
        best = MainVideo(path=directory / largest.name, parts=(directory / largest.name,), size=largest.size)
    return best


def video_stem(main: MainVideo) -> str:
    """The name artwork and NFOs are matched against ("Movie-cd1.avi" -> "Movie"; discs: the folder name)."""
    if main.disc:
        return main.path.name
    stem = _stem(main.path.name)
    if len(main.parts) > 1:
        key = _STACK_RE.match(stem)
        if key:
            return key.group("base").strip(" ._-")
    return stem


def _stem(name: str) -> str:
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
