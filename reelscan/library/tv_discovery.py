"""Phase 1 for TV libraries: walk a library and yield its series folders with their season folders.

A series folder is a top-level folder of the library, or a deeper folder holding tvshow.nfo. A top-level folder
that holds no videos and no season folders but has series with tvshow.nfo below it only groups them ("Anime/").
Its season folders are its subfolders that the movie rules do not skip; episodes may also sit in the series folder.
The walk rules (ignored folders, markers, symlinks, undecodable names) are discovery.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from reelscan.library.discovery import DiscoveredDirectory, FolderListing, FolderWalker
from reelscan.library.episodes import parse_season_folder

TVSHOW_NFO = "tvshow.nfo"


@dataclass(frozen=True)
class DiscoveredSeason:
    path: str  # relative to the root, POSIX separators; the series folder's path for episodes directly in it
    season: int | None  # from the folder name; None for the series folder itself and other subfolders
    fingerprint: str  # the folder's entries and asset subfolders, as a movie directory's


@dataclass(frozen=True)
class DiscoveredSeries(DiscoveredDirectory):
    """A series folder; its fingerprint changes when the series folder or any of its seasons changes."""

    seasons: tuple[DiscoveredSeason, ...] = ()


def _has_tvshow_nfo(listing: FolderListing) -> bool:
    return any(entry.name.lower() == TVSHOW_NFO for entry in listing.entries)


def _has_season_folders(listing: FolderListing) -> bool:
    """Whether a folder has subfolders named as seasons. A bare number ("2") does not decide it here: a grouping
    folder may hold a series called "86"; below a series folder, "2" is its season 2."""
    names = (path.rsplit("/", 1)[-1] for path in listing.subfolders)
    return any(not name.isdigit() and parse_season_folder(name) is not None for name in names)


class SeriesWalker(FolderWalker):
    def walk(self) -> Iterator[DiscoveredSeries]:
        """Series folders holding episodes or a tvshow.nfo, depth-first in natural name order."""
        self._begin()
        if self.only:
            tops = self._targets()
        else:
            root = self._read("")
            if root is None:
                return
            if root.has_video:
                self.stats.error(
                    f"videos directly in the library root {self._real_root} are not scanned; put each series in its"
                    " own folder"
                )
            tops = root.subfolders
        for top in tops:
            listing = self._read(top)
            if listing is None:
                continue
            for series_listing, read in self._series_under(listing):
                series = self._series(series_listing, read)
                if series is None:
                    continue
                self.stats.found += 1
                yield series
                if self._full():
                    return
        self._finish()

    def _series_under(self, top: FolderListing) -> list[tuple[FolderListing, dict[str, FolderListing]]]:
        """The series of a top-level folder (itself, or the tvshow.nfo folders below a grouping folder), each with
        the listings already read under it (a folder is read once: reading marks its subfolders as seen)."""
        if _has_tvshow_nfo(top) or top.has_video or _has_season_folders(top):
            return [(top, {})]
        read: dict[str, FolderListing] = {}
        found: list[FolderListing] = []
        stack = list(reversed(top.subfolders))
        while stack:
            listing = self._read(stack.pop())
            if listing is None:
                continue
            read[listing.relative] = listing
            if _has_tvshow_nfo(listing):
                found.append(listing)
            else:
                stack.extend(reversed(listing.subfolders))
        if not found:
            return [(top, read)]
        return [(listing, read) for listing in found]

    def _series(self, listing: FolderListing, read: dict[str, FolderListing]) -> DiscoveredSeries | None:
        """The series with its seasons; None when it holds neither episodes nor a tvshow.nfo."""
        own = listing.fingerprint()
        seasons: list[DiscoveredSeason] = [DiscoveredSeason(listing.relative, None, own)] if listing.has_video else []
        has_video = listing.has_video
        for relative in listing.subfolders:
            sub = read.get(relative) or self._read(relative)
            if sub is None:
                continue
            number = parse_season_folder(relative.rsplit("/", 1)[-1])
            if sub.has_video or number is not None:
                seasons.append(DiscoveredSeason(relative, number, sub.fingerprint()))
                has_video = has_video or sub.has_video
        if not has_video and not _has_tvshow_nfo(listing):
            return None
        digest = hashlib.blake2b(digest_size=16)
        digest.update(own.encode())
        for season in seasons:
            digest.update(f"\n{season.path}\0{season.fingerprint}".encode("utf-8", "surrogateescape"))
        return DiscoveredSeries(listing.relative, digest.hexdigest(), tuple(seasons))
