"""Recording series folders: real folders of tiny media files, the real series scan, SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from reelscan.asset_cache import cache_pending_assets, pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import asset_records, scan_jobs, series_records, views, work_list
from reelscan.db.models import Episode, EpisodeStream, Season, Series, TvAsset, is_locked
from reelscan.db.session import alembic_config, get_engine, migrate, session_scope
from reelscan.db.work_list import RecordedDirectory
from reelscan.library.series_scanner import FolderError, scan_series_directory
from reelscan.settings import Settings
from tests.movie_folders import record_series_folder

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
SHOW = "Show (2020)"
TVSHOW_NFO = "<tvshow><title>{}</title><year>2020</year><plot>{}</plot></tvshow>"
EPISODE_NFO = "<episodedetails><title>{}</title><season>1</season><episode>{}</episode></episodedetails>"


def put(path: Path, fixture: str | None = None, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        path.write_text(text)
    else:
        shutil.copyfile(MEDIA / (fixture or "h264_aac.mp4"), path)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tv_library(tmp_path)


def tv_library(tmp_path: Path) -> Path:
    """A TV library with one series: two seasons, three episodes, an NFO, artwork, a thumb and a subtitle."""
    library = tmp_path / "TV"
    show = library / SHOW
    put(show / "tvshow.nfo", text=TVSHOW_NFO.format("Show", "A plot."))
    put(show / "poster.jpg", "poster.jpg")
    put(show / "season01-poster.jpg", "poster.jpg")
    put(show / "Season 01" / "Show S01E01.mp4")
    put(show / "Season 01" / "Show S01E01.nfo", text=EPISODE_NFO.format("Pilot", 1))
    put(show / "Season 01" / "Show S01E01-thumb.jpg", "poster.jpg")
    put(show / "Season 01" / "Show S01E01.en.srt", "subtitle.en.srt")
    put(show / "Season 01" / "Show S01E02.mkv", "h264_aac_2audio_subs.mkv")
    put(show / "Season 02" / "Show S02E01.mp4")
    return library


def record(settings: Settings, root: Path, directory: str = SHOW, *, incremental: bool = False) -> RecordedDirectory:
    """One scan of the library that records this series folder (the scan is then completed)."""
    return record_series_folder(settings, root, directory, incremental=incremental)


def episodes(session: Session) -> dict[tuple[int | None, int | None], Episode]:
    return {(e.season_number, e.episode_number): e for e in session.scalars(select(Episode))}


def row_counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Series, Season, Episode, EpisodeStream, TvAsset)
    )


def test_recording_twice_changes_nothing_the_second_time(any_settings: Settings, root: Path) -> None:
    first = record(any_settings, root)
    assert (first.outcome, first.episodes_found, first.episodes_new, first.episodes_updated) == ("new", 3, 3, 0)
    assert first.series_id is not None and first.movie_id is None and not first.errors
    with session_scope(any_settings.resolved_database_url) as session:
        before = row_counts(session)
        series = session.get(Series, first.series_id)
        assert series is not None
        assert (series.title, series.year, series.plot, series.state) == ("Show", 2020, "A plot.", "discovered")
        assert [s.number for s in series.seasons] == [1, 2]
        pilot = episodes(session)[(1, 1)]
        assert (pilot.title, pilot.file_path) == ("Pilot", f"{SHOW}/Season 01/Show S01E01.mp4")
        assert pilot.streams and pilot.container and pilot.duration_seconds
    assert before[3] > 0  # streams were read

    second = record(any_settings, root)
    assert (second.outcome, second.episodes_found, second.episodes_new, second.episodes_updated) == (
        "unchanged",
        3,
        0,
        0,
    )
    assert second.series_id == first.series_id
    with session_scope(any_settings.resolved_database_url) as session:
        assert row_counts(session) == before


def test_a_retry_of_the_same_directory_reports_what_was_recorded(sqlite_settings: Settings, root: Path) -> None:
    first = record(sqlite_settings, root)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        job_id = session.scalar(select(func.max(Series.last_scan_job_id)))
        assert job_id is not None
        again = series_records.record_series_scan(
            session,
            scan_job_id=job_id,
            seq=0,
            library_id=1,
            scan=scan_series_directory(root, SHOW),
            cache_exists=CacheStore(sqlite_settings.resolved_cache_dir).exists,
        )
        assert again == first
        assert work_list.already_recorded(session, job_id, [0]) == {0: first}


def test_a_new_episode_file_is_exactly_one_new_episode(any_settings: Settings, root: Path) -> None:
    record(any_settings, root)
    put(root / SHOW / "Season 02" / "Show S02E02.mp4")
    result = record(any_settings, root)
    assert (result.outcome, result.episodes_found, result.episodes_new, result.episodes_updated) == ("updated", 4, 1, 0)
    with session_scope(any_settings.resolved_database_url) as session:
        found = episodes(session)
        assert len(found) == 4 and found[(2, 2)].file_path == f"{SHOW}/Season 02/Show S02E02.mp4"


def test_a_removed_episode_file_is_marked_missing_and_comes_back(any_settings: Settings, root: Path) -> None:
    record(any_settings, root)
    moved = root.parent / "away.mkv"
    (root / SHOW / "Season 01" / "Show S01E02.mkv").rename(moved)
    gone = record(any_settings, root)
    assert (gone.outcome, gone.episodes_found, gone.episodes_missing) == ("updated", 2, 1)
    with session_scope(any_settings.resolved_database_url) as session:
        assert {k: e.state for k, e in episodes(session).items()} == {
            (1, 1): "discovered",
            (1, 2): "missing",
            (2, 1): "discovered",
        }
        assert views.list_series(session)[0]["seasons"][0]["missingEpisodes"] == 1
    moved.rename(root / SHOW / "Season 01" / "Show S01E02.mkv")
    back = record(any_settings, root)
    assert (back.episodes_new, back.episodes_updated, back.episodes_missing) == (0, 1, 0)
    with session_scope(any_settings.resolved_database_url) as session:
        assert episodes(session)[(1, 2)].state == "discovered"


def test_a_multi_episode_file_has_a_row_per_episode(any_settings: Settings, root: Path) -> None:
    put(root / SHOW / "Season 01" / "Show S01E03E04.mp4")
    put(root / SHOW / "Season 01" / "Show S01E03E04-thumb.jpg", "poster.jpg")
    result = record(any_settings, root)
    assert (result.episodes_found, result.episodes_new) == (5, 5)
    with session_scope(any_settings.resolved_database_url) as session:
        found = episodes(session)
        third, fourth = found[(1, 3)], found[(1, 4)]
        assert third.file_path == fourth.file_path == f"{SHOW}/Season 01/Show S01E03E04.mp4"
        assert third.file_episodes == fourth.file_episodes == [3, 4]
        assert third.streams and len(third.streams) == len(fourth.streams)
        detail = views.series_detail(session, third.series_id)
        assert detail is not None
        thumbs = {(e["seasonNumber"], e["episodeNumber"]): [a["type"] for a in e["assets"]] for e in detail["episodes"]}
        assert thumbs[(1, 3)] == thumbs[(1, 4)] == ["thumb"]
    assert record(any_settings, root).outcome == "unchanged"


def test_air_date_and_absolute_number_files_are_keyed_by_file(sqlite_settings: Settings, root: Path) -> None:
    put(root / SHOW / "Show 2024-03-01.mp4")
    put(root / SHOW / "[Grp] Show - 112 [1080p].mp4")
    assert record(sqlite_settings, root).episodes_new == 5
    again = record(sqlite_settings, root)
    assert (again.outcome, again.episodes_new, again.episodes_updated) == ("unchanged", 0, 0)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        unnumbered = [e for e in session.scalars(select(Episode)) if e.episode_number is None]
        assert sorted((e.air_date or "", e.absolute_number or 0) for e in unnumbered) == [("", 112), ("2024-03-01", 0)]
        assert views.list_series(session)[0]["episodes"] == 5


def test_locked_fields_keep_their_values(any_settings: Settings, root: Path) -> None:
    first = record(any_settings, root)
    with session_scope(any_settings.resolved_database_url) as session:
        session.execute(update(Series).values(title="My Show", title_locked=True, plot="My plot", plot_locked=True))
        session.execute(update(Episode).where(Episode.episode_number == 1).values(title="My Pilot", title_locked=True))
    put(root / SHOW / "tvshow.nfo", text=TVSHOW_NFO.format("Other Title", "Other plot.").replace("2020", "2021"))
    put(root / SHOW / "Season 01" / "Show S01E01.nfo", text=EPISODE_NFO.format("Other Pilot", 1) + "\n")
    put(root / SHOW / "Season 01" / "Show S01E02.nfo", text=EPISODE_NFO.format("Second", 2))
    result = record(any_settings, root)
    assert (result.outcome, result.episodes_updated) == ("updated", 2)
    with session_scope(any_settings.resolved_database_url) as session:
        series = session.get(Series, first.series_id)
        assert series is not None
        assert (series.title, series.plot, series.year, series.title_source) == ("My Show", "My plot", 2021, "nfo")
        found = episodes(session)
        assert (found[(1, 1)].title, found[(1, 2)].title) == ("My Pilot", "Second")


def test_unmatched_and_duplicate_files_are_the_directory_errors(any_settings: Settings, root: Path) -> None:
    put(root / SHOW / "Season 01" / "random clip.mp4")
    put(root / SHOW / "Show S01E02 720p.mp4")  # another folder; a second copy beside the first is a version
    result = record(any_settings, root)
    unmatched = f"unmatched episode file: {SHOW}/Season 01/random clip.mp4"
    assert result.unmatched == 1 and unmatched in result.errors
    assert any(e.startswith("duplicate episode S01E02: ") for e in result.errors)
    assert result.episodes_found == 3
    with session_scope(any_settings.resolved_database_url) as session:
        job_id = session.scalar(select(func.max(Series.last_scan_job_id)))
        assert job_id is not None
        [listed] = views.scan_errors(session, job_id)
        assert unmatched in listed["errors"]
        series = session.get(Series, result.series_id)
        assert series is not None
        assert FolderError(f"{SHOW}/Season 01", unmatched) in series_records.recorded_errors(series.scan_errors)


def test_assets_are_pending_then_cached_under_their_owner(any_settings: Settings, root: Path) -> None:
    result = record(any_settings, root)
    assert result.assets_to_cache == 4 and result.series_id is not None
    url = any_settings.resolved_database_url
    store = CacheStore(any_settings.resolved_cache_dir)
    with session_scope(url) as session:
        pending = pending_assets(session, [], series_ids=[result.series_id])
        season_id = session.scalar(select(Season.id).where(Season.number == 1))
        pilot_id = episodes(session)[(1, 1)].id
    owners = sorted((a.entity_type, a.entity_id, a.asset_type) for a in pending)
    assert owners == sorted(
        [
            ("series", result.series_id, "poster"),
            ("season", season_id, "poster"),
            ("episode", pilot_id, "thumb"),
            ("episode", pilot_id, "subtitle"),
        ]
    )
    outcomes = cache_pending_assets(partial(session_scope, url), store, root, pending, scan_job_id=1)
    assert all(o.stored is not None for o in outcomes)
    with session_scope(url) as session:
        paths = {
            a.asset_type + ("@season" if a.season_id else ""): a.cache_path for a in session.scalars(select(TvAsset))
        }
        assert str(paths["poster"]).startswith(f"series/{result.series_id}/poster_")
        assert str(paths["poster@season"]).startswith(f"season/{season_id}/poster_")
        assert str(paths["thumb"]).startswith(f"episode/{pilot_id}/thumb_")
        assert all(store.exists(str(p)) for p in paths.values())
        assert asset_records.uncached_assets(session, [], series_ids=[result.series_id]) == []
        by_type, failed, _ = asset_records.cache_outcome(session, [], 1, series_ids=[result.series_id])
        assert (by_type, failed) == ({"poster": 2, "thumb": 1, "subtitle": 1}, 0)
        detail = views.series_detail(session, result.series_id)
        assert detail is not None
        assert [a["type"] for a in detail["assets"]] == ["poster"] and detail["assets"][0]["cachePath"]
        assert [a["type"] for a in detail["seasons"][0]["assets"]] == ["poster"]
        subtitle = next(a for e in detail["episodes"] for a in e["assets"] if a["type"] == "subtitle")
        assert subtitle["language"] == "en"
    assert record(any_settings, root).assets_to_cache == 0


def test_views_list_series_with_seasons_and_episode_counts(sqlite_settings: Settings, root: Path) -> None:
    result = record(sqlite_settings, root)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        [listed] = views.list_series(session, 1)
        assert (listed["title"], listed["episodes"], listed["missingEpisodes"]) == ("Show", 3, 0)
        assert [(s["number"], s["folder"], s["episodes"]) for s in listed["seasons"]] == [
            (1, f"{SHOW}/Season 01", 2),
            (2, f"{SHOW}/Season 02", 1),
        ]
        assert views.list_series(session, 1, state="missing") == []
        detail = views.series_detail(session, listed["id"])
        assert detail is not None and [e["episodeNumber"] for e in detail["episodes"]] == [1, 2, 1]
        assert detail["episodes"][0]["streams"] and detail["episodes"][0]["title"] == "Pilot"
        assert listed["id"] == result.series_id and views.series_detail(session, 999_999) is None
        assert scan_jobs.count_series(session, 1) == 1


def test_a_vanished_series_folder_is_marked_missing(sqlite_settings: Settings, root: Path) -> None:
    record(sqlite_settings, root)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        job = scan_jobs.create_scan_job(session, 1, {})
        assert job is not None
        work_list.replace_scan_directories(session, job.id, [])
        plan = work_list.plan_rescan(session, job.id, 1, complete=True, force=False, model=Series)
        assert (plan.unchanged, plan.missing) == (0, 1)
        assert session.scalars(select(Series.state)).all() == ["missing"]


FULL_TVSHOW_NFO = """<tvshow><title>Show</title><year>2020</year><plot>A plot.</plot><premiered>2020-01-05</premiered>
<mpaa>TV-14</mpaa><status>{status}</status><studio>Fake Network</studio><country>United States</country>
<genre>Drama</genre><ratings><rating name="imdb" max="10" default="true"><value>8.5</value><votes>1000</votes>
</rating></ratings><uniqueid type="tvdb" default="true">12345</uniqueid></tvshow>"""
SEASON_NFO = """<season><seasonnumber>1</seasonnumber><title>Year One</title><premiered>2020-01-05</premiered>
<uniqueid type="tvdb">555</uniqueid></season>"""
FULL_EPISODE_NFO = """<episodedetails><title>Pilot</title><season>1</season><episode>1</episode>
<aired>2020-01-05</aired><runtime>{runtime}</runtime><director>Jane Doe</director><credits>John Roe</credits>
<writer>Ann Poe</writer><rating>7.9</rating><actor><name>Guest Star</name><role>Visitor</role></actor>
<uniqueid type="tvdb">9001</uniqueid></episodedetails>"""


def test_the_nfo_fields_of_series_seasons_and_episodes_are_stored_and_shown(any_settings: Settings, root: Path) -> None:
    put(root / SHOW / "tvshow.nfo", text=FULL_TVSHOW_NFO.format(status="Continuing"))
    put(root / SHOW / "Season 01" / "season.nfo", text=SEASON_NFO)
    put(root / SHOW / "Season 01" / "Show S01E01.nfo", text=FULL_EPISODE_NFO.format(runtime=52))
    first = record(any_settings, root)
    with session_scope(any_settings.resolved_database_url) as session:
        series = session.get(Series, first.series_id)
        assert series is not None
        assert (series.mpaa, series.status, series.premiered) == ("TV-14", "Continuing", "2020-01-05")
        assert series.countries == ["United States"] and series.studios == ["Fake Network"]
        assert series.ratings == [{"name": "imdb", "value": 8.5, "votes": 1000, "max": 10.0, "default": True}]
        season = series.seasons[0]
        assert (season.title, season.premiered, season.unique_ids) == ("Year One", "2020-01-05", {"tvdb": "555"})
        pilot = episodes(session)[(1, 1)]
        assert (pilot.runtime, pilot.air_date, pilot.unique_ids) == (52, "2020-01-05", {"tvdb": "9001"})
        assert pilot.directors == ["Jane Doe"] and pilot.credits == ["John Roe", "Ann Poe"]
        assert pilot.actors == [{"name": "Guest Star", "role": "Visitor", "order": 0}]
        assert [r["value"] for r in pilot.ratings] == [7.9]
        assert episodes(session)[(1, 2)].runtime is None and episodes(session)[(1, 2)].directors == []

        detail = views.series_detail(session, series.id)
        assert detail is not None
        assert (detail["mpaa"], detail["status"], detail["countries"]) == ("TV-14", "Continuing", ["United States"])
        assert detail["uniqueIds"] == {"tvdb": "12345"} and detail["ratings"][0]["name"] == "imdb"
        assert (detail["seasons"][0]["premiered"], detail["seasons"][0]["uniqueIds"]) == ("2020-01-05", {"tvdb": "555"})
        shown = detail["episodes"][0]
        assert (shown["runtime"], shown["directors"], shown["credits"]) == (52, ["Jane Doe"], ["John Roe", "Ann Poe"])
        assert shown["actors"][0]["name"] == "Guest Star" and shown["uniqueIds"] == {"tvdb": "9001"}
        [listed] = views.list_series(session, 1)
        assert (listed["status"], listed["seasons"][0]["premiered"]) == ("Continuing", "2020-01-05")

        # A user's edits of the new fields are locked like the others.
        session.execute(update(Series).values(status="Ended", status_locked=True))
        session.execute(update(Season).values(premiered="2019-12-31", premiered_locked=True))
        session.execute(update(Episode).where(Episode.episode_number == 1).values(runtime=60, runtime_locked=True))
    put(root / SHOW / "tvshow.nfo", text=FULL_TVSHOW_NFO.format(status="Canceled").replace("TV-14", "TV-MA"))
    put(root / SHOW / "Season 01" / "season.nfo", text=SEASON_NFO.replace("2020-01-05", "2020-02-02"))
    put(root / SHOW / "Season 01" / "Show S01E01.nfo", text=FULL_EPISODE_NFO.format(runtime=48))
    assert record(any_settings, root).outcome == "updated"
    with session_scope(any_settings.resolved_database_url) as session:
        series = session.get(Series, first.series_id)
        assert series is not None and (series.status, series.mpaa) == ("Ended", "TV-MA")
        assert series.seasons[0].premiered == "2019-12-31"
        assert episodes(session)[(1, 1)].runtime == 60


def test_the_tv_nfo_columns_migrate_over_recorded_series_and_back(any_settings: Settings, root: Path) -> None:
    """Revision 0013 adds its columns to the rows already recorded (empty, unlocked) and drops them again."""
    url = any_settings.resolved_database_url
    first = record(any_settings, root)
    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    with get_engine(url).connect() as connection:
        columns = {c["name"] for c in sa_inspect(connection).get_columns("episodes")}
    assert "runtime" not in columns and "runtime_locked" not in columns and "title_locked" in columns
    migrate(url)
    with session_scope(url) as session:
        series = session.get(Series, first.series_id)
        assert series is not None and series.title == "Show"
        assert (series.status, series.ratings, series.countries, is_locked(series, "status")) == (None, [], [], False)
        seasons = [(s.premiered, s.unique_ids, is_locked(s, "premiered")) for s in series.seasons]
        assert seasons == [(None, {}, False)] * 2
        pilot = episodes(session)[(1, 1)]
        assert (pilot.title, pilot.runtime, pilot.directors, pilot.actors) == ("Pilot", None, [], [])
        assert not is_locked(pilot, "actors") and not is_locked(pilot, "runtime")
