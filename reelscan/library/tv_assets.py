"""Local artwork of series, seasons and episodes, by Kodi/Jellyfin naming, on top of the movie asset rules.

Series and season folders use the bare names ("poster.jpg", "banner.jpg"). The series folder also holds season
images "season01-poster.jpg", "season-specials-banner.jpg". An episode has a thumb "<episode>-thumb.jpg" and
subtitles "<episode>[.<lang>][.forced|.sdh|...].<ext>" next to it or in the folder's subs/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.assets import (
    VIDEO_IMAGE_SUFFIXES,
    LocalAsset,
    discover_assets,
    list_asset_files,
    name_after_video,
    subtitle_asset,
)
from reelscan.library.rules import (
    EXTRAFANART_FOLDERS,
    IMAGE_EXTENSIONS,
    SUBTITLE_EXTENSIONS,
    SUBTITLE_FOLDERS,
    TRAILER_FOLDERS,
)
from reelscan.library.videos import FolderEntry, split_name

# A series folder's subfolders whose files are series assets; subs/ belongs to the episodes beside it.
SERIES_ASSET_SUBFOLDERS = EXTRAFANART_FOLDERS | TRAILER_FOLDERS
_SEASON_IMAGE_RE = re.compile(r"season(?:(\d{1,4})|-specials)-([a-z]+)")


@dataclass(frozen=True)
class FolderFile:
    """A file an episode's assets may be among: its folder and its entry."""

    folder: Path
    entry: FolderEntry


def discover_series_assets(directory: Path, entries: Sequence[FolderEntry]) -> list[LocalAsset]:
    """Bare-named artwork, trailers and extrafanart of a series folder, sorted by (asset_type, path)."""
    return discover_assets(directory, entries, (), subfolders=SERIES_ASSET_SUBFOLDERS)


def discover_season_folder_assets(directory: Path, entries: Sequence[FolderEntry]) -> list[LocalAsset]:
    """Bare-named artwork inside a season folder ("poster.jpg", "folder.jpg", "banner.jpg")."""
    return [a for a in discover_assets(directory, entries, (), subfolders=()) if a.asset_type != "trailer"]


def discover_season_images(directory: Path, entries: Sequence[FolderEntry]) -> dict[int, list[LocalAsset]]:
    """Season images in a series folder by season number: "season01-poster.jpg", "season-specials-poster.jpg" (0)."""
    found: dict[int, list[LocalAsset]] = {}
    for entry in entries:
        if entry.is_dir or entry.size <= 0:
            continue
        stem, ext = split_name(entry.name)
        match = _SEASON_IMAGE_RE.fullmatch(stem.lower()) if ext in IMAGE_EXTENSIONS else None
        kind = VIDEO_IMAGE_SUFFIXES.get(match.group(2)) if match else None
        if match is None or kind is None:
            continue
        season = int(match.group(1)) if match.group(1) else 0
        asset = LocalAsset(kind, directory / entry.name, entry.size, entry.mtime_ns, format=ext[1:])
        found.setdefault(season, []).append(asset)
    return found


def episode_asset_files(directory: Path, entries: Sequence[FolderEntry]) -> list[FolderFile]:
    """The files an episode's thumb and subtitles are looked for in: the folder's and its subs/ folders'."""
    files = [FolderFile(directory, e) for e in entries if not e.is_dir and e.size > 0 and not e.name.startswith(".")]
    for entry in entries:
        if entry.is_dir and entry.name.lower() in SUBTITLE_FOLDERS:
            folder = directory / entry.name
            files.extend(FolderFile(folder, sub) for sub in list_asset_files(folder))
    return files


def discover_episode_assets(stem: str, files: Sequence[FolderFile]) -> list[LocalAsset]:
    """The thumb and subtitles named after an episode's file stem, sorted by (asset_type, path).

    A subtitle's name must continue the stem with a dot, so "Show S01E1.srt" never goes to "Show S01E10.mkv".
    """
    episode = stem.lower()
    found: list[LocalAsset] = []
    for file in files:
        name_stem, ext = split_name(file.entry.name)
        lowered = name_stem.lower()
        path = file.folder / file.entry.name
        if ext in IMAGE_EXTENSIONS and name_after_video(lowered, (episode,)) == "thumb":
            found.append(LocalAsset("thumb", path, file.entry.size, file.entry.mtime_ns, format=ext[1:]))
        elif ext in SUBTITLE_EXTENSIONS and (lowered == episode or lowered.startswith(episode + ".")):
            found.append(subtitle_asset(path, file.entry, ext, name_stem[len(episode) :].split(".")))
    found.sort(key=lambda a: (a.asset_type, a.path))
    return found
