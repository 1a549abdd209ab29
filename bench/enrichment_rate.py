"""Provider request rate of a real enrichment run against the configured limit, measured at the fake TMDB.

    python -m bench.enrichment_rate --movies 500 --limit 5

Runs the pipeline (embedded default, its own ports and data dir) on a generated library of name-only folders,
with every provider call answered by the fake TMDB over loopback, and prints the median and worst request count
in any 10-second window next to the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.scan_benchmark import starter_down
from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library
from tests.library_builder import build_bulk_library
from tests.ports import free_port

PROJECT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=500)
    parser.add_argument("--limit", type=float, default=5.0, help="provider requests per second (spec: 50 per 10 s)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reelscan-enrich-"))
    root = work / "library"
    build_bulk_library(root, args.movies, with_assets=False)
    fake = FakeTmdb(movies_for_library(root)).start()
    env = dict(
        os.environ,
        REELSCAN_DATA_DIR=str(work / "data"),
        REELSCAN_TMDB_API_KEY=API_KEY,
        REELSCAN_TMDB_BASE_URL=fake.base_url,
        REELSCAN_TMDB_REQUESTS_PER_SECOND=str(args.limit),
        REELSCAN_EMBEDDED_TEMPORAL_PORT=str(free_port()),
        REELSCAN_EMBEDDED_UI_PORT=str(free_port()),
        REELSCAN_API_PORT=str(free_port()),
    )
    env.pop("REELSCAN_TEMPORAL_ADDRESS", None)
    env.pop("REELSCAN_DATABASE_URL", None)
    try:
        out = subprocess.run(
            [sys.executable, str(PROJECT / "starter.py"), "scan", str(root), "--wait", "--json"],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        starter_down(env)
        fake.stop()
    message = json.loads(out.strip().splitlines()[-1])
    times = sorted(r.at for r in fake.api_requests())
    windows = [sum(1 for t in times if start <= t < start + 10) for start in times if start + 10 <= times[-1]]
    span = times[-1] - times[0]
    print(f"enrichment of {args.movies} movies at a limit of {args.limit:g} requests/s ({args.limit * 10:g} per 10 s)")
    print(
        f"  phase: {message['phase']}, enriched {message['progress']['enriching']['completed']}, "
        f"failed {message['progress']['enriching']['failed']}"
    )
    print(f"  provider requests: {len(times)} in {span:.1f} s = {len(times) / span:.2f} requests/s on average")
    print(
        f"  requests per 10 s window: median {statistics.median(windows):g}, worst {max(windows)}, "
        f"limit {args.limit * 10:g}"
    )
    shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
