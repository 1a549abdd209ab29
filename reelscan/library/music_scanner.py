"""Phase 2 for one album folder: its tracks' tags (file names as the fallback), the albums they make, artwork.

Pure domain code: reads the filesystem, returns an AlbumFolderScan; the database layer stores it.

Tags decide: tracks are grouped into albums by their album tags, so a folder of singles gives an
album per single, and a multi-disc album spread over "CD1"/"CD2" folders stays one album. A track without tags is
named by its file name ("03 - Title") and belongs to the album its folder name says ("Album (1997)").
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reelscan.library.assets import LocalAsset
from reelscan.library.discovery import sorted_entries
from reelscan.library.music_layout import (
    VARIOUS_ARTISTS,
    album_asset_type,
    artist_asset_type,
    artist_folder_asset_type,
    disc_folder_number,
    is_various_artists,
    name_key,
    parse_album_folder,
    parse_track_name,
)
from reelscan.library.music_tags import EmbeddedPicture, TagError, TrackTags, is_audio_name, read_track
from reelscan.library.rules import IGNORE_MARKER_FILES, is_ignored_folder_name
from reelscan.library.scanner import DirectoryError, open_directory, readable_entries
from reelscan.library.videos import FolderEntry, list_folder

__all__ = ["AlbumFolderScan", "AlbumScan", "DirectoryError", "TrackScan", "scan_album_directory"]

UNKNOWN_ALBUM = "Unknown album"


@dataclass
class TrackScan:
    relative_path: str
    size: int
    mtime_ns: int
    title: str
    artist: str | None
    track_number: int | None
    disc_number: int | None
    tags: TrackTags | None  # None when the tags could not be read at all
    tagged: bool  # title and album came from the tags

    @property
    def cover(self) -> EmbeddedPicture | None:
        return self.tags.cover if self.tags else None


@dataclass
class EmbeddedCover:
    track_path: str  # relative to the root: the track its bytes are read from when cached
    picture: EmbeddedPicture


@dataclass
class AlbumScan:
    key: str  # the album's key inside its folder (its album tag, see album_key)
    title: str
    title_source: str  # tags | folder
    album_artist: str | None
    album_artist_mbid: str | None = None
    year: int | None = None
    release_date: str | None = None
    original_date: str | None = None
    genres: list[str] = field(default_factory=list)
    compilation: bool = False
    mb_release_id: str | None = None
    mb_release_group_id: str | None = None
    track_total: int | None = None
    disc_total: int | None = None
    tracks: list[TrackScan] = field(default_factory=list)
    assets: list[LocalAsset] = field(default_factory=list)  # the folder's album artwork (the main album's)
    embedded_cover: EmbeddedCover | None = None


@dataclass
class AlbumFolderScan:
    root: Path
    relative_dir: str
    albums: list[AlbumScan] = field(default_factory=list)  # the main album (most tracks) first
    artist_assets: list[LocalAsset] = field(default_factory=list)  # of the main album's artist
    errors: list[str] = field(default_factory=list)

    @property
    def tracks(self) -> list[TrackScan]:
        return [t for album in self.albums for t in album.tracks]

    @property
    def untagged(self) -> int:
        return sum(not t.tagged for t in self.tracks)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def album_key(album: str | None) -> str:
    """Tracks of one folder with the same album tag are one album (whatever their album artist tags: a
    compilation often names "Various Artists" on some tracks only); tracks without one make the folder's album."""
    return name_key(album or "")


def _asset(path: Path, entry: FolderEntry, asset_type: str) -> LocalAsset:
    return LocalAsset(asset_type, path, entry.size, entry.mtime_ns, format=path.suffix.lower().lstrip("."))


@dataclass
class _Folder:
    path: Path
    entries: list[FolderEntry]
    disc: int | None  # from a disc folder's name


def _folders(scan: AlbumFolderScan, directory: Path, entries: list[FolderEntry]) -> list[_Folder]:
    folders = [_Folder(directory, entries, None)]
    for entry in entries:
        if not entry.is_dir or disc_folder_number(entry.name) is None or is_ignored_folder_name(entry.name):
            continue
        path = directory / entry.name
        try:
            sub = readable_entries(path, list_folder(path), scan.errors)
        except OSError as exc:
            scan.errors.append(f"cannot read directory {path}: {exc.strerror or exc}")
            continue
        if {e.name.lower() for e in sub} & IGNORE_MARKER_FILES:
            continue
        if any(not e.is_dir and is_audio_name(e.name) for e in sub):
            folders.append(_Folder(path, sub, disc_folder_number(entry.name)))
    return folders


def _track(scan: AlbumFolderScan, folder: _Folder, entry: FolderEntry, read_tags: bool) -> TrackScan | None:
    path = folder.path / entry.name
    if entry.size == 0:
        scan.errors.append(f"skipped {str(path)!r}: zero-byte audio file")
        return None
    tags: TrackTags | None = None
    if read_tags:
        try:
            tags = read_track(path)
        except TagError as exc:
            scan.errors.append(str(exc))
        else:
            scan.errors.extend(tags.warnings)
    disc, number, artist, title = parse_track_name(os.path.splitext(entry.name)[0])
    tagged = bool(tags and tags.tagged)
    return TrackScan(
        relative_path=scan.relative(path),
        size=entry.size,
        mtime_ns=entry.mtime_ns,
        title=(tags.title if tags else None) or title,
        artist=(tags.artist if tags else None) or artist,
        track_number=(tags.track_number if tags else None) or number,
        disc_number=(tags.disc_number if tags else None) or folder.disc or disc,
        tags=tags,
        tagged=tagged,
    )


def _most_common(values: list[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _folder_artist(directory: Path, root: Path) -> str | None:
    """The artist a folder's place names: the folder above an album folder, unless that is the root or a
    "Various Artists" folder."""
    parent = directory.parent
    if directory == root or parent == root:
        return None
    return None if is_various_artists(parent.name) else parent.name


def _album(key: str, tracks: list[TrackScan], folder_title: str, folder_year: int | None, folder_artist: str | None
           ) -> AlbumScan:  # fmt: skip
    tags = [t.tags for t in tracks if t.tags is not None]
    title = _most_common([t.album for t in tags])
    album_artist = _most_common([t.album_artist for t in tags])
    artists = {name_key(t.artist) for t in tracks if t.artist}
    compilation = any(t.compilation for t in tags) or is_various_artists(album_artist)
    if album_artist is None:
        if compilation or len(artists) > 1:
            album_artist = VARIOUS_ARTISTS if compilation or folder_artist is None else folder_artist
        else:
            album_artist = _most_common([t.artist for t in tracks]) or folder_artist
    if is_various_artists(album_artist):
        album_artist, compilation = VARIOUS_ARTISTS, True
    dates = sorted(d for d in (t.date for t in tags) if d)
    originals = sorted(d for d in (t.original_date for t in tags) if d)
    years = [y for y in (t.year for t in tags) if y]
    genres: list[str] = []
    for t in tags:
        genres.extend(g for g in t.genres if g not in genres)
    album = AlbumScan(
        key=key,
        title=title or folder_title,
        title_source="tags" if title else "folder",
        album_artist=album_artist,
        album_artist_mbid=_most_common(
            [t.mb_album_artist_id or (t.mb_artist_id if not compilation else None) for t in tags]
        ),
        year=min(years) if years else folder_year,
        release_date=dates[0] if dates else None,
        original_date=originals[0] if originals else None,
        genres=genres[:20],
        compilation=compilation,
        mb_release_id=_most_common([t.mb_release_id for t in tags]),
        mb_release_group_id=_most_common([t.mb_release_group_id for t in tags]),
        track_total=max((t.track_total for t in tags if t.track_total), default=None),
        disc_total=max((t.disc_total for t in tags if t.disc_total), default=None),
        tracks=sorted(tracks, key=lambda t: (t.disc_number or 1, t.track_number or 10_000, t.relative_path)),
    )
    covers = Counter(t.cover.sha256 for t in tracks if t.cover is not None)
    if covers:
        sha = covers.most_common(1)[0][0]
        first = next(t for t in album.tracks if t.cover is not None and t.cover.sha256 == sha)
        assert first.cover is not None
        album.embedded_cover = EmbeddedCover(first.relative_path, first.cover)
    return album


def _first_album_folder(parent: Path) -> str | None:
    """The name of the first album folder (natural order, the walk's) among a folder's subfolders."""
    for name in _sorted_subfolders(parent):
        try:
            listing_entries = list_folder(parent / name)
        except OSError:
            continue
        names = {e.name.lower() for e in listing_entries}
        if names & IGNORE_MARKER_FILES:
            continue
        if any(not e.is_dir and is_audio_name(e.name) for e in listing_entries):
            return name
        for e in listing_entries:
            if e.is_dir and disc_folder_number(e.name) is not None:
                try:
                    if any(not s.is_dir and is_audio_name(s.name) for s in list_folder(parent / name / e.name)):
                        return name
                except OSError:
                    continue
    return None


def _sorted_subfolders(parent: Path) -> list[str]:
    names = []
    for entry in sorted_entries(str(parent)):
        try:
            if entry.is_dir(follow_symlinks=False) and not is_ignored_folder_name(entry.name):
                names.append(entry.name)
        except OSError:
            continue
    return names


def _artist_folder_assets(scan: AlbumFolderScan, directory: Path) -> list[LocalAsset]:
    """The artwork of the artist folder above this album folder, when this is its first album folder (the one
    that records it, so it is recorded once)."""
    parent = directory.parent
    if "/" not in scan.relative_dir:
        return []  # an album folder in the root: the folder above it is the library itself
    try:
        if _first_album_folder(parent) != directory.name:
            return []
        entries = list_folder(parent)
    except OSError:
        return []
    assets = []
    for entry in entries:
        asset_type = artist_folder_asset_type(entry.name) if not entry.is_dir else None
        if asset_type is not None and entry.size > 0:
            assets.append(_asset(parent / entry.name, entry, asset_type))
    return assets


def scan_album_directory(
    root: Path, relative_dir: str, *, read_tags: bool = True, find_assets: bool = True
) -> AlbumFolderScan:
    """Scan one album folder. Raises DirectoryError when it cannot be read or holds no usable track."""
    directory, entries = open_directory(root, relative_dir)
    scan = AlbumFolderScan(root=root, relative_dir=relative_dir)
    entries = readable_entries(directory, entries, scan.errors)
    folders = _folders(scan, directory, entries)
    tracks: list[TrackScan] = []
    for folder in folders:
        for entry in folder.entries:
            if not entry.is_dir and is_audio_name(entry.name):
                track = _track(scan, folder, entry, read_tags)
                if track is not None:
                    tracks.append(track)
    if not tracks:
        raise DirectoryError(
            f"{directory} holds only zero-byte audio files"
            if any(not e.is_dir and is_audio_name(e.name) for f in folders for e in f.entries)
            else f"{directory} holds no audio file"
        )
    folder_title, folder_year = parse_album_folder(directory.name) if relative_dir else (UNKNOWN_ALBUM, None)
    folder_artist = _folder_artist(directory, root)
    groups: dict[str, list[TrackScan]] = {}
    for track in tracks:
        groups.setdefault(album_key(track.tags.album if track.tags else None), []).append(track)
    # Tracks without an album tag belong to the folder's album when the tags name exactly one.
    if "" in groups and len(groups) == 2:
        loose = groups.pop("")
        next(iter(groups.values())).extend(loose)
    albums = [_album(key, group, folder_title, folder_year, folder_artist) for key, group in groups.items()]
    albums.sort(key=lambda a: (-len(a.tracks), a.key))
    scan.albums = albums
    if find_assets:
        main = albums[0]
        for folder in folders:
            for entry in folder.entries:
                if entry.is_dir or entry.size == 0:
                    continue
                path = folder.path / entry.name
                album_type = album_asset_type(entry.name)
                if album_type is not None:
                    main.assets.append(_asset(path, entry, album_type))
                elif folder.disc is None and (artist_type := artist_asset_type(entry.name)) is not None:
                    scan.artist_assets.append(_asset(path, entry, artist_type))
        scan.artist_assets.extend(_artist_folder_assets(scan, directory))
    return scan
