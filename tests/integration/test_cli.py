"""The starter CLI and the Temporal CLI, run as a person would run them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from pathlib import Path

from temporalio.client import Client

from reelscan.settings import Settings
from tests.conftest import temporal_cli
from tests.integration.scanning import finish, reconfigure, running_workers, scan_under_way, starter_process
from tests.integration.tv_records import record_tv_library
from tests.library_builder import build_bulk_library, build_library, build_tv_library


async def run_starter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """starter.py in its own process with this environment; its exit code, stdout and stderr."""
    process = await starter_process(env, *args)
    out, err = await process.communicate()
    assert process.returncode is not None
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


async def starter(client: Client, *args: str, address: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=address or client.service_client.config.target_host)
    return await run_starter(env, *args)


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


async def test_series_json_lists_series_with_seasons_and_episode_counts(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    manifest = build_tv_library(tmp_path / "TV")
    library_id = record_tv_library(sqlite_settings, manifest.root)
    listed = await starter(client, "series", "--library", str(library_id), "--json")
    table = await starter(client, "series")
    other = await starter(client, "series", "--library", str(library_id + 1), "--json")

    assert listed.returncode == 0, listed.stderr
    series = {s["directory"]: s for s in json.loads(listed.stdout)}
    assert list(series) == list(manifest.series)
    for directory, expected in manifest.series.items():
        assert {s["number"]: s["episodes"] for s in series[directory]["seasons"]} == expected.seasons
        assert (series[directory]["title"], series[directory]["episodes"]) == (expected.title, expected.episodes)
    assert series["Breaking Code (2019)"]["tvdbId"] == 424242
    assert table.returncode == 0 and "Breaking" in table.stdout and "Harbor" in table.stdout
    assert other.returncode == 2 and f"there is no library with id {library_id + 1}" in other.stderr


async def test_scan_type_tv_of_a_movie_library_path_is_one_line_and_exit_2(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 1)
    created = await starter(client, "scan", str(tmp_path / "Movies"), "--json", address="127.0.0.1:1")
    refused = await starter(client, "scan", str(tmp_path / "Movies"), "--type", "tv", address="127.0.0.1:1")
    no_path = await starter(client, "scan", "--library", "1", "--type", "tv")

    assert created.returncode == 2 and "cannot reach the Temporal server" in created.stderr  # the library exists now
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"error: library path {(tmp_path / 'Movies').resolve()} is already a movie library (id 1), not a tv one"
    )
    assert "Traceback" not in refused.stderr + refused.stdout
    assert no_path.returncode == 2 and "--type applies to a library PATH" in no_path.stderr


async def test_temporal_cli_queries_progress_and_signals_cancel(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="2")
    build_bulk_library(tmp_path / "Movies", 200)
    async with scan_under_way(client, settings, tmp_path / "Movies", 3) as started:
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


async def test_every_json_command_prints_exactly_one_json_document(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 2, with_assets=False)
    manifest = build_tv_library(tmp_path / "TV")
    tv_library = record_tv_library(sqlite_settings, manifest.root)
    async with running_workers(client, sqlite_settings):
        waited = await starter(client, "scan", str(tmp_path / "Movies"), "--wait", "--json", "--no-enrich")
        started = await starter(client, "scan", "--library", "1", "--json", "--no-enrich")
        scan_id = json.loads(started.stdout)["scanJobId"]
        handle = client.get_workflow_handle(json.loads(started.stdout)["workflowId"])
        await handle.result()
        every = await starter(client, "scan", "--all", "--json", "--no-enrich")
        for row in json.loads(every.stdout):
            await client.get_workflow_handle(row["workflowId"]).result()
        every_waited = await starter(client, "scan", "--all", "--wait", "--json", "--no-enrich")
    outputs = {
        "scan --wait": waited,
        "scan": started,
        "scan --all": every,
        "scan --all --wait": every_waited,
        "status": await starter(client, "status", str(scan_id), "--json"),
        "errors": await starter(client, "errors", str(scan_id), "--json"),
        "list": await starter(client, "list", "--json"),
        "libraries": await starter(client, "libraries", "--json"),
        "movies": await starter(client, "movies", "--library", "1", "--json"),
        "series": await starter(client, "series", "--library", str(tv_library), "--json"),
        "schedule list": await starter(client, "schedule", "list", "--json"),
    }
    for name, result in outputs.items():
        assert result.returncode == 0, (name, result.stderr)
        json.loads(result.stdout)  # the whole of stdout, nothing before or after
    assert json.loads(waited.stdout)["phase"] == "completed"
    assert {lib["type"] for lib in json.loads(outputs["libraries"].stdout)} == {"movie", "tv"}


async def test_unknown_library_ids_are_one_line_errors_with_exit_2(client: Client, sqlite_settings: Settings) -> None:
    for args in (
        ("movies", "--library", "999"),
        ("series", "--library", "999", "--json"),
        ("scan", "--library", "999", "--json"),
        ("schedule", "pause", "--library", "999"),
        ("schedule", "add", "--library", "999", "--every", "1h"),
    ):
        result = await starter(client, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.strip() == "error: there is no library with id 999 (`reelscan libraries` lists them)"
        assert result.stdout == ""
    for scan_args in (("errors", "999"), ("status", "999", "--json"), ("cancel", "999")):
        result = await starter(client, *scan_args)
        assert result.returncode == 2 and result.stderr.strip() == "error: there is no scan with id 999", scan_args


async def test_piped_tables_are_not_cut_at_80_columns(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 1)
    async with running_workers(client, sqlite_settings):
        await starter(client, "scan", str(tmp_path / "Movies"), "--wait", "--json", "--no-enrich")
    listed = await starter(client, "list")
    movies = await starter(client, "movies")
    row = next(line for line in listed.stdout.splitlines() if "completed" in line)
    assert re.search(r"│ 1 +│ 1 +│ completed │ 1 +│ 1 +│ 0 +│ 1/1 +│ 0 +│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d │", row), row
    assert max(len(line) for line in listed.stdout.splitlines()) > 80
    assert "Movie 00000" in movies.stdout and "…" not in listed.stdout + movies.stdout
