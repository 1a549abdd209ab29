"""The main video of a movie folder: skip samples, trailers and extras; stack multi-part files; discs."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reelscan.library.naming import version_key
from reelscan.library.rules import DISC_FOLDERS, disc_part_folder, extra_type, is_video_name, stack_part


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
    parts: tuple[Path, ...]  # all parts in order; (path,) when not stacked; one per "Disc N" folder
    disc: str | None = None  # "dvd" | "bluray" | None
    size: int = 0  # total bytes of all parts; 0 for discs
    versions: tuple[Path, ...] = ()  # other versions of the movie ("Dune (2021) - 1080p" beside "- 2160p")


# Preferred disc kind when a folder holds both.
_DISC_PREFERENCE = ("bluray", "dvd")


def list_folder(directory: Path, names: list[str] | None = None) -> list[FolderEntry]:
    """The folder's entries in one scandir pass, sorted by name.

    Symlinks are not followed: a symlink's own metadata says nothing about the file or folder it points at, and
    following it could leave the library, so symlinks are left out. Entries that vanish or cannot be stat'ed are
    left out too. Errors opening the folder itself propagate. names, when given, gets the name of every entry the
    pass saw, those left out too (what a second listing of the folder would give).
    """
    entries: list[FolderEntry] = []
    with os.scandir(directory) as it:
        for entry in it:
            if names is not None:
                names.append(entry.name)
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
    """True for samples, trailers and Jellyfin/Kodi extras by their stem ("Movie-featurette"); rules.extra_type."""
    return extra_type(stem) is not None


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


def _disc_parts(directory: Path, entries: Sequence[FolderEntry]) -> MainVideo | None:
    """A movie split into "Disc 1", "Disc 2" (or "CD1", "DVD 2") folders, each holding a disc folder or the video."""
    found: list[tuple[int, MainVideo]] = []
    for entry in entries:
        number = disc_part_folder(entry.name) if entry.is_dir else None
        if number is None:
            continue
        folder = directory / entry.name
        try:
            inner = list_folder(folder)
        except OSError:
            continue
        main = _disc(folder, inner) or _single_or_stack(folder, _candidate_videos(inner))
        if main is not None:
            found.append((number, main))
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    parts = tuple(part for _, main in found for part in main.parts)
    first = found[0][1]
    return MainVideo(path=first.path, parts=parts, disc=first.disc, size=sum(main.size for _, main in found))


def choose_main_video(directory: Path, entries: Sequence[FolderEntry]) -> MainVideo | None:
    """The movie's video among the files directly in directory, or its disc folder, or its "Disc N" folders; None
    when there is none.

    Zero-byte, hidden, sample, trailer and extra videos are never chosen. Parts with the same base name, trailing text
    and extension stack in part order; the stack wins when its total size beats the largest single video. Other
    videos named as the same movie ("Dune (2021) - 1080p" beside "Dune (2021) - 2160p") are its versions.
    """
    candidates = _candidate_videos(entries)
    if not candidates:
        return _disc(directory, entries) or _disc_parts(directory, entries)
    best = _single_or_stack(directory, candidates)
    if best is None:
        return None
    taken = set(best.parts)
    main_stem = _base_stem(best)
    key = version_key(main_stem)
    folder = directory.name.lower()
    versions = tuple(
        directory / entry.name
        for entry, stem, _ in candidates
        if directory / entry.name not in taken and _is_version(_stack_base(stem), key, main_stem, folder)
    )
    return replace(best, versions=versions) if versions else best


_VERSION_SEPARATORS = (" - ", "-", "_", " [", "[", " (", "(", ".", " ")


def _named_after_folder(stem: str, folder: str) -> bool:
    """ "Iron Man - 720p", "Iron Man [3D]", "Iron Man_bluray" in the folder "Iron Man" (Jellyfin's version rule)."""
    lowered = stem.lower()
    return lowered == folder or (lowered.startswith(folder) and lowered[len(folder) :].startswith(_VERSION_SEPARATORS))


def _is_version(stem: str, key: str, main_stem: str, folder: str) -> bool:
    """Whether a video is another version of the movie whose main video is main_stem: both name the same title and
    year ("Dune (2021) - 1080p", "Dune.2021.2160p"), or both are named after the folder with a label after it."""
    own = version_key(stem)
    if own == key:
        return True
    years = own.rsplit("\0", 1)[1], key.rsplit("\0", 1)[1]
    if all(years) and years[0] != years[1]:
        return False  # "Iron Man (2008)" and "Iron Man (2010)" are two movies
    return _named_after_folder(stem, folder) and _named_after_folder(main_stem, folder)


def _stack_base(stem: str) -> str:
    part = stack_part(stem)
    return part[0] if part is not None else stem


def _base_stem(main: MainVideo) -> str:
    stem = split_name(main.path.name)[0]
    return _stack_base(stem) if len(main.parts) > 1 else stem


def _single_or_stack(directory: Path, candidates: list[tuple[FolderEntry, str, str]]) -> MainVideo | None:
    """The largest stack or single video among the candidates."""
    if not candidates:
        return None

    stacks: dict[tuple[str, str, str], list[tuple[int, str, int]]] = {}
    for entry, stem, ext in candidates:
        part = stack_part(stem)
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
        folder = main.path.parent
        return folder.parent.name if disc_part_folder(folder.name) is not None else folder.name
    stem = split_name(main.path.name)[0]
    if len(main.parts) > 1:
        part = stack_part(stem)
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
            digest.update(video.read(min(size, SIGNATURE_SPAN)))  # not a megabyte's buffer for a smaller file
            if size > SIGNATURE_SPAN:
                video.seek(max(SIGNATURE_SPAN, size - SIGNATURE_SPAN))
                digest.update(video.read(SIGNATURE_SPAN))
    except OSError:
        return None
    return f"{main.size or size}:{digest.hexdigest()}"
