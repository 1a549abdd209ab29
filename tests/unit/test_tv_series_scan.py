"""Phase 2 for one series folder, on real files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reelscan.library.scanner import DirectoryError
from reelscan.library.series_scanner import SeriesScan, scan_series_directory

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
EPISODE_NFO = "<episodedetails><title>{}</title><season>1</season><episode>{}</episode></episodedetails>"


def touch(path: Path, content: bytes = b"video") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def scan(root: Path, series: str = "Show", **kwargs: bool) -> SeriesScan:
    return scan_series_directory(root, series, read_media=kwargs.get("read_media", False))


def test_title_and_year_from_folder_name(tmp_path: Path) -> None:
    touch(tmp_path / "The Office (2005)/Season 1/The Office S01E01.mkv")
    result = scan(tmp_path, "The Office (2005)")
    assert (result.title, result.year, result.title_source) == ("The Office", 2005, "folder")


def test_title_and_ids_from_tvshow_nfo(tmp_path: Path) -> None:
    nfo = b'<tvshow><title>Real Title</title><year>2010</year><uniqueid type="tvdb">42</uniqueid></tvshow>'
    touch(tmp_path / "Show/tvshow.nfo", nfo)
    touch(tmp_path / "Show/Show S01E01.mkv")
    result = scan(tmp_path)
    assert (result.title, result.year, result.tvdb_id, result.title_source) == ("Real Title", 2010, 42, "nfo")


def test_broken_tvshow_nfo_is_an_error_naming_it(tmp_path: Path) -> None:
    touch(tmp_path / "Show/tvshow.nfo", b"<tvshow><title>")
    touch(tmp_path / "Show/Show S01E01.mkv")
    result = scan(tmp_path)
    assert result.title == "Show" and any("tvshow.nfo" in e.message for e in result.errors)


def test_season_folders_and_specials(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 01/Show S01E01.mkv")
    touch(tmp_path / "Show/Specials/Show S00E01.mkv")
    result = scan(tmp_path)
    assert [(s.number, s.folder) for s in result.seasons] == [(0, "Show/Specials"), (1, "Show/Season 01")]


def test_season_from_folder_when_the_name_has_none(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 3/Episode 4.mkv")
    [episode] = scan(tmp_path).episodes
    assert (episode.relative_path, episode.season, episode.episodes) == ("Show/Season 3/Episode 4.mkv", 3, (4,))


def test_episodes_without_season_folders(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Show S02E05.mkv")
    result = scan(tmp_path)
    assert [(s.number, s.folder) for s in result.seasons] == [(2, None)]
    assert [(e.season, e.episodes) for e in result.episodes] == [(2, (5,))]


def test_date_and_absolute_episodes(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Show 2024-03-01.mkv")
    touch(tmp_path / "Show/[Grp] Show - 112 [1080p].mkv")
    result = scan(tmp_path)
    assert {(e.air_date, e.absolute) for e in result.episodes} == {(None, 112), ("2024-03-01", None)}


def test_unmatched_files_are_listed(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/Show S01E01.mkv")
    touch(tmp_path / "Show/Season 1/random clip.mkv")
    result = scan(tmp_path)
    assert result.unmatched == ["Show/Season 1/random clip.mkv"] and len(result.episodes) == 1


def test_samples_and_extras_are_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/Show S01E01.mkv")
    touch(tmp_path / "Show/Season 1/Show S01E01-sample.mkv")
    touch(tmp_path / "Show/Season 1/Show S01E01-featurette.mkv")
    touch(tmp_path / "Show/Extras/Show S01E99.mkv")
    result = scan(tmp_path)
    assert [e.relative_path for e in result.episodes] == ["Show/Season 1/Show S01E01.mkv"] and not result.unmatched


def test_zero_byte_episode_is_an_error(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Show S01E01.mkv", b"")
    result = scan(tmp_path)
    assert not result.episodes and "zero-byte" in result.errors[0].message and "S01E01" in result.errors[0].message


def test_errors_name_the_folder_they_are_about(tmp_path: Path) -> None:
    touch(tmp_path / "Show/tvshow.nfo", b"<tvshow><title>")
    touch(tmp_path / "Show/Show S01E01.mkv", b"")
    touch(tmp_path / "Show/Season 02/Show S02E01.mkv")
    touch(tmp_path / "Show/Season 02/Show S02E01.nfo", b"<episodedetails><title>")
    touch(tmp_path / "Show/Season 03/season.nfo", b"<season><title>")
    touch(Path(os.fsdecode(os.path.join(os.fsencode(tmp_path / "Show/Season 03"), b"Show S03E01 \xff.mkv"))))
    result = scan(tmp_path)
    hints = ("tvshow.nfo", "zero-byte", "S02E01.nfo", "season.nfo", "not valid UTF-8")
    folders = {hint: e.folder for e in result.errors for hint in hints if hint in e.message}
    assert len(result.errors) == len(hints) and folders == {
        "tvshow.nfo": "Show",
        "zero-byte": "Show",
        "S02E01.nfo": "Show/Season 02",
        "season.nfo": "Show/Season 03",
        "not valid UTF-8": "Show/Season 03",
    }


def test_multi_episode_file_with_multi_episode_nfo(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/Show S01E02E03.mkv")
    nfo = (EPISODE_NFO.format("One", 2) + EPISODE_NFO.format("Two", 3)).encode()
    touch(tmp_path / "Show/Season 1/Show S01E02E03.nfo", nfo)
    [episode] = scan(tmp_path).episodes
    assert episode.episodes == (2, 3) and [n.title for n in episode.nfo] == ["One", "Two"]


def test_hostile_episode_nfo_is_an_error(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Show S01E01.mkv")
    touch(tmp_path / "Show/Show S01E01.nfo", b'<!DOCTYPE e [<!ENTITY x "y">]><episodedetails/>')
    result = scan(tmp_path)
    assert result.episodes[0].nfo == [] and "entities" in result.errors[0].message


def test_series_assets(tmp_path: Path) -> None:
    for name in ("poster.jpg", "fanart.jpg", "banner.jpg", "clearlogo.png", "landscape.jpg", "extrafanart/f1.jpg"):
        touch(tmp_path / "Show" / name, b"img")
    touch(tmp_path / "Show/Show S01E01.mkv")
    kinds = sorted(a.asset_type for a in scan(tmp_path).assets)
    assert kinds == ["banner", "clearlogo", "fanart", "fanart", "landscape", "poster"]


def test_season_images_in_the_series_folder(tmp_path: Path) -> None:
    for name in ("season01-poster.jpg", "season01-banner.jpg", "season-specials-poster.jpg"):
        touch(tmp_path / "Show" / name, b"img")
    touch(tmp_path / "Show/Season 1/Show S01E01.mkv")
    seasons = {s.number: sorted(a.asset_type for a in s.assets) for s in scan(tmp_path).seasons}
    assert seasons == {0: ["poster"], 1: ["banner", "poster"]}


def test_season_images_are_not_series_assets(tmp_path: Path) -> None:
    touch(tmp_path / "Show/season02-poster.jpg", b"img")
    touch(tmp_path / "Show/Show S02E01.mkv")
    assert scan(tmp_path).assets == []


def test_artwork_inside_a_season_folder(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 2/poster.jpg", b"img")
    touch(tmp_path / "Show/Season 2/Show S02E01.mkv")
    [season] = scan(tmp_path).seasons
    assert [(a.asset_type, a.path.name) for a in season.assets] == [("poster", "poster.jpg")]


def test_episode_thumb(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/Show S01E01.mkv")
    touch(tmp_path / "Show/Season 1/Show S01E01-thumb.jpg", b"img")
    [episode] = scan(tmp_path).episodes
    assert episode.thumb is not None and episode.thumb.path.name == "Show S01E01-thumb.jpg"


def test_episode_subtitles_next_to_it_and_in_subs(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Season 1/Show S01E01.mkv")
    touch(tmp_path / "Show/Season 1/Show S01E01.en.forced.srt", b"sub")
    touch(tmp_path / "Show/Season 1/Subs/Show S01E01.fr.ass", b"sub")
    [episode] = scan(tmp_path).episodes
    assert [(s.language, s.forced, s.format) for s in episode.subtitles] == [("en", True, "srt"), ("fr", False, "ass")]


def test_subtitle_of_episode_1_is_not_given_to_episode_10(tmp_path: Path) -> None:
    touch(tmp_path / "Show/Episode 1.mkv")
    touch(tmp_path / "Show/Episode 10.mkv")
    touch(tmp_path / "Show/Episode 1.en.srt", b"sub")
    touch(tmp_path / "Show/Season 1/Episode 1.mkv")
    touch(tmp_path / "Show/Season 1/Episode 10.mkv")
    touch(tmp_path / "Show/Season 1/Episode 1.en.srt", b"sub")
    subtitles = {e.relative_path: len(e.subtitles) for e in scan(tmp_path).episodes}
    assert subtitles == {
        "Show/Episode 1.mkv": 1,  # "Episode N" outside a season folder is an absolute number
        "Show/Episode 10.mkv": 0,
        "Show/Season 1/Episode 1.mkv": 1,
        "Show/Season 1/Episode 10.mkv": 0,
    }


def test_media_info_per_episode(tmp_path: Path) -> None:
    (tmp_path / "Show").mkdir()
    shutil.copy(MEDIA / "h264_aac.mp4", tmp_path / "Show/Show S01E01.mp4")
    [episode] = scan(tmp_path, read_media=True).episodes
    assert episode.media is not None and episode.media.video[0].codec == "h264"


def test_unreadable_media_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "Show").mkdir()
    shutil.copy(MEDIA / "not_a_video.mkv", tmp_path / "Show/Show S01E01.mkv")
    result = scan(tmp_path, read_media=True)
    assert result.episodes[0].media is None and "Show S01E01.mkv" in result.errors[0].message


def test_missing_series_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="no longer exists"):
        scan(tmp_path, "Gone")
