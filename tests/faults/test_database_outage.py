"""PostgreSQL stopped for 15 seconds in the middle of a scan: the scan waits it out and ends exact."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.db.models import Movie
from reelscan.db.session import dispose_engines, session_scope
from reelscan.settings import Settings
from tests.faults.reference import clean_run, end_state, fault_size
from tests.integration.scanning import finish, reconfigure, running_workers, start, wait_for_scanned
from tests.library_builder import build_bulk_library

CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect"]


def cluster_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]


def postgres(action: str) -> None:
    subprocess.run([*CLUSTER, cluster_version(), "main", action], check=True, capture_output=True)


@pytest.mark.timeout(900)
@pytest.mark.postgres
@pytest.mark.postgres_outage  # it stops the server: no other test may be using it meanwhile (tests/conftest.py)
async def test_scan_rides_out_a_postgres_outage(
    client: Client, postgres_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/etc/postgresql").exists():
        pytest.skip("no local PostgreSQL cluster to stop and start")
    settings = reconfigure(monkeypatch, children_window="4", progress_interval_seconds="1")
    total = fault_size(200)
    build_bulk_library(tmp_path / "Movies", total)
    try:
        async with running_workers(client, settings):
            started = await start(client, settings, tmp_path / "Movies")
            await wait_for_scanned(client, started.workflow_id, 20)
            postgres("stop")
            await asyncio.sleep(15)
            postgres("start")
            message = await finish(client, started)
    finally:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
            postgres("start")  # leave the machine as we found it, even when the test failed
        dispose_engines()

    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["assetsCached"]) == (total, total, total)
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Movie).count() == total
    faulted = end_state(settings)
    assert faulted["partial_files"] == []
    assert faulted == await clean_run(client, tmp_path / "Movies", tmp_path, monkeypatch)
