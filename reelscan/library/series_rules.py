"""What a series scan means for the series' episodes and errors, apart from how they are stored.

Each file is an episode row per episode number it names. A (season, number) is one episode: a second file naming it
again is an error, and so is a file naming one that an episode of a season folder the scan did not read holds.
Air-date and absolute-number files are one row each, keyed by their path.

A rescan that does not read a season folder keeps the series' earlier errors about that folder.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from reelscan.library.series_scanner import EpisodeScan, FolderError

# ("number", season, episode number) for numbered episodes, ("file", path) for air-date and absolute-number files.
EpisodeKey = tuple[object, ...]


def episode_key(season: int | None, number: int | None, file_path: str) -> EpisodeKey:
    """The natural key of an episode row (see Episode in the database models)."""
    return ("number", season, number) if number is not None else ("file", file_path)


def folder_of(relative_path: str) -> str:
    """The folder a file relative to the root is in."""
    return relative_path.rpartition("/")[0]


@dataclass(frozen=True)
class EpisodeRow:
    """One episode row a scanned file gets."""

    key: EpisodeKey
    file: EpisodeScan
    index: int  # the position of number in the file's episodes (0 for air-date and absolute-number files)
    number: int | None  # None for air-date and absolute-number files
    first_of_file: bool  # the file's first row: its thumb and subtitles go on this one


@dataclass(frozen=True)
class EpisodeRows:
    rows: list[EpisodeRow]
    errors: list[FolderError]  # the numbers claimed twice, about the folder of the file that claimed it second


def episode_rows(files: Iterable[EpisodeScan], taken: Mapping[EpisodeKey, str]) -> EpisodeRows:
    """The episode rows of the scanned files, in file order. taken: the keys the episodes of the season folders not
    read hold, with their file (relative to the root); a file claiming one of them gets no row for it."""
    first_claim: dict[EpisodeKey, str] = {}
    rows: list[EpisodeRow] = []
    errors: list[FolderError] = []
    for file in files:
        has_row = False
        for index, number in enumerate(file.episodes or (None,)):
            key = episode_key(file.season, number, file.relative_path)
            holder = first_claim.get(key, taken.get(key))
            if holder is not None:
                label = f"S{file.season:02d}E{number:02d}" if file.season is not None else f"E{number:02d}"
                message = f"duplicate episode {label}: {file.relative_path} (also {holder})"
                errors.append(FolderError(folder_of(file.relative_path), message))
                continue
            first_claim[key] = file.relative_path
            rows.append(EpisodeRow(key, file, index, number, first_of_file=not has_row))
            has_row = True
    return EpisodeRows(rows, errors)


def unmatched_errors(unmatched: Iterable[str]) -> list[FolderError]:
    """An error per video file no episode rule matched (relative to the root), about its folder."""
    return [FolderError(folder_of(path), f"unmatched episode file: {path}") for path in unmatched]


def kept_errors(
    earlier: Iterable[FolderError], unchanged_folders: Collection[str], errors: Collection[FolderError]
) -> list[FolderError]:
    """The earlier errors about the season folders a rescan did not read (those it found again left out): they stay
    the series' until those folders are read again. Errors of no known folder are not kept."""
    return [e for e in earlier if e.folder in unchanged_folders and e not in errors]
