"""Rescans mark removed folders' movies missing, even when discovery counted errors elsewhere, and keep the movies
of folders that could not be read as they were."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from activities.discovery import discover_directories
from reelscan.db import scan_jobs
from reelscan.db.models import Movie, ScanError, Series
from reelscan.db.session import session_scope
from reelscan.payloads.scan import DiscoverInput
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.integration.api_server import api_client
from tests.integration.scanning import finish, scan, start
from tests.library_builder import build_bulk_library, build_tv_library

PROJECT = Path(__file__).resolve().parents[2]
QUICK = ScanOptions(enable_enrichment=False, enable_caching=False)


def library_with_a_root_level_error(root: Path) -> list[str]:
    """Movie folders, "1917 (2019)" among them, and a DVD folder directly in the root: a counted discovery error
    (a video loose in the root is a movie of its own)."""
    names = build_bulk_library(root, 3, with_assets=False)
    (root / "1917 (2019)").mkdir()
    shutil.copy(root / names[0] / "movie.mp4", root / "1917 (2019)" / "1917.mp4")
    (root / "VIDEO_TS").mkdir()
    shutil.copy(root / names[0] / "movie.mp4", root / "VIDEO_TS" / "VTS_01_1.VOB")
    return names


async def scanned_once(client: Client, settings: Settings, tmp_path: Path) -> Path:
    """`Movies` under tmp_path, built by library_with_a_root_level_error and scanned once, quickly."""
    root = tmp_path / "Movies"
    library_with_a_root_level_error(root)
    await scan(client, settings, root, QUICK)
    return root


def states(settings: Settings) -> dict[str, str]:
    with session_scope(settings.resolved_database_url) as session:
        return {m.directory: m.state for m in session.scalars(select(Movie))}


async def missing_through_the_api(client: Client, settings: Settings, library_id: int) -> list[str]:
    async with (
        api_client(client, settings) as http,
    ):
        found = await http.get(f"/api/libraries/{library_id}/movies", params={"state": "missing"})
    return [m["directory"] for m in found.json()]


async def test_a_deleted_folder_is_marked_missing_beside_a_root_level_error(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    library_with_a_root_level_error(root)
    first = await scan(client, any_settings, root, QUICK)
    assert first["phase"] == "completed" and first["stats"]["errorsCount"] == 1

    shutil.rmtree(root / "1917 (2019)")
    again = await scan(client, any_settings, root, QUICK)

    assert again["phase"] == "completed"
    assert again["stats"]["moviesMissing"] == 1 and again["stats"]["errorsCount"] == 1
    assert states(any_settings)["1917 (2019)"] == "missing"
    library_id = scans.library_for_path(any_settings, root)
    assert await missing_through_the_api(client, any_settings, library_id) == ["1917 (2019)"]


async def test_a_renamed_folder_keeps_its_movie_under_the_new_name(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = await scanned_once(client, any_settings, tmp_path)

    (root / "1917 (2019)").rename(root / "Nineteen Seventeen (2019)")
    again = await scan(client, any_settings, root, QUICK)

    # The same main video under another name: the same movie (test_renames.py has the details), nothing missing.
    stats = again["stats"]
    assert (stats["moviesMissing"], stats["moviesNew"], stats["moviesUpdated"]) == (0, 0, 1)
    found = states(any_settings)
    assert "1917 (2019)" not in found and found["Nineteen Seventeen (2019)"] == "discovered"


async def test_a_folder_emptied_of_its_video_is_marked_missing(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = await scanned_once(client, any_settings, tmp_path)

    (root / "1917 (2019)" / "1917.mp4").unlink()
    (root / "1917 (2019)" / "notes.txt").write_text("the video moved to another disk\n")
    again = await scan(client, any_settings, root, QUICK)

    assert again["stats"]["moviesMissing"] == 1
    assert states(any_settings)["1917 (2019)"] == "missing"


@contextlib.asynccontextmanager
async def worker_without_root_overrides(client: Client) -> AsyncIterator[None]:
    """A real worker process that, even run by root, cannot read what file permissions forbid: root reads any
    folder only through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, which setpriv takes out of its bounding set."""
    command = [sys.executable, str(PROJECT / "worker.py"), "--processes", "1"]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=client.service_client.config.target_host)
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


async def scan_in_worker_process(client: Client, settings: Settings, root: Path) -> dict[str, Any]:
    async with worker_without_root_overrides(client):
        started = await start(client, settings, root, QUICK)
        return await finish(client, started)


async def test_movies_under_an_unreadable_folder_are_kept_and_other_removals_still_count(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    names = library_with_a_root_level_error(root)
    for name in ("Alien (1979)", "Heat (1995)"):
        (root / "Collection" / name).mkdir(parents=True)
        shutil.copy(root / names[0] / "movie.mp4", root / "Collection" / name / "movie.mp4")
    await scan(client, any_settings, root, QUICK)

    shutil.rmtree(root / "1917 (2019)")
    (root / "Collection").chmod(0)
    try:
        again = await scan_in_worker_process(client, any_settings, root)
    finally:
        (root / "Collection").chmod(0o755)

    assert again["phase"] == "completed", again
    assert again["stats"]["moviesMissing"] == 1
    assert again["stats"]["errorsCount"] == 2  # the DVD folder in the root, and the folder that could not be read
    found = states(any_settings)
    assert found["1917 (2019)"] == "missing"
    assert found["Collection/Alien (1979)"] == found["Collection/Heat (1995)"] == "discovered"
    with session_scope(any_settings.resolved_database_url) as session:
        stored = {e.path: e.message for e in session.scalars(select(ScanError))}
    assert "permission denied" in stored["Collection"]


def discover(settings: Settings, root: Path, library_type: str = "movie") -> Any:
    with session_scope(settings.resolved_database_url) as session:
        library_id = scan_jobs.get_or_create_library(session, root, library_type=library_type).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        job_id = job.id
    job_input = DiscoverInput(
        scan_job_id=job_id, library_id=library_id, library_path=str(root), library_type=library_type
    )
    return ActivityEnvironment().run(discover_directories, job_input)


async def test_discovery_says_how_many_folders_could_not_be_checked_and_why(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = await scanned_once(client, any_settings, tmp_path)
    # A link to itself: listing it fails with ELOOP for root too.
    shutil.rmtree(root / "1917 (2019)")
    os.symlink("1917 (2019)", root / "1917 (2019)")

    result = discover(any_settings, root)

    assert result.folders_unchecked == 1 and result.movies_missing == 0
    assert result.unchecked_notice == (
        "1 folder could not be checked (Too many levels of symbolic links); movies under them were not marked missing"
    )
    assert states(any_settings)["1917 (2019)"] == "discovered"


async def test_a_series_folder_that_cannot_be_read_is_not_marked_missing(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    from tests.integration.tv_records import record_tv_library

    manifest = build_tv_library(tmp_path / "TV")
    record_tv_library(any_settings, manifest.root)
    first, second = list(manifest.series)[:2]
    shutil.rmtree(manifest.root / first)
    shutil.rmtree(manifest.root / second)
    os.symlink(second, manifest.root / second)

    result = discover(any_settings, manifest.root, "tv")

    assert (result.movies_missing, result.folders_unchecked) == (1, 1)
    with session_scope(any_settings.resolved_database_url) as session:
        found = {s.directory: s.state for s in session.scalars(select(Series))}
    assert found[first] == "missing" and found[second] != "missing"


def test_the_notice_counts_the_folders_by_reason() -> None:
    from activities.discovery import unchecked_notice
    from reelscan.library_kinds import MOVIES, TV

    unchecked = {"A": "permission denied", "B/C": "permission denied", "D": "Too many levels of symbolic links"}
    assert unchecked_notice(unchecked, TV) == (
        "3 folders could not be checked (permission denied: 2, Too many levels of symbolic links: 1); series under"
        " them were not marked missing"
    )
    assert unchecked_notice({}, MOVIES) is None
