"""A library served as a network share would be: a read-only FUSE passthrough adding a set latency to every
file-system operation (lookup, getattr, readdir, open, read, ...), so the benchmark can say what a user whose
library is on a NAS gets.

    python -m bench.nas_fuse SOURCE MOUNTPOINT --latency-ms 2     # serves until unmounted (fusermount3 -u)

Needs /dev/fuse, libfuse (Debian: fuse3, libfuse3-3) and the mfusepy binding (pip install mfusepy); mounted()
says why it cannot mount instead of failing, so the benchmark goes on without its NAS column.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STAT_FIELDS = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size")
TIME_FIELDS = ("st_atime", "st_mtime", "st_ctime")


def _passthrough(source: str, latency: float) -> Any:
    # Imported here: the benchmark runs where the binding or libfuse is missing (without its NAS column).
    import mfusepy as fuse  # type: ignore[import-untyped]

    class Passthrough(fuse.Operations):  # type: ignore[misc]  # mfusepy has no type hints
        """Every operation waits `latency` seconds, then does the same on the source folder."""

        use_ns = True

        def _path(self, path: str) -> str:
            return source + path

        def _wait(self) -> None:
            if latency:
                time.sleep(latency)

        def getattr(self, path: str, fh: int | None = None) -> dict[str, int]:
            self._wait()
            try:
                st = os.lstat(self._path(path))
            except OSError as exc:
                raise fuse.FuseOSError(exc.errno or errno.EIO) from None
            attrs = {name: getattr(st, name) for name in STAT_FIELDS}
            attrs.update({name: getattr(st, f"{name}_ns") for name in TIME_FIELDS})
            return attrs

        def readdir(self, path: str, fh: int) -> list[str]:
            self._wait()
            try:
                return [".", "..", *os.listdir(self._path(path))]
            except OSError as exc:
                raise fuse.FuseOSError(exc.errno or errno.EIO) from None

        def readlink(self, path: str) -> str:
            self._wait()
            return os.readlink(self._path(path))

        def access(self, path: str, amode: int) -> int:
            self._wait()
            if not os.access(self._path(path), amode):
                raise fuse.FuseOSError(errno.EACCES)
            return 0

        def open(self, path: str, flags: int) -> int:
            self._wait()
            try:
                return os.open(self._path(path), flags)
            except OSError as exc:
                raise fuse.FuseOSError(exc.errno or errno.EIO) from None

        def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
            self._wait()
            return os.pread(fh, size, offset)

        def release(self, path: str, fh: int) -> int:
            os.close(fh)
            return 0

        def statfs(self, path: str) -> dict[str, int]:
            self._wait()
            st = os.statvfs(self._path(path))
            names = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag")
            return {name: getattr(st, name) for name in (*names, "f_frsize", "f_namemax")}

    return fuse, Passthrough()


def serve(source: Path, mountpoint: Path, latency_ms: float) -> None:
    fuse, operations = _passthrough(str(source.resolve()), latency_ms / 1000)
    fuse.FUSE(operations, str(mountpoint), foreground=True, ro=True, nothreads=False)


def unavailable() -> str | None:
    """Why no FUSE mount can be made here (None when it looks possible)."""
    if not Path("/dev/fuse").exists():
        return "no /dev/fuse on this machine"
    if not (shutil.which("fusermount3") or shutil.which("fusermount")):
        return "no fusermount3 (Debian: apt-get install fuse3 libfuse3-3)"
    try:
        import mfusepy  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"the mfusepy binding cannot load ({exc}; pip install mfusepy, and libfuse3-3 from Debian)"
    return None


def _unmount(mountpoint: Path) -> None:
    tool = shutil.which("fusermount3") or shutil.which("fusermount") or "fusermount"
    subprocess.run([tool, "-u", "-z", str(mountpoint)], capture_output=True, check=False)


@contextlib.contextmanager
def mounted(source: Path, mountpoint: Path, latency_ms: float, timeout: float = 20.0) -> Iterator[Path]:
    """The source served at mountpoint with the latency, for the time of the block. RuntimeError (with the reason)
    when it cannot be mounted."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    mountpoint.mkdir(parents=True, exist_ok=True)
    log = mountpoint.parent / f"{mountpoint.name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.nas_fuse", str(source), str(mountpoint), "--latency-ms", str(latency_ms)],
            cwd=Path(__file__).resolve().parents[1],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + timeout
        while not os.path.ismount(mountpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                detail = log.read_text(errors="replace").strip().splitlines()
                raise RuntimeError(f"the FUSE passthrough did not mount: {detail[-1] if detail else 'no output'}")
            time.sleep(0.1)
        yield mountpoint
    finally:
        _unmount(mountpoint)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("mountpoint", type=Path)
    parser.add_argument("--latency-ms", type=float, default=2.0)
    args = parser.parse_args()
    serve(args.source, args.mountpoint, args.latency_ms)


if __name__ == "__main__":
    main()
