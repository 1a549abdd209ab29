"""Phase 2 for one series folder: tvshow.nfo, folder name, seasons, episodes, episode NFOs, media info and assets.

Pure domain code: reads the filesystem, returns a SeriesScan; the database layer stores it. Episodes are the video
files of the series folder and of its subfolders (season folders, or others whose file names carry the season).

Incremental rescans: a season folder's fingerprint is taken as discovery takes it. When it equals the one known from
the last scan, the folder's episodes are not read again (no NFO, media info or episode assets): only its file names
are checked, so the scan still knows its unmatched files and the seasons its file names name, and its season artwork
is listed. The database layer keeps the episodes it recorded for that folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from reelscan.library.assets import LocalAsset
from reelscan.library.discovery import folder_fingerprint
from reelscan.library.episodes import EpisodeMatch, parse_episode_name, parse_season_folder
from reelscan.library.media_info import MediaInfo, MediaInfoError, read_parts_media_info
from reelscan.library.naming import ParsedName, parse_series_folder_name
from reelscan.library.nfo import NfoError, NotAnNfo
from reelscan.library.rules import (
    DISC_FOLDERS,
    IGNORE_MARKER_FILES,
    is_extras_folder_name,
    is_ignored_folder_name,
    stack_part,
)
from reelscan.library.scanner import DirectoryError, open_directory, readable_entries
from reelscan.library.tv_assets import (
    FolderFile,
    discover_episode_assets,
    discover_season_folder_assets,
    discover_season_images,
    discover_series_assets,
    episode_asset_files,
)
from reelscan.library.tv_discovery import TVSHOW_NFO
from reelscan.library.tv_nfo import (
    EpisodeNfo,
    SeasonNfo,
    SeriesNfo,
    parse_episode_nfo,
    parse_season_nfo,
    parse_tvshow_nfo,
)
from reelscan.library.videos import FolderEntry, is_video_candidate, list_folder, split_name

SEASON_NFO = "season.nfo"

__all__ = ["DirectoryError", "EpisodeScan", "FolderError", "SeasonScan", "SeriesScan", "scan_series_directory"]


@dataclass(frozen=True)
class FolderError:
    """An error of a series scan and the folder it is about, so that a rescan not reading that folder keeps it."""

    folder: str | None  # relative to the root: the series folder or a subfolder; None when not known (older rows)
    message: str  # what users see


@dataclass
class SeasonScan:
    number: int  # 0 for specials
    folder: str | None = None  # relative to the root; None when no folder is named after the season
    fingerprint: str | None = None  # the folder's, as discovery takes it; None without a folder or when unreadable
    unchanged: bool = False  # the folder's fingerprint is the known one: its episodes were not read
    assets: list[LocalAsset] = field(default_factory=list)  # seasonNN-*.jpg of the series folder, then the folder's
    nfo: SeasonNfo | None = None  # the season folder's season.nfo (title, plot)
    title: str | None = None  # season.nfo's title, else tvshow.nfo's <namedseason>
    plot: str | None = None  # season.nfo's plot


@dataclass
class EpisodeScan:
    relative_path: str  # the video file, relative to the root
    season: int | None
    episodes: tuple[int, ...]  # several for multi-episode files; empty for air dates and absolute numbers
    air_date: str | None = None
    absolute: int | None = None
    size: int = 0  # all parts together
    parts: tuple[str, ...] = ()  # every part in order when the episode is split ("cd1", "part2"), else ()
    versions: tuple[str, ...] = ()  # other copies of the same episode in its folder ("720p" beside "1080p")
    nfo: list[EpisodeNfo] = field(default_factory=list)  # one per <episodedetails>
    nfo_path: Path | None = None
    media: MediaInfo | None = None
    thumb: LocalAsset | None = None
    subtitles: list[LocalAsset] = field(default_factory=list)


@dataclass
class SeriesScan:
    root: Path
    relative_dir: str
    parsed_name: ParsedName
    nfo: SeriesNfo | None = None
    nfo_path: Path | None = None
    assets: list[LocalAsset] = field(default_factory=list)
    seasons: list[SeasonScan] = field(default_factory=list)  # by number
    episodes: list[EpisodeScan] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # video files no episode rule matched, relative to the root
    errors: list[FolderError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # worth telling, not errors (a scene release's text .nfo)

    @property
    def title_source(self) -> str:
        """tvshow.nfo's title first, else the folder name's."""
        return "nfo" if self.nfo and self.nfo.title else "folder"

    @property
    def title(self) -> str:
        return self.nfo.title if self.nfo and self.nfo.title else self.parsed_name.title

    @property
    def year(self) -> int | None:
        return (self.nfo.year if self.nfo else None) or self.parsed_name.year

    @property
    def imdb_id(self) -> str | None:
        return (self.nfo.ids.imdb_id if self.nfo else None) or self.parsed_name.imdb_id

    @property
    def tmdb_id(self) -> int | None:
        return (self.nfo.ids.tmdb_id if self.nfo else None) or self.parsed_name.tmdb_id

    @property
    def tvdb_id(self) -> int | None:
        return self.nfo.ids.tvdb_id if self.nfo else None

    @property
    def unchanged_folders(self) -> frozenset[str]:
        """The season folders (relative to the root) whose episodes were not read: they are as last recorded."""
        return frozenset(s.folder for s in self.seasons if s.unchanged and s.folder is not None)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def error(self, folder: Path, message: str) -> None:
        """Record an error about a folder of the series (an absolute path)."""
        self.errors.append(FolderError(self.relative(folder), message))

    def readable(self, directory: Path, entries: list[FolderEntry]) -> list[FolderEntry]:
        """The entries with valid UTF-8 names; the others are errors of the directory."""
        unreadable: list[str] = []
        readable = readable_entries(directory, entries, unreadable)
        for message in unreadable:
            self.error(directory, message)
        return readable

    def season(self, number: int) -> SeasonScan:
        """The season with this number, added (in order) when it is new."""
        for season in self.seasons:
            if season.number == number:
                return season
        season = SeasonScan(number)
        self.seasons.append(season)
        self.seasons.sort(key=lambda s: s.number)
        return season


@dataclass(frozen=True)
class _Folder:
    """A folder episodes are looked for in: the series folder or one of its subfolders."""

    path: Path
    entries: list[FolderEntry]
    season: int | None  # parse_season_folder of its name; None for the series folder and other subfolders
    fingerprint: str | None = None  # season folders only, taken before the folder is listed


def _is_episode_folder(entry: FolderEntry) -> bool:
    name = entry.name
    return entry.is_dir and not (
        is_ignored_folder_name(name) or is_extras_folder_name(name) or name.lower() in DISC_FOLDERS
    )


def _subfolders(scan: SeriesScan, directory: Path, entries: list[FolderEntry]) -> list[_Folder]:
    folders: list[_Folder] = []
    for entry in entries:
        if not _is_episode_folder(entry):
            continue
        path = directory / entry.name
        season = parse_season_folder(entry.name)
        try:
            fingerprint = folder_fingerprint(str(path)) if season is not None else None
            sub_entries = scan.readable(path, list_folder(path))
        except OSError as exc:
            scan.error(path, f"cannot read directory {path}: {exc.strerror or exc}")
            continue
        if not {e.name.lower() for e in sub_entries} & IGNORE_MARKER_FILES:
            folders.append(_Folder(path, sub_entries, season, fingerprint))
    return folders


Nfo = TypeVar("Nfo")


def _read_nfo(scan: SeriesScan, path: Path, parse: Callable[[Path], Nfo]) -> tuple[Nfo | None, Path | None]:
    """What an NFO file says, and its path; a file that is no NFO at all (a scene release's text) is a notice and
    no path, an unreadable one an error of the scan."""
    try:
        return parse(path), path
    except NotAnNfo as exc:
        scan.notices.append(str(exc))
        return None, None
    except NfoError as exc:
        scan.error(path.parent, str(exc))
        return None, path


def _read_series_nfo(scan: SeriesScan, directory: Path, entries: list[FolderEntry]) -> None:
    name = next((e.name for e in entries if not e.is_dir and e.name.lower() == TVSHOW_NFO), None)
    if name is None:
        return
    scan.nfo, scan.nfo_path = _read_nfo(scan, directory / name, parse_tvshow_nfo)


def _read_season_nfo(scan: SeriesScan, season: SeasonScan, folder: _Folder) -> None:
    name = next((e.name for e in folder.entries if not e.is_dir and e.name.lower() == SEASON_NFO), None)
    if name is None:
        return
    nfo, _ = _read_nfo(scan, folder.path / name, parse_season_nfo)
    if nfo is not None:  # two folders of one season: an unreadable second season.nfo leaves the first one's
        season.nfo = nfo


@dataclass(frozen=True)
class _EpisodeFiles:
    """The files of one episode in one folder: its parts in order, and other copies of it."""

    match: EpisodeMatch
    parts: tuple[FolderEntry, ...]
    versions: tuple[FolderEntry, ...] = ()

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)


def _episode_files(matched: list[tuple[FolderEntry, EpisodeMatch]]) -> list[_EpisodeFiles]:
    """Files naming the same episode in one folder become one episode: parts ("cd1", "cd2") of one name stack in part
    order, and of several copies (a stack counts as one) the largest is the episode, the others its versions."""
    groups: dict[tuple[object, ...], list[tuple[FolderEntry, EpisodeMatch]]] = {}
    for entry, match in matched:
        key = (match.season, match.episodes, match.air_date, match.absolute)
        groups.setdefault(key, []).append((entry, match))
    found: list[_EpisodeFiles] = []
    for group in groups.values():
        match = group[0][1]
        if len(group) == 1:
            found.append(_EpisodeFiles(match, (group[0][0],)))
            continue
        copies: dict[tuple[str, ...], list[tuple[int, FolderEntry]]] = {}
        for position, (entry, _) in enumerate(group):
            stem, ext = split_name(entry.name)
            part = stack_part(stem)
            copy = (part[0].lower(), part[1].lower(), ext) if part is not None else ("", entry.name)
            copies.setdefault(copy, []).append((part[2] if part is not None else position, entry))
        candidates = [tuple(entry for _, entry in sorted(parts, key=lambda p: p[0])) for parts in copies.values()]
        candidates.sort(key=lambda parts: (-sum(p.size for p in parts), parts[0].name))
        main, others = candidates[0], candidates[1:]
        found.append(_EpisodeFiles(match, main, tuple(entry for other in others for entry in other)))
    return found


def _episode(
    scan: SeriesScan,
    folder: _Folder,
    found: _EpisodeFiles,
    files: list[FolderFile],
    read_media: bool,
) -> EpisodeScan:
    entry, match = found.parts[0], found.match
    path = folder.path / entry.name
    stem = split_name(entry.name)[0]
    episode = EpisodeScan(
        scan.relative(path), match.season, match.episodes, match.air_date, match.absolute, size=found.size
    )
    if len(found.parts) > 1:
        episode.parts = tuple(scan.relative(folder.path / part.name) for part in found.parts)
    episode.versions = tuple(scan.relative(folder.path / version.name) for version in found.versions)
    nfo_name = next((e.name for e in folder.entries if e.name.lower() == f"{stem.lower()}.nfo"), None)
    if nfo_name is not None:
        nfo, episode.nfo_path = _read_nfo(scan, folder.path / nfo_name, parse_episode_nfo)
        episode.nfo = nfo or []
    if read_media:
        try:
            episode.media = read_parts_media_info([folder.path / part.name for part in found.parts])
        except MediaInfoError as exc:
            scan.error(folder.path, str(exc))
    assets = discover_episode_assets(stem, files)
    episode.thumb = next((a for a in assets if a.asset_type == "thumb"), None)
    episode.subtitles = [a for a in assets if a.asset_type == "subtitle"]
    return episode


def _scan_folder(scan: SeriesScan, folder: _Folder, read_media: bool, known: Mapping[str, str]) -> None:
    """Episodes and unmatched videos of one folder; a season folder's own artwork. The episodes of a season folder
    whose fingerprint is the known one are not read."""
    skip = False
    if folder.season is not None:
        season = scan.season(folder.season)
        relative = scan.relative(folder.path)
        if season.folder is None:  # the first folder named after the season is the season's
            season.folder, season.fingerprint = relative, folder.fingerprint
            season.unchanged = folder.fingerprint is not None and known.get(relative) == folder.fingerprint
            skip = season.unchanged
            _read_season_nfo(scan, season, folder)
        season.assets.extend(discover_season_folder_assets(folder.path, folder.entries))
    files = [] if skip else episode_asset_files(folder.path, folder.entries)
    matched: list[tuple[FolderEntry, EpisodeMatch]] = []
    for entry in folder.entries:
        if not is_video_candidate(entry):
            if not entry.is_dir and entry.size == 0 and is_video_candidate(replace(entry, size=1)):
                scan.error(folder.path, f"skipped {str(folder.path / entry.name)!r}: zero-byte video file")
            continue
        match = parse_episode_name(split_name(entry.name)[0], folder.season)
        if match is None:
            scan.unmatched.append(scan.relative(folder.path / entry.name))
            continue
        matched.append((entry, match))
        if match.season is not None:
            scan.season(match.season)
    if not skip:
        for found in _episode_files(matched):
            scan.episodes.append(_episode(scan, folder, found, files, read_media))


def scan_series_directory(
    root: Path,
    relative_dir: str,
    *,
    read_media: bool = True,
    known_season_fingerprints: Mapping[str, str] | None = None,
) -> SeriesScan:
    """Scan one series folder. Raises DirectoryError when the folder cannot be read.

    known_season_fingerprints: the fingerprints recorded for the season folders (keyed by their path relative to
    the root); a season folder whose fingerprint is unchanged is marked unchanged and its episodes are not read.
    """
    known = known_season_fingerprints or {}
    directory, entries = open_directory(root, relative_dir)
    scan = SeriesScan(root=root, relative_dir=relative_dir, parsed_name=parse_series_folder_name(directory.name))
    entries = scan.readable(directory, entries)
    _read_series_nfo(scan, directory, entries)
    scan.assets = discover_series_assets(directory, entries)
    for number, images in discover_season_images(directory, entries).items():
        scan.season(number).assets.extend(images)
    for folder in [_Folder(directory, entries, None), *_subfolders(scan, directory, entries)]:
        _scan_folder(scan, folder, read_media, known)
    names = scan.nfo.season_names if scan.nfo else {}
    for season in scan.seasons:
        season.title = (season.nfo.title if season.nfo else None) or names.get(season.number)
        season.plot = season.nfo.plot if season.nfo else None
    return scan
