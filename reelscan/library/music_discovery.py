"""Phase 1 for music libraries: walk a library and yield its album folders.

An album folder holds audio files directly, or disc folders ("CD1", "Disc 2") that do; its disc folders belong to
it (and to its fingerprint) and are not walked on their own. Other subfolders are walked further, so an artist's
folder holding singles is an album folder of its own and its album folders are others. Loose tracks directly in
the library root make the root ("") an album folder too. The walk rules (ignored folders, markers, symlinks,
undecodable names) are discovery.py's; extras folder names mean nothing here ("Extras" may be an album).

An album folder's fingerprint also covers the artwork files of the artist folder above it (artist.jpg, logo.png,
...): the first album folder of an artist records that artwork, and a rescan sees it change.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

from reelscan.library.discovery import DiscoveredDirectory, FolderListing, FolderWalker, sorted_entries
from reelscan.library.music_layout import artist_folder_asset_type, disc_folder_number
from reelscan.library.music_tags import is_audio_name
from reelscan.library.rules import is_ignored_folder_name


def artist_artwork_lines(absolute: str, entries: list[os.DirEntry[str]]) -> bytes:
    """Names, sizes and mtimes of an artist folder's artwork files, as they enter its albums' fingerprints."""
    lines = []
    for entry in entries:
        if artist_folder_asset_type(entry.name) is None:
            continue
        try:
            if not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        lines.append(b"a%s\0%d\0%d" % (entry.name.encode("utf-8", "surrogateescape"), st.st_size, st.st_mtime_ns))
    return b"\n".join(lines)


def album_fingerprint(own: FolderListing, discs: list[FolderListing], artist_lines: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(own.fingerprint().encode())
    for disc in discs:
        digest.update(f"\n{disc.relative}\0{disc.fingerprint()}".encode("utf-8", "surrogateescape"))
    if artist_lines:
        digest.update(b"\n@artist\n" + artist_lines)
    return digest.hexdigest()


class MusicWalker(FolderWalker):
    @staticmethod
    def _is_media_name(name: str) -> bool:
        return is_audio_name(name)

    @staticmethod
    def _is_media_folder(name: str) -> bool:
        return False

    @staticmethod
    def _is_skipped_folder(name: str) -> bool:
        return is_ignored_folder_name(name)

    def _disc_folders(self, listing: FolderListing) -> list[FolderListing]:
        """The disc folders of an album folder that hold audio (read here, so they are not walked again)."""
        discs = []
        for relative in listing.subfolders:
            if disc_folder_number(relative.rsplit("/", 1)[-1]) is None:
                continue
            disc = self._read(relative)
            if disc is not None and disc.has_video:
                discs.append(disc)
        return discs

    def _parent_lines(self, relative: str) -> bytes:
        """A targeted folder's parent's artwork lines, as the full walk takes them."""
        parent = relative.rpartition("/")[0]
        if not parent:
            return b""
        absolute = os.path.join(self._real_root, parent)
        try:
            return artist_artwork_lines(absolute, sorted_entries(absolute))
        except OSError:
            return b""

    def walk(self) -> Iterator[DiscoveredDirectory]:
        """Album folders (relative POSIX paths and fingerprints), depth-first in natural name order."""
        self._begin()
        # (relative path, the artwork lines of its parent folder) still to visit, in reverse order.
        stack = [(t, self._parent_lines(t)) for t in reversed(self._targets())] if self.only else [("", b"")]
        while stack:
            relative, artist_lines = stack.pop()
            listing = self._read(relative)
            if listing is None:
                continue
            discs = self._disc_folders(listing)
            if listing.has_video or discs:
                self.stats.found += 1
                yield DiscoveredDirectory(listing.relative, album_fingerprint(listing, discs, artist_lines))
                if self._full():
                    return
            taken = {disc.relative for disc in discs}
            # Below the root, a folder's artwork files are its artist's, seen by the albums under it.
            lines = artist_artwork_lines(listing.absolute, listing.entries) if listing.relative else b""
            stack.extend((sub, lines) for sub in reversed(listing.subfolders) if sub not in taken)
        self._finish()
