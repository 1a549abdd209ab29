"""Runs the real API on a loopback socket inside the test's event loop (so it can share the Temporal client)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import uvicorn
from temporalio.client import Client

from api.app import create_app
from reelscan.settings import Settings
from tests.integration.scanning import running_workers
from tests.ports import free_port


@contextlib.asynccontextmanager
async def api_server(client: Client, settings: Settings) -> AsyncIterator[str]:
    async def connect() -> Client:
        return client

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, connect), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def api_client(client: Client, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API served as api_server does, and an HTTP client for it (its address: `http.base_url.netloc`)."""
    async with (
        api_server(client, settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http,
    ):
        yield http


@contextlib.asynccontextmanager
async def api_client_with_workers(client: Client, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The in-process workers running, and api_client's HTTP client for the API."""
    async with running_workers(client, settings), api_client(client, settings) as http:
        yield http
