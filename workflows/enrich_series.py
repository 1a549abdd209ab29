"""EnrichSeriesWorkflow: phase 4 for one series of a TV library, in the order of EnrichMovieWorkflow.

resolve the TMDB id (NFO/folder id, else a TVDB then an IMDb lookup, else a title search by first-air year, then
in all years; a search that matched no name, the alternative titles of its results, one call each; "no match" is
recorded rather than guessed) -> fetch the series details once (stored, with the
series artwork as candidates) -> apply the series metadata (never a locked field) -> fetch each season found on
disk (one call each: episode titles, air dates and plots, the season's posters) -> download the best artwork
(mode "full" only) -> select the series and season artwork. Every provider call is its own activity on the
enrich task queue, so the server-side rate limit holds. When retries are exhausted the series is marked
enrichment_failed and the parent decides whether the provider is down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.enrich_tv import (
        enrich_series_metadata,
        fetch_series_assets,
        record_series_outcome,
        select_series_assets,
    )
    from activities.provider_calls import (
        fetch_season,
        fetch_series_details,
        find_series_id,
        match_series_alternative_titles,
        search_series_id,
    )
    from reelscan.payloads.enrichment import ResolvedId
    from reelscan.payloads.tv import (
        EnrichSeriesInput,
        EnrichSeriesResult,
        SeasonInput,
        SeriesFindInput,
        SeriesOutcomeInput,
        SeriesProviderInput,
        SeriesSearchInput,
    )
    from reelscan.payloads.values import NotEnriched
    from reelscan.provider_lookup import FindById, Lookup, lookup_plan
    from workflows import enrich_steps
    from workflows.enrich_steps import local_step
    from workflows.library_scan_errors import failure_message, failure_type

# A series search that matched no name looks at the alternative titles of the results whose year fits.
ALTERNATIVE_TITLES_PATCH = "series-search-alternative-titles"


@workflow.defn
class EnrichSeriesWorkflow:
    def __init__(self) -> None:
        self._job: EnrichSeriesInput | None = None
        self._looked_at: set[int] = set()  # results whose alternative titles were fetched: each once per series

    @workflow.run
    async def run(self, job: EnrichSeriesInput) -> EnrichSeriesResult:
        self._job = job
        target = job.target
        try:
            resolved = await self._resolve_id()
            to_cache = None if resolved.tmdb_id is None else await self._enrich(resolved.tmdb_id, resolved.match)
        except ActivityError as exc:
            reason = f"enrichment of series {target.title!r} failed: {failure_message(exc)}"
            return await self._settle("enrichment_failed", reason, failure_type(exc))
        if to_cache is None:
            return await self._settle(
                "unmatched", f"no TMDB match for {target.title!r} ({target.year or 'year unknown'})"
            )
        return EnrichSeriesResult(series_id=target.series_id, outcome="enriched", to_cache=to_cache)

    async def _provider_call(self, activity: Callable[..., Any], argument: Any) -> Any:
        assert self._job is not None
        return await enrich_steps.provider_call(self._job, activity, argument)

    async def _resolve_id(self) -> ResolvedId:
        """The NFO's id, else one rate-limited call per try of the lookup plan: TVDB id, IMDb id, title in its
        first-air year, title in any year."""
        assert self._job is not None
        target = self._job.target
        plan = lookup_plan(target.title, target.year, [("tvdb_id", target.tvdb_id), ("imdb_id", target.imdb_id)])
        return await enrich_steps.resolve_id(target.tmdb_id, plan, self._lookup)

    async def _lookup(self, step: Lookup) -> ResolvedId:
        if isinstance(step, FindById):
            find = SeriesFindInput(external_id=step.value, source=step.source)
            found: ResolvedId = await self._provider_call(find_series_id, find)
            return found
        search = SeriesSearchInput(title=step.title, year=step.year, filter_by_year=step.filter_by_year)
        searched: ResolvedId = await self._provider_call(search_series_id, search)
        # Runs recorded before the patch replay without these calls.
        if searched.tmdb_id is None and searched.candidates and workflow.patched(ALTERNATIVE_TITLES_PATCH):
            assert self._job is not None
            return await enrich_steps.by_alternative_titles(
                self._job, match_series_alternative_titles, step, searched.candidates, self._looked_at
            )
        return searched

    async def _enrich(self, tmdb_id: int, match: str) -> list[int]:
        """Details, metadata, the seasons on disk, artwork; returns the downloaded candidate ids to cache."""
        assert self._job is not None
        job = self._job
        full = job.mode == "full"
        step = SeriesProviderInput(
            scan_job_id=job.scan_job_id,
            series_id=job.target.series_id,
            provider_id=tmdb_id,
            match=match,
            image_base_url=job.image_base_url,
            with_artwork=full,
        )
        details = await self._provider_call(fetch_series_details, step)
        await local_step(enrich_series_metadata, step)
        for number in details.seasons:
            season = SeasonInput(
                scan_job_id=job.scan_job_id,
                series_id=job.target.series_id,
                provider_id=tmdb_id,
                season_number=number,
                image_base_url=job.image_base_url,
                with_artwork=full,
            )
            await self._provider_call(fetch_season, season)
        to_cache: list[int] = []
        if full:
            to_cache = (await local_step(fetch_series_assets, step)).to_cache
        if job.auto_select_assets:
            await local_step(select_series_assets, step)
        return to_cache

    async def _settle(self, state: NotEnriched, reason: str, error_type: str | None = None) -> EnrichSeriesResult:
        """Record an unmatched or failed series with its reason, and say so to the parent."""
        assert self._job is not None
        series_id = self._job.target.series_id
        await local_step(record_series_outcome, SeriesOutcomeInput(series_id=series_id, state=state, reason=reason))
        outcome = "unmatched" if state == "unmatched" else "failed"
        return EnrichSeriesResult(series_id=series_id, outcome=outcome, error=reason, error_type=error_type)
