"""The asset cache: content-addressed, atomic, deduplicated and confined to its root."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reelscan import cache_store
from reelscan.cache_store import TEMP_PREFIX, CacheError, CacheStore, sha256_file


def source(tmp_path: Path, name: str = "poster.jpg", data: bytes = b"image-bytes") -> Path:
    path = tmp_path / "lib" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_store_hashes_and_places_the_file(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    src = source(tmp_path, data=b"x" * 3_000_000)
    stored = store.store(src, entity_type="movie", entity_id=7, asset_type="poster")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert stored.sha256 == digest == sha256_file(src)[0]
    assert stored.relative_path == f"movie/7/poster_{digest}.jpg"
    assert (tmp_path / "cache" / stored.relative_path).read_bytes() == src.read_bytes()
    assert stored.copied and stored.size == 3_000_000


def test_second_store_of_the_same_content_copies_nothing(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    first = store.store(source(tmp_path), entity_type="movie", entity_id=1, asset_type="fanart")
    mtime = (tmp_path / "cache" / first.relative_path).stat().st_mtime_ns
    again = store.store(source(tmp_path, "fanart.jpg"), entity_type="movie", entity_id=1, asset_type="fanart")
    assert not again.copied and again.relative_path == first.relative_path
    assert (tmp_path / "cache" / first.relative_path).stat().st_mtime_ns == mtime


def test_no_temp_file_is_left_behind(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    store.store(source(tmp_path), entity_type="movie", entity_id=1, asset_type="poster")
    with pytest.raises(CacheError, match="no longer exists"):
        store.store(tmp_path / "lib" / "gone.jpg", entity_type="movie", entity_id=1, asset_type="poster")
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".tmp")] == []


def test_a_folder_removed_between_two_stores_is_made_again(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    store.store(source(tmp_path), entity_type="movie", entity_id=1, asset_type="poster")
    shutil.rmtree(tmp_path / "cache" / "movie" / "1")
    other = source(tmp_path, "fanart.jpg", b"other")
    stored = store.store(other, entity_type="movie", entity_id=1, asset_type="fanart")
    assert stored.copied and (tmp_path / "cache" / stored.relative_path).read_bytes() == b"other"


def test_library_names_cannot_steer_writes_outside_the_root(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    evil = source(tmp_path, "sub/../../x.j/../pg")
    stored = store.store(evil, entity_type="movie", entity_id=3, asset_type="poster")
    assert (tmp_path / "cache" / stored.relative_path).resolve().is_relative_to((tmp_path / "cache").resolve())
    assert stored.relative_path.startswith("movie/3/poster_")
    for entity_type, asset_type in (("../movie", "poster"), ("movie", "../../etc"), ("Movie", "poster")):
        with pytest.raises(CacheError):
            store.store(source(tmp_path), entity_type=entity_type, entity_id=1, asset_type=asset_type)


def test_weird_extensions_become_bin(tmp_path: Path) -> None:
    stored = CacheStore(tmp_path / "cache").store(
        source(tmp_path, "poster.j$pg!"), entity_type="movie", entity_id=1, asset_type="poster"
    )
    assert stored.relative_path.endswith(".bin")


def test_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("file")
    with pytest.raises(CacheError, match="not writable"):
        CacheStore(blocker / "cache").store(source(tmp_path), entity_type="movie", entity_id=1, asset_type="poster")


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "movie" / "1"
    folder.mkdir(parents=True)
    (folder / ".tmp-abc").write_bytes(b"partial")
    assert CacheStore(tmp_path / "cache").remove_stale_temp_files(older_than_seconds=-1) == 1
    assert not (folder / ".tmp-abc").exists()


def test_a_temp_file_of_a_killed_worker_goes_when_its_folder_is_written_again(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    folder = tmp_path / "cache" / "movie" / "1"
    folder.mkdir(parents=True)
    left = folder / f"{TEMP_PREFIX}{cache_store._HOST}-{dead.pid}-abc"
    alive = folder / f"{TEMP_PREFIX}{cache_store._HOST}-{os.getpid()}-def"
    left.write_bytes(b"partial")
    alive.write_bytes(b"being written")
    CacheStore(tmp_path / "cache").store(source(tmp_path), entity_type="movie", entity_id=1, asset_type="poster")
    assert not left.exists()
    assert alive.exists()  # a running process's copy is never touched
    assert CacheStore(tmp_path / "cache").remove_stale_temp_files() == 0
