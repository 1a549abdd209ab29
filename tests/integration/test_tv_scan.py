"""A TV library through the pipeline: series folders, seasons, episodes, counts in words, incremental rescans."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from temporalio.client import Client

from reelscan.db import views
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.service import scans
from reelscan.settings import Settings
from tests.integration.scanning import finish, running_workers

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
TVSHOW_NFO = '<tvshow><title>The Expanse</title><year>2015</year><uniqueid type="tmdb">63639</uniqueid></tvshow>'


def put(path: Path, fixture: str = "h264_aac.mp4") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MEDIA / fixture, path)


def build_tv_library(root: Path) -> None:
    expanse = root / "The Expanse (2015)"
    expanse.mkdir(parents=True)
    (expanse / "tvshow.nfo").write_text(TVSHOW_NFO)
    put(expanse / "poster.jpg", "poster.jpg")
    put(expanse / "season01-poster.jpg", "fanart.jpg")
    put(expanse / "Season 01" / "The Expanse S01E01.mp4")
    put(expanse / "Season 01" / "The Expanse S01E02.mkv", "h264_aac_2audio_subs.mkv")
    put(expanse / "Season 01" / "The Expanse S01E03E04.mp4")
    put(expanse / "Season 02" / "The Expanse S02E01.mp4")
    put(expanse / "Specials" / "The Expanse S00E01.mp4")
    flat = root / "Flat Show"
    put(flat / "Flat Show 1x01.mp4")
    put(flat / "Flat Show 1x02.mp4")
    put(flat / "behind the scenes clip.mp4")  # no episode rule matches


async def scan_tv(client: Client, settings: Settings, root: Path) -> dict[str, Any]:
    library_id = scans.library_for_path(settings, root, library_type="tv")
    async with running_workers(client, settings):
        started = await scans.start_scan(client, settings, library_id, ScanOptions())
        return await finish(client, started)


async def test_a_tv_library_scans_series_seasons_and_episodes_with_exact_counts(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "TV"
    build_tv_library(root)
    message = await scan_tv(client, sqlite_settings, root)

    assert message["phase"] == "completed" and message["libraryType"] == "tv"
    stats = message["stats"]
    assert (stats["seriesFound"], stats["seriesNew"], stats["episodesFound"], stats["episodesNew"]) == (2, 2, 8, 8)
    assert stats["episodesUnmatched"] == 1 and stats["moviesFound"] == 0
    assert stats["assetsCached"] == 2  # the series poster and the season poster
    assert message["summary"].startswith("Scan completed: 2 series, 8 episodes (8 new, 0 updated), 1 unmatched file")
    with session_scope(sqlite_settings.resolved_database_url) as session:
        series = {s["directory"]: s for s in views.list_series(session)}
    assert series["The Expanse (2015)"]["title"] == "The Expanse"
    seasons = {s["number"]: s for s in series["The Expanse (2015)"]["seasons"]}
    assert sorted(seasons) == [0, 1, 2]


async def test_a_tv_rescan_finds_exactly_the_added_episode_and_skips_unchanged_series(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "TV"
    build_tv_library(root)
    await scan_tv(client, sqlite_settings, root)
    put(root / "Flat Show" / "Flat Show 1x03.mp4")
    message = await scan_tv(client, sqlite_settings, root)

    stats = message["stats"]
    assert (stats["seriesFound"], stats["seriesNew"], stats["seriesUpdated"]) == (2, 0, 1)
    assert (stats["episodesFound"], stats["episodesNew"], stats["episodesUpdated"]) == (9, 1, 0)
    assert message["progress"]["scanning"]["unchanged"] == 1
