"""Payloads of phase 4 for movies (and what the three kinds share: the target union, the resolved provider id)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelscan.payloads.enrichment_job import EnrichmentJob, EnrichmentPageRequest, EnrichmentResult, TmdbTarget
from reelscan.payloads.music import AlbumTarget
from reelscan.payloads.tv import SeriesTarget
from reelscan.payloads.values import IdMatch, NotEnriched


class ProviderConfigInput(BaseModel):
    scan_job_id: int


class ProviderConfig(BaseModel):
    configured: bool
    image_base_url: str | None = None
    reason: str | None = None


class EnrichmentPageInput(EnrichmentPageRequest):
    after_movie_id: int


class EnrichmentTarget(TmdbTarget):
    movie_id: int


# What phase 4 enriches: movies, the series of a TV library, or the albums of a music library.
Target = EnrichmentTarget | SeriesTarget | AlbumTarget


def target_id(target: Target) -> int:
    if isinstance(target, AlbumTarget):
        return target.album_id
    return target.series_id if isinstance(target, SeriesTarget) else target.movie_id


class EnrichmentPage(BaseModel):
    movies: list[EnrichmentTarget]
    total: int  # all targets of the scan (for enrichment_queued)


class EnrichMovieInput(EnrichmentJob):
    """The spec's fetch-provider-assets, enrich-metadata and select-assets jobs for one movie, in that order."""

    target: EnrichmentTarget


class ProviderLookupInput(BaseModel):
    title: str = ""
    year: int | None = None
    imdb_id: str | None = None
    filter_by_year: bool = False  # search only that year (first try) or all years (second try)


class SearchCandidate(BaseModel):
    """A search result whose title did not match, its year fitting: its alternative titles may (one call each)."""

    tmdb_id: int
    title: str = ""
    original_title: str = ""
    release_date: str | None = None  # a series' first-air date
    popularity: float = 0.0


class ResolvedId(BaseModel):
    tmdb_id: int | None
    match: IdMatch
    score: float | None = None  # a search match's (title similarity less year penalties)
    # No match: the results whose alternative titles are worth a look (movie and series searches).
    candidates: list[SearchCandidate] = Field(default_factory=list)


class AlternativeTitlesInput(BaseModel):
    """One look at a search result's alternative titles for the title and year searched."""

    title: str
    year: int | None = None
    candidate: SearchCandidate


class MovieProviderInput(BaseModel):
    scan_job_id: int
    movie_id: int
    provider_id: int = 0
    match: IdMatch = "nfo"
    image_base_url: str | None = None


class ProviderAssetsResult(BaseModel):
    candidates: int
    to_cache: list[int]  # candidate ids downloaded and waiting for the cache batch (bounded per movie)


class EnrichmentOutcomeInput(BaseModel):
    movie_id: int
    state: NotEnriched
    reason: str


class EnrichMovieResult(EnrichmentResult):
    movie_id: int
