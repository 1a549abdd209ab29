"""TV enrichment in the database, without Temporal: the real series scan recorded into SQLite and PostgreSQL,
then the fake TMDB's answers applied (locks, idempotence, candidates by owner, selection, cache owners)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update

from reelscan.db import asset_records, tv_enrichment
from reelscan.db.models import AssetCandidate, Episode, Season, Series
from reelscan.db.session import session_scope
from reelscan.providers.tmdb import trailer_candidates
from reelscan.providers.tmdb_tv import (
    parse_season,
    parse_series_details,
    season_image_candidates,
    series_image_candidates,
)
from reelscan.settings import Settings
from tests.fake_tmdb import sample_season, sample_series
from tests.unit.test_tv_repository import record, root

__all__ = ["root"]  # the library fixture, shared with the recording tests
DETAILS = sample_series(77, "Show", 2020, {1: 3, 2: 1, 3: 8}, tvdb_id=1234)
BASE = "http://images.test/t/p/"


def test_series_metadata_seasons_and_artwork_apply_once_and_respect_locks(any_settings: Settings, root: Path) -> None:
    recorded = record(any_settings, root)
    series_id = recorded.series_id
    assert series_id is not None
    url = any_settings.resolved_database_url
    with session_scope(url) as session:
        job_id = session.scalar(select(func.max(Series.last_scan_job_id)))
        assert job_id is not None
        page, total = tv_enrichment.series_enrichment_page(session, job_id, 1, 0, 10)
        assert total == 1 and page[0].id == series_id and page[0].title == "Show"
        session.execute(update(Episode).where(Episode.title == "Pilot").values(title_locked=True))
        session.execute(update(Series).values(genres_locked=True, fanart_locked=True))

    for _ in range(2):  # a retried activity changes nothing more
        with session_scope(url) as session:
            tv_enrichment.store_series_details(session, series_id, 77, DETAILS)
            tv_enrichment.store_series_artwork(
                session, series_id, series_image_candidates(DETAILS), trailer_candidates(DETAILS), BASE
            )
            meta = parse_series_details(tv_enrichment.series_details(session, series_id) or {})
            assert tv_enrichment.seasons_to_fetch(session, series_id, meta) == [1, 2]  # not season 3: not on disk
            tv_enrichment.apply_series_metadata(session, series_id, meta, "nfo")
            applied = []
            for number in (1, 2):
                season = sample_season(DETAILS, number) or {}
                result = tv_enrichment.apply_season(
                    session, series_id, number, parse_season(season), title=season["name"], plot=season["overview"]
                )
                assert result.season_id is not None
                tv_enrichment.store_season_artwork(session, result.season_id, season_image_candidates(season), BASE)
                applied.append(result)
            chosen = tv_enrichment.select_series_artwork(
                session, series_id, preferred_language="en", local_first=True, keep={}
            )
        assert [a.episodes_matched for a in applied] == [2, 1]

    with session_scope(url) as session:
        series = session.get(Series, series_id)
        assert series is not None
        assert (series.state, series.tmdb_id, series.tvdb_id, series.provider_match) == ("enriched", 77, 1234, "nfo")
        assert series.plot == "Show is a series first aired in 2020." and series.genres == []  # genres locked
        assert series.studios == ["Fake Network", "Fake Studios"] and series.premiered == "2020-09-01"
        episodes = {(e.season_number, e.episode_number): e for e in session.scalars(select(Episode))}
        assert episodes[(1, 1)].title == "Pilot" and episodes[(1, 1)].air_date == "2020-09-01"
        assert (episodes[(1, 2)].title, episodes[(1, 2)].air_date) == ("Show S01E02 title", "2020-09-08")
        assert episodes[(2, 1)].plot == "Episode 1 of season 2 of Show."
        seasons = {s.number: s for s in session.scalars(select(Season).where(Season.series_id == series_id))}
        assert (seasons[1].title, seasons[2].plot) == ("Season 1", "Season 2 of Show.")

        candidates = {c.id: c for c in session.scalars(select(AssetCandidate))}
        tmdb = [c for c in candidates.values() if c.source == "tmdb"]
        assert len(tmdb) == 8 + 2 * 2  # series images and trailers, two posters per season: none twice
        # Local artwork first: the series' poster.jpg and season01-poster.jpg; the locked fanart stays unset.
        series_poster, season_poster = candidates[chosen["poster"]], candidates[chosen["season 1 poster"]]
        assert series_poster.source == "local" and series_poster.series_id == series_id
        assert season_poster.source == "local" and season_poster.season_id == seasons[1].id
        assert candidates[chosen["season 2 poster"]].source == "tmdb" and "fanart" not in chosen

        downloads = tv_enrichment.series_downloads(session, series_id, preferred_language="en", keep={"poster": 1})
        owners = {candidates[i].owner for i, _ in downloads}
        assert {kind for kind, _ in owners} == {"series", "season"} and all(u.startswith(BASE) for _, u in downloads)
        rows = asset_records.uncached_assets(session, [], [i for i, _ in downloads])
        assert {asset_records.asset_owner(r) for r in rows} == owners

        tv_enrichment.mark_series_outcome(session, series_id, "enrichment_failed", "TMDB failed")
    with session_scope(url) as session:
        series = session.get(Series, series_id)
        assert series is not None and (series.state, series.enrichment_error) == ("enrichment_failed", "TMDB failed")
