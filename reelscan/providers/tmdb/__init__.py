"""TMDB API v3: errors, credentials, the HTTP client, title matching and response parsing, one module each.

    errors       ProviderError and its kinds (auth, not found, rate limited, unavailable)
    credentials  TmdbCredentials (API key and/or read token)
    client       TmdbClient, the calls
    matching     choosing a search result for a title and year
    parsing      details answers -> MovieMetadata, certifications, ids, cast, image and trailer candidates

The names below are the package's public surface, so `from reelscan.providers.tmdb import TmdbClient` works too.
"""

from reelscan.providers.tmdb.client import (
    APPEND_TO_RESPONSE,
    DEFAULT_BASE_URL,
    SEASON_APPEND_TO_RESPONSE,
    TV_APPEND_TO_RESPONSE,
    TV_EXTERNAL_SOURCES,
    TmdbClient,
)
from reelscan.providers.tmdb.credentials import TmdbCredentials
from reelscan.providers.tmdb.errors import (
    DEFAULT_RETRY_AFTER,
    ProviderAuthError,
    ProviderError,
    ProviderNotFound,
    ProviderRateLimited,
    ProviderUnavailable,
)
from reelscan.providers.tmdb.matching import (
    ARTICLES,
    MOVIE_SEARCH,
    NEAR_YEAR_PENALTY,
    NEAR_YEAR_SIMILARITY,
    NO_YEAR_SIMILARITY,
    SAME_YEAR_SIMILARITY,
    SUBSET_SIMILARITY,
    TV_SEARCH,
    UNKNOWN_YEAR_PENALTY,
    SearchKind,
    SearchMatch,
    best_match,
    normalise_title,
    release_year,
    restore_article,
    title_similarity,
)
from reelscan.providers.tmdb.parsing import (
    IMAGE_KINDS,
    MAX_CAST,
    RELEASE_TYPE_ORDER,
    TRAILER_TYPES,
    UNIQUE_ID_NAMES,
    ImageCandidate,
    MovieMetadata,
    VideoCandidate,
    cast_list,
    certification_for,
    external_ids,
    image_candidates,
    language_country,
    merge_unique_ids,
    parse_movie_details,
    rating_and_votes,
    release_certifications,
    trailer_candidates,
    unique_ids,
)

__all__ = [
    "APPEND_TO_RESPONSE",
    "ARTICLES",
    "DEFAULT_BASE_URL",
    "DEFAULT_RETRY_AFTER",
    "IMAGE_KINDS",
    "MAX_CAST",
    "MOVIE_SEARCH",
    "NEAR_YEAR_PENALTY",
    "NEAR_YEAR_SIMILARITY",
    "NO_YEAR_SIMILARITY",
    "RELEASE_TYPE_ORDER",
    "SAME_YEAR_SIMILARITY",
    "SEASON_APPEND_TO_RESPONSE",
    "SUBSET_SIMILARITY",
    "TRAILER_TYPES",
    "TV_APPEND_TO_RESPONSE",
    "TV_EXTERNAL_SOURCES",
    "TV_SEARCH",
    "UNIQUE_ID_NAMES",
    "UNKNOWN_YEAR_PENALTY",
    "ImageCandidate",
    "MovieMetadata",
    "ProviderAuthError",
    "ProviderError",
    "ProviderNotFound",
    "ProviderRateLimited",
    "ProviderUnavailable",
    "SearchKind",
    "SearchMatch",
    "TmdbClient",
    "TmdbCredentials",
    "VideoCandidate",
    "best_match",
    "cast_list",
    "certification_for",
    "external_ids",
    "image_candidates",
    "language_country",
    "merge_unique_ids",
    "normalise_title",
    "parse_movie_details",
    "rating_and_votes",
    "release_certifications",
    "release_year",
    "restore_article",
    "title_similarity",
    "trailer_candidates",
    "unique_ids",
]
