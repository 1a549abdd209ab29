"""PostgreSQL stopped for 15 seconds in the middle of a scan: the scan waits it out and ends exact.

The server stopped is a private cluster of the machine's PostgreSQL (tests/private_postgres.py), so the other
PostgreSQL tests go on meanwhile.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.cache import cache_assets
from activities.common import DATABASE_UNAVAILABLE
from reelscan.db import asset_records, movie_records, scan_jobs, work_list
from reelscan.db.models import Movie
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import scan_movie_directory
from reelscan.payloads.scan import CacheAssetsInput
from reelscan.settings import Settings, get_settings
from tests.conftest import configure_settings
from tests.faults.reference import clean_run, end_state, fault_size
from tests.integration.scanning import finish, reconfigure, running_workers, start, wait_for_scanned
from tests.library_builder import build_bulk_library
from tests.private_postgres import PrivateCluster, postgres_bin_dir


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb) on this machine")
    cluster = PrivateCluster(bin_dir)
    cluster.start()
    yield cluster
    dispose_engines()
    cluster.close()


@pytest.fixture
def outage_settings(cluster: PrivateCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings on the private cluster, in a schema of the test's own."""
    if not cluster.running():
        cluster.start()  # an earlier test failed with the server stopped
    schema = f"outage_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield configure_settings(monkeypatch, tmp_path / "data", f"{cluster.url}?options=-csearch_path%3D{schema}")
    get_settings.cache_clear()
    dispose_engines()


@pytest.mark.timeout(900)
async def test_scan_rides_out_a_postgres_outage(
    client: Client, cluster: PrivateCluster, outage_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="4", progress_interval_seconds="1")
    total = fault_size(200)
    build_bulk_library(tmp_path / "Movies", total)
    try:
        async with running_workers(client, settings):
            started = await start(client, settings, tmp_path / "Movies")
            await wait_for_scanned(client, started.workflow_id, 20)
            cluster.stop()
            await asyncio.sleep(15)
            cluster.start()
            message = await finish(client, started)
    finally:
        dispose_engines()

    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["assetsCached"]) == (total, total, total)
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == total
    faulted = end_state(settings)
    assert faulted["partial_files"] == []
    assert faulted == await clean_run(client, tmp_path / "Movies", tmp_path, monkeypatch)


@pytest.mark.timeout(300)
def test_asset_caching_reports_an_outage_as_the_database_being_unavailable(
    cluster: PrivateCluster, outage_settings: Settings, tmp_path: Path
) -> None:
    """PostgreSQL stops while a cache batch copies its files: recording where they went fails with the activities'
    typed DatabaseUnavailable error (which fails the scan once retries run out), not an untyped error that the
    parent would count as failed assets."""
    url = outage_settings.resolved_database_url
    root = tmp_path / "Movies"
    build_bulk_library(root, 2)
    migrate(url)
    with session_scope(url) as session:
        library_id = scan_jobs.get_or_create_library(session, root).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        scan_job_id = job.id
        work_list.replace_scan_directories(session, scan_job_id, LibraryWalker(root).walk())
        pages = work_list.directory_page(session, scan_job_id, 0, 10)
        recorded = movie_records.record_directory_scans(
            session,
            scan_job_id=scan_job_id,
            library_id=library_id,
            scans=[(seq, scan_movie_directory(root, path)) for seq, path in pages],
            cache_exists=lambda *_: False,
        )
    movie_ids = [r.movie_id for r in recorded.values() if r.movie_id is not None]
    assert len(movie_ids) == 2

    stopped: list[bool] = []

    def stop_once(*_: object) -> None:  # the first file's heartbeat: the rows were read, nothing recorded yet
        if not stopped:
            cluster.stop()
            stopped.append(True)

    environment = ActivityEnvironment()
    environment.on_heartbeat = stop_once
    try:
        with pytest.raises(ApplicationError) as raised:
            environment.run(
                cache_assets, CacheAssetsInput(scan_job_id=scan_job_id, library_path=str(root), movie_ids=movie_ids)
            )
    finally:
        cluster.start()  # pg_ctl start -w: accepting connections when it returns
        dispose_engines()
    assert stopped
    assert raised.value.type == DATABASE_UNAVAILABLE, raised.value
    with session_scope(url) as session:  # nothing was recorded as cached: the retry caches both posters
        assert asset_records.uncached_assets(session, movie_ids) != []
