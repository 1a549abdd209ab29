"""Series and season folders as real TV libraries name them, found by the TV walk and read by the series scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library.series_scanner import scan_series_directory
from reelscan.library.tv_discovery import SeriesWalker


def touch(path: Path, content: bytes = b"video") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@pytest.mark.parametrize(
    ("folder", "season"),
    [
        ("Temporada 1", 1),
        ("Stagione 2", 2),
        ("Säsong 3", 3),
        ("Сезон 4", 4),
        ("5.Staffel", 5),
        ("Saison 6", 6),
        ("7", 7),
        ("Show.S08.1080p.BluRay-GRP", 8),
    ],
)
def test_season_folders_in_every_shape_are_seasons(tmp_path: Path, folder: str, season: int) -> None:
    touch(tmp_path / "Show" / folder / "Show.Name.1080p.mkv")
    [series] = SeriesWalker(tmp_path).walk()
    assert [(s.path, s.season) for s in series.seasons] == [(f"Show/{folder}", season)]
    scan = scan_series_directory(tmp_path, "Show", read_media=False)
    assert [s.number for s in scan.seasons] == [season]


def test_a_series_named_as_a_number_in_a_grouping_folder(tmp_path: Path) -> None:
    touch(tmp_path / "Anime" / "86" / "tvshow.nfo", b"<tvshow><title>86</title></tvshow>")
    touch(tmp_path / "Anime" / "86" / "Season 1" / "86 S01E01.mkv")
    touch(tmp_path / "Anime" / "Bleach" / "tvshow.nfo", b"<tvshow><title>Bleach</title></tvshow>")
    touch(tmp_path / "Anime" / "Bleach" / "Bleach S01E01.mkv")
    assert [s.path for s in SeriesWalker(tmp_path).walk()] == ["Anime/86", "Anime/Bleach"]


def test_numbered_season_folders_of_a_series(tmp_path: Path) -> None:
    touch(tmp_path / "Seinfeld" / "1" / "Seinfeld 1x01.mkv")
    touch(tmp_path / "Seinfeld" / "2" / "Seinfeld 2x01.mkv")
    [series] = SeriesWalker(tmp_path).walk()
    assert [(s.path, s.season) for s in series.seasons] == [("Seinfeld/1", 1), ("Seinfeld/2", 2)]


@pytest.mark.parametrize(
    ("folder", "title"),
    [
        ("The.Show.S01.COMPLETE", "The Show"),
        ("The.Show.S01-S03.1080p.BluRay-GRP", "The Show"),
        ("The Show (2019) Season 1-3", "The Show"),
        ("[Group] The Show", "The Show"),
    ],
)
def test_series_titles_from_pack_folders(tmp_path: Path, folder: str, title: str) -> None:
    touch(tmp_path / folder / "The.Show.S01E01.1080p.mkv")
    assert scan_series_directory(tmp_path, folder, read_media=False).title == title
