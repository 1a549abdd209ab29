"""Database side of phase 4: targets, stored provider answers, candidates, metadata with locks, selection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from reelscan.db.models import (
    ARTWORK_TYPES,
    Album,
    AssetCandidate,
    CachedFileMixin,
    Image,
    Movie,
    ProviderDetails,
    Series,
    Trailer,
    is_locked,
    utcnow,
)
from reelscan.providers.tmdb import (
    ImageCandidate,
    MovieMetadata,
    VideoCandidate,
    certification_for,
    merge_unique_ids,
)
from reelscan.selection import Candidate
from reelscan.selection import select as select_candidates

# Who a candidate or a provider answer belongs to: {"movie_id": id}, {"series_id": id} or {"season_id": id}.
Owner = dict[str, int]


def owned_by(model: type[AssetCandidate] | type[ProviderDetails], owner: Owner) -> list[ColumnElement[bool]]:
    return [getattr(model, column) == value for column, value in owner.items()]


def enrichment_page(
    session: Session,
    model: type[Movie] | type[Series] | type[Album],
    scan_job_id: int,
    library_id: int,
    after_id: int,
    limit: int,
) -> tuple[list[Any], int]:
    """A page (by id) of the movies or series this scan found and did not mark missing, and how many in all."""
    query = select(model).where(
        model.library_id == library_id, model.last_scan_job_id == scan_job_id, model.state != "missing"
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.where(model.id > after_id).order_by(model.id).limit(limit)))
    return rows, total


def enrichment_targets(
    session: Session, scan_job_id: int, library_id: int, after_movie_id: int, limit: int
) -> tuple[list[Movie], int]:
    """A page of the movies this scan found (by id), and how many there are in all."""
    return enrichment_page(session, Movie, scan_job_id, library_id, after_movie_id, limit)


def store_details(session: Session, owner: Owner, tmdb_id: int, payload: dict[str, Any]) -> None:
    """The provider's answer for a movie or a series, one row per owner and provider (running twice adds nothing)."""
    row = session.scalars(
        select(ProviderDetails).where(*owned_by(ProviderDetails, owner), ProviderDetails.provider == "tmdb")
    ).one_or_none()
    if row is None:
        session.add(ProviderDetails(**owner, provider="tmdb", provider_id=tmdb_id, payload=payload))
    else:
        row.provider_id, row.payload, row.fetched_at = tmdb_id, payload, utcnow()


def stored_details(session: Session, owner: Owner) -> dict[str, Any] | None:
    return session.scalar(
        select(ProviderDetails.payload).where(*owned_by(ProviderDetails, owner), ProviderDetails.provider == "tmdb")
    )


_Titled = TypeVar("_Titled", Movie, Series)


def store_details_of(
    session: Session, model: type[_Titled], item_id: int, owner: Owner, tmdb_id: int, payload: dict[str, Any]
) -> None:
    """The details answer of a movie or series, and its TMDB id on the row while the row is there."""
    store_details(session, owner, tmdb_id, payload)
    row = session.get(model, item_id)
    if row is not None:
        row.tmdb_id = tmdb_id


def title_and_year_of(session: Session, model: type[_Titled], item_id: int) -> tuple[str, int | None]:
    """What a title search uses: the row's title (empty when the row is gone) and year."""
    row = session.get(model, item_id)
    return (row.title or "", row.year) if row is not None else ("", None)


def store_provider_details(session: Session, movie_id: int, tmdb_id: int, payload: dict[str, Any]) -> None:
    store_details_of(session, Movie, movie_id, {"movie_id": movie_id}, tmdb_id, payload)


def movie_title_and_year(session: Session, movie_id: int) -> tuple[str, int | None]:
    return title_and_year_of(session, Movie, movie_id)


def provider_details(session: Session, movie_id: int) -> dict[str, Any] | None:
    return stored_details(session, {"movie_id": movie_id})


def _candidate_row(
    session: Session, existing: dict[tuple[str, str], AssetCandidate], owner: Owner, asset_type: str, key: str
) -> AssetCandidate:
    row = existing.get((asset_type, key))
    if row is None:
        row = AssetCandidate(
            **owner,
            source="tmdb",
            asset_type=asset_type,
            provider_path=key,
            source_path="",
            file_size=0,
            mtime_ns=0,
        )
        session.add(row)
    return row


def upsert_candidates(
    session: Session,
    owner: Owner,
    images: Sequence[ImageCandidate],
    trailers: Sequence[VideoCandidate],
    image_base_url: str | None,
) -> list[AssetCandidate]:
    """Provider candidates of a movie, series or season, keyed by (owner, source, type, provider path): running
    twice adds nothing."""
    existing = {
        (row.asset_type, row.provider_path): row
        for row in session.scalars(
            select(AssetCandidate).where(*owned_by(AssetCandidate, owner), AssetCandidate.source == "tmdb")
        )
    }
    rows: list[AssetCandidate] = []
    for image in images:
        row = _candidate_row(session, existing, owner, image.asset_type, image.file_path)
        row.url = f"{image_base_url}original{image.file_path}" if image_base_url else None
        row.width, row.height, row.language = image.width, image.height, image.language
        row.vote_average, row.vote_count = image.vote_average, image.vote_count
        rows.append(row)
    for video in trailers:
        row = _candidate_row(session, existing, owner, "trailer", video.key)
        row.url = f"https://www.youtube.com/watch?v={video.key}"
        row.language, row.height = video.language, video.size
        row.vote_average = 10.0 if video.official else 5.0
        row.vote_count = 1
        rows.append(row)
    session.flush()
    return rows


def upsert_provider_candidates(
    session: Session,
    movie_id: int,
    images: list[ImageCandidate],
    trailers: list[VideoCandidate],
    image_base_url: str | None,
) -> list[AssetCandidate]:
    """Candidates keyed by (movie, source, type, provider path): running twice adds nothing."""
    return upsert_candidates(session, {"movie_id": movie_id}, images, trailers, image_base_url)


def set_candidate_download(
    session: Session, candidate_id: int, *, path: str, size: int, mtime_ns: int, sha256: str
) -> None:
    session.execute(
        update(AssetCandidate)
        .where(AssetCandidate.id == candidate_id)
        .values(source_path=path, file_size=size, mtime_ns=mtime_ns, sha256=sha256)
    )


def sync_local(session: Session, owner: Owner, local: Sequence[tuple[str, CachedFileMixin]]) -> None:
    """Local files (asset type, row) become candidates of their owner, with their cache state; local candidates
    whose file is gone are removed."""
    existing = {
        (row.asset_type, row.provider_path): row
        for row in session.scalars(
            select(AssetCandidate).where(*owned_by(AssetCandidate, owner), AssetCandidate.source == "local")
        )
    }
    wanted: set[tuple[str, str]] = set()
    for asset_type, source in local:
        key = (asset_type, source.source_path)
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            row = AssetCandidate(
                **owner,
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


def sync_local_candidates(session: Session, movie_id: int) -> None:
    """Local artwork and trailers become candidates too, so selection weighs everything in one place."""
    local: list[tuple[str, CachedFileMixin]] = [
        (image.image_type, image) for image in session.scalars(select(Image).where(Image.movie_id == movie_id))
    ]
    local += [("trailer", t) for t in session.scalars(select(Trailer).where(Trailer.movie_id == movie_id))]
    sync_local(session, {"movie_id": movie_id}, local)


def apply_values(row: object, values: dict[str, Any]) -> list[str]:
    """Set each provider value that is not empty on a row, unless its field is locked. Returns the fields changed."""
    changed = []
    for name, value in values.items():
        if value in (None, [], {}) or is_locked(row, name):
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def mark_enriched(row: Movie | Series, match: str) -> None:
    row.provider_match = match
    row.state = "enriched"
    row.enriched_at = utcnow()
    row.enrichment_error = None


def apply_metadata(
    session: Session, movie_id: int, meta: MovieMetadata, match: str, *, language: str = "en-US"
) -> list[str]:
    """Update the movie from the provider, never touching a locked field. Returns the fields changed.

    The shown certification (mpaa) is the one of the language setting's country ("de-DE": DE), else the US one.
    """
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
        "mpaa": certification_for(meta.certifications, language),
        "genres": meta.genres,
        "studios": meta.studios,
        "countries": meta.countries,
        "set_name": meta.collection,
        "actors": meta.cast,
        "directors": meta.directors,
        "credits": meta.writers,
    }
    changed = apply_values(movie, values)
    if meta.rating is not None and not is_locked(movie, "ratings"):
        others = [r for r in movie.ratings or [] if r.get("name") != "themoviedb"]
        movie.ratings = [*others, *rating]
    if meta.imdb_id and not movie.imdb_id:
        movie.imdb_id = meta.imdb_id
    movie.unique_ids = merge_unique_ids(movie.unique_ids, meta.external_ids, meta.tmdb_id)
    movie.tmdb_id = meta.tmdb_id
    mark_enriched(movie, match)
    return changed


def mark_outcome(session: Session, movie_id: int, state: str, reason: str) -> None:
    session.execute(update(Movie).where(Movie.id == movie_id).values(state=state, enrichment_error=reason[:2000]))


def as_candidate(row: AssetCandidate, *, with_hash: bool = True) -> Candidate:
    return Candidate(
        row.id,
        row.asset_type,
        row.source,
        row.width,
        row.height,
        row.language,
        row.vote_average,
        row.vote_count,
        row.sha256 if with_hash else None,
    )


def downloads_wanted(
    rows: Sequence[AssetCandidate], *, preferred_language: str, keep: dict[str, int]
) -> list[tuple[int, str]]:
    """(id, url) of the provider images of one owner worth downloading (the best `keep` per type by selection's
    scoring) that are not cached yet. Trailers are never downloaded."""
    images = [r for r in rows if r.asset_type != "trailer"]
    chosen = select_candidates(
        [as_candidate(r, with_hash=False) for r in images],
        preferred_language=preferred_language,
        local_first=False,
        keep=keep,
    )
    wanted = {c.id for kept in chosen.values() for c, _ in kept}
    return [(r.id, r.url) for r in images if r.id in wanted and r.url and r.cache_path is None]


def select_for(
    session: Session,
    entity: object,
    owner: Owner,
    artwork_types: Sequence[str],
    *,
    preferred_language: str,
    local_first: bool,
    keep: dict[str, int],
) -> dict[str, int]:
    """Score every candidate of an owner, mark the kept ones, and set the entity's <type>_id for each artwork type
    unless that choice is locked. Returns the choice per type."""
    rows = list(session.scalars(select(AssetCandidate).where(*owned_by(AssetCandidate, owner))))
    chosen = select_candidates(
        [as_candidate(row) for row in rows],
        preferred_language=preferred_language,
        local_first=local_first,
        keep=keep or None,
    )
    by_id = {row.id: row for row in rows}
    for row in rows:
        row.selected, row.rank = False, None
    selected: dict[str, int] = {}
    for asset_type, kept in chosen.items():
        for rank, (candidate, value) in enumerate(kept):
            row = by_id[candidate.id]
            row.selected, row.rank, row.score = True, rank, value
        if asset_type in artwork_types and kept and not is_locked(entity, asset_type):
            setattr(entity, f"{asset_type}_id", kept[0][0].id)
        current = getattr(entity, f"{asset_type}_id", None) if asset_type in artwork_types else None
        if current is not None:
            selected[asset_type] = int(current)
    return selected


def apply_selection(
    session: Session, movie_id: int, *, preferred_language: str, local_first: bool, keep: dict[str, int]
) -> dict[str, int]:
    """Score every candidate, mark the kept ones, and set <type>_id unless that choice is locked."""
    movie = session.get(Movie, movie_id)
    if movie is None:
        return {}
    return select_for(
        session,
        movie,
        {"movie_id": movie_id},
        ARTWORK_TYPES,
        preferred_language=preferred_language,
        local_first=local_first,
        keep=keep,
    )


_KINDS = {int: "a whole number", float: "a number", str: "text", list: "a list", dict: "an object"}


def _check_edit(session: Session, movie: Movie, name: str, value: Any) -> None:
    """A value of the column's kind (and length), or a candidate of this movie for artwork; ValueError otherwise,
    so a person's edit never reaches the database as something it would refuse or store as nonsense."""
    if name in ARTWORK_TYPES:
        if value is None:
            return
        found = session.get(AssetCandidate, value) if isinstance(value, int) and not isinstance(value, bool) else None
        wanted = "trailer" if name == "trailer" else name
        if found is None or found.movie_id != movie.id or found.asset_type != wanted:
            raise ValueError(f"{name} must be the id of one of this movie's {name} candidates")
        return
    column = Movie.__table__.c[name]
    if value is None:
        if not column.nullable:
            raise ValueError(f"{name} cannot be empty")
        return
    expected: type = column.type.python_type
    if expected is object:  # a JSON column: a list (genres, actors, ...) or an object (certifications), as stored
        current = getattr(movie, name)
        expected = type(current) if isinstance(current, list | dict) else list
    accepted: tuple[type, ...] = (int, float) if expected is float else (expected,)
    if (isinstance(value, bool) and bool not in accepted) or not isinstance(value, accepted):
        raise ValueError(f"{name} must be {_KINDS.get(expected, expected.__name__)}, not {type(value).__name__}")
    length = getattr(column.type, "length", None)
    if isinstance(value, str) and length is not None and len(value) > length:
        raise ValueError(f"{name} is at most {length} characters long")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**31 - 1:
        raise ValueError(f"{name} is out of range")


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
        _check_edit(session, movie, name, value)
    for name, value in values.items():
        if name in ARTWORK_TYPES:
            setattr(movie, f"{name}_id", value)
        else:
            setattr(movie, name, value)
        setattr(movie, f"{name}_locked", True)
    for name in unlock:
        setattr(movie, f"{name}_locked", False)
    return movie
