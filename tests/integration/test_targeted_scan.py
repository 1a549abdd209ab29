"""Targeted scans: only the folders asked for are read, recorded, cached and counted; the rest is left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from sqlalchemy import select
from temporalio.client import Client

from reelscan.db.models import Movie
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.integration.api_server import api_server
from tests.integration.scanning import (
    finish,
    movies_by_directory,
    running_workers,
    scan,
    scan_job,
    scan_library,
    scanned_bulk_library,
    scanned_tv_library,
)
from tests.library_builder import MEDIA, build_bulk_library


def _last_scans(settings: Settings) -> dict[str, int | None]:
    with session_scope(settings.resolved_database_url) as session:
        return {m.directory: m.last_scan_job_id for m in session.scalars(select(Movie))}


async def test_targeted_scan_reads_only_its_folders(client: Client, any_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    names = build_bulk_library(root, 6)
    first = await scan(client, any_settings, root)
    assert first["phase"] == "completed" and first["stats"]["moviesNew"] == 6
    before = _last_scans(any_settings)

    changed, deleted, untouched_deleted = names[0], names[1], names[2]
    shutil.copyfile(MEDIA / "fanart.jpg", root / changed / "fanart.jpg")
    shutil.rmtree(root / deleted)
    shutil.rmtree(root / untouched_deleted)  # gone too, but not asked for: a targeted scan leaves it alone
    added = root / "Heat (1995)"
    added.mkdir()
    shutil.copyfile(MEDIA / "vp9_opus.webm", added / "Heat.webm")  # not the deleted folders' video: no move

    paths = [changed, deleted, "Heat (1995)"]
    message = await scan(client, any_settings, root, ScanOptions(paths=paths))

    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["moviesUpdated"]) == (2, 1, 1)
    assert stats["moviesMissing"] == 1
    assert message["progress"]["scanning"] == {"scanned": 2, "total": 2, "percentage": 100, "unchanged": 0}
    caching = message["progress"]["caching"]
    assert (caching["queued"], caching["cached"], caching["failed"]) == (1, 1, 0)  # the new fanart only
    job = scan_job(any_settings, message["scanJobId"])
    assert (job.directories_total, job.directories_scanned) == (2, 2)
    assert job.options["paths"] == paths

    movies = movies_by_directory(any_settings)
    assert movies[deleted]["state"] == "missing"
    assert movies[untouched_deleted]["state"] == "discovered"
    assert movies["Heat (1995)"]["state"] == "discovered"
    assert sorted(a["type"] for a in movies[changed]["assets"]) == ["fanart", "poster"]
    after = _last_scans(any_settings)
    for name in names[3:]:
        assert after[name] == before[name], name  # not read, not recorded by the targeted scan
    assert after[changed] == after["Heat (1995)"] == message["scanJobId"]


async def test_targeted_scan_of_nothing_left_marks_missing_and_completes(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root, names = await scanned_bulk_library(client, sqlite_settings, tmp_path, 3)
    shutil.rmtree(root / names[0])

    message = await scan(client, sqlite_settings, root, ScanOptions(paths=[names[0]]))

    assert message["phase"] == "completed", message.get("lastError")
    assert message["stats"]["moviesMissing"] == 1
    assert message["progress"]["scanning"]["total"] == 0
    movies = movies_by_directory(sqlite_settings)
    assert [movies[name]["state"] for name in names] == ["missing", "discovered", "discovered"]


async def test_api_starts_a_targeted_scan_and_refuses_paths_outside_the_root(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    names = build_bulk_library(root, 4)
    async with (
        running_workers(client, sqlite_settings),
        api_server(client, sqlite_settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}") as http,
    ):
        library_id = (await http.post("/api/libraries", json={"path": str(root)})).json()["id"]
        for bad in ["/etc", "../x"]:
            refused = await http.post(f"/api/libraries/{library_id}/scans", json={"paths": [bad]})
            assert refused.status_code == 422, bad
        started = await http.post(f"/api/libraries/{library_id}/scans", json={"paths": names[:2]})
        assert started.status_code == 202
        body = started.json()
        message = await finish(client, scans.StartedScan(body["scanJobId"], body["workflowId"], library_id, False))
    assert message["phase"] == "completed"
    assert message["stats"]["moviesNew"] == 2
    assert sorted(movies_by_directory(sqlite_settings)) == names[:2]


async def test_targeted_scan_of_a_tv_library_reads_one_series(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    options = ScanOptions(enable_enrichment=False)
    async with running_workers(client, any_settings):
        library, library_id = await scanned_tv_library(client, any_settings, tmp_path, options)
        target = next(s for s in library.series.values() if not s.unmatched)
        gone = next(s for s in library.series.values() if s is not target)
        shutil.rmtree(library.root / gone.directory)
        targeted = options.model_copy(update={"paths": [target.directory, gone.directory], "force_full_rescan": True})
        message = await scan_library(client, any_settings, library_id, targeted)

    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["seriesFound"], stats["seriesNew"], stats["seriesMissing"]) == (1, 0, 1)
    assert stats["episodesFound"] == target.episodes
    job = scan_job(any_settings, message["scanJobId"])
    assert (job.directories_total, job.directories_scanned) == (1, 1)
