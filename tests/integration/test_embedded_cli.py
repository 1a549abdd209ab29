"""The one-command run as a person runs it: `starter.py scan` starting the embedded Temporal server, worker and API
under a data dir of its own, with enrichment from the fake TMDB."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library
from tests.integration.test_cli import run_starter
from tests.library_builder import build_bulk_library
from tests.ports import free_port

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh embedded install on free ports; its processes are stopped afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELSCAN_")}
    env.update(
        REELSCAN_DATA_DIR=str(tmp_path / "data"),
        REELSCAN_EMBEDDED_TEMPORAL_PORT=str(free_port()),
        REELSCAN_EMBEDDED_UI_PORT=str(free_port()),
        REELSCAN_API_PORT=str(free_port()),
        REELSCAN_WORKER_PROCESSES="1",
        REELSCAN_PROGRESS_INTERVAL_SECONDS="0.5",
    )
    yield env
    subprocess.run([sys.executable, str(PROJECT / "starter.py"), "down"], env=env, cwd=PROJECT, check=False)


async def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await run_starter(env, *args)


async def test_json_output_is_pure_and_the_api_key_never_reaches_the_logs(
    embedded_env: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 3, with_assets=False)
    with FakeTmdb() as fake:
        for movie in movies_for_library(root):
            fake.add_movie(movie)
        env = dict(embedded_env, REELSCAN_TMDB_API_KEY=API_KEY, REELSCAN_TMDB_BASE_URL=fake.base_url)
        waited = await run(env, "scan", str(root), "--wait", "--json")
        started = await run(env, "scan", "--library", "1", "--json", "--force-full-rescan")
        status = await run(env, "status", str(json.loads(started.stdout)["scanJobId"]), "--json")
        while json.loads(status.stdout)["phase"] not in ("completed", "failed", "cancelled"):
            await asyncio.sleep(0.5)
            status = await run(env, "status", str(json.loads(started.stdout)["scanJobId"]), "--json")
        schedules = await run(env, "schedule", "list", "--json")
        provider_calls = len(fake.api_requests())

    for result in (waited, started, status, schedules):
        assert result.returncode == 0, result.stderr
        json.loads(result.stdout)  # stdout is exactly one JSON document
    assert "Temporal Web UI:" in waited.stderr and "progress page:" in waited.stderr
    final = json.loads(waited.stdout)
    assert final["phase"] == "completed" and final["progress"]["enriching"]["completed"] == 3
    assert json.loads(status.stdout)["phase"] == "completed"
    assert provider_calls >= 6  # the worker really called the provider with the key

    logs = Path(env["REELSCAN_DATA_DIR"]) / "logs"
    names = sorted(p.name for p in logs.iterdir())
    assert {"worker.log", "api.log", "temporal.log"} <= set(names)
    found = subprocess.run(["grep", "-c", API_KEY, *sorted(map(str, logs.iterdir()))], capture_output=True, text=True)
    assert all(line.endswith(":0") for line in found.stdout.splitlines()), found.stdout
    assert (logs / "worker.log").stat().st_size > 0
