"""What the input of every enrichment child (a movie, a series, an album) carries besides its target: the scan's
options for phase 4, set once by the parent for all its children; and what every page of enrichment targets is asked
by."""

from __future__ import annotations

from pydantic import BaseModel

from reelscan.payloads.values import EnrichmentMode


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
