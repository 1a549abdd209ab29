"""The Alembic migrations build exactly the schema the models describe, upgrade runs twice harmlessly, and a
database of any earlier revision keeps every row when it is upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text, types
from sqlalchemy.engine.interfaces import ReflectedColumn

from reelscan.db.session import alembic_config, dispose_engines, get_engine, migrate
from tests.conftest import PG_URL


def test_migrations_match_the_models_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate(url)
    migrate(url)
    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when models and migrations disagree
    dispose_engines()


def _placeholder(column: ReflectedColumn) -> object:
    """A value of the column's type (every id is 1, so each row points at the one row of its parent table)."""
    kind = column["type"]
    if isinstance(kind, types.Boolean):
        return False
    if isinstance(kind, types.Integer | types.Float | types.Numeric):
        return 1
    if isinstance(kind, types.JSON):
        return "{}"
    if isinstance(kind, types.DateTime | types.Date):
        return "2026-01-01 00:00:00"
    return "x"


def _one_row_per_table(url: str) -> dict[str, int]:
    """A row in every table, parents first, with the required columns and every *_id filled."""
    engine = get_engine(url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        ordered = [name for name, _ in inspector.get_sorted_table_and_fkc_names() if name and name != "alembic_version"]
        columns = {name: inspector.get_columns(name) for name in ordered}
    with engine.begin() as connection:
        for name in ordered:
            filled = [c for c in columns[name] if not c["nullable"] or c["name"].endswith("_id")]
            names = ", ".join(f'"{c["name"]}"' for c in filled)
            values = ", ".join(f":{c['name']}" for c in filled)
            row = {c["name"]: _placeholder(c) for c in filled}
            connection.execute(text(f'INSERT INTO "{name}" ({names}) VALUES ({values})'), row)
    return _counts(url, ordered)


def _counts(url: str, tables: list[str]) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return {name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()) for name in tables}


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("revision", _revisions()[:-1])
def test_upgrading_a_database_of_any_revision_keeps_every_row(tmp_path: Path, revision: str) -> None:
    """SQLite's batch migrations rebuild tables; with foreign keys on, dropping the old table deleted every row
    pointing at it (an upgrade from 0002 lost all streams, images, subtitles and trailers)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, revision)
    before = _one_row_per_table(url)
    migrate(url)
    assert _counts(url, list(before)) == before
    with get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1  # on again for the scans
    dispose_engines()


@pytest.mark.postgres
def test_upgrading_a_postgresql_database_of_the_first_revision_keeps_every_row(pg_schema: str) -> None:
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    migrate(url, _revisions()[0])
    before = _one_row_per_table(url)
    migrate(url)
    assert _counts(url, list(before)) == before
