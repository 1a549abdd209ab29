"""What the input of every enrichment child (a movie, a series, an album) carries besides its target: the scan's
options for phase 4, set once by the parent for all its children; what every page of enrichment targets is asked
by; what a TMDB target (a movie or a series) is known by; and what every child answers besides the id of its
target."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelscan.payloads.values import EnrichmentMode, EnrichmentOutcome


class EnrichmentJob(BaseModel):
    scan_job_id: int
    mode: EnrichmentMode = "full"  # metadata-only: no artwork candidates, downloads or selection
    auto_select_assets: bool = True
    image_base_url: str | None = None
    enrich_task_queue: str = "reelscan-enrich"
    provider_retry_attempts: int = 5


class EnrichmentPageRequest(BaseModel):
    """A page of a scan's movies, series or albums to enrich: the subclass names the id the page starts after."""

    scan_job_id: int
    library_id: int
    limit: int


class TmdbTarget(BaseModel):
    """A movie or series as its TMDB lookup starts: the subclass names its id."""

    title: str
    year: int | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None


class EnrichmentResult(BaseModel):
    """A child's answer: the subclass names the target's id."""

    outcome: EnrichmentOutcome
    error: str | None = None
    error_type: str | None = None
    # What it downloaded, for the cache: candidate ids (an album's front cover: music_assets ids).
    to_cache: list[int] = Field(default_factory=list)
