"""The asset cache: content-addressed, atomic and deduplicated.

Layout: <root>/<entity_type>/<entity_id>/<asset_type>_<sha256>.<ext>. Only ids, known type names and hashes
make a path, so no library file name can steer a write outside the root. A file appears under its final name
only complete (temp file + fsync + rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1024 * 1024
TEMP_PREFIX = ".tmp-"
# Temp files are named .tmp-<host>-<pid>-<random>: one left by a process of this host that no longer runs (a killed
# worker) is removed as soon as a file is cached into its folder again.
_HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")


class CacheError(Exception):
    """An asset could not be cached; the message names the file or directory and the reason."""


@dataclass(frozen=True)
class StoredAsset:
    sha256: str
    size: int
    relative_path: str
    copied: bool


def sha256_file(path: Path, chunk_size: int = CHUNK) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _check_key(entity_type: str, entity_id: int, asset_type: str) -> None:
    if not _NAME_RE.match(entity_type) or not _NAME_RE.match(asset_type):
        raise CacheError(f"invalid cache key {entity_type!r}/{asset_type!r}")
    if not isinstance(entity_id, int) or entity_id <= 0:
        raise CacheError(f"invalid entity id {entity_id!r}")


def _create_temp(folder: str) -> tuple[io.FileIO, str]:
    temp = os.path.join(folder, f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-{uuid.uuid4().hex}")
    return open(temp, "wb", buffering=0), temp


def _write_all(writer: io.FileIO, block: bytes) -> None:
    view = memoryview(block)
    while view:
        view = view[writer.write(view) :]


def _has_size(path: str, size: int) -> bool:
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


def _extension(source: Path) -> str:
    ext = source.suffix.lower().lstrip(".")
    return ext if _EXT_RE.match(ext) else "bin"


class CacheStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._real_root: str | None = None
        # The folder the last store() made ready (checked inside the root, made, swept of dead temps): the assets
        # of one movie come one after another, and need that once.
        self._ready: str | None = None

    def path_for(self, entity_type: str, entity_id: int, asset_type: str, sha256: str, ext: str) -> Path:
        _check_key(entity_type, entity_id, asset_type)
        if not _HASH_RE.match(sha256) or not _EXT_RE.match(ext):
            raise CacheError(f"invalid cache file name {sha256!r}.{ext!r}")
        path = self.root / entity_type / str(entity_id) / f"{asset_type}_{sha256}.{ext}"
        self._check_inside(os.fspath(path.parent), path)
        return path

    def _check_inside(self, folder: str, shown: str | Path) -> None:
        # The file name is checked by the caller; its folder is what a symlink inside the cache could redirect.
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        if not os.path.realpath(folder).startswith(self._real_root + os.sep):
            raise CacheError(f"cache path {shown} would leave the cache root {self.root}")

    def _folder(self, entity_type: str, entity_id: int) -> str:
        """The entity's folder, inside the root, made, and rid of temp files of dead processes (once for the
        stores into one folder in a row)."""
        folder = os.path.join(self.root, entity_type, str(entity_id))
        if folder != self._ready:
            self._check_inside(folder, folder)
            try:
                Path(folder).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CacheError(f"cache directory {folder} is not writable: {exc.strerror or exc}") from None
            _remove_dead_temps(folder)
            self._ready = folder
        return folder

    def _temp_file(self, entity_type: str, entity_id: int) -> tuple[io.FileIO, str]:
        """A new temp file in the entity's folder, and its path; the folder is made again if it went since it was
        made ready."""
        folder = self._folder(entity_type, entity_id)
        try:
            try:
                return _create_temp(folder)
            except FileNotFoundError:
                self._ready = None
                folder = self._folder(entity_type, entity_id)
                return _create_temp(folder)
        except OSError as exc:
            raise CacheError(f"cache directory {folder} is not writable: {exc.strerror or exc}") from None

    def exists(self, relative_path: str, size: int | None = None) -> bool:
        try:
            st = os.stat(os.path.join(self.root, relative_path))
        except OSError:
            return False
        return size is None or st.st_size == size

    def store(
        self,
        source: Path,
        *,
        entity_type: str,
        entity_id: int,
        asset_type: str,
        on_progress: Callable[[int], None] | None = None,
        sync_folder: bool = True,
    ) -> StoredAsset:
        """Hash while copying into a temp file next to the target, fsync it, then rename it into place (one read).

        With sync_folder=False the rename is made durable later, by sync_folders for many files at once."""
        ext = _extension(source)
        _check_key(entity_type, entity_id, asset_type)  # before touching the disk (the hash is not known yet)
        folder = self._folder(entity_type, entity_id)
        digest = hashlib.sha256()
        size = 0
        temp = None
        try:
            try:
                reader = source.open("rb", buffering=0)
            except FileNotFoundError:
                raise CacheError(f"asset {source} no longer exists") from None
            except IsADirectoryError:
                raise CacheError(f"asset {source} is a directory, not a file") from None
            except PermissionError:
                raise CacheError(f"cannot read asset {source}: permission denied") from None
            with reader:
                writer, temp = self._temp_file(entity_type, entity_id)
                with writer:
                    while block := reader.read(CHUNK):
                        digest.update(block)
                        _write_all(writer, block)
                        size += len(block)
                        if on_progress:
                            on_progress(size)
                    os.fsync(writer.fileno())
            sha256 = digest.hexdigest()
            name = f"{asset_type}_{sha256}.{ext}"
            target = os.path.join(folder, name)
            relative = f"{entity_type}/{entity_id}/{name}"
            if _has_size(target, size):
                os.unlink(temp)
                temp = None
                return StoredAsset(sha256, size, relative, copied=False)
            os.replace(temp, target)
            temp = None
            if sync_folder:
                _fsync_dir(folder)
            return StoredAsset(sha256, size, relative, copied=True)
        except OSError as exc:
            raise CacheError(f"cannot cache asset {source} into {folder}: {exc.strerror or exc}") from None
        finally:
            if temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)

    def store_bytes(
        self,
        data: bytes,
        *,
        extension: str,
        entity_type: str,
        entity_id: int,
        asset_type: str,
        sync_folder: bool = True,
    ) -> StoredAsset:
        """Store bytes read from inside a file (a cover embedded in a track's tags) as store() stores a file."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(entity_type, entity_id, asset_type, sha256, extension)
        relative = target.relative_to(self.root).as_posix()
        if self.exists(relative, len(data)):
            return StoredAsset(sha256, len(data), relative, copied=False)
        folder = target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cache directory {folder} is not writable: {exc.strerror or exc}") from None
        temp = folder / f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-{uuid.uuid4().hex}"
        try:
            with temp.open("wb") as writer:
                writer.write(data)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(temp, target)
            if sync_folder:
                _fsync_dir(folder)
        except OSError as exc:
            raise CacheError(f"cannot cache {asset_type} into {folder}: {exc.strerror or exc}") from None
        finally:
            temp.unlink(missing_ok=True)
        return StoredAsset(sha256, len(data), relative, copied=True)

    def sync_folders(self, stored: Iterable[StoredAsset]) -> None:
        """Make the renames of these files durable, one fsync per folder."""
        for folder in {(self.root / asset.relative_path).parent for asset in stored if asset.copied}:
            _fsync_dir(folder)

    def remove_stale_temp_files(self, older_than_seconds: float = 3600) -> int:
        """Temp files left by killed workers (of this host, or older than the cutoff from any host); never visible
        as cached assets. The worker sweeps the cache once at start."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for temp in self.root.glob(f"*/*/{TEMP_PREFIX}*"):
            try:
                if _left_by_dead_process(temp.name) or temp.stat().st_mtime < cutoff:
                    temp.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


def _left_by_dead_process(name: str) -> bool:
    host, _, rest = name.removeprefix(TEMP_PREFIX).rpartition("-")[0].rpartition("-")
    if host != _HOST or not rest.isdigit():
        return False
    try:
        os.kill(int(rest), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _remove_dead_temps(folder: str) -> None:
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        if _left_by_dead_process(name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))


def _fsync_dir(folder: str | Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
