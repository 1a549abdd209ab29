"""Throughput of a real scan on the embedded default, next to a bare scan of the same library without Temporal.

    python -m bench.scan_benchmark --directories 10000
    python -m bench.scan_benchmark --directories 100000 --no-bare --skip-ffprobe   # the scale run

Generates a synthetic library (tiny real video, NFO, poster, fanart and subtitle per folder; every tenth folder
name-only), then in one run: a bare scan in one process, a bare scan with one process per core, the pipeline on a
file-backed dev server started like the embedded default, and an unchanged rescan. Prints figures and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from reelscan.asset_cache import cache_pending_assets, pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, work_list
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.library import naming_cost
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import DirectoryError, scan_movie_directory

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


def _bare_chunk(args: tuple[str, str, str, int, list[tuple[int, str]]]) -> int:
    url, root, cache_dir, scan_job_id, items = args
    cache = CacheStore(Path(cache_dir))
    for seq, relative in items:
        try:
            scan = scan_movie_directory(Path(root), relative)
        except DirectoryError as exc:
            with session_scope(url) as session:
                work_list.record_directory_error(session, scan_job_id, seq, str(exc))
            continue
        with session_scope(url) as session:
            recorded = movie_records.record_directory_scan(
                session, scan_job_id=scan_job_id, seq=seq, library_id=1, scan=scan, cache_exists=cache.exists
            )
        if recorded.movie_id is None:
            continue
        with session_scope(url) as session:
            pending = pending_assets(session, [recorded.movie_id])
        cache_pending_assets(url, cache, Path(root), pending, scan_job_id)
    dispose_engines()
    return len(items)


def bare_scan(root: Path, work: Path, processes: int) -> float:
    url = f"sqlite:///{work / 'bare.db'}"
    migrate(url)
    started = time.perf_counter()
    with session_scope(url) as session:
        library = scan_jobs.get_or_create_library(session, root)
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        walker = LibraryWalker(root)
        total = work_list.replace_scan_directories(session, job.id, walker.walk())
        items = work_list.directory_page(session, job.id, 0, total)
    chunks = [items[i::processes] for i in range(processes)]
    payload = [(url, str(root), str(work / "cache"), job.id, chunk) for chunk in chunks]
    if processes == 1:
        _bare_chunk(payload[0])
    else:
        with ProcessPoolExecutor(processes) as pool:
            list(pool.map(_bare_chunk, payload))
    dispose_engines()
    return time.perf_counter() - started


# --- the pipeline on a file-backed dev server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def first_movie_seconds(data: Path, message: dict[str, Any]) -> float:
    """From the first scan's start to its first movie row (what a user would see appear first)."""
    with sqlite3.connect(data / "reelscan.db") as db:
        (first,) = db.execute("SELECT MIN(created_at) FROM movies").fetchone()
    started = datetime.fromisoformat(message["startedAt"])
    created = datetime.fromisoformat(first)
    return (created.replace(tzinfo=created.tzinfo or started.tzinfo) - started).total_seconds()


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


def pipeline_scan(root: Path, env: dict[str, str], skip_ffprobe: bool) -> dict[str, Any]:
    command = [sys.executable, str(PROJECT / "starter.py"), "scan", str(root), "--wait", "--json", "--no-enrich"]
    command += ["--skip-ffprobe"] if skip_ffprobe else []
    out = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, check=True).stdout
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


def run(count: int, keep: bool, bare: bool, skip_ffprobe: bool, library: Path | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="reelscan-bench-"))
    root = library or work / "library"
    if library is None:
        print(f"generating {count:,} directories under {root} ...", flush=True)
        generate(root, count)
    else:
        count = sum(1 for _ in root.iterdir())
    cores = os.cpu_count() or 2

    bare1 = bare_scan(root, work / "bare1", 1) if bare else 0.0
    bare_n = bare_scan(root, work / f"bare{cores}", cores) if bare else 0.0

    data = work / "data"
    port, ui_port = free_port(), free_port()
    env = dict(
        os.environ,
        REELSCAN_DATA_DIR=str(data),
        REELSCAN_EMBEDDED_TEMPORAL_PORT=str(port),
        REELSCAN_EMBEDDED_UI_PORT=str(ui_port),
    )
    env.pop("REELSCAN_TEMPORAL_ADDRESS", None)
    env.pop("REELSCAN_DATABASE_URL", None)
    sampler = RssSampler(data / "run")
    sampler.start()
    try:
        full = pipeline_scan(root, env, skip_ffprobe)
        sampler.done.set()
        rescan = pipeline_scan(root, env, skip_ffprobe)
        worker_pids = with_children(json.loads((data / "run" / "worker.json").read_text())["pid"])
        server_pid = json.loads((data / "run" / "temporal.json").read_text())["pid"]
        worker_rss = [peak_rss_mb(pid) for pid in worker_pids]
        server_rss = peak_rss_mb(server_pid)
        # The data dir's own server: on the preferred port unless something else held it.
        server_port = json.loads((data / "run" / "temporal.json").read_text())["port"]
        events = history_events(f"127.0.0.1:{server_port}", full["workflowId"])
        first_movie = first_movie_seconds(data, full)
    finally:
        subprocess.run(
            [sys.executable, str(PROJECT / "starter.py"), "down"],
            env=env,
            cwd=PROJECT,
            capture_output=True,
            check=False,
        )

    full_t, rescan_t = phase_seconds(full), phase_seconds(rescan)
    media = "media info off (--skip-ffprobe)" if skip_ffprobe else "media info on"
    print(f"\nreelscan benchmark: {count:,} directories, {cores} cores, {media}")
    if bare:
        print(f"  bare scan, 1 process          {bare1:8.1f} s {rate(count, bare1)}")
        print(f"  bare scan, {cores} processes        {bare_n:8.1f} s {rate(count, bare_n)}")
    print(f"  pipeline, full scan           {full_t['total']:8.1f} s {rate(count, full_t['total'])}")
    for phase, seconds in full_t.items():
        if phase != "total":
            print(f"      {phase:<26}{seconds:8.1f} s {rate(count, seconds)}")
    print(f"  first movie in the database   {first_movie:8.2f} s after the scan started")
    print(f"  pipeline, unchanged rescan    {rescan_t['total']:8.1f} s {rate(count, rescan_t['total'])}")
    if bare:
        print(f"  ratio pipeline / bare {cores}-process  {full_t['total'] / bare_n:6.2f}x")
    stats, scanning = full["stats"], full["progress"]["scanning"]
    print(
        f"  full scan ended {full['phase']}: scanned {scanning['scanned']:,}/{scanning['total']:,} directories "
        "(completed only when every folder has an outcome and the counters equal the database)"
    )
    print(
        f"  movies {stats['moviesFound']:,} (new {stats['moviesNew']:,}), assets cached {stats['assetsCached']:,}, "
        f"errors {stats['errorsCount']:,}; rescan new {rescan['stats']['moviesNew']}, "
        f"updated {rescan['stats']['moviesUpdated']}, unchanged {rescan['progress']['scanning'].get('unchanged')}"
    )
    print(
        f"  peak RSS: worker {' + '.join(f'{mb:.0f}' for mb in worker_rss)} MB ({len(worker_rss)} processes), "
        f"Temporal server {server_rss:.0f} MB"
    )
    print(f"  RSS during the full scan, worker processes together / server (MB): {sampler.summary()}")
    print(f"  scan workflow runs {len(events)}, history events per run: max {max(events, default=0):,}")
    naming = naming_cost.measure()
    # Each generated folder has a folder name and five file names the rules read (video, NFO, two images, subtitle).
    naming_seconds = count * NAMES_PER_FOLDER * naming["all"] / 1e6
    print(
        f"  naming: {naming['all']:.1f} µs per name (movie folder {naming['movie folder']:.1f}, episode file "
        f"{naming['episode file']:.1f}); {NAMES_PER_FOLDER} names per folder = {naming_seconds:.2f} s, "
        f"{naming_seconds / full_t['total'] * 100:.2f}% of the full scan"
    )
    if keep:
        print(f"  kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directories", type=int, default=10000)
    parser.add_argument("--library", type=Path, help="scan this generated library instead of making a new one")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare scans (for the scale run)")
    parser.add_argument("--skip-ffprobe", action="store_true", help="pipeline without media info")
    parser.add_argument("--keep", action="store_true", help="keep the generated library and data")
    args = parser.parse_args()
    run(args.directories, args.keep, not args.no_bare, args.skip_ffprobe, args.library)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
