"""Job payloads of phase 4 for music libraries: enriching one album (and its artist) from MusicBrainz.

Same rules as every payload (reelscan/payloads): small, bounded, no secrets; MusicBrainz answers stay in the database.
"""

from __future__ import annotations

from pydantic import BaseModel

from reelscan.payloads.enrichment_job import EnrichmentJob, EnrichmentPageRequest, EnrichmentResult
from reelscan.payloads.values import AlbumState, ReleaseMatch


class AlbumTarget(BaseModel):
    album_id: int
    title: str
    artist: str | None = None
    year: int | None = None
    mb_release_id: str | None = None  # from the tracks' tags
    track_count: int | None = None  # tracks on disk, for a careful search

    @property
    def label(self) -> str:
        return f"{self.artist} - {self.title}" if self.artist else self.title


class AlbumEnrichmentPageInput(EnrichmentPageRequest):
    after_album_id: int


class AlbumEnrichmentPage(BaseModel):
    albums: list[AlbumTarget]
    total: int


class EnrichAlbumInput(EnrichmentJob):
    """Input of EnrichAlbumWorkflow: one album, its artist and its front cover (metadata-only: no cover download)."""

    target: AlbumTarget
    enrich_task_queue: str = "reelscan-music-enrich"


class EnrichAlbumResult(EnrichmentResult):
    album_id: int


class ReleaseSearchInput(BaseModel):
    album_id: int
    title: str
    artist: str | None = None
    track_count: int | None = None


class ReleaseFound(BaseModel):
    mbid: str | None  # None: no release is sure enough ("no match", never a guess)


class AlbumReleaseInput(BaseModel):
    scan_job_id: int
    album_id: int
    mbid: str
    match: ReleaseMatch


class ReleaseApplied(BaseModel):
    artist_mbid: str | None
    has_front_cover: bool
    fields_changed: int


class ArtistInput(BaseModel):
    album_id: int
    artist_mbid: str


class AlbumCoverInput(BaseModel):
    album_id: int
    mbid: str


class AlbumStepInput(BaseModel):
    album_id: int


class AlbumOutcomeInput(BaseModel):
    album_id: int
    state: AlbumState
    reason: str
