"""Connecting to Temporal: a server that has just opened its port is waited for, a missing one is a clear error."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from reelscan.settings import Settings
from service.client import TemporalUnavailable, connect, still_starting
from tests.conftest import temporal_cli
from tests.ports import free_port


async def test_a_server_that_has_just_opened_its_port_is_waited_for(sqlite_settings: Settings) -> None:
    """On a busy machine its frontend answers "not healthy yet" for a moment after the port opens (a CI run failed
    on that); on a quiet one it is ready at once, so this checks the connection the moment the port opens."""
    port = free_port()
    server = subprocess.Popen(
        [temporal_cli(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # connect the moment the port opens, as a command right after starting the server does
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None and time.monotonic() < deadline, "the dev server did not open its port"
            time.sleep(0.01)
        client = await connect(sqlite_settings, address=f"127.0.0.1:{port}")
        assert (await client.count_workflows()).count == 0
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_no_server_at_the_address_is_one_clear_error(sqlite_settings: Settings) -> None:
    address = f"127.0.0.1:{free_port()}"
    with pytest.raises(TemporalUnavailable) as raised:
        await connect(sqlite_settings, address=address)
    assert f"cannot reach the Temporal server at {address}" in str(raised.value)


def test_a_starting_frontend_is_told_from_a_missing_server() -> None:
    starting = RuntimeError(
        "Failed client connect: `get_system_info` call error after connection: Status { code: Unavailable, message: "
        '"Frontend is not healthy yet", metadata: MetadataMap { headers: {} }, source: None }'
    )
    refused = RuntimeError("Failed client connect: Server connection error: tonic::transport::Error(Transport, ...)")
    assert still_starting(starting) and not still_starting(refused)
