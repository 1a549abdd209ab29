"""music libraries: artists, albums, tracks and their artwork; album and track counts per scanned directory

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:14:06.621179
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=True),
        sa.Column("mbid", sa.String(length=36), nullable=True),
        sa.Column("disambiguation", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("artist_type", sa.String(length=32), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("sort_name_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("disambiguation_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("country_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("genres_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("provider_match", sa.String(length=16), nullable=True),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["library_id"], ["libraries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.create_index("uq_artists_library_name", ["library_id", "name_key"], unique=True)

    op.create_table(
        "albums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("directory", sa.Text(), nullable=False),
        sa.Column("album_key", sa.Text(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=True),
        sa.Column("album_artist", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_source", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("release_date", sa.String(length=10), nullable=True),
        sa.Column("original_date", sa.String(length=10), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("compilation", sa.Boolean(), nullable=False),
        sa.Column("mb_release_id", sa.String(length=36), nullable=True),
        sa.Column("mb_release_group_id", sa.String(length=36), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("release_type", sa.String(length=32), nullable=True),
        sa.Column("track_total", sa.Integer(), nullable=True),
        sa.Column("disc_total", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("cover_id", sa.Integer(), nullable=True),
        sa.Column("title_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("album_artist_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("year_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("release_date_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("genres_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("label_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("release_type_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("cover_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("provider_match", sa.String(length=16), nullable=True),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_error", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("scan_errors", sa.JSON(), nullable=False),
        sa.Column("last_scan_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["library_id"], ["libraries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index("idx_albums_artist", ["artist_id"], unique=False)
        batch_op.create_index("uq_albums_library_folder_key", ["library_id", "directory", "album_key"], unique=True)

    op.create_table(
        "music_assets",
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("album_id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=True),
        sa.Column("asset_type", sa.String(length=16), nullable=False),
        sa.Column("embedded", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("embedded_sha256", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("cache_path", sa.Text(), nullable=True),
        sa.Column("cached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cache_error", sa.Text(), nullable=True),
        sa.Column("cache_scan_job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["album_id"], ["albums.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["library_id"], ["libraries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("music_assets", schema=None) as batch_op:
        batch_op.create_index("idx_music_assets_album", ["album_id"], unique=False)
        batch_op.create_index("uq_music_assets_library_source", ["library_id", "source_path"], unique=True)

    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("album_id", sa.Integer(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("artist", sa.Text(), nullable=True),
        sa.Column("track_number", sa.Integer(), nullable=True),
        sa.Column("disc_number", sa.Integer(), nullable=True),
        sa.Column("tagged", sa.Boolean(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("composers", sa.JSON(), nullable=False),
        sa.Column("mb_recording_id", sa.String(length=36), nullable=True),
        sa.Column("mb_track_id", sa.String(length=36), nullable=True),
        sa.Column("mb_artist_id", sa.String(length=36), nullable=True),
        sa.Column("replaygain", sa.JSON(), nullable=False),
        sa.Column("codec", sa.String(length=32), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("bitrate", sa.Integer(), nullable=True),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=True),
        sa.Column("bit_depth", sa.Integer(), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("last_scan_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("artist_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("track_number_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.Column("disc_number_locked", sa.Boolean(), server_default=sa.text("(false)"), nullable=True),
        sa.ForeignKeyConstraint(["album_id"], ["albums.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["library_id"], ["libraries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index("idx_tracks_album", ["album_id"], unique=False)
        batch_op.create_index("uq_tracks_library_file", ["library_id", "file_path"], unique=True)

    with op.batch_alter_table("scan_directories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("album_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("albums_found", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("albums_new", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("albums_updated", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("albums_missing", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tracks_found", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tracks_new", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tracks_updated", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tracks_missing", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tracks_untagged", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("scan_directories", schema=None) as batch_op:
        batch_op.drop_column("tracks_untagged")
        batch_op.drop_column("tracks_missing")
        batch_op.drop_column("tracks_updated")
        batch_op.drop_column("tracks_new")
        batch_op.drop_column("tracks_found")
        batch_op.drop_column("albums_missing")
        batch_op.drop_column("albums_updated")
        batch_op.drop_column("albums_new")
        batch_op.drop_column("albums_found")
        batch_op.drop_column("album_id")

    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("uq_tracks_library_file")
        batch_op.drop_index("idx_tracks_album")

    op.drop_table("tracks")
    with op.batch_alter_table("music_assets", schema=None) as batch_op:
        batch_op.drop_index("uq_music_assets_library_source")
        batch_op.drop_index("idx_music_assets_album")

    op.drop_table("music_assets")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index("uq_albums_library_folder_key")
        batch_op.drop_index("idx_albums_artist")

    op.drop_table("albums")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index("uq_artists_library_name")

    op.drop_table("artists")
