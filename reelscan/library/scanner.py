"""Phase 2 for one movie directory: main video, NFO, folder name, media info and local assets.

Pure domain code: reads the filesystem, returns a DirectoryScan; the database layer stores it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from reelscan.library.assets import LocalAsset, discover_local_assets
from reelscan.library.media_info import MediaInfo, MediaInfoError, read_parts_media_info
from reelscan.library.naming import ParsedName, parse_movie_name
from reelscan.library.nfo import NfoData, NfoError, NotAnNfo, find_nfo, parse_nfo
from reelscan.library.rules import (
    belongs_to_loose_stack,
    disc_part_folder,
    is_loose_movie_name,
    is_valid_utf8,
    is_video_name,
    loose_stack,
)
from reelscan.library.videos import FolderEntry, MainVideo, choose_main_video, list_folder, video_stem


class DirectoryError(Exception):
    """This directory cannot be recorded as a movie; the message names the path and the reason."""


@dataclass
class DirectoryScan:
    root: Path
    relative_dir: str
    main: MainVideo
    parsed_name: ParsedName
    nfo: NfoData | None = None
    nfo_path: Path | None = None
    media: MediaInfo | None = None
    assets: list[LocalAsset] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # worth telling, not errors (a scene release's text .nfo)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @property
    def title(self) -> str:
        return (self.nfo.title if self.nfo and self.nfo.title else None) or self.parsed_name.title

    @property
    def title_source(self) -> str:
        return "nfo" if self.nfo and self.nfo.title else "folder"

    @property
    def year(self) -> int | None:
        return (self.nfo.year if self.nfo else None) or self.parsed_name.year

    @property
    def imdb_id(self) -> str | None:
        return (self.nfo.imdb_id if self.nfo else None) or self.parsed_name.imdb_id

    @property
    def tmdb_id(self) -> int | None:
        return (self.nfo.tmdb_id if self.nfo else None) or self.parsed_name.tmdb_id


def _inside(root: Path, path: Path) -> bool:
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _plainly_below(root: Path, relative_dir: str) -> os.stat_result | None:
    """The lstat of root/relative_dir when every folder on the way down from the root exists and none is a symlink
    or "..": such a path is inside the root wherever the root itself resolves. None otherwise."""
    parts = Path(relative_dir).parts
    if not parts or ".." in parts or os.path.isabs(relative_dir):
        return None
    path = os.fspath(root)
    st = None
    for part in parts:
        path = os.path.join(path, part)
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
    return st


def open_directory(root: Path, relative_dir: str, names: list[str] | None = None) -> tuple[Path, list[FolderEntry]]:
    """The directory and its entries; DirectoryError when it is outside the root, gone or unreadable. names, when
    given, gets the name of every entry the listing saw (videos.list_folder)."""
    directory = root / relative_dir
    plain = _plainly_below(root, relative_dir)  # one lstat per level instead of resolving both paths
    if plain is None:
        if not _inside(root, directory):
            raise DirectoryError(f"{directory} leads outside the library root {root}; skipped")
        if not directory.exists():
            raise DirectoryError(f"{directory} no longer exists")
        if not directory.is_dir():
            raise DirectoryError(f"{directory} is no longer a directory")
    elif not stat.S_ISDIR(plain.st_mode):
        raise DirectoryError(f"{directory} is no longer a directory")
    try:
        return directory, list_folder(directory, names)
    except PermissionError as exc:
        raise DirectoryError(f"cannot read directory {directory}: permission denied") from exc
    except OSError as exc:
        raise DirectoryError(f"cannot read directory {directory}: {exc.strerror or exc}") from exc


def readable_entries(directory: Path, entries: list[FolderEntry], errors: list[str]) -> list[FolderEntry]:
    """The entries whose names are valid UTF-8; the others are reported in errors.

    The database stores text: names that are not valid UTF-8 are reported and left out, not half-recorded.
    """
    readable = [e for e in entries if is_valid_utf8(e.name)]
    if len(readable) < len(entries):
        unreadable = (e.name for e in entries if not is_valid_utf8(e.name))
        errors.extend(f"skipped {str(directory / name)!r}: file name is not valid UTF-8" for name in unreadable)
    return readable


def scan_movie_directory(
    root: Path, relative_dir: str, *, read_media: bool = True, find_assets: bool = True
) -> DirectoryScan:
    """Scan one movie folder, or a video loose in the library root (relative_dir is then its file name: the movie is
    the video, or the stack it is the first part of, and the files named after it). Raises DirectoryError when there
    is no movie to record."""
    loose = "/" not in relative_dir and is_loose_movie_name(relative_dir) and (root / relative_dir).is_file()
    names: list[str] = []
    directory, entries = open_directory(root, "" if loose else relative_dir, names)
    if loose:  # the video, or the parts of its stack ("Movie-cd1.avi", "Movie-cd2.avi"), and their files
        parts = loose_stack(relative_dir, [e.name for e in entries if not e.is_dir])
        entries = [e for e in entries if belongs_to_loose_stack(e.name, parts)]
    unreadable: list[str] = []
    entries = readable_entries(directory, entries, unreadable)

    main = choose_main_video(directory, entries)
    if main is None:
        if loose:
            raise DirectoryError(f"{root / relative_dir} is a zero-byte video file in the library root")
        videos = [e for e in entries if not e.is_dir and is_video_name(e.name)]
        if videos and all(e.size == 0 for e in videos):
            raise DirectoryError(f"{directory} holds only zero-byte video files")
        raise DirectoryError(f"{directory} holds no usable video file")

    stem = video_stem(main)
    # A movie found in its "Disc 1" folder is named by the folder above it.
    folder_name = directory.parent.name if disc_part_folder(directory.name) is not None else directory.name
    parsed = parse_movie_name(stem if loose else folder_name, None if main.disc else stem)
    scan = DirectoryScan(root=root, relative_dir=relative_dir, main=main, parsed_name=parsed)
    scan.errors.extend(unreadable)

    nfo_path = find_nfo(directory, [stem], names)
    if loose and nfo_path is not None and nfo_path.name.lower() != f"{stem.lower()}.nfo":
        nfo_path = None  # the root's movie.nfo is no loose video's
    if nfo_path is not None:
        scan.nfo_path = nfo_path
        try:
            scan.nfo = parse_nfo(nfo_path)
        except NotAnNfo as exc:
            scan.notices.append(str(exc))
            scan.nfo_path = None
        except NfoError as exc:
            scan.errors.append(str(exc))
            scan.nfo = exc.recovered

    if read_media:
        try:
            scan.media = read_parts_media_info(main.parts)
        except MediaInfoError as exc:
            scan.errors.append(str(exc))

    if find_assets:
        scan.assets = discover_local_assets(directory, entries, main)
    return scan
