"""library watching: each library's watch mode and polling interval; movies' and series' video signatures (renames)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("libraries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_mode", sa.String(length=16), nullable=False, server_default="off"))
        batch_op.add_column(sa.Column("poll_interval_seconds", sa.Float(), nullable=False, server_default="300"))
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("video_signature", sa.String(length=80), nullable=True))
        batch_op.create_index("idx_movies_video_signature", ["library_id", "video_signature"], unique=False)
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("video_signature", sa.String(length=80), nullable=True))
    with op.batch_alter_table("scan_directories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_from", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scan_directories", schema=None) as batch_op:
        batch_op.drop_column("moved_from")
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("video_signature")
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_index("idx_movies_video_signature")
        batch_op.drop_column("video_signature")
    with op.batch_alter_table("libraries", schema=None) as batch_op:
        batch_op.drop_column("poll_interval_seconds")
        batch_op.drop_column("watch_mode")
