"""Phase 4 for TV libraries against the fake TMDB: EnrichSeriesWorkflow on the real dev server with in-process
workers, a small TV library recorded by the real series scan into SQLite."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import select, update
from temporalio.client import Client

from activities.enrich_tv import series_target
from reelscan.asset_cache import cache_pending_assets, pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import scan_jobs, series_records, work_list
from reelscan.db.models import AssetCandidate, Episode, Season, Series
from reelscan.db.session import session_scope
from reelscan.db.tv_enrichment import series_enrichment_page
from reelscan.library.discovery import DiscoveredDirectory
from reelscan.library.series_scanner import scan_series_directory
from reelscan.payloads.tv import EnrichSeriesInput, EnrichSeriesResult, SeriesTarget
from reelscan.settings import Settings
from tests.fake_tmdb import API_KEY, FakeTmdb, sample_series, series_for_library
from tests.integration.scanning import running_workers
from tests.integration.test_enrichment import configure
from workflows.enrich_series import EnrichSeriesWorkflow

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
TVSHOW = "<tvshow><title>{title}</title><year>{year}</year>{ids}</tvshow>"
EPISODE_NFO = "<episodedetails><title>{}</title><season>{}</season><episode>{}</episode></episodedetails>"
# folder: (title, year, uniqueids, {season: episodes})
SHOWS = {
    "Breaking Test (2008)": ("Breaking Test", 2008, '<uniqueid type="tmdb">1396</uniqueid>', {1: 2, 2: 1}),
    "Tvdb Show (2015)": ("Tvdb Show", 2015, '<uniqueid type="tvdb">281662</uniqueid>', {1: 2}),
    "Searchable Show (2012)": ("Searchable Show", 2012, "", {1: 1}),
    "Nowhere Show (1999)": ("Nowhere Show", 1999, "", {1: 1}),
}


def build_tv_library(root: Path) -> None:
    for folder, (title, year, ids, seasons) in SHOWS.items():
        show = root / folder
        show.mkdir(parents=True)
        (show / "tvshow.nfo").write_text(TVSHOW.format(title=title, year=year, ids=ids))
        for season, count in seasons.items():
            for number in range(1, count + 1):
                target = show / f"Season {season:02d}" / f"{title} S{season:02d}E{number:02d}.mp4"
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(MEDIA / "h264_aac.mp4", target)
    breaking = root / "Breaking Test (2008)"
    shutil.copyfile(MEDIA / "poster.jpg", breaking / "poster.jpg")
    (breaking / "Season 01" / "Breaking Test S01E01.nfo").write_text(EPISODE_NFO.format("My Pilot", 1, 1))


def record_library(settings: Settings, root: Path) -> tuple[int, int]:
    """One scan job that records every series folder; returns its id and the library's."""
    with session_scope(settings.resolved_database_url) as session:
        library = scan_jobs.get_or_create_library(session, root, library_type="tv")
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        folders = sorted(SHOWS)
        work_list.replace_scan_directories(session, job.id, [DiscoveredDirectory(f, f"fp-{f}") for f in folders])
        for seq, folder in enumerate(folders):
            series_records.record_series_scan(
                session,
                scan_job_id=job.id,
                seq=seq,
                library_id=library.id,
                scan=scan_series_directory(root, folder),
                cache_exists=CacheStore(settings.resolved_cache_dir).exists,
            )
        # A user's own title for the pilot: enrichment must keep it.
        session.execute(
            update(Episode).where(Episode.title == "My Pilot").values(title_locked=True, plot="My own plot")
        )
        session.execute(update(Series).where(Series.title == "Tvdb Show").values(plot="Mine", plot_locked=True))
        return job.id, library.id


class TvLibrary(NamedTuple):
    root: Path
    scan_job_id: int
    library_id: int


@pytest.fixture
def tv_library(sqlite_settings: Settings, tmp_path: Path) -> TvLibrary:
    """The library on disk, recorded by one scan into the test's SQLite database."""
    root = tmp_path / "TV"
    build_tv_library(root)
    return TvLibrary(root, *record_library(sqlite_settings, root))


def all_targets(settings: Settings, scan_job_id: int, library_id: int) -> list[SeriesTarget]:
    with session_scope(settings.resolved_database_url) as session:
        return [series_target(row) for row in series_enrichment_page(session, scan_job_id, library_id, 0, 100)[0]]


class Catalogue(NamedTuple):
    fake: FakeTmdb
    settings: Settings
    targets: dict[str, SeriesTarget]  # the library's series to enrich, by title


@pytest.fixture
def catalogue(tv_library: TvLibrary, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalogue]:
    """The fake TMDB serving the library's series, the settings that point at it and the series to enrich."""
    with serve_catalogue(tv_library.root) as fake:
        settings = configure(monkeypatch, fake)
        targets = all_targets(settings, tv_library.scan_job_id, tv_library.library_id)
        yield Catalogue(fake, settings, {t.title: t for t in targets})


def serve_catalogue(root: Path) -> FakeTmdb:
    """Every series but Nowhere Show; Breaking Test also lists a season 5 that is not on disk."""
    fake = FakeTmdb()
    for details in series_for_library(root):
        if details["name"] == "Breaking Test":
            details["seasons"].append({**details["seasons"][-1], "season_number": 5, "id": 139605})
        if details["name"] != "Nowhere Show":
            fake.add_series(details)
    return fake


async def enrich_all(
    client: Client,
    settings: Settings,
    fake: FakeTmdb,
    scan_job_id: int,
    targets: Sequence[SeriesTarget],
    mode: str = "full",
) -> dict[str, EnrichSeriesResult]:
    runs = [
        client.execute_workflow(
            EnrichSeriesWorkflow.run,
            EnrichSeriesInput(
                scan_job_id=scan_job_id,
                target=target,
                mode=mode,
                image_base_url=f"{fake.root_url}/t/p/",
                enrich_task_queue=settings.enrich_task_queue,
                provider_retry_attempts=2,
            ),
            id=f"{settings.workflow_id_prefix}-enrich-series-{target.series_id}",
            task_queue=settings.scan_task_queue,
        )
        for target in targets
    ]
    return {t.title: r for t, r in zip(targets, await asyncio.gather(*runs), strict=True)}


def cache_downloads(
    settings: Settings, root: Path, scan_job_id: int, to_cache: list[int]
) -> dict[int, tuple[str, int]]:
    """Phase 3's cache batch for downloaded candidates; returns each one's cache owner."""
    with session_scope(settings.resolved_database_url) as session:
        pending = pending_assets(session, [], to_cache)
    store = CacheStore(settings.resolved_cache_dir)
    outcomes = cache_pending_assets(
        partial(session_scope, settings.resolved_database_url), store, root, pending, scan_job_id
    )
    assert [o.error for o in outcomes if o.error is not None] == []
    return {p.asset_id: (p.entity_type, p.entity_id) for p in pending}


def choice(row: Series | Season, asset_type: str) -> int:
    """The chosen candidate id of an artwork type (the `<type>_id` column)."""
    return int(getattr(row, f"{asset_type}_id") or 0)


def load(settings: Settings) -> tuple[dict[str, Series], dict[tuple[str, int, int], Episode], list[AssetCandidate]]:
    with session_scope(settings.resolved_database_url) as session:
        series = {s.title: s for s in session.scalars(select(Series))}
        names = {s.id: s.directory for s in series.values()}
        episodes = {
            (names[e.series_id], e.season_number or 0, e.episode_number or 0): e
            for e in session.scalars(select(Episode))
        }
        candidates = list(session.scalars(select(AssetCandidate)))
        for row in [*series.values(), *episodes.values(), *candidates]:
            session.expunge(row)
        return series, episodes, candidates


async def test_series_enrichment_fills_episodes_keeps_locks_and_selects_artwork(
    client: Client, tv_library: TvLibrary, catalogue: Catalogue
) -> None:
    fake, settings, _ = catalogue
    root, scan_job_id, library_id = tv_library
    with session_scope(settings.resolved_database_url) as session:
        first_rows, total = series_enrichment_page(session, scan_job_id, library_id, 0, 3)
        rest_rows, _ = series_enrichment_page(session, scan_job_id, library_id, first_rows[-1].id, 3)
        first, rest = [series_target(r) for r in first_rows], [series_target(r) for r in rest_rows]
    assert total == 4 and len(first) == 3 and len(rest) == 1
    async with running_workers(client, settings):
        results = await enrich_all(client, settings, fake, scan_job_id, [*first, *rest])
        cached = cache_downloads(settings, root, scan_job_id, [i for r in results.values() for i in r.to_cache])
        again = await enrich_all(client, settings, fake, scan_job_id, first[:1])
        histories = []
        for target in [*first, *rest]:
            handle = client.get_workflow_handle(f"{settings.workflow_id_prefix}-enrich-series-{target.series_id}")
            histories.append((await handle.fetch_history()).to_json())
    season_paths = sorted({r.path for r in fake.api_requests("/3/tv/") if "/season/" in r.path})

    assert {title: r.outcome for title, r in results.items()} == {
        "Breaking Test": "enriched",
        "Tvdb Show": "enriched",
        "Searchable Show": "enriched",
        "Nowhere Show": "unmatched",
    }
    series, episodes, candidates = load(settings)

    # Series metadata, with the match recorded and a locked field kept.
    breaking = series["Breaking Test"]
    assert (breaking.state, breaking.provider_match, breaking.tmdb_id) == ("enriched", "nfo", 1396)
    assert breaking.plot == "Breaking Test is a series first aired in 2008."
    assert breaking.genres == ["Drama", "Crime"] and breaking.studios == ["Fake Network", "Fake Studios"]
    assert breaking.premiered == "2008-09-01" and breaking.year == 2008 and breaking.unique_ids["tmdb"] == "1396"
    assert breaking.enriched_at is not None and breaking.enrichment_error is None
    tvdb = series["Tvdb Show"]
    assert (tvdb.state, tvdb.provider_match, tvdb.plot) == ("enriched", "tvdb", "Mine")
    assert tvdb.tvdb_id == 281662 and tvdb.tmdb_id is not None
    assert series["Searchable Show"].provider_match == "search"
    nowhere = series["Nowhere Show"]
    assert nowhere.state == "unmatched" and "no TMDB match for 'Nowhere Show' (1999)" in (
        nowhere.enrichment_error or ""
    )
    assert results["Nowhere Show"].error == nowhere.enrichment_error

    # Episodes: titles, air dates and plots from each season on disk; the locked title kept.
    pilot = episodes[("Breaking Test (2008)", 1, 1)]
    assert (pilot.title, pilot.air_date) == ("My Pilot", "2008-09-01")
    assert pilot.plot == "Episode 1 of season 1 of Breaking Test."
    second = episodes[("Breaking Test (2008)", 1, 2)]
    assert (second.title, second.air_date) == ("Breaking Test S01E02 title", "2008-09-08")
    assert episodes[("Breaking Test (2008)", 2, 1)].air_date == "2009-09-01"
    assert episodes[("Tvdb Show (2015)", 1, 2)].title == "Tvdb Show S01E02 title"
    assert episodes[("Nowhere Show (1999)", 1, 1)].title is None
    assert season_paths == [
        "/3/tv/1396/season/1",
        "/3/tv/1396/season/2",
        *sorted(f"/3/tv/{series[t].tmdb_id}/season/1" for t in ("Searchable Show", "Tvdb Show")),
    ]  # season 5 is not on disk: never fetched

    # Artwork: provider posters, fanart and logos of the series, posters of each season; local art wins.
    by_id = {c.id: c for c in candidates}
    provider = sorted(c.asset_type for c in candidates if c.series_id == breaking.id and c.source == "tmdb")
    assert provider == ["clearlogo", "fanart", "fanart", "poster", "poster", "poster", "trailer", "trailer"]
    assert by_id[choice(breaking, "poster")].source == "local" and by_id[choice(breaking, "fanart")].source == "tmdb"
    chosen = by_id[choice(tvdb, "poster")]
    assert chosen.source == "tmdb" and chosen.series_id == tvdb.id and chosen.provider_path.endswith("-en.jpg")
    with session_scope(settings.resolved_database_url) as session:
        seasons = list(session.scalars(select(Season).where(Season.series_id == breaking.id).order_by(Season.number)))
    assert [s.title for s in seasons] == ["Season 1", "Season 2"] and seasons[0].plot == "Season 1 of Breaking Test."
    season_poster = by_id[choice(seasons[0], "poster")]
    assert season_poster.season_id == seasons[0].id and season_poster.source == "tmdb"
    assert not any(c.movie_id for c in candidates)
    assert results["Nowhere Show"].to_cache == [] and not [c for c in candidates if c.series_id == nowhere.id]

    # The downloads went through phase 3's cache batch into series/ and season/ folders.
    assert {entity for entity, _ in cached.values()} == {"series", "season"}
    assert season_poster.id in cached and chosen.id in cached
    assert (chosen.cache_path or "").startswith(f"series/{tvdb.id}/poster_")
    assert (season_poster.cache_path or "").startswith(f"season/{seasons[0].id}/poster_")
    assert not list((settings.data_dir / "downloads").rglob("*.*"))
    # Enriching again downloads nothing new and adds no candidate; the choice stays.
    assert again["Breaking Test"].outcome == "enriched" and again["Breaking Test"].to_cache == []
    assert len(load(settings)[2]) == len(candidates)

    # The API key never enters a workflow history.
    text = "\n".join(histories)
    assert "fetch_series_details" in text and "fetch_season" in text and API_KEY not in text


async def test_metadata_only_skips_artwork_and_provider_errors_mark_enrichment_failed(
    client: Client, tv_library: TvLibrary, catalogue: Catalogue
) -> None:
    fake, settings, targets = catalogue
    scan_job_id = tv_library.scan_job_id
    async with running_workers(client, settings):
        quick = await enrich_all(client, settings, fake, scan_job_id, [targets["Breaking Test"]], mode="metadata-only")
        fake.set_mode("500", path_prefix="/3/find/")
        failed = await enrich_all(client, settings, fake, scan_job_id, [targets["Tvdb Show"]])

    assert quick["Breaking Test"].outcome == "enriched" and quick["Breaking Test"].to_cache == []
    series, episodes, candidates = load(settings)
    assert episodes[("Breaking Test (2008)", 1, 2)].title == "Breaking Test S01E02 title"
    assert {c.source for c in candidates} == {"local"}  # no provider artwork; the local poster is chosen
    assert candidates[0].id == choice(series["Breaking Test"], "poster")

    result = failed["Tvdb Show"]
    assert (result.outcome, result.error_type) == ("failed", "ProviderUnavailable")
    tvdb = series["Tvdb Show"]
    assert tvdb.state == "enrichment_failed" and tvdb.enrichment_error == result.error
    assert "enrichment of series 'Tvdb Show' failed" in (result.error or "")


async def test_an_nfo_id_tmdb_does_not_know_falls_back_to_a_title_search(
    client: Client, tv_library: TvLibrary, catalogue: Catalogue
) -> None:
    fake, settings, targets = catalogue
    scan_job_id = tv_library.scan_job_id
    stale = targets["Breaking Test"].model_copy(update={"tmdb_id": 999999})  # an id TMDB has nothing at
    async with running_workers(client, settings):
        results = await enrich_all(client, settings, fake, scan_job_id, [stale], mode="metadata-only")
    paths = [r.path for r in fake.api_requests()]

    assert results["Breaking Test"].outcome == "enriched"
    series, episodes, _ = load(settings)
    breaking = series["Breaking Test"]
    assert (breaking.tmdb_id, breaking.provider_match) == (1396, "search")
    assert episodes[("Breaking Test (2008)", 1, 2)].title == "Breaking Test S01E02 title"  # the match's seasons
    assert paths.index("/3/tv/999999") < paths.index("/3/tv/1396") < paths.index("/3/tv/1396/season/1")


async def test_a_series_tmdb_lists_only_among_its_alternative_titles_is_matched_by_them(
    client: Client, tv_library: TvLibrary, catalogue: Catalogue
) -> None:
    fake, settings, targets = catalogue
    # Nowhere Show is on disk under the name TMDB gives it only in the US: its search result is named otherwise.
    nowhere = sample_series(90001, "La serie de ninguna parte", 1999, {1: 1})
    nowhere["alternative_titles"] = {"US": "Nowhere Show", "DE": "Die Serie von Nirgendwo"}
    fake.add_series(nowhere)
    async with running_workers(client, settings):
        results = await enrich_all(
            client, settings, fake, tv_library.scan_job_id, [targets["Nowhere Show"]], mode="metadata-only"
        )
        handle = client.get_workflow_handle(
            f"{settings.workflow_id_prefix}-enrich-series-{targets['Nowhere Show'].series_id}"
        )
        history = await handle.fetch_history()
    paths = [r.path for r in fake.api_requests()]
    markers = [
        e.marker_recorded_event_attributes for e in history.events if e.HasField("marker_recorded_event_attributes")
    ]
    activities = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]

    assert results["Nowhere Show"].outcome == "enriched", results
    series, episodes, _ = load(settings)
    found = next(s for s in series.values() if s.directory == "Nowhere Show (1999)")
    assert (found.state, found.tmdb_id, found.provider_match) == ("enriched", 90001, "search")
    assert episodes[("Nowhere Show (1999)", 1, 1)].title == "La serie de ninguna parte S01E01 title"
    assert paths.count("/3/search/tv") == 1 and paths.count("/3/tv/90001/alternative_titles") == 1
    patches = [
        json.loads(m.details["patch-data"].payloads[0].data)["id"] for m in markers if m.marker_name == "core_patch"
    ]
    assert patches == ["series-search-alternative-titles"]
    assert activities[:3] == ["search_series_id", "match_series_alternative_titles", "fetch_series_details"]
