"""Throughput of a real music library scan on the embedded default: albums per second.

    python -m bench.music_benchmark --albums 5000

Generates a library of tagged MP3 albums (three tracks each, an artist per ten albums, a cover.jpg in every other
album folder) with tests.music_builder, then scans it through the four phases (enrichment off) on a file-backed
dev server started like the embedded default, then rescans it unchanged. Prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.scan_benchmark import PROJECT, phase_seconds, starter_down
from tests.music_builder import build_many_albums
from tests.ports import free_port

TRACKS_PER_ALBUM = 3


def music_scan(root: Path, env: dict[str, str]) -> dict[str, Any]:
    import json

    command = [sys.executable, str(PROJECT / "starter.py"), "scan", str(root), "--type", "music"]
    command += ["--wait", "--json", "--no-enrich"]
    out = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, check=True).stdout
    start = 0 if out.startswith("{") else out.index("\n{") + 1
    message: dict[str, Any] = json.loads(out[start:])
    return message


def run(albums: int, keep: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="reelscan-music-bench-"))
    root = work / "music"
    print(f"generating {albums:,} albums ({albums * TRACKS_PER_ALBUM:,} tagged tracks) under {root} ...", flush=True)
    began = time.monotonic()
    build_many_albums(root, albums, TRACKS_PER_ALBUM)
    print(f"  generated in {time.monotonic() - began:.0f} s", flush=True)
    env = dict(
        os.environ,
        REELSCAN_DATA_DIR=str(work / "data"),
        REELSCAN_EMBEDDED_TEMPORAL_PORT=str(free_port()),
        REELSCAN_EMBEDDED_UI_PORT=str(free_port()),
        REELSCAN_API_PORT=str(free_port()),
    )
    for name in ("REELSCAN_TEMPORAL_ADDRESS", "REELSCAN_DATABASE_URL", "REELSCAN_MUSICBRAINZ_USER_AGENT"):
        env.pop(name, None)
    try:
        full = music_scan(root, env)
        rescan = music_scan(root, env)
    finally:
        starter_down(env)
    full_t, rescan_t = phase_seconds(full), phase_seconds(rescan)
    stats = full["stats"]
    print(f"\nreelscan music benchmark: {albums:,} album folders, {os.cpu_count()} cores")
    print(f"  full scan ({full['phase']})        {full_t['total']:8.1f} s {albums / full_t['total']:9.1f} albums/s")
    for phase, seconds in full_t.items():
        if phase != "total":
            print(f"      {phase:<26}{seconds:8.1f} s")
    print(
        f"  unchanged rescan ({rescan['phase']}) {rescan_t['total']:8.1f} s {albums / rescan_t['total']:9.1f} albums/s"
    )
    print(
        f"  artists {stats['artistsFound']:,}, albums {stats['albumsFound']:,}, tracks {stats['tracksFound']:,}, "
        f"assets cached {stats['assetsCached']:,}, errors {stats['errorsCount']:,}; rescan unchanged "
        f"{rescan['progress']['scanning'].get('unchanged'):,}"
    )
    if keep:
        print(f"  kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Music library scan throughput on the embedded default.")
    parser.add_argument("--albums", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the generated library and data dir")
    args = parser.parse_args()
    run(args.albums, args.keep)


if __name__ == "__main__":
    main()
