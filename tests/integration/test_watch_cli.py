"""Targeted scans and watching from the command line, run as a person would run them."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
from pathlib import Path

import httpx
from temporalio.client import Client

from reelscan.settings import Settings
from service import watch
from tests.integration.api_server import api_server
from tests.integration.scanning import eventually, movies_by_directory, running_workers, starter_process
from tests.integration.test_cli import starter
from tests.library_builder import MEDIA, build_bulk_library


async def test_scan_with_paths_updates_only_those_folders(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    names = build_bulk_library(root, 3)
    async with running_workers(client, sqlite_settings):
        done = await starter(client, "scan", str(root), "--path", names[0], "--path", names[2], "--wait", "--json")
        refused = await starter(client, "scan", "--library", "1", "--path", "../elsewhere")
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout.strip().splitlines()[-1])
    assert (message["stats"]["moviesNew"], message["progress"]["scanning"]["total"]) == (2, 2)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "error: '../elsewhere' leaves the library root ('..' is not allowed)"
    ]


async def test_watch_library_stores_the_mode_and_controls_the_watcher(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 1)
    async with running_workers(client, sqlite_settings):
        created = await starter(client, "scan", str(root), "--wait", "--json")
        assert created.returncode == 0, created.stderr
        started = await starter(client, "watch-library", "--library", "1", "--mode", "poll", "--poll-every", "10m")
        assert started.returncode == 0, started.stderr
        assert "polled every 600 s (set to polling)" in started.stdout
        listed = await starter(client, "libraries", "--json")
        table = await starter(client, "libraries")
        status = await eventually(
            lambda: starter(client, "watch-library", "--library", "1", "--status", "--json"),
            lambda done: done.returncode == 0 and json.loads(done.stdout)["polls"] >= 1,
            what="the watcher's first poll",
        )
        paused = await starter(client, "watch-library", "--library", "1", "--pause", "--json")
        async with api_server(client, sqlite_settings) as at, httpx.AsyncClient(base_url=f"http://{at}") as api:
            shown = await eventually(
                lambda: api.get("/api/libraries"),
                lambda response: response.json()[0]["watch"].get("paused") is True,
                what="the API showing the paused watcher",
            )
            one = (await api.get("/api/libraries/1")).json()
        stopped = await starter(client, "watch-library", "--library", "1", "--mode", "off")
        gone = await starter(client, "watch-library", "--library", "1", "--status")

    watch = json.loads(listed.stdout)[0]["watch"]
    setting = {"setting": "poll", "mode": "poll", "reason": "set to polling", "pollIntervalSeconds": 600.0}
    assert {key: watch[key] for key in setting} == setting
    assert watch["running"] is True and watch["status"].startswith("polling every 10 min, ")
    assert "poll every 600 s" in table.stdout and "set to polling" in table.stdout
    assert "polling every 10 min" in table.stdout
    listed_by_api = shown.json()[0]["watch"]
    assert {key: listed_by_api[key] for key in setting} == setting
    assert listed_by_api["status"].startswith("paused, polling every 10 min, ")
    assert one["watch"]["paused"] is True and one["watch"]["pendingCount"] == 0
    state = json.loads(status.stdout)
    assert (state["pollIntervalSeconds"], state["pending"], state["paused"]) == (600.0, {}, False)
    assert json.loads(paused.stdout)["paused"] is True
    assert stopped.returncode == 0 and "no longer watched" in stopped.stdout
    assert gone.returncode == 2 and "is not being watched" in gone.stderr


async def test_watch_library_in_the_foreground_scans_what_is_copied_in_until_interrupted(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 1)
    env = dict(os.environ, REELSCAN_TEMPORAL_ADDRESS=client.service_client.config.target_host)
    async with running_workers(client, sqlite_settings):
        created = await starter(client, "scan", str(root), "--wait", "--json")
        assert created.returncode == 0, created.stderr
        process = await starter_process(env, "watch-library", "--library", "1", "--mode", "events")
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert first.startswith(f"Watching {root.resolve()}: file-system events")
        await asyncio.wait_for(process.stdout.readline(), 60)  # "changes are scanned ... Ctrl-C stops watching here"
        await asyncio.sleep(1.0)  # the observer is started before that line; let it settle
        heat = root / "Heat (1995)"
        heat.mkdir()
        shutil.copyfile(MEDIA / "vp9_opus.webm", heat / "Heat.webm")
        await eventually(
            lambda: asyncio.to_thread(movies_by_directory, sqlite_settings),
            lambda movies: "Heat (1995)" in movies,
            what="the movie copied in while watch-library ran",
        )
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 60)
        await client.get_workflow_handle(watch.watch_workflow_id(sqlite_settings, 1)).terminate("test over")
    assert code == 0
