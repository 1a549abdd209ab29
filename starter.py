"""The reelscan command line (the `reelscan` console script): start, follow, cancel and inspect library scans.

reelscan scan ~/Movies            # scan (creating the library), live progress until done
reelscan scan --library 1 --json  # start and print the scan id as JSON
reelscan scan ~/TV --type tv      # a TV library (series, seasons, episodes)
reelscan scan ~/Music --type music  # a music library (artists, albums, tracks)
reelscan status 3 | watch 3 | cancel 3 | errors 3 | list | libraries | movies --library 1 --json | series | down
reelscan watch-library --library 1   # scan changed folders as they change; `libraries` shows how each is watched

With --json, stdout holds exactly one JSON document; everything said for people goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.live import Live
from rich.table import Table
from sqlalchemy.exc import OperationalError
from temporalio.client import Client
from temporalio.service import RPCError

from reelscan.db.music_views import list_albums
from reelscan.db.session import migrate, session_scope
from reelscan.db.views import list_libraries, list_movies, list_series, scan_errors
from reelscan.logs import configure_logging
from reelscan.progress import FINAL_PHASES
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings, get_settings
from reelscan.watching import WATCH_MODES
from service import embedded, scans, schedules, watch
from service.client import TemporalUnavailable, connect
from service.display import render
from service.watch_runner import WatchRunner

# Piped output is not cut at 80 columns: a table keeps its natural width (a terminal still wraps at its own).
WIDE = 1000
console = Console() if sys.stdout.isatty() else Console(width=WIDE)
err_console = Console(stderr=True)


class UsageError(Exception):
    """A mistake in what was asked; printed as one line."""


def _options(args: argparse.Namespace) -> ScanOptions:
    overrides: dict[str, object] = {}
    if args.no_cache:
        overrides["enable_caching"] = False
    if args.no_enrich:
        overrides["enable_enrichment"] = False
    if args.skip_assets:
        overrides["skip_asset_discovery"] = True
    if args.skip_ffprobe:
        overrides["skip_ffprobe"] = True
    if args.max_directories:
        overrides["max_directories"] = args.max_directories
    if args.enrichment_mode:
        overrides["enrichment_mode"] = args.enrichment_mode
    if args.force_full_rescan:
        overrides["force_full_rescan"] = True
    if getattr(args, "paths", None):
        overrides["paths"] = args.paths
    try:
        return ScanOptions.profile(args.profile, **overrides)
    except ValidationError as exc:
        raise UsageError("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


async def _client(settings: Settings) -> Client:
    ended = None if settings.temporal_address else embedded.ended_worker(settings)
    client = await connect(settings)
    if not settings.temporal_address:
        if ended is not None:
            err_console.print(f"The worker (pid {ended}) had stopped: started it again", highlight=False)
        embedded.ensure_api(settings)
        err_console.print(
            f"[dim]Temporal Web UI: {embedded.web_ui_url(settings)}   "
            f"progress page: {embedded.api_url(settings)}[/dim]",
            highlight=False,
        )
    return client


async def _follow(client: Client, settings: Settings, scan_job_id: int, *, live: bool) -> dict[str, Any]:
    """Poll the progress query until the scan ends; draw the panel when live."""
    message = await scans.scan_progress(client, settings, scan_job_id)
    if not live:
        while message.get("phase") not in FINAL_PHASES:
            await asyncio.sleep(0.5)
            message = await scans.scan_progress(client, settings, scan_job_id)
        return await scans.recorded_final(settings, scan_job_id) or message
    with Live(render(message), console=console, refresh_per_second=8) as view:
        while message.get("phase") not in FINAL_PHASES:
            await asyncio.sleep(0.25)
            message = await scans.scan_progress(client, settings, scan_job_id)
            view.update(render(message))
        message = await scans.recorded_final(settings, scan_job_id) or message
        view.update(render(message))
    return message


def _exit_code(message: dict[str, Any]) -> int:
    return {"completed": 0, "cancelled": 3}.get(str(message.get("phase")), 1)


async def cmd_scan_all(args: argparse.Namespace, settings: Settings) -> int:
    """Queue a scan of every library at once; each is its own workflow sharing the workers."""
    options = _options(args)
    with session_scope(settings.resolved_database_url) as session:
        libraries = list_libraries(session)
    if not libraries:
        raise UsageError("there are no libraries yet: scan a folder first (reelscan scan PATH)")
    client = await _client(settings)
    started = [await scans.start_scan(client, settings, lib["id"], options) for lib in libraries]
    if args.wait:
        finals = [await _follow(client, settings, s.scan_job_id, live=False) for s in started]
        if args.json:
            print(json.dumps(finals))
        else:
            for message in finals:
                console.print(f"{message.get('libraryName')}: {message.get('summary')}", highlight=False)
        return max(_exit_code(m) for m in finals)
    rows = [
        {
            "libraryId": s.library_id,
            "scanJobId": s.scan_job_id,
            "workflowId": s.workflow_id,
            "alreadyRunning": s.already_running,
        }
        for s in started
    ]
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            console.print(f"library {row['libraryId']}: scan {row['scanJobId']} ({row['workflowId']})")
    return 0


async def cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    if args.all:
        return await cmd_scan_all(args, settings)
    if args.path is None and args.library is None:
        raise UsageError("give a library PATH, --library ID or --all")
    if args.type is not None and args.path is None:
        raise UsageError("--type applies to a library PATH (an existing library keeps its type)")
    options = _options(args)
    _require_library(settings, args.library)
    library_id = args.library
    if library_id is None:
        library_id = scans.library_for_path(settings, Path(args.path).expanduser(), args.name, args.type)
    client = await _client(settings)
    started = await scans.start_scan(client, settings, library_id, options)
    if started.already_running:
        err_console.print(f"Library {library_id} is already being scanned: following scan {started.scan_job_id}")
    if args.json and not args.wait:
        print(
            json.dumps(
                {
                    "scanJobId": started.scan_job_id,
                    "workflowId": started.workflow_id,
                    "libraryId": library_id,
                    "alreadyRunning": started.already_running,
                }
            )
        )
        return 0
    message = await _follow(client, settings, started.scan_job_id, live=not args.json)
    if args.json:
        print(json.dumps(message))
    else:
        console.print()
        console.print(message.get("summary", ""), highlight=False)
    return _exit_code(message)


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    job = scans.scan_row(settings, args.scan_id)
    client = await connect(settings, start_embedded=False) if job.status not in FINAL_PHASES else None
    message = await scans.scan_progress(client, settings, args.scan_id)
    if args.json:
        print(json.dumps(message))
    else:
        console.print(render(message))
    return 0


async def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    scans.scan_row(settings, args.scan_id)
    client = await _client(settings)
    message = await _follow(client, settings, args.scan_id, live=True)
    return _exit_code(message)


async def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    scans.scan_row(settings, args.scan_id)
    client = await connect(settings, start_embedded=False)
    console.print(await scans.cancel_scan(client, settings, args.scan_id))
    return 0


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = scans.list_scans(settings, args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "scanJobId": r.id,
                        "libraryId": r.library_id,
                        "status": r.status,
                        "workflowId": r.workflow_id,
                        "moviesFound": r.movies_found,
                        "errorsCount": r.errors_count,
                        "startedAt": r.started_at.isoformat(),
                    }
                    for r in rows
                ]
            )
        )
        return 0
    table = Table("scan", "library", "status", "movies", "new", "updated", "assets", "errors", "started")
    for r in rows:
        table.add_row(
            str(r.id),
            str(r.library_id),
            r.status,
            f"{r.movies_found:,}",
            f"{r.movies_new:,}",
            f"{r.movies_updated:,}",
            f"{r.assets_cached:,}/{r.assets_queued:,}",
            f"{r.errors_count:,}",
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
    console.print(table)
    return 0


def _show_rows(
    rows: list[dict[str, Any]], as_json: bool, table: Table, cells: Callable[[dict[str, Any]], list[str]]
) -> int:
    """Rows as one JSON array, or as a table of their cells."""
    if as_json:
        print(json.dumps(rows))
        return 0
    for row in rows:
        table.add_row(*cells(row))
    console.print(table)
    return 0


def _ids(row: dict[str, Any]) -> str:
    """IMDb, TMDB (and TVDB for series) ids of a movie or series, in one cell."""
    tagged = [f"{name}:{row[key]}" if row.get(key) else None for name, key in (("tmdb", "tmdbId"), ("tvdb", "tvdbId"))]
    return " ".join(x for x in (row["imdbId"], *tagged) if x)


def _movie_cells(m: dict[str, Any]) -> list[str]:
    video = next(
        (f"{s.get('codec')} {s.get('width')}x{s.get('height')}" for s in m["streams"] if s["kind"] == "video"), ""
    )
    return [str(m["id"]), m["title"], str(m["year"] or ""), _ids(m), video, str(len(m["assets"])), m["state"]]


def _season_name(number: int) -> str:
    return "Specials" if number == 0 else f"S{number:02d}"


def _series_cells(s: dict[str, Any]) -> list[str]:
    seasons = ", ".join(f"{_season_name(season['number'])}: {season['episodes']}" for season in s["seasons"])
    missing = f"{s['missingEpisodes']:,}" if s["missingEpisodes"] else ""
    return [str(s["id"]), s["title"], str(s["year"] or ""), _ids(s), seasons, f"{s['episodes']:,}", missing, s["state"]]


def _require_library(settings: Settings, library_id: int | None) -> None:
    """An unknown library id is a mistake, not an empty result."""
    if library_id is None:
        return
    with session_scope(settings.resolved_database_url) as session:
        known = {lib["id"] for lib in list_libraries(session)}
    if library_id not in known:
        raise UsageError(f"there is no library with id {library_id} (`reelscan libraries` lists them)")


async def cmd_libraries(args: argparse.Namespace, settings: Settings) -> int:
    """The libraries, each with how it is watched: its setting, what that resolves to on its mount and why, and
    (when the Temporal server answers) what its watcher is doing now."""
    with session_scope(settings.resolved_database_url) as session:
        libraries = list_libraries(session)
    client: Client | None
    try:
        client = await connect(settings, start_embedded=False)
    except (TemporalUnavailable, embedded.EmbeddedError):
        client = None  # the libraries are in the database; only the watchers' live state needs the server
    overviews = await watch.watch_overviews(client, settings)
    for lib in libraries:
        lib["watch"] = overviews[lib["id"]]
    table = Table("id", "name", "type", "movies", "series", "albums", "path", "watch", "why", "now")

    def cells(lib: dict[str, Any]) -> list[str]:
        shown = lib["watch"]["mode"]
        if lib["watch"]["setting"] != shown:
            shown = f"{lib['watch']['setting']}: {shown}"
        if lib["watch"]["mode"] == "poll":
            shown += f" every {lib['watch']['pollIntervalSeconds']:g} s"
        counts = [f"{lib['movies']:,}", f"{lib['series']:,}", f"{lib['albums']:,}"]
        watch_cells = [shown, lib["watch"]["reason"], lib["watch"]["status"]]
        return [str(lib["id"]), lib["name"], lib["type"], *counts, lib["path"], *watch_cells]

    return _show_rows(libraries, args.json, table, cells)


async def cmd_errors(args: argparse.Namespace, settings: Settings) -> int:
    """Every error the scan counted, one line each: as many as its errorsCount."""
    scans.scan_row(settings, args.scan_id)
    with session_scope(settings.resolved_database_url) as session:
        entries = scan_errors(session, args.scan_id, limit=args.limit)
    lines = [
        {"phase": e["phase"], "directory": e["directory"], "outcome": e["outcome"], "message": message}
        for e in entries
        for message in e["errors"]
    ]
    if args.json:
        print(json.dumps(lines))
        return 0
    if not lines:
        console.print(f"scan {args.scan_id} has no errors")
        return 0
    table = Table("phase", "directory", "error")
    for line in lines:
        table.add_row(line["phase"], line["directory"] or "(library root)", line["message"])
    console.print(table, highlight=False)
    return 0


async def cmd_movies(args: argparse.Namespace, settings: Settings) -> int:
    _require_library(settings, args.library)
    with session_scope(settings.resolved_database_url) as session:
        movies = list_movies(session, args.library)
    return _show_rows(movies, args.json, Table("id", "title", "year", "ids", "video", "assets", "state"), _movie_cells)


async def cmd_series(args: argparse.Namespace, settings: Settings) -> int:
    _require_library(settings, args.library)
    with session_scope(settings.resolved_database_url) as session:
        series = list_series(session, args.library)
    table = Table("id", "title", "year", "ids", "seasons", "episodes", "missing", "state")
    return _show_rows(series, args.json, table, _series_cells)


def _album_cells(a: dict[str, Any]) -> list[str]:
    tracks = f"{a['tracks']:,}" + (f" (+{a['missingTracks']} missing)" if a["missingTracks"] else "")
    return [
        str(a["id"]),
        a["albumArtist"] or "",
        a["title"],
        str(a["year"] or ""),
        tracks,
        a["mbReleaseId"] or "",
        a["cover"] or "",
        a["state"],
    ]


async def cmd_albums(args: argparse.Namespace, settings: Settings) -> int:
    _require_library(settings, args.library)
    with session_scope(settings.resolved_database_url) as session:
        albums = list_albums(session, args.library)
    table = Table("id", "artist", "album", "year", "tracks", "musicbrainz", "cover", "state")
    return _show_rows(albums, args.json, table, _album_cells)


async def cmd_schedule(args: argparse.Namespace, settings: Settings) -> int:
    _require_library(settings, getattr(args, "library", None))
    client = await _client(settings)
    if args.action == "add":
        options = ScanOptions.profile(args.profile)
        schedule_id = await schedules.add_schedule(
            client, settings, args.library, every=args.every, cron=args.cron, options=options
        )
        console.print(f"scheduled: {schedule_id} (a run is skipped while the previous scan still runs)")
        return 0
    if args.action == "list":
        found = await schedules.list_schedules(client, settings)
        if args.json:
            print(json.dumps([s.__dict__ for s in found]))
            return 0
        table = Table("library", "schedule", "paused", "next runs", "runs so far")
        for s in found:
            table.add_row(
                str(s.library_id), s.spec, "yes" if s.paused else "no", ", ".join(s.next_runs), str(s.recent_runs)
            )
        console.print(table)
        return 0
    console.print(await schedules.change_schedule(client, settings, args.library, args.action))
    return 0


async def cmd_watch_library(args: argparse.Namespace, settings: Settings) -> int:
    """Watch a library: store its watch mode, start its watcher workflow and, for file-system events, run the
    observer here until Ctrl-C (the worker runs it too from its next start)."""
    plan = watch.library_plan(settings, args.library)
    if args.status or args.pause or args.resume:
        client = await connect(settings, start_embedded=False)
        if args.pause or args.resume:
            await watch.pause_watch(client, settings, args.library, paused=bool(args.pause))
        state = await watch.watch_state(client, settings, args.library)
        if state is None:
            raise UsageError(f"library {args.library} is not being watched: starter.py watch-library --library N")
        if args.json:
            print(json.dumps(state))
        else:
            console.print(state["summary"], highlight=False, soft_wrap=True)
        return 0
    interval = schedules.parse_every(args.poll_every).total_seconds() if args.poll_every else None
    mode = args.mode or (plan.setting if plan.setting != "off" else "auto")
    watch.set_watch_mode(settings, args.library, mode, interval)
    plan = watch.library_plan(settings, args.library)
    client = await _client(settings)
    if plan.mode == "off":
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(watch.watch_workflow_id(settings, args.library)).terminate("watching off")
        console.print(f"library {args.library} is no longer watched")
        return 0
    runner = WatchRunner(client, settings, [plan])
    what = f"polled every {plan.poll_interval_seconds:g} s" if plan.mode == "poll" else "file-system events"
    console.print(f"Watching {plan.path}: {what} ({plan.reason})", highlight=False, soft_wrap=True)
    if args.detach or plan.mode == "poll":
        await watch.start_watch(client, settings, plan)
        workflow_id = watch.watch_workflow_id(settings, args.library)
        console.print(f"watcher workflow {workflow_id} is running", highlight=False, soft_wrap=True)
        return 0
    console.print(
        f"changes are scanned {settings.watch_quiet_seconds:g} s after they stop; Ctrl-C stops watching here",
        highlight=False,
        soft_wrap=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.run(stop)
    return 0


async def cmd_down(args: argparse.Namespace, settings: Settings) -> int:
    stopped = embedded.stop_embedded(settings)
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
    return 0


async def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import app_for, check_bind

    host = args.host or settings.api_host
    port = args.port or settings.api_port
    check_bind(settings, host)
    if not settings.temporal_address:
        address = embedded.ensure_dev_server(settings)
        embedded.ensure_worker(settings, address)
    configure_logging()
    err_console.print(f"reelscan API and page on http://{host}:{port} (OpenAPI docs at /docs)", highlight=False)
    # log_config=None: uvicorn's loggers go through our handler, whose filter redacts secrets in URLs (?token=).
    config = uvicorn.Config(app_for(settings), host=host, port=port, log_level="warning", log_config=None)
    server = uvicorn.Server(config)
    await server.serve()
    return 0


async def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    await _client(settings)
    console.print("Temporal dev server and worker are running")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelscan", description="reelscan: scan media libraries on Temporal.")
    sub = parser.add_subparsers(dest="command", required=True)

    scan = sub.add_parser("scan", help="scan a library (created on first use) and follow its progress")
    scan.add_argument("path", nargs="?", help="library folder")
    scan.add_argument("--library", type=int, help="scan an existing library by id")
    scan.add_argument("--all", action="store_true", help="scan every library at once")
    scan.add_argument(
        "--profile",
        default="default",
        choices=["default", "quick", "full"],
        help="quick: no media info, caching or enrichment; full: everything, unchanged folders too",
    )
    scan.add_argument("--name", help="name of a new library (default: the folder name)")
    scan.add_argument(
        "--type",
        choices=list(scans.LIBRARY_TYPES),
        help="type of a new library (default movie); a library's type cannot change",
    )
    scan.add_argument("--max-directories", type=int, help="scan only the first N directories")
    scan.add_argument("--skip-ffprobe", action="store_true", help="do not read media info")
    scan.add_argument("--skip-assets", action="store_true", help="do not discover local assets")
    scan.add_argument("--no-cache", action="store_true", help="do not cache assets")
    scan.add_argument("--no-enrich", action="store_true", help="no metadata enrichment")
    scan.add_argument("--enrichment-mode", choices=["none", "metadata-only", "full"])
    scan.add_argument("--force-full-rescan", action="store_true", help="scan unchanged directories too")
    scan.add_argument(
        "--path",
        dest="paths",
        action="append",
        metavar="FOLDER",
        help="scan only this folder (relative to the library root); repeat for several",
    )
    scan.add_argument("--wait", action="store_true", help="with --json: wait and print the final progress message")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.set_defaults(func=cmd_scan)

    for name, func, text in (
        ("status", cmd_status, "show a scan's progress"),
        ("watch", cmd_watch, "follow a scan live"),
        ("cancel", cmd_cancel, "cancel a running scan"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("scan_id", type=int)
        if name == "status":
            p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)

    errors = sub.add_parser("errors", help="every error a scan counted, one per line")
    errors.add_argument("scan_id", type=int)
    errors.add_argument("--limit", type=int, default=10_000)
    errors.add_argument("--json", action="store_true")
    errors.set_defaults(func=cmd_errors)

    libraries = sub.add_parser("libraries", help="the libraries, with their ids, types and how each is watched")
    libraries.add_argument("--json", action="store_true")
    libraries.set_defaults(func=cmd_libraries)

    lst = sub.add_parser("list", help="recent scans")
    lst.add_argument("--limit", type=int, default=20)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)

    for name, func, text in (
        ("movies", cmd_movies, "movies in the database"),
        ("series", cmd_series, "series in the database, with seasons and episode counts"),
        ("albums", cmd_albums, "albums of music libraries, with their artist, tracks and cover"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--library", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)

    serve = sub.add_parser("serve", help="run the HTTP API, WebSocket and web page")
    serve.add_argument("--host", help="address to bind (default REELSCAN_API_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default REELSCAN_API_PORT, 8787)")
    serve.set_defaults(func=cmd_serve)

    schedule = sub.add_parser("schedule", help="scheduled scans (Temporal Schedules)")
    actions = schedule.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="scan a library on a schedule")
    add.add_argument("--library", type=int, required=True)
    add.add_argument("--every", help="interval, e.g. 12h, 30m, 1d")
    add.add_argument("--cron", help="cron expression, e.g. '0 3 * * *'")
    add.add_argument("--profile", default="default", choices=["default", "quick", "full"])
    schedule_list = actions.add_parser("list", help="schedules and their next runs")
    schedule_list.add_argument("--json", action="store_true")
    for name in ("pause", "unpause", "delete", "trigger"):
        action = actions.add_parser(name, help=f"{name} a library's schedule")
        action.add_argument("--library", type=int, required=True)
    schedule.set_defaults(func=cmd_schedule)

    watching = sub.add_parser("watch-library", help="scan a library's changed folders as they change")
    watching.add_argument("--library", type=int, required=True)
    watching.add_argument(
        "--mode",
        choices=list(WATCH_MODES),
        help="auto (default): file-system events on local disks, polling on network and FUSE mounts; off stops it",
    )
    watching.add_argument("--poll-every", help="polling interval, e.g. 5m (default 5 minutes)")
    watching.add_argument("--detach", action="store_true", help="start the watcher and return (the worker observes)")
    watching.add_argument("--status", action="store_true", help="show the watcher's pending folders")
    watching.add_argument("--pause", action="store_true", help="keep collecting changes but start no scan")
    watching.add_argument("--resume", action="store_true", help="start scans again")
    watching.add_argument("--json", action="store_true")
    watching.set_defaults(func=cmd_watch_library)

    sub.add_parser("up", help="start the embedded Temporal server, worker and API").set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop the embedded Temporal server and worker").set_defaults(func=cmd_down)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    try:
        migrate(settings.resolved_database_url)
        code: int = asyncio.run(args.func(args, settings))
        return code
    except (UsageError, scans.ScanRequestError, TemporalUnavailable, embedded.EmbeddedError) as exc:
        err_console.print(f"error: {exc}", highlight=False, soft_wrap=True)
        return 2
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        err_console.print(
            f"error: the database at {settings.resolved_database_url} is unavailable: {reason}",
            highlight=False,
            soft_wrap=True,
        )
        return 2
    except KeyboardInterrupt:
        err_console.print("interrupted (the scan goes on; `reelscan cancel ID` stops it)")
        return 130


def entry() -> None:
    """The `reelscan` console script."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # temporalio/sdk-python#300: avoid the abort at interpreter shutdown


if __name__ == "__main__":
    entry()
