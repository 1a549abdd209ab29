"""What the fake providers (tests/fake_tmdb.py, tests/fake_musicbrainz.py) share: their FastAPI app served by
uvicorn on 127.0.0.1 in a background thread, and the command line's run in the foreground or detached."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Self

import uvicorn
from fastapi import FastAPI


class LoopbackServer:
    """Serves `app()` on 127.0.0.1 (a free port unless one was given) while started."""

    label = "fake server"  # for the thread's name and the error when it does not start

    def __init__(self, *, port: int = 0) -> None:
        self._requested_port = port
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> FastAPI:
        raise NotImplementedError

    def start(self) -> Self:
        """Returns once the port accepts connections."""
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._requested_port))
        self._socket = sock
        self.port = int(sock.getsockname()[1])
        server = uvicorn.Server(uvicorn.Config(self.app(), log_level="warning", access_log=False, lifespan="off"))
        self._server = server
        name = self.label.replace(" ", "-").lower()
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=name)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not (server.started and _accepts(self.port)):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {self.label} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def detach(pidfile: Path | None) -> bool:
    """With a pid file: go on in a background process that writes its pid there (True in the parent, which
    should return), its output to /dev/null. Without one: stay in the foreground (False)."""
    if pidfile is None:
        return False
    if os.fork():
        return True
    os.setsid()
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    pidfile.write_text(json.dumps({"pid": os.getpid()}))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    return False


def serve(server: LoopbackServer, port: int) -> None:
    """Serve in the foreground until interrupted (the command line's way)."""
    uvicorn.run(server.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
