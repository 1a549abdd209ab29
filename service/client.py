"""Connecting to Temporal: the configured server, or the embedded one started on demand."""

from __future__ import annotations

import asyncio
import time

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import RPCError

from reelscan.settings import Settings
from service import embedded


class TemporalUnavailable(Exception):
    """No Temporal server answers at the configured address."""


def temporal_address(settings: Settings, *, start_embedded: bool) -> str:
    if settings.temporal_address:
        return settings.temporal_address
    if start_embedded:
        address = embedded.ensure_dev_server(settings)
        embedded.ensure_worker(settings, address)
        return address
    return embedded.embedded_address(settings)


STARTING_SERVER_WAIT = 30.0


def still_starting(error: Exception) -> bool:
    """The server answers but is not ready yet (its frontend comes up after its port opens)."""
    return "not healthy yet" in str(error)


async def connect(
    settings: Settings, *, start_embedded: bool = True, address: str | None = None, runtime: Runtime | None = None
) -> Client:
    target = address or temporal_address(settings, start_embedded=start_embedded)
    # A server that has just opened its port answers "Frontend is not healthy yet" for a moment: wait that out,
    # but a server that is not there (connection refused) fails at once.
    deadline = time.monotonic() + STARTING_SERVER_WAIT
    while True:
        try:
            return await Client.connect(
                target, namespace=settings.temporal_namespace, data_converter=pydantic_data_converter, runtime=runtime
            )
        except (RPCError, RuntimeError) as exc:
            if still_starting(exc) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                continue
            raise TemporalUnavailable(
                f"cannot reach the Temporal server at {target}: {exc}. Is it running? "
                "Unset REELSCAN_TEMPORAL_ADDRESS to use the embedded one."
            ) from None
