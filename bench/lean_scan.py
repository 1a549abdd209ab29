"""The lean path: what scanning a generated movie folder needs at the least, as a plain script, to measure the
domain path against. Per folder: list it, read the video's media info (libmediainfo, the fields reelscan reads),
hash, copy and fsync each asset into a content-addressed cache (one directory fsync per folder), and insert the
rows into SQLite in batches. No NFO parsing, no naming rules, no ORM, no Temporal.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reelscan.library.media_info import _tracks

ASSET_SUFFIXES = (".jpg", ".jpeg", ".png", ".srt", ".ass")
VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi")
BATCH = 100
CHUNK = 1024 * 1024


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _store(source: str, folder: Path) -> tuple[str, str]:
    """Hash while copying into a temp file, fsync it, rename it to its hash: (sha256, cache path)."""
    digest = hashlib.sha256()
    temp = folder / f".tmp-{os.getpid()}"
    with open(source, "rb") as reader, temp.open("wb") as writer:
        while block := reader.read(CHUNK):
            digest.update(block)
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    sha = digest.hexdigest()
    target = folder / f"{sha}{os.path.splitext(source)[1]}"
    os.replace(temp, target)
    return sha, str(target)


def _chunk(args: tuple[str, str, str, list[str]]) -> int:
    root, cache, database, folders = args
    db = _connect(Path(database))
    movies: list[tuple[str, str]] = []
    assets: list[tuple[str, str, str, str]] = []

    def flush() -> None:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO movies (directory, media) VALUES (?, ?)", movies)
        db.executemany("INSERT INTO assets (directory, source, sha256, cache_path) VALUES (?, ?, ?, ?)", assets)
        db.execute("COMMIT")
        movies.clear()
        assets.clear()

    for index, relative in enumerate(folders):
        absolute = os.path.join(root, relative)
        entries = sorted(os.scandir(absolute), key=lambda e: e.name)
        video = next(e for e in entries if e.name.endswith(VIDEO_SUFFIXES))
        movies.append((relative, json.dumps(_tracks(Path(video.path)))))
        folder = Path(cache) / str(index % 256)
        folder.mkdir(exist_ok=True)
        for entry in entries:
            if entry.name.endswith(ASSET_SUFFIXES):
                sha, path = _store(entry.path, folder)
                assets.append((relative, entry.name, sha, path))
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if len(movies) >= BATCH:
            flush()
    if movies:
        flush()
    db.close()
    return len(folders)


def lean_scan(root: Path, work: Path, processes: int) -> float:
    """Seconds to scan every folder of the library the lean way, in this many processes."""
    work.mkdir(parents=True)
    database = work / "lean.db"
    db = _connect(database)
    db.execute("CREATE TABLE movies (id INTEGER PRIMARY KEY, directory TEXT UNIQUE, media TEXT)")
    db.execute(
        "CREATE TABLE assets (id INTEGER PRIMARY KEY, directory TEXT, source TEXT, sha256 TEXT, cache_path TEXT)"
    )
    db.close()
    (work / "cache").mkdir()
    started = time.perf_counter()
    folders = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
    chunks = [(str(root), str(work / "cache"), str(database), folders[i::processes]) for i in range(processes)]
    if processes == 1:
        _chunk(chunks[0])
    else:
        with ProcessPoolExecutor(processes) as pool:
            list(pool.map(_chunk, chunks))
    return time.perf_counter() - started
