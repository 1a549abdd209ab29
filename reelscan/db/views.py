"""Read models: what the CLI and the API show of movies and their assets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reelscan.db.models import Image, Movie, Stream, Subtitle, Trailer


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


def list_movies(session: Session, library_id: int | None = None) -> list[dict[str, Any]]:
    query = select(Movie).options(
        selectinload(Movie.streams),
        selectinload(Movie.images),
        selectinload(Movie.trailers),
        selectinload(Movie.subtitles),
    )
    if library_id is not None:
        query = query.where(Movie.library_id == library_id)
    return [movie_view(m) for m in session.scalars(query.order_by(Movie.directory))]
