"""tv enrichment: asset candidates and provider details of series and seasons

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:32:45.975657
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("asset_candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("season_id", sa.Integer(), nullable=True))
        batch_op.alter_column("movie_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            "uq_asset_candidates_season_key", ["season_id", "source", "asset_type", "provider_path"], unique=True
        )
        batch_op.create_index(
            "uq_asset_candidates_series_key", ["series_id", "source", "asset_type", "provider_path"], unique=True
        )
        batch_op.create_foreign_key("fk_asset_candidates_series", "series", ["series_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key("fk_asset_candidates_season", "seasons", ["season_id"], ["id"], ondelete="CASCADE")

    with op.batch_alter_table("provider_details", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.alter_column("movie_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index("uq_provider_details_series", ["series_id", "provider"], unique=True)
        batch_op.create_foreign_key("fk_provider_details_series", "series", ["series_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    op.execute("DELETE FROM provider_details WHERE movie_id IS NULL")
    with op.batch_alter_table("provider_details", schema=None) as batch_op:
        batch_op.drop_constraint("fk_provider_details_series", type_="foreignkey")
        batch_op.drop_index("uq_provider_details_series")
        batch_op.alter_column("movie_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("series_id")

    op.execute("DELETE FROM asset_candidates WHERE movie_id IS NULL")
    with op.batch_alter_table("asset_candidates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_asset_candidates_season", type_="foreignkey")
        batch_op.drop_constraint("fk_asset_candidates_series", type_="foreignkey")
        batch_op.drop_index("uq_asset_candidates_series_key")
        batch_op.drop_index("uq_asset_candidates_season_key")
        batch_op.alter_column("movie_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("season_id")
        batch_op.drop_column("series_id")
