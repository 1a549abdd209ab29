"""Incremental rescans of series folders: unchanged season folders are not read again (real files, the real series
scan, SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelscan.db import series_records, views
from reelscan.db.models import Season, Series, TvAsset
from reelscan.db.session import session_scope
from reelscan.library.series_scanner import FolderError, scan_series_directory
from reelscan.library.tv_discovery import SeriesWalker
from reelscan.settings import Settings
from tests.unit.test_tv_repository import SHOW, episodes, put, record, tv_library

SEASON_01 = f"{SHOW}/Season 01"
SEASON_02 = f"{SHOW}/Season 02"


def corrupt_keeping_size_and_mtime(path: Path) -> None:
    """New content, same size and mtime: the folder's fingerprint does not change, a read of the file would."""
    before = path.stat()
    path.write_bytes(b"\0" * before.st_size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def streams_of(session: Session, key: tuple[int, int]) -> list[tuple[str, str | None]]:
    return [(s.kind, s.codec) for s in episodes(session)[key].streams]


def season_fingerprints(session: Session) -> dict[str | None, str | None]:
    return {s.folder: s.fingerprint for s in session.scalars(select(Season))}


def known_fingerprints(settings: Settings) -> dict[str, str]:
    with session_scope(settings.resolved_database_url) as session:
        return {folder: print_ for folder, print_ in season_fingerprints(session).items() if folder and print_}


def test_season_fingerprints_are_discoverys(tmp_path: Path, sqlite_settings: Settings) -> None:
    root = tv_library(tmp_path)
    [series] = SeriesWalker(root).walk()
    discovered = {s.path: s.fingerprint for s in series.seasons}
    scan = scan_series_directory(root, SHOW, read_media=False)
    assert {s.folder: s.fingerprint for s in scan.seasons} == {
        SEASON_01: discovered[SEASON_01],
        SEASON_02: discovered[SEASON_02],
    }
    record(sqlite_settings, root)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        assert season_fingerprints(session) == {SEASON_01: discovered[SEASON_01], SEASON_02: discovered[SEASON_02]}


def test_a_new_episode_rereads_only_its_season(tmp_path: Path, any_settings: Settings) -> None:
    root = tv_library(tmp_path)
    put(root / SEASON_01 / "random clip.mkv")  # unmatched, in the season folder that will not be read
    first = record(any_settings, root, incremental=True)
    assert (first.outcome, first.episodes_found, first.episodes_new, first.unmatched) == ("new", 3, 3, 1)
    with session_scope(any_settings.resolved_database_url) as session:
        recorded_streams = streams_of(session, (1, 2))
        assets_before = sorted(a.source_path for a in session.scalars(select(TvAsset)))
    assert recorded_streams and any(path.endswith("S01E01-thumb.jpg") for path in assets_before)

    # Nothing changed: both seasons are skipped and the series is unchanged, with the exact counts.
    again = record(any_settings, root, incremental=True)
    assert (again.outcome, again.episodes_found, again.episodes_new, again.episodes_updated) == ("unchanged", 3, 0, 0)
    assert (again.episodes_missing, again.unmatched) == (0, 1)

    corrupt_keeping_size_and_mtime(root / SEASON_01 / "Show S01E02.mkv")
    put(root / SEASON_02 / "Show S02E02.mp4")
    scan = scan_series_directory(root, SHOW, known_season_fingerprints=known_fingerprints(any_settings))
    assert {s.folder: s.unchanged for s in scan.seasons} == {SEASON_01: True, SEASON_02: False}
    assert sorted(e.relative_path for e in scan.episodes) == [
        f"{SEASON_02}/Show S02E01.mp4",
        f"{SEASON_02}/Show S02E02.mp4",
    ]
    assert not scan.errors  # the corrupted file was not read

    second = record(any_settings, root, incremental=True)
    assert (second.outcome, second.episodes_found, second.episodes_new, second.episodes_updated) == ("updated", 4, 1, 0)
    assert (second.episodes_missing, second.unmatched, second.errors) == (
        0,
        1,
        [f"unmatched episode file: {SEASON_01}/random clip.mkv"],
    )
    with session_scope(any_settings.resolved_database_url) as session:
        rows = episodes(session)
        assert sorted(rows) == [(1, 1), (1, 2), (2, 1), (2, 2)]
        assert all(row.state != "missing" for row in rows.values())
        assert rows[(1, 1)].title == "Pilot"
        assert streams_of(session, (1, 2)) == recorded_streams  # as read by the first scan
        assert rows[(2, 2)].streams
        assert sorted(a.source_path for a in session.scalars(select(TvAsset))) == assets_before

    # A forced rescan (no known fingerprints) reads every season: the corrupted file loses its streams.
    forced = record(any_settings, root)
    assert (forced.outcome, forced.episodes_found, forced.episodes_new, forced.episodes_updated) == ("updated", 4, 0, 1)
    assert any("Show S01E02.mkv" in error for error in forced.errors)
    with session_scope(any_settings.resolved_database_url) as session:
        assert streams_of(session, (1, 2)) == []


def test_a_removed_episode_changes_its_season_and_is_marked_missing(tmp_path: Path, any_settings: Settings) -> None:
    root = tv_library(tmp_path)
    record(any_settings, root, incremental=True)
    (root / SEASON_01 / "Show S01E02.mkv").unlink()
    corrupt_keeping_size_and_mtime(root / SEASON_02 / "Show S02E01.mp4")  # Season 02 is not read

    result = record(any_settings, root, incremental=True)
    assert (result.outcome, result.episodes_found, result.episodes_new, result.episodes_updated) == ("updated", 2, 0, 0)
    assert (result.episodes_missing, result.errors) == (1, [])
    with session_scope(any_settings.resolved_database_url) as session:
        rows = episodes(session)
        assert {key: row.state for key, row in rows.items()} == {
            (1, 1): "discovered",
            (1, 2): "missing",
            (2, 1): "discovered",
        }
        assert rows[(2, 1)].streams


def test_errors_of_a_season_not_read_stay_the_series(tmp_path: Path, any_settings: Settings) -> None:
    root = tv_library(tmp_path)
    put(root / SEASON_01 / "Show S01E02.nfo", text="<episodedetails><title>")
    first = record(any_settings, root, incremental=True)
    [nfo_error] = [e for e in first.errors if "Show S01E02.nfo" in e]
    put(root / SEASON_02 / "Show S02E02.mp4")

    second = record(any_settings, root, incremental=True)
    assert (second.episodes_found, second.episodes_new, second.errors) == (4, 1, [])
    with session_scope(any_settings.resolved_database_url) as session:
        series = session.scalars(select(Series)).one()
        assert series_records.recorded_errors(series.scan_errors) == [FolderError(SEASON_01, nfo_error)]


def test_a_rescan_keeps_the_errors_of_the_folders_it_did_not_read_and_only_those(
    tmp_path: Path, any_settings: Settings
) -> None:
    root = tv_library(tmp_path)
    put(root / SEASON_01 / "Show S01E02.nfo", text="<episodedetails><title>")  # stays broken, not read again
    put(root / SEASON_02 / "Show S02E01.nfo", text="<episodedetails><title>")  # mended below
    put(root / SHOW / "Unsorted" / "Show S01E01.mkv")  # claims the number of Season 01's S01E01; removed below
    first = record(any_settings, root, incremental=True)
    [kept] = [e for e in first.errors if "Show S01E02.nfo" in e]
    duplicate = f"duplicate episode S01E01: {SHOW}/Unsorted/Show S01E01.mkv (also {SEASON_01}/Show S01E01.mp4)"
    assert len(first.errors) == 3 and duplicate in first.errors

    put(root / SEASON_02 / "Show S02E01.nfo", text="<episodedetails><title>Two</title></episodedetails>")
    (root / SHOW / "Unsorted" / "Show S01E01.mkv").unlink()
    second = record(any_settings, root, incremental=True)
    # Season 01 was not read: its error stays. Season 02 and Unsorted were read and no longer err, although the
    # duplicate's message names Season 01's file.
    assert second.errors == []
    with session_scope(any_settings.resolved_database_url) as session:
        series = session.scalars(select(Series)).one()
        assert series_records.recorded_errors(series.scan_errors) == [FolderError(SEASON_01, kept)]
        assert views.series_view(series, {})["errors"] == [kept]


def test_errors_recorded_without_their_folder_have_every_season_folder_read_once(
    tmp_path: Path, any_settings: Settings
) -> None:
    root = tv_library(tmp_path)
    put(root / SEASON_01 / "Show S01E02.nfo", text="<episodedetails><title>")
    [nfo_error] = record(any_settings, root, incremental=True).errors
    url = any_settings.resolved_database_url
    with session_scope(url) as session:  # as recorded before errors named their folder
        session.execute(update(Series).values(scan_errors=[nfo_error]))
    with session_scope(url) as session:
        series = session.scalars(select(Series)).one()
        assert series_records.recorded_errors(series.scan_errors) == [FolderError(None, nfo_error)]
        assert views.series_view(series, {})["errors"] == [nfo_error]
        assert series_records.known_season_fingerprints(session, series.library_id, SHOW) == {}

    assert record(any_settings, root, incremental=True).errors == [nfo_error]  # Season 01 was read again
    with session_scope(url) as session:
        series = session.scalars(select(Series)).one()
        assert series_records.recorded_errors(series.scan_errors) == [FolderError(SEASON_01, nfo_error)]
        assert set(series_records.known_season_fingerprints(session, series.library_id, SHOW)) == {
            SEASON_01,
            SEASON_02,
        }
