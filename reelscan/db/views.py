"""Read models: what the CLI and the API show of movies, series and their assets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from reelscan.db.models import (
    Album,
    AssetCandidate,
    Episode,
    EpisodeStream,
    Image,
    Library,
    Movie,
    MusicAsset,
    ScanDirectory,
    ScanError,
    ScanJob,
    Series,
    Stream,
    Subtitle,
    Trailer,
    TvAsset,
)
from reelscan.db.series_records import recorded_errors


def _asset(row: Image | Trailer | Subtitle | TvAsset) -> dict[str, Any]:
    if isinstance(row, Image):
        kind = row.image_type
    elif isinstance(row, TvAsset):
        kind = row.asset_type
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
    if isinstance(row, Subtitle | TvAsset) and kind == "subtitle":
        item.update(language=row.language, forced=row.forced, sdh=row.sdh, default=row.default, format=row.format)
    if row.cache_error:
        item["cacheError"] = row.cache_error
    return item


def _stream(row: Stream | EpisodeStream) -> dict[str, Any]:
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
        "videoVersions": movie.video_versions,
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
        "sets": movie.sets,
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


SORTS = ("directory", "title", "-title", "year", "-year", "added", "-added")
MOVIE_STATES = ("discovered", "enriched", "unmatched", "enrichment_failed", "missing")


@dataclass(frozen=True)
class ListFilter:
    """What the movie and series lists can be narrowed to, and their order."""

    state: str | None = None
    has_errors: bool | None = None
    missing_poster: bool | None = None
    year_from: int | None = None
    year_to: int | None = None
    text: str | None = None
    sort: str = "directory"


def _filtered(query: Any, kind: type[Movie] | type[Series], library_id: int | None, where: ListFilter) -> Any:
    if library_id is not None:
        query = query.where(kind.library_id == library_id)
    if where.state:
        query = query.where(kind.state == where.state)
    if where.has_errors is not None:
        with_errors = func.coalesce(func.json_array_length(kind.scan_errors), 0) > 0
        query = query.where(with_errors if where.has_errors else ~with_errors)
    if where.missing_poster is not None:
        poster = _has_poster(kind)
        query = query.where(~poster if where.missing_poster else poster)
    if where.year_from is not None:
        query = query.where(kind.year >= where.year_from)
    if where.year_to is not None:
        query = query.where(kind.year <= where.year_to)
    if where.text and where.text.strip():
        escaped = where.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                kind.title.ilike(pattern, escape="\\"),
                kind.original_title.ilike(pattern, escape="\\"),
                kind.directory.ilike(pattern, escape="\\"),
            )
        )
    return query


def _has_poster(kind: type[Movie] | type[Series]) -> Any:
    """A poster file of its own (the missing-poster filter): a local poster of a movie, a series-level one of a
    series."""
    if kind is Movie:
        return exists().where(Image.movie_id == Movie.id, Image.image_type == "poster")
    return exists().where(
        TvAsset.series_id == Series.id,
        TvAsset.asset_type == "poster",
        TvAsset.season_id.is_(None),
        TvAsset.episode_id.is_(None),
    )


def _ordered(query: Any, kind: type[Movie] | type[Series], sort: str) -> Any:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "title":
        column: Any = func.lower(func.coalesce(kind.sort_title, kind.title))
    elif key == "year":
        column = kind.year
    elif key == "added":
        column = kind.created_at
    else:
        column = kind.directory
    ordered = column.desc() if descending else column.asc()
    # Movies without a year sort last either way; the id keeps pages stable.
    nulls = column.is_(None).asc() if key == "year" else None
    return query.order_by(*(c for c in (nulls, ordered, kind.id) if c is not None))


def count_items(session: Session, kind: type[Movie] | type[Series], library_id: int | None, where: ListFilter) -> int:
    """How many movies or series the filter lets through (the page's pager total)."""
    query = _filtered(select(func.count()).select_from(kind), kind, library_id, where)
    return int(session.scalar(query) or 0)


def list_movies(
    session: Session,
    library_id: int | None = None,
    *,
    state: str | None = None,
    has_errors: bool | None = None,
    missing_poster: bool | None = None,
    offset: int = 0,
    limit: int | None = None,
    where: ListFilter | None = None,
) -> list[dict[str, Any]]:
    where = where or ListFilter(state=state, has_errors=has_errors, missing_poster=missing_poster)
    query = _ordered(_filtered(_with_children(select(Movie)), Movie, library_id, where), Movie, where.sort)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    movies = list(session.scalars(query))
    chosen = _chosen_posters(session, movies)
    return [dict(movie_view(m), poster=movie_poster(m, chosen.get(m.id))) for m in movies]


def _chosen_posters(session: Session, items: list[Movie] | list[Series]) -> dict[int, AssetCandidate]:
    """The poster candidate selection chose for each movie or series (series get poster_id from _SeriesColumns)."""
    chosen: dict[int, int] = {item.id: poster for item in items if (poster := getattr(item, "poster_id", None))}
    if not chosen:
        return {}
    rows = session.scalars(select(AssetCandidate).where(AssetCandidate.id.in_(set(chosen.values()))))
    by_id = {row.id: row for row in rows}
    return {item_id: by_id[poster] for item_id, poster in chosen.items() if poster in by_id}


def _poster(
    chosen: AssetCandidate | None, local: list[Image] | list[TvAsset], *, missing_folder: bool, unmatched: bool
) -> dict[str, Any]:
    """The poster the wall shows: the selected one if cached, else a cached local poster; without one, why not."""
    if chosen is not None and chosen.cache_path:
        return {"cachePath": chosen.cache_path, "source": chosen.source, "missingReason": None}
    cached = next((a for a in local if a.cache_path), None)
    if cached is not None:
        return {"cachePath": cached.cache_path, "source": "local", "missingReason": None}
    if local and local[0].cache_error:
        reason = f"poster could not be cached: {local[0].cache_error}"
    elif local:
        reason = "poster not cached yet"
    elif missing_folder:
        reason = "folder missing, no poster kept"
    elif unmatched:
        reason = "no poster in the folder and no provider match"
    else:
        reason = "no poster in the folder"
    return {"cachePath": None, "source": None, "missingReason": reason}


def movie_poster(movie: Movie, chosen: AssetCandidate | None) -> dict[str, Any]:
    local = [image for image in movie.images if image.image_type == "poster"]
    return _poster(chosen, local, missing_folder=movie.state == "missing", unmatched=movie.state == "unmatched")


def movie_detail(session: Session, movie_id: int) -> dict[str, Any] | None:
    movie = session.scalars(_with_children(select(Movie).where(Movie.id == movie_id))).one_or_none()
    if movie is None:
        return None
    return dict(movie_view(movie), poster=movie_poster(movie, _chosen_posters(session, [movie]).get(movie.id)))


def library_view(library: Library, movies: int, series: int = 0) -> dict[str, Any]:
    return {
        "id": library.id,
        "name": library.name,
        "path": library.path,
        "type": library.type,
        "autoEnrich": library.auto_enrich,
        "autoSelectAssets": library.auto_select_assets,
        "movies": movies,
        "series": series,
    }


def list_libraries(session: Session) -> list[dict[str, Any]]:
    """Every library with its type and how many movies or series it holds."""
    from reelscan.db.music_views import count_albums

    movies = dict(session.execute(select(Movie.library_id, func.count()).group_by(Movie.library_id)).all())
    series = dict(session.execute(select(Series.library_id, func.count()).group_by(Series.library_id)).all())
    albums, artists = count_albums(session)
    return [
        {
            **library_view(lib, movies.get(lib.id, 0), series.get(lib.id, 0)),
            "albums": albums.get(lib.id, 0),
            "artists": artists.get(lib.id, 0),
        }
        for lib in session.scalars(select(Library).order_by(Library.id))
    ]


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


def scan_errors(session: Session, scan_job_id: int, offset: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    """Every error a scan counted, by where it happened: discovery (the root, folders that could not be read),
    folders that failed or were recorded with problems, assets that could not be cached, movies or series whose
    enrichment failed. Each entry's `errors` are its messages; together they add up to the scan's errorsCount."""
    entries: list[dict[str, Any]] = [
        _error_entry("discovering", path, [message])
        for path, message in session.execute(
            select(ScanError.path, ScanError.message).where(ScanError.scan_job_id == scan_job_id).order_by(ScanError.id)
        )
    ]
    rows = session.execute(
        select(
            ScanDirectory.seq, ScanDirectory.path, ScanDirectory.outcome, ScanDirectory.movie_id, ScanDirectory.errors
        )
        .where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.errors.is_not(None))
        .order_by(ScanDirectory.seq)
    ).all()
    entries += [
        _error_entry("scanning", path, list(errors), seq=seq, outcome=outcome, movie_id=movie_id)
        for seq, path, outcome, movie_id, errors in rows
        if errors
    ]
    for model, source in (
        (Image, Image.source_path),
        (Trailer, Trailer.source_path),
        (Subtitle, Subtitle.source_path),
        (TvAsset, TvAsset.source_path),
        (MusicAsset, MusicAsset.source_path),
        (AssetCandidate, AssetCandidate.provider_path),
    ):
        uncached = session.execute(
            select(source, model.cache_error)
            .where(model.cache_scan_job_id == scan_job_id, model.cache_error.is_not(None), model.cache_path.is_(None))
            .order_by(model.id)
        )
        entries += [_error_entry("caching", path, [error or "not cached"]) for path, error in uncached]
    for kind in (Movie, Series, Album):
        not_enriched = session.execute(
            select(kind.id, kind.directory, kind.enrichment_error)
            .where(kind.last_scan_job_id == scan_job_id, kind.state == "enrichment_failed")
            .order_by(kind.id)
        )
        entries += [
            _error_entry("enriching", path, [error or "enrichment failed"], movie_id=row_id if kind is Movie else None)
            for row_id, path, error in not_enriched
        ]
    return entries[offset : offset + limit]


def _error_entry(
    phase: str,
    directory: str,
    errors: list[str],
    *,
    seq: int | None = None,
    outcome: str = "error",
    movie_id: int | None = None,
) -> dict[str, Any]:
    return {
        "phase": phase,
        "seq": seq,
        "directory": directory,
        "outcome": outcome,
        "movieId": movie_id,
        "errors": errors,
    }


# --- TV libraries -----------------------------------------------------------------------------------------------


def _sorted_assets(rows: list[TvAsset]) -> list[dict[str, Any]]:
    return sorted((_asset(a) for a in rows), key=lambda a: (a["type"], a["path"]))


def _episode_counts(session: Session, series_ids: list[int]) -> dict[int, dict[int | None, tuple[int, int]]]:
    """(episodes on disk, episodes missing) by series id and season number."""
    missing = func.sum(case((Episode.state == "missing", 1), else_=0))
    rows = session.execute(
        select(Episode.series_id, Episode.season_number, func.count(), missing)
        .where(Episode.series_id.in_(series_ids))
        .group_by(Episode.series_id, Episode.season_number)
    ).all()
    counts: dict[int, dict[int | None, tuple[int, int]]] = {}
    for series_id, season, total, gone in rows:
        counts.setdefault(series_id, {})[season] = (int(total) - int(gone or 0), int(gone or 0))
    return counts


def series_view(series: Series, counts: dict[int | None, tuple[int, int]]) -> dict[str, Any]:
    """A series with its seasons and episode counts (numbers of episodes on disk; missing ones apart)."""
    seasons = [
        {
            "id": season.id,
            "number": season.number,
            "folder": season.folder,
            "title": season.title,
            "plot": season.plot,
            "premiered": season.premiered,
            "uniqueIds": season.unique_ids,
            "episodes": counts.get(season.number, (0, 0))[0],
            "missingEpisodes": counts.get(season.number, (0, 0))[1],
        }
        for season in series.seasons
    ]
    return {
        "id": series.id,
        "libraryId": series.library_id,
        "title": series.title,
        "originalTitle": series.original_title,
        "year": series.year,
        "premiered": series.premiered,
        "mpaa": series.mpaa,
        "status": series.status,
        "imdbId": series.imdb_id,
        "tmdbId": series.tmdb_id,
        "tvdbId": series.tvdb_id,
        "uniqueIds": series.unique_ids,
        "directory": series.directory,
        "state": series.state,
        "titleSource": series.title_source,
        "nfo": series.nfo_path,
        "plot": series.plot,
        "genres": series.genres,
        "studios": series.studios,
        "countries": series.countries,
        "ratings": series.ratings,
        "actors": series.actors,
        "seasons": seasons,
        # Episodes of air-date or absolute-number files without a season count here but in no season.
        "episodes": sum(present for present, _ in counts.values()),
        "missingEpisodes": sum(gone for _, gone in counts.values()),
        "errors": [e.message for e in recorded_errors(series.scan_errors)],
    }


def list_series(
    session: Session,
    library_id: int | None = None,
    *,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    where: ListFilter | None = None,
) -> list[dict[str, Any]]:
    """Series (by directory unless sorted otherwise), each with its seasons, episode counts and poster."""
    where = where or ListFilter(state=state)
    query = select(Series).options(selectinload(Series.seasons))
    query = _ordered(_filtered(query, Series, library_id, where), Series, where.sort).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    found = list(session.scalars(query))
    counts = _episode_counts(session, [s.id for s in found])
    chosen = _chosen_posters(session, found)
    local: dict[int, list[TvAsset]] = {}
    if found:
        rows = session.scalars(
            select(TvAsset)
            .where(
                TvAsset.series_id.in_([s.id for s in found]),
                TvAsset.asset_type == "poster",
                TvAsset.season_id.is_(None),
                TvAsset.episode_id.is_(None),
            )
            .order_by(TvAsset.source_path)
        )
        for row in rows:
            local.setdefault(row.series_id, []).append(row)
    return [
        dict(
            series_view(s, counts.get(s.id, {})),
            poster=_poster(
                chosen.get(s.id),
                local.get(s.id, []),
                missing_folder=s.state == "missing",
                unmatched=s.state == "unmatched",
            ),
        )
        for s in found
    ]


def _episode_view(episode: Episode, assets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": episode.id,
        "seasonNumber": episode.season_number,
        "episodeNumber": episode.episode_number,
        "fileEpisodes": episode.file_episodes,
        "airDate": episode.air_date,
        "absoluteNumber": episode.absolute_number,
        "title": episode.title,
        "plot": episode.plot,
        "runtime": episode.runtime,
        "ratings": episode.ratings,
        "directors": episode.directors,
        "credits": episode.credits,
        "actors": episode.actors,
        "uniqueIds": episode.unique_ids,
        "file": episode.file_path,
        "nfo": episode.nfo_path,
        "state": episode.state,
        "container": episode.container,
        "durationSeconds": episode.duration_seconds,
        "fileSize": episode.file_size,
        "streams": [_stream(s) for s in episode.streams],
        "assets": assets,
    }


def series_detail(session: Session, series_id: int) -> dict[str, Any] | None:
    """A series with its own assets, its seasons (with their assets) and every episode (with streams and assets;
    the episodes of a multi-episode file share its thumb and subtitles)."""
    series = session.scalars(
        select(Series)
        .where(Series.id == series_id)
        .options(
            selectinload(Series.seasons),
            selectinload(Series.episodes).selectinload(Episode.streams),
            selectinload(Series.assets),
        )
    ).one_or_none()
    if series is None:
        return None
    view = series_view(series, _episode_counts(session, [series.id]).get(series.id, {}))
    files = {e.id: e.file_path for e in series.episodes}
    by_season: dict[int, list[TvAsset]] = {}
    by_file: dict[str, list[TvAsset]] = {}
    own: list[TvAsset] = []
    for asset in series.assets:
        if asset.episode_id is not None:
            by_file.setdefault(files[asset.episode_id], []).append(asset)
        elif asset.season_id is not None:
            by_season.setdefault(asset.season_id, []).append(asset)
        else:
            own.append(asset)
    view["assets"] = _sorted_assets(own)
    for season in view["seasons"]:
        season["assets"] = _sorted_assets(by_season.get(season["id"], []))
    view["episodes"] = [_episode_view(e, _sorted_assets(by_file.get(e.file_path, []))) for e in series.episodes]
    return view
