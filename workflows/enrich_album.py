"""EnrichAlbumWorkflow: phase 4 for one album of a music library.

resolve the release (the MusicBrainz release id from the tags; else, or when MusicBrainz does not know it, a
careful artist + album + track-count search that records "no match" rather than guessing) -> fetch the release
(metadata applied, locked fields and the tags' values kept) -> fetch its artist -> download the front cover from
the Cover Art Archive (mode "full") -> choose the album's cover. Every provider call is its own activity on the
music-enrich task queue, whose server-side rate limit keeps MusicBrainz's one request per second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.enrich_music import (
        fetch_album_cover,
        fetch_artist,
        fetch_release,
        record_album_outcome,
        search_release,
        select_album_cover,
    )
    from reelscan.payloads.music import (
        AlbumCoverInput,
        AlbumOutcomeInput,
        AlbumReleaseInput,
        AlbumStepInput,
        ArtistInput,
        EnrichAlbumInput,
        EnrichAlbumResult,
        ReleaseApplied,
        ReleaseSearchInput,
    )
    from reelscan.payloads.values import AlbumState
    from workflows import enrich_steps
    from workflows.enrich_steps import local_step
    from workflows.library_scan_errors import failure_message, failure_type


@workflow.defn
class EnrichAlbumWorkflow:
    def __init__(self) -> None:
        self._job: EnrichAlbumInput | None = None

    @workflow.run
    async def run(self, job: EnrichAlbumInput) -> EnrichAlbumResult:
        self._job = job
        target = job.target
        try:
            found = await self._release()
            if found is None:
                reason = f"no MusicBrainz match for {target.label!r} ({target.track_count or '?'} tracks)"
                return await self._settle("unmatched", reason)
            mbid, applied = found
            if applied.artist_mbid:
                await self._provider_call(
                    fetch_artist, ArtistInput(album_id=target.album_id, artist_mbid=applied.artist_mbid)
                )
            to_cache: list[int] = []
            if job.mode == "full" and applied.has_front_cover:
                to_cache = await self._provider_call(
                    fetch_album_cover, AlbumCoverInput(album_id=target.album_id, mbid=mbid)
                )
            if job.auto_select_assets:
                await local_step(select_album_cover, AlbumStepInput(album_id=target.album_id))
        except ActivityError as exc:
            reason = f"enrichment of album {target.label!r} failed: {failure_message(exc)}"
            return await self._settle("enrichment_failed", reason, failure_type(exc))
        await local_step(record_album_outcome, AlbumOutcomeInput(album_id=target.album_id, state="enriched", reason=""))
        return EnrichAlbumResult(album_id=target.album_id, outcome="enriched", to_cache=to_cache)

    async def _provider_call(self, activity: Callable[..., Any], argument: Any) -> Any:
        assert self._job is not None
        return await enrich_steps.provider_call(self._job, activity, argument)

    async def _release(self) -> tuple[str, ReleaseApplied] | None:
        """The release by the tags' id, else by a search; None when nothing is sure enough."""
        assert self._job is not None
        job, target = self._job, self._job.target
        if target.mb_release_id:
            step = AlbumReleaseInput(
                scan_job_id=job.scan_job_id, album_id=target.album_id, mbid=target.mb_release_id, match="tags"
            )
            try:
                return target.mb_release_id, await self._provider_call(fetch_release, step)
            except ActivityError as exc:
                if failure_type(exc) != "ProviderNotFound":
                    raise
        search = ReleaseSearchInput(
            album_id=target.album_id, title=target.title, artist=target.artist, track_count=target.track_count
        )
        found = await self._provider_call(search_release, search)
        if found.mbid is None:
            return None
        step = AlbumReleaseInput(scan_job_id=job.scan_job_id, album_id=target.album_id, mbid=found.mbid, match="search")
        return found.mbid, await self._provider_call(fetch_release, step)

    async def _settle(self, state: AlbumState, reason: str, error_type: str | None = None) -> EnrichAlbumResult:
        assert self._job is not None
        album_id = self._job.target.album_id
        await local_step(record_album_outcome, AlbumOutcomeInput(album_id=album_id, state=state, reason=reason))
        outcome = "unmatched" if state == "unmatched" else "failed"
        return EnrichAlbumResult(album_id=album_id, outcome=outcome, error=reason, error_type=error_type)
