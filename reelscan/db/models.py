"""Database schema (SQLAlchemy 2.0 typed models). Every change goes through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ACTIVE_SCAN_STATUSES = ("discovering", "scanning", "caching", "enriching")
FINAL_SCAN_STATUSES = ("completed", "failed", "cancelled")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Library(Base):
    __tablename__ = "libraries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text, unique=True)
    type: Mapped[str] = mapped_column(String(16), default="movie")  # movie | tv | music
    # Automation: what a scan does after phase 3 unless its options say otherwise.
    auto_enrich: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_select_assets: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScanJob(Base):
    """One scan of a library: the spec's scan_jobs row, a projection of the workflow's state."""

    __tablename__ = "scan_jobs"
    __table_args__ = (
        Index("idx_scan_jobs_library", "library_id"),
        Index("idx_scan_jobs_status", "status"),
        # At most one active scan per library, enforced by the database itself.
        Index(
            "uq_scan_jobs_active_library",
            "library_id",
            unique=True,
            sqlite_where=text("status IN ('discovering','scanning','caching','enriching')"),
            postgresql_where=text("status IN ('discovering','scanning','caching','enriching')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="discovering")

    directories_total: Mapped[int] = mapped_column(Integer, default=0)
    directories_queued: Mapped[int] = mapped_column(Integer, default=0)
    directories_ignored: Mapped[int] = mapped_column(Integer, default=0)
    directories_scanned: Mapped[int] = mapped_column(Integer, default=0)
    directories_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    movies_missing: Mapped[int] = mapped_column(Integer, default=0)
    movies_found: Mapped[int] = mapped_column(Integer, default=0)
    movies_new: Mapped[int] = mapped_column(Integer, default=0)
    movies_updated: Mapped[int] = mapped_column(Integer, default=0)
    assets_queued: Mapped[int] = mapped_column(Integer, default=0)
    assets_cached: Mapped[int] = mapped_column(Integer, default=0)
    enrichment_queued: Mapped[int] = mapped_column(Integer, default=0)
    enrichment_completed: Mapped[int] = mapped_column(Integer, default=0)

    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    discovery_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scanning_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    caching_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    errors_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    current_operation: Mapped[str | None] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The last ScanProgressMessage, so a finished scan shows exactly what the workflow last reported.
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    library: Mapped[Library] = relationship()


class ScanDirectory(Base):
    """The work list of one scan: written by discovery, paged through by the workflow by seq."""

    __tablename__ = "scan_directories"
    __table_args__ = (Index("uq_scan_directories_seq", "scan_job_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_job_id: Mapped[int] = mapped_column(ForeignKey("scan_jobs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)  # relative to the library root
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # pending | new | updated | unchanged | error
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    movie_id: Mapped[int | None] = mapped_column(Integer)
    assets_queued: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))


# Every field a user can edit has a `<field>_locked` flag; enrichment and selection never overwrite a locked one.
LOCKABLE_FIELDS = (
    "title", "original_title", "sort_title", "year", "premiered", "plot", "outline", "tagline", "runtime", "mpaa",
    "certifications", "genres", "studios", "countries", "directors", "credits", "actors", "set_name", "ratings",
)  # fmt: skip
# Chosen artwork per type (ids of asset_candidates), each lockable too: the spec's keyart_id/landscape_id and friends.
ARTWORK_TYPES = ("poster", "fanart", "banner", "clearlogo", "clearart", "discart", "landscape", "keyart", "trailer")


class _Locks:
    """`<field>_locked` columns, one per LOCKABLE_FIELDS and ARTWORK_TYPES entry (read with getattr)."""


for _name in (*LOCKABLE_FIELDS, *ARTWORK_TYPES):
    setattr(_Locks, f"{_name}_locked", mapped_column(Boolean, default=False, server_default=text("false")))


class Movie(_Locks, Base):
    __tablename__ = "movies"
    __table_args__ = (Index("uq_movies_library_directory", "library_id", "directory", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    directory: Mapped[str] = mapped_column(Text)  # relative to the library root
    main_video: Mapped[str | None] = mapped_column(Text)  # relative to the library root
    video_parts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    disc_type: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32), default="discovered")

    title: Mapped[str] = mapped_column(Text)
    original_title: Mapped[str | None] = mapped_column(Text)
    sort_title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    premiered: Mapped[str | None] = mapped_column(String(10))
    plot: Mapped[str | None] = mapped_column(Text)
    outline: Mapped[str | None] = mapped_column(Text)
    tagline: Mapped[str | None] = mapped_column(Text)
    runtime: Mapped[int | None] = mapped_column(Integer)
    mpaa: Mapped[str | None] = mapped_column(String(64))
    imdb_id: Mapped[str | None] = mapped_column(String(16))
    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    unique_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ratings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    genres: Mapped[list[Any]] = mapped_column(JSON, default=list)
    studios: Mapped[list[Any]] = mapped_column(JSON, default=list)
    countries: Mapped[list[Any]] = mapped_column(JSON, default=list)
    directors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    credits: Mapped[list[Any]] = mapped_column(JSON, default=list)
    actors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    set_name: Mapped[str | None] = mapped_column(Text)
    nfo_path: Mapped[str | None] = mapped_column(Text)
    certifications: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The chosen candidate (asset_candidates.id) per artwork type, set by select-assets.
    poster_id: Mapped[int | None] = mapped_column(Integer)
    fanart_id: Mapped[int | None] = mapped_column(Integer)
    banner_id: Mapped[int | None] = mapped_column(Integer)
    clearlogo_id: Mapped[int | None] = mapped_column(Integer)
    clearart_id: Mapped[int | None] = mapped_column(Integer)
    discart_id: Mapped[int | None] = mapped_column(Integer)
    landscape_id: Mapped[int | None] = mapped_column(Integer)
    keyart_id: Mapped[int | None] = mapped_column(Integer)
    trailer_id: Mapped[int | None] = mapped_column(Integer)
    provider_match: Mapped[str | None] = mapped_column(String(16))  # nfo | folder | imdb | search | none
    enriched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enrichment_error: Mapped[str | None] = mapped_column(Text)
    title_source: Mapped[str] = mapped_column(String(16), default="folder")  # nfo | folder

    container: Mapped[str | None] = mapped_column(String(32))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    file_size: Mapped[int | None] = mapped_column(BigInteger)

    # Names, sizes and mtimes of the folder's entries at the last scan: equal means the rescan can skip it.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Hash of everything the scan recorded: equal hashes mean "unchanged" (neither new nor updated).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    scan_errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    last_scan_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    streams: Mapped[list[Stream]] = relationship(cascade="all, delete-orphan", order_by="Stream.position")
    images: Mapped[list[Image]] = relationship(cascade="all, delete-orphan", order_by="Image.source_path")
    trailers: Mapped[list[Trailer]] = relationship(cascade="all, delete-orphan", order_by="Trailer.source_path")
    subtitles: Mapped[list[Subtitle]] = relationship(cascade="all, delete-orphan", order_by="Subtitle.source_path")


class Stream(Base):
    __tablename__ = "streams"
    __table_args__ = (Index("idx_streams_movie", "movie_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # video | audio | subtitle
    codec: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    frame_rate: Mapped[float | None] = mapped_column(Float)
    bit_depth: Mapped[int | None] = mapped_column(Integer)
    hdr_format: Mapped[str | None] = mapped_column(String(64))
    channels: Mapped[int | None] = mapped_column(Integer)
    default: Mapped[bool] = mapped_column(Boolean, default=False)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(Text)


class CachedFileMixin:
    """Columns shared by every cacheable asset: where it is in the library and where its cached copy is."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(Text)  # relative to the library root
    file_size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    cache_path: Mapped[str | None] = mapped_column(Text)  # relative to the cache root
    cached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cache_error: Mapped[str | None] = mapped_column(Text)
    # The scan that cached (or gave up on) this file: lets a retried cache batch report exact counts.
    cache_scan_job_id: Mapped[int | None] = mapped_column(Integer)


class Image(CachedFileMixin, Base):
    __tablename__ = "images"
    __table_args__ = (Index("uq_images_movie_source", "movie_id", "source_path", unique=True),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    image_type: Mapped[str] = mapped_column(String(16))  # poster | fanart | banner | clearlogo | ...


class Trailer(CachedFileMixin, Base):
    __tablename__ = "trailers"
    __table_args__ = (Index("uq_trailers_movie_source", "movie_id", "source_path", unique=True),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))


class Subtitle(CachedFileMixin, Base):
    __tablename__ = "subtitles"
    __table_args__ = (Index("uq_subtitles_movie_source", "movie_id", "source_path", unique=True),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    language: Mapped[str | None] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    sdh: Mapped[bool] = mapped_column(Boolean, default=False)
    default: Mapped[bool] = mapped_column(Boolean, default=False)


class AssetCandidate(CachedFileMixin, Base):
    """Artwork or trailer that could represent a movie: local files and provider offers, scored by selection."""

    __tablename__ = "asset_candidates"
    __table_args__ = (
        Index("uq_asset_candidates_key", "movie_id", "source", "asset_type", "provider_path", unique=True),
    )

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    asset_type: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # local | tmdb
    provider_path: Mapped[str] = mapped_column(Text)  # TMDB file path, YouTube key, or the local source path
    url: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(16))
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)


class ProviderDetails(Base):
    """The provider's last full answer for a movie, so one API call serves assets and metadata."""

    __tablename__ = "provider_details"
    __table_args__ = (Index("uq_provider_details_movie", "movie_id", "provider", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


ASSET_TABLES: dict[str, type[Image] | type[Trailer] | type[Subtitle]] = {
    "image": Image,
    "trailer": Trailer,
    "subtitle": Subtitle,
}
