"""A TV library through the four phases: series folders, seasons, episodes, counts in words, incremental rescans
and enrichment from the fake TMDB's TV endpoints."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.client import Client

from reelscan.db import views
from reelscan.db.models import Episode, Series
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.fake_tmdb import FakeTmdb, series_for_library
from tests.integration.scanning import finish, running_workers
from tests.integration.test_enrichment import configure
from tests.library_builder import MEDIA, TvLibraryManifest, build_tv_library
from tests.unit.test_tv_season_skip import corrupt_keeping_size_and_mtime


@pytest.fixture
def library(tmp_path: Path) -> TvLibraryManifest:
    return build_tv_library(tmp_path / "TV")


@pytest.fixture
def fake(library: TvLibraryManifest) -> Iterator[FakeTmdb]:
    with FakeTmdb(series=series_for_library(library.root, every_series_folder=True)) as server:
        yield server


async def scan_tv(client: Client, settings: Settings, root: Path, options: ScanOptions) -> dict[str, Any]:
    library_id = scans.library_for_path(settings, root, library_type="tv")
    async with running_workers(client, settings):
        started = await scans.start_scan(client, settings, library_id, options)
        return await finish(client, started)


async def test_a_tv_library_scans_series_and_episodes_with_exact_counts_then_enriches_them(
    client: Client,
    sqlite_settings: Settings,
    library: TvLibraryManifest,
    fake: FakeTmdb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = configure(monkeypatch, fake)
    message = await scan_tv(client, settings, library.root, ScanOptions(enable_enrichment=True))

    assert message["phase"] == "completed" and message["libraryType"] == "tv"
    stats = message["stats"]
    assert (stats["seriesFound"], stats["seriesNew"]) == (library.series_total, library.series_total)
    assert (stats["episodesFound"], stats["episodesNew"]) == (library.episodes_total, library.episodes_total)
    assert stats["episodesUnmatched"] == len(library.unmatched) and stats["moviesFound"] == 0
    assert message["summary"].startswith(
        f"Scan completed: {library.series_total} series, {library.episodes_total} episodes "
        f"({library.episodes_total} new, 0 updated), 1 unmatched file"
    )
    assert message["progress"]["enriching"]["completed"] == library.series_total
    assert stats["assetsCached"] >= library.assets_total  # local assets, then the provider's artwork

    with session_scope(settings.resolved_database_url) as session:
        listed = {s["directory"]: s for s in views.list_series(session)}
        states = {s.directory: s.state for s in session.scalars(select(Series))}
        titles = {
            (e.season_number, e.episode_number): e.title
            for e in session.scalars(select(Episode).join(Series).where(Series.directory == "Quiet Harbor (2021)"))
        }
    assert set(listed) == set(library.series)
    assert sorted(s["number"] for s in listed["Breaking Code (2019)"]["seasons"]) == [0, 1, 2]
    assert set(states.values()) == {"enriched"}
    # Quiet Harbor has no NFO: found by a title search, its episode titles come from TMDB's season.
    assert titles == {(1, 1): "Quiet Harbor S01E01 title", (1, 2): "Quiet Harbor S01E02 title"}


def streams_of(settings: Settings, file_path: str) -> list[str | None]:
    with session_scope(settings.resolved_database_url) as session:
        episode = session.scalars(select(Episode).where(Episode.file_path == file_path)).one()
        return [stream.codec for stream in episode.streams]


async def test_a_tv_rescan_finds_exactly_the_added_episode_and_skips_unchanged_series(
    client: Client, sqlite_settings: Settings, library: TvLibraryManifest
) -> None:
    options = ScanOptions(enable_enrichment=False)
    await scan_tv(client, sqlite_settings, library.root, options)
    shutil.copyfile(MEDIA / "h264_aac.mp4", library.root / "Quiet Harbor (2021)" / "Quiet Harbor 1x03.mp4")
    # A new episode in Season 02 of a series: only that season folder is read again, not the unchanged Season 01.
    code = "Breaking Code (2019)"
    shutil.copyfile(MEDIA / "h264_aac.mp4", library.root / code / "Season 02" / "Breaking Code S02E03.mp4")
    untouched = f"{code}/Season 01/Breaking Code S01E02.mp4"
    recorded = streams_of(sqlite_settings, untouched)
    corrupt_keeping_size_and_mtime(library.root / untouched)
    message = await scan_tv(client, sqlite_settings, library.root, options)

    stats = message["stats"]
    assert (stats["seriesFound"], stats["seriesNew"], stats["seriesUpdated"]) == (library.series_total, 0, 2)
    assert (stats["episodesFound"], stats["episodesNew"], stats["episodesUpdated"]) == (
        library.episodes_total + 2,
        2,
        0,
    )
    assert message["progress"]["scanning"]["unchanged"] == library.series_total - 2
    assert recorded and streams_of(sqlite_settings, untouched) == recorded

    # forceFullRescan reads every season folder again.
    forced = await scan_tv(
        client, sqlite_settings, library.root, options.model_copy(update={"force_full_rescan": True})
    )
    assert (forced["stats"]["episodesFound"], forced["stats"]["episodesUpdated"]) == (library.episodes_total + 2, 1)
    assert streams_of(sqlite_settings, untouched) == []
