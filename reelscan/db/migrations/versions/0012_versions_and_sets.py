"""movies: the other versions in a movie's folder and every set of its NFO

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("movies") as batch_op:
        batch_op.add_column(sa.Column("video_versions", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("sets", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("movies") as batch_op:
        batch_op.drop_column("sets")
        batch_op.drop_column("video_versions")
