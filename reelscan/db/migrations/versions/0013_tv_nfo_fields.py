"""tv: the NFO fields a scan read but did not keep (series certification, status, ratings and countries; a
season's premiere date and ids; an episode's runtime, ratings, directors, writers and guest stars), each lockable

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SERIES_LOCKS = ("mpaa", "status", "ratings", "countries")
SEASON_LOCKS = ("premiered",)
EPISODE_LOCKS = ("runtime", "ratings", "directors", "credits", "actors")


def _lock(field: str) -> sa.Column[bool]:
    return sa.Column(f"{field}_locked", sa.Boolean(), server_default=sa.text("false"), nullable=True)


def _json_list(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False, server_default="[]")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, never batch mode: on SQLite, batch mode copies a table into a new one whenever
    # a default is an expression, and with foreign keys on, dropping the old series table deletes every season,
    # episode and asset of it.
    op.add_column("series", sa.Column("mpaa", sa.String(length=64), nullable=True))
    op.add_column("series", sa.Column("status", sa.String(length=32), nullable=True))
    op.add_column("series", _json_list("ratings"))
    op.add_column("series", _json_list("countries"))
    for field in SERIES_LOCKS:
        op.add_column("series", _lock(field))
    op.add_column("seasons", sa.Column("premiered", sa.String(length=10), nullable=True))
    op.add_column("seasons", sa.Column("unique_ids", sa.JSON(), nullable=False, server_default="{}"))
    for field in SEASON_LOCKS:
        op.add_column("seasons", _lock(field))
    op.add_column("episodes", sa.Column("runtime", sa.Integer(), nullable=True))
    for name in ("ratings", "directors", "credits", "actors"):
        op.add_column("episodes", _json_list(name))
    for field in EPISODE_LOCKS:
        op.add_column("episodes", _lock(field))


def downgrade() -> None:
    # Not in batch mode either (see upgrade): SQLite 3.35+ drops a column in place.
    for field in EPISODE_LOCKS:
        op.drop_column("episodes", f"{field}_locked")
    for name in ("actors", "credits", "directors", "ratings", "runtime"):
        op.drop_column("episodes", name)
    for field in SEASON_LOCKS:
        op.drop_column("seasons", f"{field}_locked")
    op.drop_column("seasons", "unique_ids")
    op.drop_column("seasons", "premiered")
    for field in SERIES_LOCKS:
        op.drop_column("series", f"{field}_locked")
    for name in ("countries", "ratings", "status", "mpaa"):
        op.drop_column("series", name)
