"""Small random movie libraries of real folders (tiny committed media, hard-linked), some of them broken.

A generated library says which folders must become movies and which must become errors; `reference_movies`
reads the same folders with the domain scanner alone (no workflow, no database) for the titles a scan must record.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from reelscan.library.scanner import DirectoryError, scan_movie_directory
from tests.library_builder import MEDIA

WORDS = ("Kestrel", "Harbour", "Lantern", "Meridian", "Orchard", "Quarry", "Saffron", "Tundra", "Vesper", "Willow")
# Folder kinds and how often they appear; the broken ones are the errors injected into random folders.
MOVIE_KINDS = {
    "plain": 4,
    "poster": 6,
    "poster_fanart_subtitle": 3,
    "nfo": 3,
    "invalid_nfo": 1,
    "binary_nfo": 1,
    "text_as_video": 1,
    "truncated_video": 1,
}
ERROR_KINDS = {"zero_byte_video": 1, "sample_only": 1, "no_video": 1}


@dataclass
class GeneratedLibrary:
    root: Path
    kinds: dict[str, str] = field(default_factory=dict)  # folder -> kind
    assets: int = 0  # local assets the movies hold

    @property
    def movie_directories(self) -> set[str]:
        return {d for d, kind in self.kinds.items() if kind in MOVIE_KINDS}

    @property
    def error_directories(self) -> set[str]:
        return {d for d, kind in self.kinds.items() if kind in ERROR_KINDS}


class _Media:
    """One copy of each fixture next to the library; folders get hard links (fast, and real files to read)."""

    def __init__(self, where: Path) -> None:
        self.where = where
        where.mkdir(parents=True, exist_ok=True)

    def link(self, fixture: str, target: Path) -> None:
        source = self.where / fixture
        if not source.exists():
            shutil.copyfile(MEDIA / fixture, source)
        os.link(source, target)


def build_generated_library(root: Path, rng: random.Random, count: int) -> GeneratedLibrary:
    root.mkdir(parents=True)
    media = _Media(root.parent / ".media")
    library = GeneratedLibrary(root=root)
    kinds = {**MOVIE_KINDS, **ERROR_KINDS}
    for i in range(count):
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        name = f"Film {i:03d} {rng.choice(WORDS)} ({rng.randint(1930, 2025)})"
        folder = root / name
        folder.mkdir()
        library.kinds[name] = kind
        if kind in ("plain", "poster", "poster_fanart_subtitle", "nfo", "invalid_nfo", "binary_nfo"):
            media.link("h264_aac.mp4", folder / "movie.mp4")
        if kind in ("poster", "poster_fanart_subtitle"):
            media.link("poster.jpg", folder / "poster.jpg")
            library.assets += 1
        if kind == "poster_fanart_subtitle":
            media.link("fanart.jpg", folder / "fanart.jpg")
            media.link("subtitle.en.srt", folder / "movie.en.srt")
            library.assets += 2
        if kind == "nfo":
            (folder / "movie.nfo").write_text(
                f"<movie><title>Named {i}</title><year>{2000 + i % 20}</year></movie>", encoding="utf-8"
            )
        if kind == "invalid_nfo":
            (folder / "movie.nfo").write_text("<movie><title>Broken</titel></movie>", encoding="utf-8")
        if kind == "binary_nfo":
            (folder / "movie.nfo").write_bytes(b"\x00\x01\x02\xff" * 64)
        if kind == "text_as_video":
            (folder / "movie.mkv").write_text("not a video\n")
        if kind == "truncated_video":
            media.link("truncated.mkv", folder / "movie.mkv")
        if kind == "zero_byte_video":
            (folder / "movie.mkv").write_bytes(b"")
        if kind == "sample_only":
            media.link("h264_aac.mp4", folder / "sample.mp4")
        if kind == "no_video":
            media.link("poster.jpg", folder / "poster.jpg")
            (folder / "readme.txt").write_text("the video was never copied")
    return library


def reference_movies(library: GeneratedLibrary, *, read_media: bool) -> dict[str, tuple[str, int | None]]:
    """Directory -> (title, year) as the domain scanner reads each folder on its own; errors left out."""
    movies: dict[str, tuple[str, int | None]] = {}
    for directory in library.kinds:
        try:
            scan = scan_movie_directory(library.root, directory, read_media=read_media)
        except DirectoryError:
            continue
        movies[directory] = (scan.title, scan.year)
    return movies
