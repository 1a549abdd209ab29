"""Engines, sessions and migrations for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker[Session]] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: a deferred transaction that upgrades to a writer after another
        # thread committed fails at once with "database is locked", whatever the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _driver_options(url: str) -> dict[str, Any]:
    """psycopg's own placeholders ($1, $2, ...), sent to the server as they are: its default cursor rewrites a
    statement's %(name)s placeholders in Python at every execution, and remembers the result only for statements
    under 4 kB and 50 parameters. A child's insert of its new movies is tens of kilobytes and hundreds of
    parameters: rewriting it took longer than the server took to run it."""
    if make_url(url).get_driver_name() != "psycopg":
        return {}
    return {"paramstyle": "numeric_dollar", "connect_args": {"cursor_factory": psycopg.RawCursor}}


def get_engine(url: str) -> Engine:
    """One engine (and connection pool) per URL per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                if parsed.database:
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **_driver_options(url))
                # An INSERT of many rows without RETURNING (a child's streams, a work list) as one statement of many
                # rows, as with RETURNING, rather than psycopg's executemany: a pipeline that sends and runs the
                # statement once per row.
                engine.dialect.use_insertmanyvalues_wo_returning = True
            _engines[url] = engine
        return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    factory = _factories.get(url)
    if factory is None:
        # Made once per URL: building a sessionmaker sets up its event dispatch, which costs more than a query.
        factory = _factories[url] = sessionmaker(bind=get_engine(url), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class MigrationError(Exception):
    """A migration left rows that point at nothing; the message names the tables."""


def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema to the newest revision (idempotent), on this process's engine for the URL."""
    config = alembic_config(url)
    engine = get_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        if sqlite and driver is not None:
            # SQLite's batch migrations rebuild a table (copy, drop the old one, rename): with foreign keys on, the
            # drop deletes every row that points at the table (ON DELETE CASCADE), so they are off while migrating,
            # and checked afterwards. A PRAGMA inside a transaction is ignored: this runs before it begins.
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        tables = sorted({str(row[0]) for row in dangling})
                        raise MigrationError(f"migrating {url} left rows pointing at nothing in {', '.join(tables)}")
        finally:
            if sqlite and driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()
