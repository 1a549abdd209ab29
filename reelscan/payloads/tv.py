"""Job payloads of phase 4 for TV libraries: enriching one series, its seasons and its artwork.

Same rules as every payload (reelscan/payloads): nothing here grows with the library (a page of series, the season
numbers of one series, the candidate ids one series downloaded), big answers stay in the database, no secrets.
"""

from __future__ import annotations

from pydantic import BaseModel

from reelscan.payloads.enrichment_job import EnrichmentJob, EnrichmentPageRequest, EnrichmentResult, TmdbTarget
from reelscan.payloads.values import FindSource, IdMatch, NotEnriched


class SeriesTarget(TmdbTarget):
    series_id: int
    tvdb_id: int | None = None


class SeriesEnrichmentPageInput(EnrichmentPageRequest):
    after_series_id: int


class SeriesEnrichmentPage(BaseModel):
    series: list[SeriesTarget]
    total: int  # all series of the scan to enrich (for enrichment_queued)


class EnrichSeriesInput(EnrichmentJob):
    """Input of EnrichSeriesWorkflow: one series, its seasons found on disk and its artwork."""

    target: SeriesTarget


class EnrichSeriesResult(EnrichmentResult):
    series_id: int


class SeriesFindInput(BaseModel):
    """One /find call: the series with this TVDB id (source "tvdb_id") or IMDb id ("imdb_id")."""

    external_id: str
    source: FindSource


class SeriesSearchInput(BaseModel):
    """One /search/tv call: only that first-air year (first try) or all years (second try)."""

    title: str
    year: int | None = None
    filter_by_year: bool = False


class SeriesProviderInput(BaseModel):
    scan_job_id: int
    series_id: int
    provider_id: int
    match: IdMatch = "nfo"
    image_base_url: str | None = None
    with_artwork: bool = True  # store provider artwork as candidates (not in metadata-only mode)


class SeriesDetailsResult(BaseModel):
    seasons: list[int]  # season numbers both on disk and at the provider, to fetch one by one


class SeasonInput(BaseModel):
    scan_job_id: int
    series_id: int
    provider_id: int
    season_number: int
    image_base_url: str | None = None
    with_artwork: bool = True


class SeasonResult(BaseModel):
    episodes_matched: int
    fields_changed: int


class SeriesOutcomeInput(BaseModel):
    series_id: int
    state: NotEnriched
    reason: str
