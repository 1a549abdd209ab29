"""Phase 1 for TV libraries: which folders are series, their seasons and fingerprints."""

from __future__ import annotations

import os
from pathlib import Path

from reelscan.library.tv_discovery import DiscoveredSeries, SeriesWalker
from tests.read_ahead import reading  # noqa: F401  (every test in line and read ahead)


def touch(path: Path, content: bytes = b"video") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def walk(root: Path) -> list[DiscoveredSeries]:
    return list(SeriesWalker(root).walk())


def test_top_level_folders_are_series(tmp_path: Path) -> None:
    touch(tmp_path / "Show B/Season 1/Show B S01E01.mkv")
    touch(tmp_path / "Show A/Show A S01E01.mkv")
    assert [s.path for s in walk(tmp_path)] == ["Show A", "Show B"]


def test_seasons_with_numbers_and_specials(tmp_path: Path) -> None:
    for folder in ("Season 1", "Season 02", "S03", "Specials"):
        touch(tmp_path / "Show" / folder / "x S01E01.mkv")
    [series] = walk(tmp_path)
    assert [(s.path, s.season) for s in series.seasons] == [
        ("Show/S03", 3),
        ("Show/Season 1", 1),
        ("Show/Season 02", 2),
        ("Show/Specials", 0),
    ]


def test_episodes_directly_in_the_series_folder(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Show S01E01.mkv")
    [series] = walk(tmp_path)
    assert [(s.path, s.season) for s in series.seasons] == [("Show", None)]


def test_grouping_folder_holds_series_with_tvshow_nfo(tmp_path: Path) -> None:
    touch(tmp_path / "Anime/Show One/tvshow.nfo", b"<tvshow/>")
    touch(tmp_path / "Anime/Show One/Season 1/e S01E01.mkv")
    touch(tmp_path / "Anime/Show Two/tvshow.nfo", b"<tvshow/>")
    assert [s.path for s in walk(tmp_path)] == ["Anime/Show One", "Anime/Show Two"]


def test_extras_and_ignored_folders_are_not_seasons(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/e S01E01.mkv")
    touch(tmp_path / "Show/Extras/making of.mkv")
    touch(tmp_path / "Show/@eaDir/thumb.mkv")
    [series] = walk(tmp_path)
    assert [s.path for s in series.seasons] == ["Show/Season 1"]


def test_folder_without_episodes_or_nfo_is_not_a_series(tmp_path: Path) -> None:
    touch(tmp_path / "Empty/readme.txt", b"text")
    assert walk(tmp_path) == []


def test_symlink_leaving_the_root_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside / "e S01E01.mkv")
    root = tmp_path / "library"
    touch(root / "Show/Season 1/e S01E01.mkv")
    os.symlink(outside, root / "Show" / "Season 2")
    walker = SeriesWalker(root)
    [series] = list(walker.walk())
    assert [s.path for s in series.seasons] == ["Show/Season 1"] and walker.stats.skipped_symlinks == 1


def test_undecodable_series_name_is_reported(tmp_path: Path) -> None:
    touch(tmp_path / "Good/e S01E01.mkv")
    bad = os.path.join(os.fsencode(tmp_path), b"Bad\xff")
    os.makedirs(bad)
    walker = SeriesWalker(tmp_path)
    assert [s.path for s in walker.walk()] == ["Good"]
    assert walker.stats.errors == 1 and "not valid UTF-8" in walker.stats.error_messages[0]


def test_season_fingerprint_changes_only_with_its_season(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/e S01E01.mkv")
    touch(tmp_path / "Show/Season 2/e S02E01.mkv")
    before = walk(tmp_path)[0]
    touch(tmp_path / "Show/Season 2/e S02E02.mkv")
    after = walk(tmp_path)[0]
    assert before.seasons[0].fingerprint == after.seasons[0].fingerprint
    assert before.seasons[1].fingerprint != after.seasons[1].fingerprint
    assert before.fingerprint != after.fingerprint


def test_max_directories_truncates(tmp_path: Path) -> None:
    for name in ("A", "B", "C"):
        touch(tmp_path / name / "e S01E01.mkv")
    walker = SeriesWalker(tmp_path, max_directories=2)
    assert [s.path for s in walker.walk()] == ["A", "B"] and walker.stats.truncated
