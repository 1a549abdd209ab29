"""The demo TV library's manifest says exactly what TV discovery and the series scan find in it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reelscan.library.series_scanner import SeriesScan, scan_series_directory
from reelscan.library.tv_discovery import SeriesWalker
from tests.fake_tmdb import series_for_library
from tests.library_builder import build_tv_library


def asset_types(scan: SeriesScan) -> Counter[str]:
    assets = [*scan.assets, *(a for season in scan.seasons for a in season.assets)]
    for episode in scan.episodes:
        assets.extend([*([episode.thumb] if episode.thumb else []), *episode.subtitles])
    return Counter(a.asset_type for a in assets)


def test_the_manifest_matches_discovery_and_the_series_scan(tmp_path: Path) -> None:
    manifest = build_tv_library(tmp_path / "TV")
    walker = SeriesWalker(manifest.root)
    found = [series.path for series in walker.walk()]
    assert found == list(manifest.series) and walker.stats.found == manifest.series_total == 4
    assert walker.stats.errors == 0

    scans = {directory: scan_series_directory(manifest.root, directory, read_media=False) for directory in found}
    for directory, scan in scans.items():
        expected = manifest.series[directory]
        assert (scan.title, scan.year, scan.title_source) == (expected.title, expected.year, expected.title_source)
        assert (scan.tmdb_id, scan.tvdb_id) == (expected.tmdb_id, expected.tvdb_id)
        numbered = Counter(e.season for e in scan.episodes for _ in e.episodes)
        assert dict(numbered) == expected.seasons, directory
        assert sum(1 for e in scan.episodes if not e.episodes) == expected.unnumbered
        assert len(scan.episodes) == expected.files
        assert scan.unmatched == expected.unmatched and not scan.errors
        assert asset_types(scan) == Counter(expected.assets), directory

    assert sum(len(e.episodes) or 1 for s in scans.values() for e in s.episodes) == manifest.episodes_total == 13
    assert [path for s in scans.values() for path in s.unmatched] == manifest.unmatched
    assert manifest.episode_files == 12 and manifest.assets_total == 7 and manifest.ignored_files == 1


def test_the_cases_the_demo_shows_are_there(tmp_path: Path) -> None:
    manifest = build_tv_library(tmp_path / "TV")
    code = scan_series_directory(manifest.root, "Breaking Code (2019)", read_media=False)
    by_file = {Path(e.relative_path).name: e for e in code.episodes}
    assert by_file["Breaking Code S01E03E04.mp4"].episodes == (3, 4)
    pilot = by_file["Breaking Code S01E01.mkv"]
    assert pilot.nfo and pilot.nfo[0].title == "Hello, World" and pilot.thumb and len(pilot.subtitles) == 1
    assert [s.number for s in code.seasons] == [0, 1, 2]
    assert not any("sample" in e.relative_path for e in code.episodes)
    anime = scan_series_directory(manifest.root, "Star Drifters", read_media=False)
    daily = scan_series_directory(manifest.root, "The Late Hour", read_media=False)
    assert [e.absolute for e in anime.episodes] == [101, 102]
    assert [e.air_date for e in daily.episodes] == ["2024-03-01", "2024-03-04"]


def test_the_fake_tmdb_serves_every_demo_series(tmp_path: Path) -> None:
    manifest = build_tv_library(tmp_path / "TV")
    served = {s["name"]: s for s in series_for_library(manifest.root, every_series_folder=True)}
    assert set(served) == {s.title for s in manifest.series.values()}
    code = served["Breaking Code"]
    assert (code["id"], code["external_ids"]["tvdb_id"], code["first_air_date"]) == (4242, 424242, "2019-09-12")
    assert served["Quiet Harbor"]["first_air_date"].startswith("2021")
    assert [s["name"] for s in series_for_library(manifest.root)] == ["Breaking Code"]  # tvshow.nfo folders only
