"""The Alembic migrations build exactly the schema the models describe, and upgrade runs twice harmlessly."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from reelscan.db.session import alembic_config, dispose_engines, get_engine, migrate


def test_migrations_match_the_models_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate(url)
    migrate(url)
    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when models and migrations disagree
    dispose_engines()
