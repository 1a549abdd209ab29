"""The starter CLI and the Temporal CLI, run as a person would run them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client

from reelscan.settings import Settings
from tests.conftest import temporal_cli
from tests.integration.scanning import finish, running_workers, start, wait_for_scanned
from tests.library_builder import build_bulk_library, build_library

PROJECT = Path(__file__).resolve().parents[2]


async def starter(client: Client, *args: str, address: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=address or client.service_client.config.target_host)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT / "starter.py"),
        *args,
        cwd=PROJECT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


async def temporal(client: Client, *args: str) -> subprocess.CompletedProcess[str]:
    process = await asyncio.create_subprocess_exec(
        temporal_cli(),
        *args,
        "--address",
        client.service_client.config.target_host,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


async def test_scan_wait_json_prints_the_final_message_and_movies_json_lists_them(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    library = build_library(tmp_path / "Movies")
    async with running_workers(client, sqlite_settings):
        done = await starter(client, "scan", str(library.root), "--wait", "--json")
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout.strip().splitlines()[-1])
    assert message["phase"] == "completed"
    assert message["stats"]["moviesFound"] == len(library.movies)

    listed = await starter(client, "movies", "--json")
    movies = {m["directory"]: m for m in json.loads(listed.stdout)}
    matrix = movies["The Matrix (1999)"]
    assert {"id", "title", "year", "imdbId", "tmdbId", "directory", "mainVideo", "state", "assets", "streams"} <= set(
        matrix
    )
    assert matrix["imdbId"] == "tt0133093"
    poster = next(a for a in matrix["assets"] if a["type"] == "poster")
    assert poster["path"] == "The Matrix (1999)/poster.jpg" and len(poster["sha256"]) == 64 and poster["cachePath"]

    status = await starter(client, "status", str(message["scanJobId"]), "--json")
    assert json.loads(status.stdout)["phase"] == "completed"
    scans = json.loads((await starter(client, "list", "--json")).stdout)
    assert scans[0]["scanJobId"] == message["scanJobId"] and scans[0]["status"] == "completed"


async def test_expected_errors_print_one_line_without_traceback(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    cases = [
        (("scan", str(tmp_path / "nowhere")), "does not exist"),
        (("status", "999"), "there is no scan with id 999"),
        (("scan", "--library", "42"), "there is no library with id 42"),
    ]
    (tmp_path / "file.txt").write_text("x")
    cases.append((("scan", str(tmp_path / "file.txt")), "is not a directory"))
    for args, text in cases:
        result = await starter(client, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert text in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr

    build_bulk_library(tmp_path / "Movies", 1)
    unreachable = await starter(client, "scan", str(tmp_path / "Movies"), address="127.0.0.1:1")
    assert unreachable.returncode == 2
    assert "cannot reach the Temporal server at 127.0.0.1:1" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


async def test_temporal_cli_queries_progress_and_signals_cancel(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("REELSCAN_CHILDREN_WINDOW", "2")
    from reelscan.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    build_bulk_library(tmp_path / "Movies", 200)
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies")
        await wait_for_scanned(client, started.workflow_id, 3)
        query = await temporal(client, "workflow", "query", "--workflow-id", started.workflow_id, "--name", "progress")
        assert query.returncode == 0, query.stderr
        assert "scan:progress" in query.stdout
        signal = await temporal(client, "workflow", "signal", "--workflow-id", started.workflow_id, "--name", "cancel")
        assert signal.returncode == 0, signal.stderr
        message = await finish(client, started)
        metadata = await temporal(client, "workflow", "metadata", "--workflow-id", started.workflow_id)
        child = await temporal(client, "workflow", "describe", "--workflow-id", f"{started.workflow_id}/dir-0")
    assert message["phase"] == "cancelled"
    assert "Scan cancelled after" in metadata.stdout
    assert "Movie 00000 (1950)" in child.stdout
