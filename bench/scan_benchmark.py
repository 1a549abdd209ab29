"""Throughput of a real scan on the embedded default, next to a bare scan of the same library without Temporal
and a lean script doing the least the work needs.

    python -m bench.scan_benchmark --directories 10000
    python -m bench.scan_benchmark --directories 10000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m bench.scan_benchmark --directories 10000 --nas-latency-ms 2     # also through a FUSE "NAS"
    python -m bench.scan_benchmark --directories 100000 --no-bare            # the scale run

Generates a synthetic library (tiny real video, NFO, poster, fanart and subtitle per folder; every tenth folder
name-only), then in one run: the lean script in one process and one per core; the bare scan (the domain path: the
same functions the activities call, per child's folders, without Temporal) in one process, its per-folder cost
split into media info, NFO, the rest of reading a folder, database and cache, and in one process per core; the
pipeline (a full scan and an unchanged rescan through the embedded default: Temporal dev server and worker) on
SQLite, on PostgreSQL with --database-url (a schema of its own, dropped afterwards), and with --nas-latency-ms on
the library served through a FUSE passthrough that adds that latency to every file-system operation. Prints the
figures side by side, with the machine's load (a busy machine makes every figure slower).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench.lean_scan import lean_scan
from bench.nas_fuse import mounted
from reelscan.asset_cache import cache_pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, work_list
from reelscan.db.models import Movie
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.library import naming_cost, scanner
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import DirectoryError, scan_movie_directory
from reelscan.scan_rules import directories_per_child
from reelscan.settings import Settings, get_settings
from tests.ports import free_port

PROJECT = Path(__file__).resolve().parents[1]
MEDIA = PROJECT / "tests" / "fixtures" / "media"
NFO = '<movie><title>Benchmark Movie {i}</title><year>{year}</year><uniqueid type="tmdb">{i}</uniqueid></movie>\n'


NAMES_PER_FOLDER = 6
LINKS_PER_FILE = 50_000  # ext4 allows 65,000 hard links to one file


def generate(root: Path, count: int) -> None:
    root.mkdir(parents=True)
    shared = root.parent / "shared"
    shared.mkdir()
    poster, fanart = (MEDIA / "poster.jpg").read_bytes(), (MEDIA / "fanart.jpg").read_bytes()

    def linked(name: str, i: int) -> Path:
        """One copy of the fixture per LINKS_PER_FILE folders, every folder a hard link to it."""
        source = shared / f"{i // LINKS_PER_FILE}-{name}"
        if not source.exists():
            shutil.copyfile(MEDIA / name, source)
        return source

    for i in range(count):
        year = 1950 + i % 70
        directory = root / f"Benchmark Movie {i:06d} ({year})"
        directory.mkdir()
        os.link(linked("h264_aac.mp4", i), directory / "movie.mp4")
        if i % 10:
            (directory / "movie.nfo").write_text(NFO.format(i=i + 1, year=year))
            # Distinct bytes per folder so the cache really copies (a shared poster would dedupe).
            (directory / "poster.jpg").write_bytes(poster + i.to_bytes(4, "big"))
            (directory / "fanart.jpg").write_bytes(fanart + i.to_bytes(4, "big"))
            os.link(linked("subtitle.en.srt", i), directory / "movie.en.srt")


# --- bare scan: the same domain functions, no Temporal -----------------------------------------------------------


def _bare_chunk(args: tuple[str, str, str, int, int, list[tuple[int, str]]]) -> int:
    """What the scan's children do, without Temporal: per child's folders, read them all, record them in one
    transaction, then cache their assets (the rows recording returned)."""
    url, root, cache_dir, scan_job_id, per_child, items = args
    cache = CacheStore(Path(cache_dir))
    database = partial(session_scope, url)
    for start in range(0, len(items), per_child):
        child = items[start : start + per_child]
        with database() as session:
            videos = movie_records.recorded_videos(session, 1, [relative for _, relative in child])
        scans, errors, signatures = [], [], {}
        for seq, relative in child:
            try:
                scan = scan_movie_directory(Path(root), relative)
            except DirectoryError as exc:
                errors.append((seq, str(exc)))
                continue
            scans.append((seq, scan))
            signatures[seq] = movie_records.main_video_signature(videos.get(relative), scan)
        with database() as session:
            recorded = movie_records.record_directory_scans(
                session,
                scan_job_id=scan_job_id,
                library_id=1,
                scans=scans,
                cache_exists=cache.exists,
                signatures=signatures,
            )
            for seq, message in errors:
                work_list.record_directory_error(session, scan_job_id, seq, message)
        pending = [asset for result in recorded.values() for asset in result.assets]
        cache_pending_assets(database, cache, Path(root), pending, scan_job_id)
    dispose_engines()
    return len(items)


def bare_scan(root: Path, work: Path, processes: int, url: str | None = None) -> float:
    url = url or f"sqlite:///{work / 'bare.db'}"
    migrate(url)
    started = time.perf_counter()
    with session_scope(url) as session:
        library = scan_jobs.get_or_create_library(session, root)
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        walker = LibraryWalker(root)
        total = work_list.replace_scan_directories(session, job.id, list(walker.walk()))
        items = work_list.directory_page(session, job.id, 0, total)
    per_child = directories_per_child(0, total)
    # Children's folders are consecutive; each process takes every processes-th child's.
    children = [items[i : i + per_child] for i in range(0, len(items), per_child)]
    chunks = [[item for child in children[i::processes] for item in child] for i in range(processes)]
    payload = [(url, str(root), str(work / "cache"), job.id, per_child, chunk) for chunk in chunks]
    if processes == 1:
        _bare_chunk(payload[0])
    else:
        with ProcessPoolExecutor(processes) as pool:
            list(pool.map(_bare_chunk, payload))
    dispose_engines()
    return time.perf_counter() - started


class Split:
    """Where the time of a bare scan in one process goes: wall time inside the domain functions it calls, wrapped
    in place for the time of the block (a wrapper costs about a microsecond per call)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(("scan", "media info", "NFO", "video signature", "record", "cache"), 0.0)
        self._undo: list[tuple[Any, str, Any]] = []

    def _wrap(self, module: Any, name: str, part: str) -> None:
        original = getattr(module, name)
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[part] += time.perf_counter() - started

        setattr(module, name, timed)
        self._undo.append((module, name, original))

    def __enter__(self) -> Split:
        here = sys.modules[__name__]
        self._wrap(scanner, "read_parts_media_info", "media info")
        self._wrap(scanner, "parse_nfo", "NFO")
        self._wrap(here, "scan_movie_directory", "scan")
        self._wrap(movie_records, "video_signature", "video signature")
        self._wrap(movie_records, "record_directory_scans", "record")
        self._wrap(here, "cache_pending_assets", "cache")
        return self

    def __exit__(self, *_: object) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)

    def per_folder_ms(self, count: int) -> dict[str, float]:
        s = self.seconds
        parts = {
            "media info": s["media info"],
            "NFO": s["NFO"],
            "rest of reading": s["scan"] - s["media info"] - s["NFO"],
            "video signature": s["video signature"],
            "database": s["record"],  # the signatures are read before, as the activity reads them
            "cache": s["cache"],
        }
        return {name: seconds / count * 1000 for name, seconds in parts.items()}


# --- the pipeline on a file-backed dev server -------------------------------------------------------------------


def in_process_settings(data: Path, prefix: str, **values: str) -> Settings:
    """The settings of a run with in-process workers: a migrated SQLite file in `data`, task queues and workflow
    ids of its own; set in the environment, as the workers read them. `values`: other REELSCAN_ variables."""
    os.environ.update(
        {
            "REELSCAN_DATA_DIR": str(data),
            "REELSCAN_DATABASE_URL": f"sqlite:///{data / 'reelscan.db'}",
            **values,
            "REELSCAN_TASK_QUEUE_PREFIX": f"{prefix}-{os.getpid()}",
            "REELSCAN_WORKFLOW_ID_PREFIX": f"{prefix}-{os.getpid()}",
        }
    )
    get_settings.cache_clear()
    settings = get_settings()
    data.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    return settings


def starter_down(env: dict[str, str]) -> None:
    """`starter.py down` for the services of this environment's data dir; its failure is not the run's."""
    subprocess.run(
        [sys.executable, str(PROJECT / "starter.py"), "down"], env=env, cwd=PROJECT, capture_output=True, check=False
    )


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


class RssSampler(threading.Thread):
    """Resident memory of the worker processes (together) and the Temporal server every few seconds of a scan,
    to show whether it stays flat as the scan goes on."""

    def __init__(self, run_dir: Path, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.run_dir, self.every = run_dir, every
        self.samples: list[tuple[float, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            try:
                worker = json.loads((self.run_dir / "worker.json").read_text())["pid"]
                server = json.loads((self.run_dir / "temporal.json").read_text())["pid"]
            except (OSError, ValueError, KeyError):
                continue
            self.samples.append((sum(rss_mb(pid) for pid in with_children(worker)), rss_mb(server)))

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        points = {"10%": 0.1, "50%": 0.5, "90%": 0.9, "end": 1.0}
        picked = {label: self.samples[int(f * (len(self.samples) - 1))] for label, f in points.items()}
        return ", ".join(f"{label} {worker:.0f}/{server:.0f}" for label, (worker, server) in picked.items())


def with_children(pid: int) -> list[int]:
    """The process and its direct children (the worker starts one sibling process per extra core)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return [pid, *children]


def first_movie_seconds(url: str, message: dict[str, Any]) -> float:
    """From the first scan's start to its first movie row (what a user would see appear first)."""
    with session_scope(url) as session:
        first = session.scalar(select(func.min(Movie.created_at)))
    dispose_engines()
    if first is None:
        return float("nan")
    started = datetime.fromisoformat(message["startedAt"])
    return (first.replace(tzinfo=first.tzinfo or started.tzinfo) - started).total_seconds()


def history_events(address: str, workflow_id: str) -> list[int]:
    """Events per run of the scan's workflow (continue-as-new makes several runs)."""
    out = subprocess.run(
        [
            shutil.which("temporal") or str(Path(sys.executable).parent / "temporal"),
            "workflow",
            "list",
            "--address",
            address,
            "--query",
            f"WorkflowId = '{workflow_id}'",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    runs = json.loads(out) if out.strip() else []
    return [int(run.get("historyLength", 0)) for run in runs]


def _service_pids(run_dir: Path) -> list[int]:
    """The data dir's Temporal server, worker and API (with the worker's processes), by their pid files."""
    pids = []
    for name in ("temporal", "worker", "api"):
        try:
            pid = int(json.loads((run_dir / f"{name}.json").read_text())["pid"])
        except (OSError, ValueError, KeyError):
            continue
        pids.extend(with_children(pid) if name == "worker" else [pid])
    return pids


def _end_left_over(pids: list[int], data: Path) -> None:
    """What `starter.py down` could not stop (it gives up when the data dir's database stays locked): these
    processes, if they still run for this data dir."""
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # ended
        if str(data).encode() in environ or str(data).encode() in cmdline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


class ScanFailed(Exception):
    """starter.py scan did not end with a scan's final message; the message says what it printed."""


def pipeline_scan(root: Path, env: dict[str, str], skip_ffprobe: bool) -> dict[str, Any]:
    command = [sys.executable, str(PROJECT / "starter.py"), "scan", str(root), "--wait", "--json", "--no-enrich"]
    command += ["--skip-ffprobe"] if skip_ffprobe else []
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        raise ScanFailed(f"the scan of {root} exited with {done.returncode}: {' / '.join(said[-3:])}")
    out = done.stdout
    # The JSON document is what stdout holds (from its first line that opens an object).
    start = 0 if out.startswith("{") else out.index("\n{") + 1
    message: dict[str, Any] = json.loads(out[start:])
    return message


def phase_seconds(message: dict[str, Any]) -> dict[str, float]:
    stamps = message["phaseTimestamps"]
    t = [
        datetime.fromisoformat(x)
        for x in (
            message["startedAt"],
            stamps["discoveryCompletedAt"],
            stamps["scanningCompletedAt"],
            stamps["cachingCompletedAt"],
        )
    ]
    return {
        "discovering": (t[1] - t[0]).total_seconds(),
        "scanning": (t[2] - t[1]).total_seconds(),
        "caching (after scanning)": (t[3] - t[2]).total_seconds(),
        "total": (t[3] - t[0]).total_seconds(),
    }


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:9.1f} dirs/s" if seconds > 0 else "        -"


def pipeline_column(root: Path, data: Path, skip_ffprobe: bool, database_url: str | None) -> dict[str, Any]:
    """A full scan and an unchanged rescan through the embedded default (its own data dir and Temporal server)."""
    port, ui_port = free_port(), free_port()
    env = dict(
        os.environ,
        REELSCAN_DATA_DIR=str(data),
        REELSCAN_EMBEDDED_TEMPORAL_PORT=str(port),
        REELSCAN_EMBEDDED_UI_PORT=str(ui_port),
    )
    env.pop("REELSCAN_TEMPORAL_ADDRESS", None)
    env.pop("REELSCAN_DATABASE_URL", None)
    if database_url:
        env["REELSCAN_DATABASE_URL"] = database_url
    url = database_url or f"sqlite:///{data / 'reelscan.db'}"
    sampler = RssSampler(data / "run")
    sampler.start()
    try:
        full = pipeline_scan(root, env, skip_ffprobe)
        sampler.done.set()
        rescan = pipeline_scan(root, env, skip_ffprobe)
        worker_pids = with_children(json.loads((data / "run" / "worker.json").read_text())["pid"])
        server = json.loads((data / "run" / "temporal.json").read_text())
        worker_rss = [peak_rss_mb(pid) for pid in worker_pids]
        server_rss = peak_rss_mb(server["pid"])
        # The data dir's own server: on the preferred port unless something else held it.
        events = history_events(f"127.0.0.1:{server['port']}", full["workflowId"])
        first_movie = first_movie_seconds(url, full)
    finally:
        sampler.done.set()
        services = _service_pids(data / "run")
        starter_down(env)
        _end_left_over(services, data)
    return {
        "full": full,
        "rescan": rescan,
        "phases": phase_seconds(full),
        "rescan_phases": phase_seconds(rescan),
        "first_movie": first_movie,
        "worker_rss": worker_rss,
        "server_rss": server_rss,
        "rss_samples": sampler.summary(),
        "events": events,
    }


@contextlib.contextmanager
def postgres_schema(database_url: str) -> Iterator[str]:
    """The URL of a fresh schema in that PostgreSQL database, dropped afterwards. Held meanwhile: the test suite's
    PostgreSQL lock, shared, so the outage test (which stops the server) waits for the benchmark and the other way
    round (tests/conftest.py)."""
    schema = f"reelscan_bench_{os.getpid()}_{int(time.time())}"
    with (Path(tempfile.gettempdir()) / "reelscan-tests-postgres.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
        finally:
            dispose_engines()
            with engine.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def run(args: argparse.Namespace) -> None:
    count, skip_ffprobe = args.directories, args.skip_ffprobe
    work = Path(tempfile.mkdtemp(prefix="reelscan-bench-"))
    root = args.library or work / "library"
    if args.library is None:
        print(f"generating {count:,} directories under {root} ...", flush=True)
        generate(root, count)
    else:
        count = sum(1 for _ in root.iterdir())
    cores = os.cpu_count() or 2
    loads = [f"at the start: {load()}"]
    lean: dict[int, float] = {}
    bare: dict[str, dict[str, Any]] = {}
    columns: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    try:
        if not args.no_bare:
            print("lean script, bare scans ...", flush=True)
            lean = {n: lean_scan(root, work / f"lean{n}", n) for n in (1, cores)}
            print(f"  lean {lean[1]:.1f} s in 1 process, {lean[cores]:.1f} s in {cores}", flush=True)
            with Split() as split:
                one = bare_scan(root, work / "bare1", 1)
            bare["SQLite"] = {"1": one, "split": split.per_folder_ms(count)}
            bare["SQLite"][str(cores)] = bare_scan(root, work / f"bare{cores}", cores)
            print(f"  bare {one:.1f} s in 1 process, {bare['SQLite'][str(cores)]:.1f} s in {cores}", flush=True)
            loads.append(f"after the bare scans: {load()}")
        print("pipeline on SQLite ...", flush=True)
        try:
            columns["SQLite"] = pipeline_column(root, work / "data-sqlite", skip_ffprobe, None)
            print(f"  {_summary(count, columns['SQLite'])}", flush=True)
        except ScanFailed as exc:
            notes.append(f"SQLite column left out: {exc}")
        loads.append(f"after the SQLite pipeline: {load()}")
        if args.database_url:
            print("PostgreSQL ...", flush=True)
            try:
                if not args.no_bare:
                    with postgres_schema(args.database_url) as url, Split() as split:
                        one = bare_scan(root, work / "bare-pg", 1, url)
                    bare["PostgreSQL"] = {"1": one, "split": split.per_folder_ms(count)}
                with postgres_schema(args.database_url) as url:
                    columns["PostgreSQL"] = pipeline_column(root, work / "data-pg", skip_ffprobe, url)
                print(f"  {_summary(count, columns['PostgreSQL'])}", flush=True)
                loads.append(f"after the PostgreSQL pipeline: {load()}")
            except (OSError, SQLAlchemyError, ScanFailed) as exc:
                notes.append(f"PostgreSQL column left out: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        if args.nas_latency_ms:
            label = f"NAS {args.nas_latency_ms:g} ms/op"
            print(f"pipeline through the FUSE passthrough ({label}) ...", flush=True)
            try:
                with mounted(root, work / "nas", args.nas_latency_ms) as share:
                    columns[label] = pipeline_column(share, work / "data-nas", skip_ffprobe, None)
                print(f"  {_summary(count, columns[label])}", flush=True)
                loads.append(f"after the NAS pipeline: {load()}")
            except (RuntimeError, ScanFailed) as exc:
                notes.append(f"NAS column left out: {exc}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(count, cores, skip_ffprobe, lean, bare, columns, notes, loads)
    if args.keep:
        print(f"  kept {work}")


def _row(label: str, values: list[str]) -> str:
    return f"  {label:<34}" + "".join(f"{v:>22}" for v in values)


def report(
    count: int,
    cores: int,
    skip_ffprobe: bool,
    lean: dict[int, float],
    bare: dict[str, dict[str, Any]],
    columns: dict[str, dict[str, Any]],
    notes: list[str],
    loads: list[str],
) -> None:
    media = "media info off (--skip-ffprobe)" if skip_ffprobe else "media info on"
    print(f"\nreelscan benchmark: {count:,} directories, {cores} cores, {media}")
    if lean:
        print("\nlean path against the domain path (bare scan: the activities' functions, no Temporal)")
        per_folder = {n: seconds / count * 1000 for n, seconds in lean.items()}
        print(
            f"  lean script, 1 process          {lean[1]:8.1f} s {rate(count, lean[1])}  {per_folder[1]:6.2f} ms/folder"
        )
        print(f"  lean script, {cores} processes        {lean[cores]:8.1f} s {rate(count, lean[cores])}")
        for name, figures in bare.items():
            one = figures["1"]
            print(
                f"  bare scan on {name}, 1 process {'':<{10 - len(name)}}{one:8.1f} s {rate(count, one)}  "
                f"{one / count * 1000:6.2f} ms/folder = {one / lean[1]:.2f}x the lean path"
            )
            split = figures["split"]
            print("      " + ", ".join(f"{part} {ms:.2f}" for part, ms in split.items()) + " ms/folder")
            if str(cores) in figures:
                n = figures[str(cores)]
                print(f"  bare scan on {name}, {cores} processes {'':<{8 - len(name)}}{n:8.1f} s {rate(count, n)}")
    if columns:
        print("\npipeline (embedded default: Temporal dev server and worker), full scan then unchanged rescan")
        print(_row("", list(columns)))

        def line(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
            print(_row(label, [cell(c) for c in columns.values()]))

        line("full scan", lambda c: f"{c['phases']['total']:.1f} s {count / c['phases']['total']:.1f}/s")
        for phase in ("discovering", "scanning", "caching (after scanning)"):
            print(_row(f"    {phase}", [_phase(count, c["phases"][phase]) for c in columns.values()]))
        line("first movie in the database", lambda c: f"{c['first_movie']:.2f} s")
        line("unchanged rescan", lambda c: f"{c['rescan_phases']['total']:.1f} s")
        line("ended", lambda c: f"{c['full']['phase']} {_scanned(c['full'])}")
        line("movies new / assets cached", lambda c: f"{_stat(c, 'moviesNew')} / {_stat(c, 'assetsCached')}")
        line("errors (full scan)", lambda c: _stat(c, "errorsCount"))
        line("rescan new/updated/unchanged", _rescan_outcomes)
        line("peak RSS worker (MB)", lambda c: " + ".join(f"{mb:.0f}" for mb in c["worker_rss"]))
        line("peak RSS Temporal server (MB)", lambda c: f"{c['server_rss']:.0f}")
        line("workflow runs, max events per run", lambda c: f"{len(c['events'])}, {max(c['events'], default=0):,}")
        for name, c in columns.items():
            print(f"  RSS during the {name} scan, worker processes together / server (MB): {c['rss_samples']}")
        if "SQLite" in columns:
            local = columns["SQLite"]["phases"]["total"]
            for name, c in columns.items():
                if name.startswith("NAS"):
                    print(f"  {name}: {local / c['phases']['total'] * 100:.0f}% of the local-disk rate")
            if str(cores) in bare.get("SQLite", {}):
                print(f"  ratio pipeline / bare {cores}-process: {local / bare['SQLite'][str(cores)]:.2f}x")
    naming = naming_cost.measure()
    # Each generated folder has a folder name and five file names the rules read (video, NFO, two images, subtitle).
    naming_seconds = count * NAMES_PER_FOLDER * naming["all"] / 1e6
    print(
        f"  naming: {naming['all']:.1f} µs per name (movie folder {naming['movie folder']:.1f}, episode file "
        f"{naming['episode file']:.1f}); {NAMES_PER_FOLDER} names per folder = {naming_seconds:.2f} s"
    )
    for note in notes:
        print(f"  note: {note}")
    print("  machine: " + "; ".join(loads))


def _summary(count: int, column: dict[str, Any]) -> str:
    total = column["phases"]["total"]
    return f"{column['full']['phase']} in {total:.1f} s ({count / total:.1f} folders/s)"


def _scanned(message: dict[str, Any]) -> str:
    scanning = message["progress"]["scanning"]
    return f"{scanning['scanned']:,}/{scanning['total']:,}"


def _stat(column: dict[str, Any], name: str) -> str:
    return f"{column['full']['stats'][name]:,}"


def _rescan_outcomes(column: dict[str, Any]) -> str:
    stats, scanning = column["rescan"]["stats"], column["rescan"]["progress"]["scanning"]
    return f"{stats['moviesNew']}/{stats['moviesUpdated']}/{scanning.get('unchanged')}"


def _phase(count: int, seconds: float) -> str:
    return f"{seconds:.1f} s {count / seconds:.0f}/s" if seconds > 0.05 else f"{seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directories", type=int, default=10000)
    parser.add_argument("--library", type=Path, help="scan this generated library instead of making a new one")
    parser.add_argument("--no-bare", action="store_true", help="skip the lean and bare scans (for the scale run)")
    parser.add_argument("--skip-ffprobe", action="store_true", help="pipeline without media info")
    parser.add_argument("--database-url", help="also on this PostgreSQL database (a schema of its own)")
    parser.add_argument("--nas-latency-ms", type=float, default=0, help="also through a FUSE share with this latency")
    parser.add_argument("--keep", action="store_true", help="keep the generated library and data")
    args = parser.parse_args()
    run(args)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
