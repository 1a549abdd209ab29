"""Pure functions that turn TMDB answers into metadata and asset candidates (no HTTP here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_CAST = 50


@dataclass
class MovieMetadata:
    """The fields of a movie_details answer that the library keeps."""

    tmdb_id: int
    imdb_id: str | None
    title: str | None
    original_title: str | None
    overview: str | None
    tagline: str | None
    runtime: int | None
    release_date: str | None
    certifications: dict[str, str] = field(default_factory=dict)
    genres: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    collection: str | None = None
    cast: list[dict[str, Any]] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    rating: float | None = None
    votes: int | None = None
    external_ids: dict[str, str] = field(default_factory=dict)


def item_names(items: Any) -> list[str]:
    return [str(item["name"]) for item in items or [] if isinstance(item, dict) and item.get("name")]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def optional_text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def parse_movie_details(details: dict[str, Any]) -> MovieMetadata:
    """MovieMetadata from a movie_details answer (with credits, release_dates and external_ids appended).

    Certifications: one per country by release type (`release_certifications`). Cast: the first 50 by billing order.
    Writers: everyone in the Writing department, each once.
    """
    credits = details.get("credits") or {}
    crew = [c for c in credits.get("crew") or [] if isinstance(c, dict) and c.get("name")]
    certifications = release_certifications(details)
    external = external_ids(details)
    runtime = details.get("runtime")
    rating, votes = rating_and_votes(details)
    return MovieMetadata(
        tmdb_id=int(details["id"]),
        imdb_id=optional_text(details.get("imdb_id")) or external.get("imdb_id"),
        title=optional_text(details.get("title")),
        original_title=optional_text(details.get("original_title")),
        overview=optional_text(details.get("overview")),
        tagline=optional_text(details.get("tagline")),
        runtime=int(runtime) if isinstance(runtime, int | float) and runtime > 0 else None,
        release_date=optional_text(details.get("release_date")),
        certifications=certifications,
        genres=item_names(details.get("genres")),
        studios=item_names(details.get("production_companies")),
        countries=item_names(details.get("production_countries")),
        collection=optional_text((details.get("belongs_to_collection") or {}).get("name")),
        cast=cast_list(credits),
        directors=_unique([str(c["name"]) for c in crew if c.get("job") == "Director"]),
        writers=_unique([str(c["name"]) for c in crew if c.get("department") == "Writing"]),
        rating=rating,
        votes=votes,
        external_ids=external,
    )


# TMDB release types, in the order a certification is taken from: theatrical, limited theatrical, digital,
# physical, TV, premiere; a release without a type comes last.
RELEASE_TYPE_ORDER = (3, 2, 4, 5, 6, 1)


def release_certifications(details: dict[str, Any]) -> dict[str, str]:
    """The certification per country of the appended release_dates: from the theatrical release when it has one,
    else the limited theatrical, digital, physical, TV and premiere ones, in that order (TMDB's order breaks ties)."""
    found: dict[str, tuple[int, str]] = {}
    for country in (details.get("release_dates") or {}).get("results") or []:
        code = country.get("iso_3166_1") if isinstance(country, dict) else None
        if not code:
            continue
        for release in country.get("release_dates") or []:
            certification = str(release.get("certification") or "").strip() if isinstance(release, dict) else ""
            if not certification:
                continue
            kind = release.get("type")
            rank = RELEASE_TYPE_ORDER.index(kind) if kind in RELEASE_TYPE_ORDER else len(RELEASE_TYPE_ORDER)
            if str(code) not in found or rank < found[str(code)][0]:
                found[str(code)] = (rank, certification)
    return {code: certification for code, (_, certification) in found.items()}


def language_country(language: str) -> str | None:
    """The country of a language setting "xx-YY" ("de-AT" -> "AT"), or None ("en")."""
    _, _, country = language.partition("-")
    return country.upper() if len(country) == 2 and country.isalpha() else None


def certification_for(certifications: dict[str, str], language: str) -> str | None:
    """The certification to show: the one of the language setting's country, else the US one, else None."""
    country = language_country(language)
    return (certifications.get(country) if country else None) or certifications.get("US")


# External id names as TMDB sends them -> the unique id names NFOs use (imdb, tmdb, tvdb).
UNIQUE_ID_NAMES = {"imdb_id": "imdb", "tvdb_id": "tvdb", "tmdb_id": "tmdb"}


def unique_ids(external: dict[str, str], tmdb_id: int) -> dict[str, str]:
    """The external ids under the unique id names NFOs use ("imdb", "tvdb", "tmdb", the rest without "_id")."""
    named = {UNIQUE_ID_NAMES.get(key, key.removesuffix("_id")): value for key, value in external.items()}
    return {**named, "tmdb": str(int(tmdb_id))}


def merge_unique_ids(current: dict[str, Any] | None, external: dict[str, str], tmdb_id: int) -> dict[str, Any]:
    """Stored unique ids updated with the provider's, in one vocabulary: "imdb_id"-style keys an earlier version
    stored are renamed (the provider's value wins)."""
    merged = {
        UNIQUE_ID_NAMES.get(k, k.removesuffix("_id") if k in external else k): v for k, v in (current or {}).items()
    }
    return {**merged, **unique_ids(external, tmdb_id)}


def external_ids(details: dict[str, Any]) -> dict[str, str]:
    """The appended external_ids that are set, as text, without TMDB's own id."""
    external = {str(k): str(v) for k, v in (details.get("external_ids") or {}).items() if v not in (None, "")}
    external.pop("id", None)
    return external


def cast_list(credits: dict[str, Any]) -> list[dict[str, Any]]:
    """The first 50 of the cast by billing order: name, role (character) and order."""
    cast_rows = [c for c in credits.get("cast") or [] if isinstance(c, dict) and c.get("name")]
    ordered = sorted(enumerate(cast_rows), key=lambda pair: (_order(pair[1].get("order"), pair[0]), pair[0]))
    return [
        {"name": str(c["name"]), "role": optional_text(c.get("character")), "order": _order(c.get("order"), i)}
        for i, c in ordered[:MAX_CAST]
    ]


def rating_and_votes(details: dict[str, Any]) -> tuple[float | None, int | None]:
    """vote_average and vote_count when they are numbers; no rating when nobody voted (TMDB sends 0.0 then)."""
    rating, votes = details.get("vote_average"), details.get("vote_count")
    count = int(votes) if isinstance(votes, int | float) and not isinstance(votes, bool) else None
    if count == 0 or isinstance(rating, bool) or not isinstance(rating, int | float):
        return None, count
    return float(rating), count


def _order(value: Any, fallback: int) -> int:
    return int(value) if isinstance(value, int | float) else fallback


@dataclass(frozen=True)
class ImageCandidate:
    """One provider image: poster, fanart (backdrop) or clearlogo."""

    asset_type: str
    file_path: str
    width: int
    height: int
    language: str | None
    vote_average: float
    vote_count: int
    aspect_ratio: float | None = None


@dataclass(frozen=True)
class VideoCandidate:
    """One YouTube trailer or teaser."""

    key: str
    name: str
    language: str | None
    official: bool
    size: int | None
    published_at: str | None = None


IMAGE_KINDS = {"posters": "poster", "backdrops": "fanart", "logos": "clearlogo"}
TRAILER_TYPES = ("Trailer", "Teaser")


def image_candidates(details: dict[str, Any], kinds: dict[str, str] | None = None) -> list[ImageCandidate]:
    """Images appended to movie_details or tv_details: posters -> poster, backdrops -> fanart, logos -> clearlogo.

    `kinds` maps image groups to asset types when other groups are wanted (IMAGE_KINDS when None).
    """
    images = details.get("images") or {}
    found: list[ImageCandidate] = []
    for group, asset_type in (IMAGE_KINDS if kinds is None else kinds).items():
        for image in images.get(group) or []:
            if not isinstance(image, dict) or not image.get("file_path"):
                continue
            width, height = int(image.get("width") or 0), int(image.get("height") or 0)
            ratio = image.get("aspect_ratio")
            found.append(
                ImageCandidate(
                    asset_type=asset_type,
                    file_path=str(image["file_path"]),
                    width=width,
                    height=height,
                    language=optional_text(image.get("iso_639_1")),
                    vote_average=float(image.get("vote_average") or 0.0),
                    vote_count=int(image.get("vote_count") or 0),
                    aspect_ratio=float(ratio) if ratio else (round(width / height, 3) if height else None),
                )
            )
    return found


def trailer_candidates(details: dict[str, Any]) -> list[VideoCandidate]:
    """YouTube trailers and teasers from the videos appended to movie_details, in TMDB's order."""
    found: list[VideoCandidate] = []
    for video in (details.get("videos") or {}).get("results") or []:
        if not isinstance(video, dict) or not video.get("key"):
            continue
        if video.get("site") != "YouTube" or video.get("type") not in TRAILER_TYPES:
            continue
        size = video.get("size")
        found.append(
            VideoCandidate(
                key=str(video["key"]),
                name=str(video.get("name") or ""),
                language=optional_text(video.get("iso_639_1")),
                official=bool(video.get("official")),
                size=int(size) if isinstance(size, int | float) else None,
                published_at=optional_text(video.get("published_at")),
            )
        )
    return found
