"""scan timeline: points of each scan's counters over time, recorded by the progress broadcaster

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_job_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("directories_scanned", sa.Integer(), nullable=False),
        sa.Column("assets_cached", sa.Integer(), nullable=False),
        sa.Column("enrichment_completed", sa.Integer(), nullable=False),
        sa.Column("provider_requests", sa.Integer(), nullable=False),
        sa.Column("errors_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["scan_job_id"], ["scan_jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_scan_samples_scan", "scan_samples", ["scan_job_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("idx_scan_samples_scan", table_name="scan_samples")
    op.drop_table("scan_samples")
