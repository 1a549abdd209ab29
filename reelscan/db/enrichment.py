"""Database side of phase 4: targets, stored provider answers, candidates, metadata with locks, selection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelscan.db.models import (
    ARTWORK_TYPES,
    AssetCandidate,
    Image,
    Movie,
    ProviderDetails,
    Trailer,
    utcnow,
)
from reelscan.providers.tmdb import ImageCandidate, MovieMetadata, VideoCandidate
from reelscan.selection import Candidate
from reelscan.selection import select as select_candidates


def _targets_query(scan_job_id: int, library_id: int) -> Any:
    return select(Movie).where(
        Movie.library_id == library_id, Movie.last_scan_job_id == scan_job_id, Movie.state != "missing"
    )


def enrichment_targets(
    session: Session, scan_job_id: int, library_id: int, after_movie_id: int, limit: int
) -> tuple[list[Movie], int]:
    """A page of the movies this scan found (by id), and how many there are in all."""
    query = _targets_query(scan_job_id, library_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    movies = list(session.scalars(query.where(Movie.id > after_movie_id).order_by(Movie.id).limit(limit)))
    return movies, total


def store_provider_details(session: Session, movie_id: int, tmdb_id: int, payload: dict[str, Any]) -> None:
    row = session.scalars(
        select(ProviderDetails).where(ProviderDetails.movie_id == movie_id, ProviderDetails.provider == "tmdb")
    ).one_or_none()
    if row is None:
        session.add(ProviderDetails(movie_id=movie_id, provider="tmdb", provider_id=tmdb_id, payload=payload))
    else:
        row.provider_id, row.payload, row.fetched_at = tmdb_id, payload, utcnow()
    movie = session.get(Movie, movie_id)
    if movie is not None:
        movie.tmdb_id = tmdb_id


def provider_details(session: Session, movie_id: int) -> dict[str, Any] | None:
    return session.scalar(
        select(ProviderDetails.payload).where(ProviderDetails.movie_id == movie_id, ProviderDetails.provider == "tmdb")
    )


def upsert_provider_candidates(
    session: Session,
    movie_id: int,
    images: list[ImageCandidate],
    trailers: list[VideoCandidate],
    image_base_url: str | None,
) -> list[AssetCandidate]:
    """Candidates keyed by (movie, source, type, provider path): running twice adds nothing."""
    existing = {
        (row.asset_type, row.provider_path): row
        for row in session.scalars(
            select(AssetCandidate).where(AssetCandidate.movie_id == movie_id, AssetCandidate.source == "tmdb")
        )
    }
    rows: list[AssetCandidate] = []
    for image in images:
        row = existing.get((image.asset_type, image.file_path))
        if row is None:
            row = AssetCandidate(
                movie_id=movie_id,
                source="tmdb",
                asset_type=image.asset_type,
                provider_path=image.file_path,
                source_path="",
                file_size=0,
                mtime_ns=0,
            )
            session.add(row)
        row.url = f"{image_base_url}original{image.file_path}" if image_base_url else None
        row.width, row.height, row.language = image.width, image.height, image.language
        row.vote_average, row.vote_count = image.vote_average, image.vote_count
        rows.append(row)
    for video in trailers:
        row = existing.get(("trailer", video.key))
        if row is None:
            row = AssetCandidate(
                movie_id=movie_id,
                source="tmdb",
                asset_type="trailer",
                provider_path=video.key,
                source_path="",
                file_size=0,
                mtime_ns=0,
            )
            session.add(row)
        row.url = f"https://www.youtube.com/watch?v={video.key}"
        row.language, row.height = video.language, video.size
        row.vote_average = 10.0 if video.official else 5.0
        row.vote_count = 1
        rows.append(row)
    session.flush()
    return rows


def set_candidate_download(
    session: Session, candidate_id: int, *, path: str, size: int, mtime_ns: int, sha256: str
) -> None:
    session.execute(
        update(AssetCandidate)
        .where(AssetCandidate.id == candidate_id)
        .values(source_path=path, file_size=size, mtime_ns=mtime_ns, sha256=sha256)
    )


def sync_local_candidates(session: Session, movie_id: int) -> None:
    """Local artwork and trailers become candidates too, so selection weighs everything in one place."""
    existing = {
        (row.asset_type, row.provider_path): row
        for row in session.scalars(
            select(AssetCandidate).where(AssetCandidate.movie_id == movie_id, AssetCandidate.source == "local")
        )
    }
    wanted: set[tuple[str, str]] = set()
    local: list[tuple[str, Image | Trailer]] = [
        (image.image_type, image) for image in session.scalars(select(Image).where(Image.movie_id == movie_id))
    ]
    local += [("trailer", t) for t in session.scalars(select(Trailer).where(Trailer.movie_id == movie_id))]
    for asset_type, source in local:
        key = (asset_type, source.source_path)
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            row = AssetCandidate(
                movie_id=movie_id,
                source="local",
                asset_type=asset_type,
                provider_path=source.source_path,
                file_size=source.file_size,
                mtime_ns=source.mtime_ns,
                source_path=source.source_path,
            )
            session.add(row)
        row.sha256, row.cache_path, row.cached_at = source.sha256, source.cache_path, source.cached_at
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    session.flush()


def _locked(movie: Movie, name: str) -> bool:
    return bool(getattr(movie, f"{name}_locked", False))


def apply_metadata(session: Session, movie_id: int, meta: MovieMetadata, match: str) -> list[str]:
    """Update the movie from the provider, never touching a locked field. Returns the fields changed."""
    movie = session.get(Movie, movie_id)
    if movie is None:
        return []
    year = int(meta.release_date[:4]) if meta.release_date and meta.release_date[:4].isdigit() else None
    rating = [{"name": "themoviedb", "value": meta.rating, "votes": meta.votes, "max": 10.0, "default": False}]
    values: dict[str, Any] = {
        "title": meta.title,
        "original_title": meta.original_title,
        "plot": meta.overview,
        "tagline": meta.tagline,
        "runtime": meta.runtime,
        "premiered": meta.release_date,
        "year": year,
        "certifications": meta.certifications,
        "mpaa": meta.certifications.get("US"),
        "genres": meta.genres,
        "studios": meta.studios,
        "countries": meta.countries,
        "set_name": meta.collection,
        "actors": meta.cast,
        "directors": meta.directors,
        "credits": meta.writers,
    }
    changed = []
    for name, value in values.items():
        if value in (None, [], {}) or _locked(movie, name):
            continue
        if getattr(movie, name) != value:
            setattr(movie, name, value)
            changed.append(name)
    if meta.rating is not None and not _locked(movie, "ratings"):
        others = [r for r in movie.ratings or [] if r.get("name") != "themoviedb"]
        movie.ratings = [*others, *rating]
    if meta.imdb_id and not movie.imdb_id:
        movie.imdb_id = meta.imdb_id
    movie.unique_ids = {**(movie.unique_ids or {}), **meta.external_ids, "tmdb": str(meta.tmdb_id)}
    movie.tmdb_id = meta.tmdb_id
    movie.provider_match = match
    movie.state = "enriched"
    movie.enriched_at = utcnow()
    movie.enrichment_error = None
    return changed


def mark_outcome(session: Session, movie_id: int, state: str, reason: str) -> None:
    session.execute(update(Movie).where(Movie.id == movie_id).values(state=state, enrichment_error=reason[:2000]))


def apply_selection(
    session: Session, movie_id: int, *, preferred_language: str, local_first: bool, keep: dict[str, int]
) -> dict[str, int]:
    """Score every candidate, mark the kept ones, and set <type>_id unless that choice is locked."""
    movie = session.get(Movie, movie_id)
    if movie is None:
        return {}
    rows = list(session.scalars(select(AssetCandidate).where(AssetCandidate.movie_id == movie_id)))
    candidates = [
        Candidate(
            row.id,
            row.asset_type,
            row.source,
            row.width,
            row.height,
            row.language,
            row.vote_average,
            row.vote_count,
            row.sha256,
        )
        for row in rows
    ]
    chosen = select_candidates(
        candidates, preferred_language=preferred_language, local_first=local_first, keep=keep or None
    )
    by_id = {row.id: row for row in rows}
    for row in rows:
        row.selected, row.rank = False, None
    selected: dict[str, int] = {}
    for asset_type, kept in chosen.items():
        for rank, (candidate, value) in enumerate(kept):
            row = by_id[candidate.id]
            row.selected, row.rank, row.score = True, rank, value
        if asset_type in ARTWORK_TYPES and kept and not _locked(movie, asset_type):
            setattr(movie, f"{asset_type}_id", kept[0][0].id)
        current = getattr(movie, f"{asset_type}_id", None) if asset_type in ARTWORK_TYPES else None
        if current is not None:
            selected[asset_type] = int(current)
    return selected


def edit_movie(session: Session, movie_id: int, values: dict[str, Any], unlock: list[str]) -> Movie | None:
    """A person's edit: the new values are stored and locked, so enrichment never overwrites them."""
    from reelscan.db.models import LOCKABLE_FIELDS

    movie = session.get(Movie, movie_id)
    if movie is None:
        return None
    unknown = [name for name in [*values, *unlock] if name not in LOCKABLE_FIELDS and name not in ARTWORK_TYPES]
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name in ARTWORK_TYPES:
            setattr(movie, f"{name}_id", value)
        else:
            setattr(movie, name, value)
        setattr(movie, f"{name}_locked", True)
    for name in unlock:
        setattr(movie, f"{name}_locked", False)
    return movie
