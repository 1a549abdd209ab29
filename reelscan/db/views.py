"""Read models: what the CLI and the API show of movies and their assets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from reelscan.db.models import Image, Library, Movie, ScanDirectory, ScanJob, Stream, Subtitle, Trailer


def _asset(row: Image | Trailer | Subtitle) -> dict[str, Any]:
    if isinstance(row, Image):
        kind = row.image_type
    elif isinstance(row, Trailer):
        kind = "trailer"
    else:
        kind = "subtitle"
    item: dict[str, Any] = {
        "type": kind,
        "path": row.source_path,
        "size": row.file_size,
        "cachePath": row.cache_path,
        "sha256": row.sha256,
    }
    if isinstance(row, Subtitle):
        item.update(language=row.language, forced=row.forced, sdh=row.sdh, default=row.default, format=row.format)
    if row.cache_error:
        item["cacheError"] = row.cache_error
    return item


def _stream(row: Stream) -> dict[str, Any]:
    keys = ("kind", "codec", "language", "width", "height", "frame_rate", "bit_depth", "hdr_format", "channels")
    item = {key: getattr(row, key) for key in keys}
    item.update(default=row.default, forced=row.forced, title=row.title)
    return {k: v for k, v in item.items() if v is not None}


def movie_view(movie: Movie) -> dict[str, Any]:
    rows: list[Image | Trailer | Subtitle] = [*movie.images, *movie.trailers, *movie.subtitles]
    assets = [_asset(a) for a in rows]
    return {
        "id": movie.id,
        "libraryId": movie.library_id,
        "title": movie.title,
        "originalTitle": movie.original_title,
        "year": movie.year,
        "imdbId": movie.imdb_id,
        "tmdbId": movie.tmdb_id,
        "directory": movie.directory,
        "mainVideo": movie.main_video,
        "videoParts": movie.video_parts,
        "disc": movie.disc_type,
        "state": movie.state,
        "titleSource": movie.title_source,
        "nfo": movie.nfo_path,
        "plot": movie.plot,
        "genres": movie.genres,
        "studios": movie.studios,
        "directors": movie.directors,
        "actors": movie.actors,
        "ratings": movie.ratings,
        "set": movie.set_name,
        "runtime": movie.runtime,
        "mpaa": movie.mpaa,
        "container": movie.container,
        "durationSeconds": movie.duration_seconds,
        "fileSize": movie.file_size,
        "streams": [_stream(s) for s in movie.streams],
        "assets": sorted(assets, key=lambda a: (a["type"], a["path"])),
        "errors": movie.scan_errors,
    }


def _with_children(query: Any) -> Any:
    return query.options(
        selectinload(Movie.streams),
        selectinload(Movie.images),
        selectinload(Movie.trailers),
        selectinload(Movie.subtitles),
    )


def list_movies(
    session: Session,
    library_id: int | None = None,
    *,
    state: str | None = None,
    has_errors: bool | None = None,
    missing_poster: bool | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    query = _with_children(select(Movie))
    if library_id is not None:
        query = query.where(Movie.library_id == library_id)
    if state:
        query = query.where(Movie.state == state)
    if has_errors is not None:
        with_errors = func.coalesce(func.json_array_length(Movie.scan_errors), 0) > 0
        query = query.where(with_errors if has_errors else ~with_errors)
    if missing_poster is not None:
        poster = exists().where(Image.movie_id == Movie.id, Image.image_type == "poster")
        query = query.where(~poster if missing_poster else poster)
    query = query.order_by(Movie.directory).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [movie_view(m) for m in session.scalars(query)]


def movie_detail(session: Session, movie_id: int) -> dict[str, Any] | None:
    movie = session.scalars(_with_children(select(Movie).where(Movie.id == movie_id))).one_or_none()
    return movie_view(movie) if movie else None


def library_view(library: Library, movies: int) -> dict[str, Any]:
    return {
        "id": library.id,
        "name": library.name,
        "path": library.path,
        "type": library.type,
        "autoEnrich": library.auto_enrich,
        "autoSelectAssets": library.auto_select_assets,
        "movies": movies,
    }


def list_libraries(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(Movie.library_id, func.count()).group_by(Movie.library_id)).all())
    return [library_view(lib, counts.get(lib.id, 0)) for lib in session.scalars(select(Library).order_by(Library.id))]


def scan_summary(job: ScanJob) -> dict[str, Any]:
    return {
        "scanJobId": job.id,
        "libraryId": job.library_id,
        "workflowId": job.workflow_id,
        "status": job.status,
        "directoriesTotal": job.directories_total,
        "directoriesScanned": job.directories_scanned,
        "moviesFound": job.movies_found,
        "moviesNew": job.movies_new,
        "moviesUpdated": job.movies_updated,
        "assetsCached": job.assets_cached,
        "errorsCount": job.errors_count,
        "lastError": job.last_error,
        "options": job.options,
        "startedAt": job.started_at.isoformat(),
        "completedAt": job.completed_at.isoformat() if job.completed_at else None,
    }


def scan_errors(session: Session, scan_job_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """Directories of a scan that failed or were recorded with problems, and why."""
    rows = session.execute(
        select(
            ScanDirectory.seq, ScanDirectory.path, ScanDirectory.outcome, ScanDirectory.movie_id, ScanDirectory.errors
        )
        .where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.errors.is_not(None))
        .order_by(ScanDirectory.seq)
        .limit(limit)
    ).all()
    return [
        {"seq": seq, "directory": path, "outcome": outcome, "movieId": movie_id, "errors": errors}
        for seq, path, outcome, movie_id, errors in rows
        if errors
    ]
