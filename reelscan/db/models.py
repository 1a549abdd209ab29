"""Database schema (SQLAlchemy 2.0 typed models). Every change goes through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from reelscan.library_kinds import LibraryType

ACTIVE_SCAN_STATUSES = ("discovering", "scanning", "caching", "enriching")
FINAL_SCAN_STATUSES = ("completed", "failed", "cancelled")


def utcnow() -> datetime:
    return datetime.now(UTC)


def partial_unique_index(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows where `where` holds, the same on SQLite and PostgreSQL."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Library(Base):
    __tablename__ = "libraries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text, unique=True)
    type: Mapped[LibraryType] = mapped_column(String(16), default="movie")
    # Automation: what a scan does after phase 3 unless its options say otherwise.
    auto_enrich: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_select_assets: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Watching: off | auto (events on local file systems, polling on network ones) | events | poll.
    watch_mode: Mapped[str] = mapped_column(String(16), default="off", server_default="off")
    poll_interval_seconds: Mapped[float] = mapped_column(Float, default=300.0, server_default="300")


class Installation(Base):
    """The one row naming this database's installation: its id marks the workflow ids and task queues
    of this database's scans, so databases sharing one Temporal server never run each other's work."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    installation_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScanJob(Base):
    """One scan of a library: the spec's scan_jobs row, a projection of the workflow's state."""

    __tablename__ = "scan_jobs"
    __table_args__ = (
        Index("idx_scan_jobs_library", "library_id"),
        Index("idx_scan_jobs_status", "status"),
        # At most one active scan per library, enforced by the database itself.
        partial_unique_index(
            "uq_scan_jobs_active_library",
            "library_id",
            where="status IN ('discovering','scanning','caching','enriching')",
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
    # TV libraries: the folder's series and what happened to its episodes (a retry reports the same counts).
    series_id: Mapped[int | None] = mapped_column(Integer)
    episodes_found: Mapped[int] = mapped_column(Integer, default=0)
    episodes_new: Mapped[int] = mapped_column(Integer, default=0)
    episodes_updated: Mapped[int] = mapped_column(Integer, default=0)
    episodes_missing: Mapped[int] = mapped_column(Integer, default=0)
    unmatched: Mapped[int] = mapped_column(Integer, default=0)  # video files no episode rule matched
    # The folder this scan counted missing whose movie or series turned up here (renamed or moved).
    moved_from: Mapped[str | None] = mapped_column(Text)
    # Music libraries: the folder's main album and what happened to its albums and tracks.
    album_id: Mapped[int | None] = mapped_column(Integer)
    albums_found: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    albums_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    albums_updated: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    albums_missing: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tracks_found: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tracks_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tracks_updated: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tracks_missing: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tracks_untagged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ScanError(Base):
    """An error a scan counted outside any one directory's row (discovery: the root, unreadable folders, names),
    so every counted error can be listed."""

    __tablename__ = "scan_errors"
    __table_args__ = (Index("idx_scan_errors_scan", "scan_job_id", "phase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_job_id: Mapped[int] = mapped_column(ForeignKey("scan_jobs.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16))  # discovering
    path: Mapped[str] = mapped_column(Text)  # relative to the library root, "" for the root
    message: Mapped[str] = mapped_column(Text)


class ScanSample(Base):
    """A point of a scan's timeline: its counters at one moment, recorded by the API's progress broadcaster while the
    scan runs (never in workflow history). Bounded per scan: older points are thinned out as new ones come."""

    __tablename__ = "scan_samples"
    __table_args__ = (Index("idx_scan_samples_scan", "scan_job_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_job_id: Mapped[int] = mapped_column(ForeignKey("scan_jobs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    phase: Mapped[str] = mapped_column(String(16))
    directories_scanned: Mapped[int] = mapped_column(Integer, default=0)
    assets_cached: Mapped[int] = mapped_column(Integer, default=0)
    enrichment_completed: Mapped[int] = mapped_column(Integer, default=0)
    provider_requests: Mapped[int] = mapped_column(Integer, default=0)
    errors_count: Mapped[int] = mapped_column(Integer, default=0)


# Every field a user can edit has a `<field>_locked` flag; enrichment and selection never overwrite a locked one.
LOCKABLE_FIELDS = (
    "title", "original_title", "sort_title", "year", "premiered", "plot", "outline", "tagline", "runtime", "mpaa",
    "certifications", "genres", "studios", "countries", "directors", "credits", "actors", "set_name", "ratings",
)  # fmt: skip
# Chosen artwork per type (ids of asset_candidates), each lockable too: the spec's keyart_id/landscape_id and friends.
ARTWORK_TYPES = ("poster", "fanart", "banner", "clearlogo", "clearart", "discart", "landscape", "keyart", "trailer")


# Series, seasons and episodes: the same rule for the fields a scan or a provider fills in.
SERIES_LOCKABLE_FIELDS = (
    "title", "original_title", "sort_title", "year", "premiered", "plot", "studios", "genres", "actors",
    "mpaa", "status", "ratings", "countries",
)  # fmt: skip
SERIES_ARTWORK_TYPES = ("poster", "fanart", "banner", "clearlogo", "clearart", "landscape", "keyart", "trailer")
SEASON_LOCKABLE_FIELDS = ("title", "plot", "premiered")
SEASON_ARTWORK_TYPES = ("poster", "fanart", "banner", "landscape")
EPISODE_LOCKABLE_FIELDS = ("title", "plot", "air_date", "runtime", "ratings", "directors", "credits", "actors")


def is_locked(row: object, field: str) -> bool:
    """Whether a user locked this field (`<field>_locked`); fields without a lock column are never locked."""
    return bool(getattr(row, f"{field}_locked", False))


def _lock_columns(mixin: type, *fields: str) -> None:
    """Add a `<field>_locked` column per field to a mixin (read with is_locked)."""
    for name in fields:
        setattr(mixin, f"{name}_locked", mapped_column(Boolean, default=False, server_default=text("false")))


def _artwork_columns(mixin: type, *types: str) -> None:
    """Add `<type>_id` (the chosen asset candidate) and `<type>_locked` per artwork type to a mixin."""
    for name in types:
        setattr(mixin, f"{name}_id", mapped_column(Integer))
    _lock_columns(mixin, *types)


class _Locks:
    """`<field>_locked` columns, one per LOCKABLE_FIELDS and ARTWORK_TYPES entry (read with getattr)."""


class _SeriesColumns:
    """`<field>_locked` per SERIES_LOCKABLE_FIELDS; `<type>_id` and `<type>_locked` per SERIES_ARTWORK_TYPES."""


class _SeasonColumns:
    """`<field>_locked` per SEASON_LOCKABLE_FIELDS; `<type>_id` and `<type>_locked` per SEASON_ARTWORK_TYPES."""


class _EpisodeLocks:
    """`<field>_locked` per EPISODE_LOCKABLE_FIELDS."""


_lock_columns(_Locks, *LOCKABLE_FIELDS, *ARTWORK_TYPES)
_lock_columns(_SeriesColumns, *SERIES_LOCKABLE_FIELDS)
_artwork_columns(_SeriesColumns, *SERIES_ARTWORK_TYPES)
_lock_columns(_SeasonColumns, *SEASON_LOCKABLE_FIELDS)
_artwork_columns(_SeasonColumns, *SEASON_ARTWORK_TYPES)
_lock_columns(_EpisodeLocks, *EPISODE_LOCKABLE_FIELDS)


class _Titled:
    """Title and description columns of movies and series."""

    title: Mapped[str] = mapped_column(Text)
    original_title: Mapped[str | None] = mapped_column(Text)
    sort_title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    premiered: Mapped[str | None] = mapped_column(String(10))
    plot: Mapped[str | None] = mapped_column(Text)
    title_source: Mapped[str] = mapped_column(String(16), default="folder")  # nfo | folder


class _Enriched:
    """How phase 4 went for a movie or a series."""

    provider_match: Mapped[str | None] = mapped_column(String(16))  # nfo | folder | imdb | search | none
    enriched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enrichment_error: Mapped[str | None] = mapped_column(Text)


class _MediaFile:
    """What media info read from a movie's main video or an episode's file."""

    container: Mapped[str | None] = mapped_column(String(32))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    file_size: Mapped[int | None] = mapped_column(BigInteger)


class _ScannedFolder:
    """What the last scan of a movie or series folder left."""

    # Names, sizes and mtimes of the folder's entries at the last scan: equal means the rescan can skip it.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Hash of everything the scan recorded: equal hashes mean "unchanged" (neither new nor updated).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    scan_errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    last_scan_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Movie(_Locks, _Titled, _Enriched, _MediaFile, _ScannedFolder, Base):
    __tablename__ = "movies"
    __table_args__ = (
        Index("uq_movies_library_directory", "library_id", "directory", unique=True),
        Index("idx_movies_video_signature", "library_id", "video_signature"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    directory: Mapped[str] = mapped_column(Text)  # relative to the library root
    main_video: Mapped[str | None] = mapped_column(Text)  # relative to the library root
    # Size and a hash of the main video's first and last megabyte: a renamed or moved folder keeps its movie.
    video_signature: Mapped[str | None] = mapped_column(String(80))
    video_parts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Other versions of the movie in its folder ("Dune (2021) - 1080p.mkv" beside "- 2160p.mkv"), relative paths.
    video_versions: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    disc_type: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32), default="discovered")

    # title, original_title, sort_title, year, premiered, plot, title_source: _Titled
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
    set_name: Mapped[str | None] = mapped_column(Text)  # the first of sets
    # Every <set> of the NFO, locked with set_name.
    sets: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
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
    # provider_match, enriched_at, enrichment_error: _Enriched; container, duration_seconds, file_size: _MediaFile;
    # fingerprint, content_hash, scan_errors, last_scan_job_id, created_at, updated_at: _ScannedFolder

    streams: Mapped[list[Stream]] = relationship(cascade="all, delete-orphan", order_by="Stream.position")
    images: Mapped[list[Image]] = relationship(cascade="all, delete-orphan", order_by="Image.source_path")
    trailers: Mapped[list[Trailer]] = relationship(cascade="all, delete-orphan", order_by="Trailer.source_path")
    subtitles: Mapped[list[Subtitle]] = relationship(cascade="all, delete-orphan", order_by="Subtitle.source_path")


class _StreamColumns:
    """One video, audio or subtitle stream of a movie's main video or an episode's file."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
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


class Stream(_StreamColumns, Base):
    __tablename__ = "streams"
    __table_args__ = (Index("idx_streams_movie", "movie_id"),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))


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


class _SubtitleColumns:
    """A subtitle file's language and flags (as written in its name) and its format (the extension)."""

    language: Mapped[str | None] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    sdh: Mapped[bool] = mapped_column(Boolean, default=False)
    default: Mapped[bool] = mapped_column(Boolean, default=False)


class Subtitle(CachedFileMixin, _SubtitleColumns, Base):
    __tablename__ = "subtitles"
    __table_args__ = (Index("uq_subtitles_movie_source", "movie_id", "source_path", unique=True),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))


class AssetCandidate(CachedFileMixin, Base):
    """Artwork or trailer that could represent a movie, a series or a season: local files and provider offers,
    scored by selection. Exactly one of movie_id, series_id and season_id is set (the owner)."""

    __tablename__ = "asset_candidates"
    __table_args__ = (
        Index("uq_asset_candidates_key", "movie_id", "source", "asset_type", "provider_path", unique=True),
        Index("uq_asset_candidates_series_key", "series_id", "source", "asset_type", "provider_path", unique=True),
        Index("uq_asset_candidates_season_key", "season_id", "source", "asset_type", "provider_path", unique=True),
    )

    movie_id: Mapped[int | None] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    season_id: Mapped[int | None] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
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

    @property
    def owner(self) -> tuple[str, int]:
        """The cache's entity type and id: ("season", id), ("series", id) or ("movie", id)."""
        if self.season_id is not None:
            return "season", self.season_id
        if self.series_id is not None:
            return "series", self.series_id
        return "movie", int(self.movie_id or 0)


class ProviderDetails(Base):
    """The provider's last full answer for a movie or a series (one of movie_id, series_id), so one API call
    serves assets and metadata."""

    __tablename__ = "provider_details"
    __table_args__ = (
        Index("uq_provider_details_movie", "movie_id", "provider", unique=True),
        Index("uq_provider_details_series", "series_id", "provider", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movie_id: Mapped[int | None] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Series(_SeriesColumns, _Titled, _Enriched, _ScannedFolder, Base):
    """A series folder of a TV library. State as movies: discovered | enriched | unmatched | enrichment_failed |
    missing. Artwork choices (`<type>_id`, SERIES_ARTWORK_TYPES) and locks come from _SeriesColumns."""

    __tablename__ = "series"
    __table_args__ = (Index("uq_series_library_directory", "library_id", "directory", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    directory: Mapped[str] = mapped_column(Text)  # relative to the library root
    state: Mapped[str] = mapped_column(String(32), default="discovered")
    studios: Mapped[list[Any]] = mapped_column(JSON, default=list)
    genres: Mapped[list[Any]] = mapped_column(JSON, default=list)
    actors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mpaa: Mapped[str | None] = mapped_column(String(64))  # tvshow.nfo's <mpaa> or <certification>
    status: Mapped[str | None] = mapped_column(String(32))  # "Continuing", "Ended"
    ratings: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    countries: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    imdb_id: Mapped[str | None] = mapped_column(String(16))
    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    tvdb_id: Mapped[int | None] = mapped_column(Integer)
    unique_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    nfo_path: Mapped[str | None] = mapped_column(Text)  # relative to the library root
    # Its episode files (names inside the series folder, sizes) hashed: a renamed or moved folder keeps its series.
    video_signature: Mapped[str | None] = mapped_column(String(80))
    # scan_errors (_ScannedFolder) holds {"folder", "message"} objects, older rows plain strings: read them with
    # series_records.recorded_errors.

    seasons: Mapped[list[Season]] = relationship(cascade="all, delete-orphan", order_by="Season.number")
    episodes: Mapped[list[Episode]] = relationship(
        cascade="all, delete-orphan", order_by="[Episode.season_number, Episode.episode_number, Episode.file_path]"
    )
    assets: Mapped[list[TvAsset]] = relationship(cascade="all, delete-orphan", order_by="TvAsset.source_path")


class Season(_SeasonColumns, Base):
    """A season of a series: from a season folder, a seasonNN-*.jpg image or its episodes' numbers (0: specials).
    Kept when its episodes disappear, so what a user set on it stays."""

    __tablename__ = "seasons"
    __table_args__ = (Index("uq_seasons_series_number", "series_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    folder: Mapped[str | None] = mapped_column(Text)  # relative to the library root; None without a season folder
    # The season folder's fingerprint when its episodes were last recorded: unchanged, they are not read again.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    plot: Mapped[str | None] = mapped_column(Text)
    premiered: Mapped[str | None] = mapped_column(String(10))  # season.nfo's, "YYYY-MM-DD"
    unique_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


class Episode(_EpisodeLocks, _MediaFile, Base):
    """One episode of a series. A multi-episode file ("S01E01E02") has a row per episode number, all with the same
    file_path and file_episodes.

    Keys: an episode with a number is keyed by (series, season_number, episode_number). A file named by air date
    or absolute number only has no episode number (NULLs never collide in a unique index): it is keyed by
    (series, file_path) instead, through a partial unique index over the rows without an episode number.
    season_number and episode_number are the file's own numbers as scanned, never rewritten by a provider, so the
    next scan finds the same row. Episodes gone from disk are kept with the state "missing".
    """

    __tablename__ = "episodes"
    __table_args__ = (
        Index("uq_episodes_series_number", "series_id", "season_number", "episode_number", unique=True),
        partial_unique_index(
            "uq_episodes_series_unnumbered_file", "series_id", "file_path", where="episode_number IS NULL"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    season_number: Mapped[int | None] = mapped_column(Integer)  # None for air-date/absolute files without a season
    episode_number: Mapped[int | None] = mapped_column(Integer)  # None for air-date/absolute files
    file_path: Mapped[str] = mapped_column(Text)  # relative to the library root
    file_episodes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # every number of the file: [1, 2] for E01E02
    air_date: Mapped[str | None] = mapped_column(String(10))  # "YYYY-MM-DD"
    absolute_number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    plot: Mapped[str | None] = mapped_column(Text)
    runtime: Mapped[int | None] = mapped_column(Integer)  # minutes, as the NFO gives it
    ratings: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    directors: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    credits: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")  # writers
    actors: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")  # guest stars
    unique_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    nfo_path: Mapped[str | None] = mapped_column(Text)  # relative to the library root
    state: Mapped[str] = mapped_column(String(32), default="discovered")  # discovered | missing (| enriched ...)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    last_scan_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    streams: Mapped[list[EpisodeStream]] = relationship(cascade="all, delete-orphan", order_by="EpisodeStream.position")


class EpisodeStream(_StreamColumns, Base):
    __tablename__ = "episode_streams"
    __table_args__ = (Index("idx_episode_streams_episode", "episode_id"),)

    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))


class TvAsset(CachedFileMixin, _SubtitleColumns, Base):
    """A local file of a series folder: series artwork and trailers, season images, episode thumbs and subtitles.

    Owned by the episode when episode_id is set, else by the season when season_id is set, else by the series;
    cached as <cache>/episode|season|series/<owner id>/... Keyed by (series, source path): a file is one asset. The
    thumb and subtitles of a multi-episode file belong to its first episode row.
    """

    __tablename__ = "tv_assets"
    __table_args__ = (
        Index("uq_tv_assets_series_source", "series_id", "source_path", unique=True),
        Index("idx_tv_assets_season", "season_id"),
        Index("idx_tv_assets_episode", "episode_id"),
    )

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    season_id: Mapped[int | None] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    asset_type: Mapped[str] = mapped_column(String(16))  # poster | fanart | ... | thumb | trailer | subtitle
    # format (the extension) for every file; language, forced, sdh, default for subtitles only.

    @property
    def owner(self) -> tuple[str, int]:
        """The cache's entity type and id: ("episode", id), ("season", id) or ("series", id)."""
        if self.episode_id is not None:
            return "episode", self.episode_id
        if self.season_id is not None:
            return "season", self.season_id
        return "series", self.series_id


# Music libraries: artists, albums (an album folder's tracks grouped by their album tag) and tracks.
ARTIST_LOCKABLE_FIELDS = ("name", "sort_name", "disambiguation", "country", "genres")
ALBUM_LOCKABLE_FIELDS = ("title", "album_artist", "year", "release_date", "genres", "label", "release_type")
TRACK_LOCKABLE_FIELDS = ("title", "artist", "track_number", "disc_number")


class _ArtistLocks:
    """`<field>_locked` per ARTIST_LOCKABLE_FIELDS."""


class _AlbumLocks:
    """`<field>_locked` per ALBUM_LOCKABLE_FIELDS, and cover_locked for the chosen cover."""


class _TrackLocks:
    """`<field>_locked` per TRACK_LOCKABLE_FIELDS."""


_lock_columns(_ArtistLocks, *ARTIST_LOCKABLE_FIELDS)
_lock_columns(_AlbumLocks, *ALBUM_LOCKABLE_FIELDS, "cover")
_lock_columns(_TrackLocks, *TRACK_LOCKABLE_FIELDS)


class Artist(_ArtistLocks, _Enriched, Base):
    """An album artist of a music library, keyed by its name (case and spacing aside)."""

    __tablename__ = "artists"
    __table_args__ = (Index("uq_artists_library_name", "library_id", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    sort_name: Mapped[str | None] = mapped_column(Text)
    mbid: Mapped[str | None] = mapped_column(String(36))
    disambiguation: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(8))
    artist_type: Mapped[str | None] = mapped_column(String(32))  # Person | Group | ... (MusicBrainz)
    genres: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Album(_AlbumLocks, _Enriched, _ScannedFolder, Base):
    """An album: the tracks of one album folder with one album tag (a folder of singles holds several).
    State as movies: discovered | enriched | unmatched | enrichment_failed | missing."""

    __tablename__ = "albums"
    __table_args__ = (
        Index("uq_albums_library_folder_key", "library_id", "directory", "album_key", unique=True),
        Index("idx_albums_artist", "artist_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    directory: Mapped[str] = mapped_column(Text)  # the album folder, relative to the library root ("" = the root)
    album_key: Mapped[str] = mapped_column(Text)  # its album tag as a key, "" for tracks without one
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artists.id", ondelete="SET NULL"))
    album_artist: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    title_source: Mapped[str] = mapped_column(String(16), default="tags")  # tags | folder
    year: Mapped[int | None] = mapped_column(Integer)
    release_date: Mapped[str | None] = mapped_column(String(10))
    original_date: Mapped[str | None] = mapped_column(String(10))
    genres: Mapped[list[Any]] = mapped_column(JSON, default=list)
    compilation: Mapped[bool] = mapped_column(Boolean, default=False)
    mb_release_id: Mapped[str | None] = mapped_column(String(36))
    mb_release_group_id: Mapped[str | None] = mapped_column(String(36))
    label: Mapped[str | None] = mapped_column(Text)
    release_type: Mapped[str | None] = mapped_column(String(32))  # Album | Single | EP | ... (MusicBrainz)
    track_total: Mapped[int | None] = mapped_column(Integer)
    disc_total: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(32), default="discovered")
    cover_id: Mapped[int | None] = mapped_column(Integer)  # the chosen cover (music_assets.id)

    tracks: Mapped[list[Track]] = relationship(
        cascade="all, delete-orphan", order_by="[Track.disc_number, Track.track_number, Track.file_path]"
    )


class Track(_TrackLocks, Base):
    """One audio file of a music library, keyed by its path; its album is the one its folder and tags say."""

    __tablename__ = "tracks"
    __table_args__ = (
        Index("uq_tracks_library_file", "library_id", "file_path", unique=True),
        Index("idx_tracks_album", "album_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"))
    file_path: Mapped[str] = mapped_column(Text)  # relative to the library root
    title: Mapped[str] = mapped_column(Text)
    artist: Mapped[str | None] = mapped_column(Text)
    track_number: Mapped[int | None] = mapped_column(Integer)
    disc_number: Mapped[int | None] = mapped_column(Integer)
    tagged: Mapped[bool] = mapped_column(Boolean, default=True)  # title and album came from the file's tags
    date: Mapped[str | None] = mapped_column(String(10))
    genres: Mapped[list[Any]] = mapped_column(JSON, default=list)
    composers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mb_recording_id: Mapped[str | None] = mapped_column(String(36))
    mb_track_id: Mapped[str | None] = mapped_column(String(36))
    mb_artist_id: Mapped[str | None] = mapped_column(String(36))
    replaygain: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Technical facts of the file.
    codec: Mapped[str | None] = mapped_column(String(32))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    bit_depth: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(32), default="discovered")  # discovered | missing
    content_hash: Mapped[str | None] = mapped_column(String(64))
    last_scan_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MusicAsset(CachedFileMixin, Base):
    """Artwork of a music library: an album folder's files (cover, back, disc art), its artist's (artist, fanart,
    logo, banner; in the artist folder or beside the tracks), and the cover embedded in an album's tracks (one per
    album: source_path is the track it is read from, embedded is true). Recorded by the scan of album_id's folder;
    owned (and cached as <cache>/artist|album/<id>/...) by artist_id when set, else by the album."""

    __tablename__ = "music_assets"
    __table_args__ = (
        Index("uq_music_assets_library_source", "library_id", "source_path", unique=True),
        Index("idx_music_assets_album", "album_id"),
    )

    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"))
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"))
    asset_type: Mapped[str] = mapped_column(String(16))  # cover | back | discart | artist | fanart | logo | banner
    embedded: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="local")  # local | caa (Cover Art Archive)
    url: Mapped[str | None] = mapped_column(Text)  # the provider's address of a downloaded cover
    embedded_sha256: Mapped[str | None] = mapped_column(String(64))  # the embedded picture's hash at scan time

    @property
    def owner(self) -> tuple[str, int]:
        if self.artist_id is not None:
            return "artist", self.artist_id
        return "album", self.album_id


ASSET_TABLES: dict[str, type[Image] | type[Trailer] | type[Subtitle]] = {
    "image": Image,
    "trailer": Trailer,
    "subtitle": Subtitle,
}
