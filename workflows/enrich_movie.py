"""EnrichMovieWorkflow: phase 4 for one movie, the spec's jobs in the spec's order.

resolve the TMDB id (NFO/folder id, else the plan of reelscan/provider_lookup.py: IMDb lookup, title search; a
search that matched no title, the alternative titles of its results, one call each) -> fetch details (one
rate-limited call) -> fetch-provider-assets -> enrich-metadata -> select-assets. Provider calls retry with backoff
(429 waits for Retry-After); when they are exhausted the movie is marked enrichment_failed and the parent decides
whether the provider is down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.enrich import enrich_metadata, fetch_provider_assets, record_enrichment_outcome, select_assets
    from activities.provider_calls import (
        fetch_provider_details,
        find_provider_id,
        match_alternative_titles,
        search_provider_id,
    )
    from reelscan.payloads.enrichment import (
        EnrichmentOutcomeInput,
        EnrichMovieInput,
        EnrichMovieResult,
        MovieProviderInput,
        ProviderLookupInput,
        ResolvedId,
    )
    from reelscan.provider_lookup import FindById, Lookup, lookup_plan
    from workflows import enrich_steps
    from workflows.enrich_steps import local_step
    from workflows.library_scan_errors import failure_message, failure_type

# A search that matched no title looks at the alternative titles of the results whose year fits.
ALTERNATIVE_TITLES_PATCH = "movie-search-alternative-titles"


@workflow.defn
class EnrichMovieWorkflow:
    @workflow.run
    async def run(self, job: EnrichMovieInput) -> EnrichMovieResult:
        target = job.target

        async def provider_call(activity: Callable[..., Any], argument: Any) -> Any:
            return await enrich_steps.provider_call(job, activity, argument)

        looked_at: set[int] = set()  # results whose alternative titles were fetched: each once per movie

        async def lookup(step: Lookup) -> ResolvedId:
            if isinstance(step, FindById):
                found: ResolvedId = await provider_call(find_provider_id, ProviderLookupInput(imdb_id=step.value))
                return found
            search = ProviderLookupInput(title=step.title, year=step.year, filter_by_year=step.filter_by_year)
            searched: ResolvedId = await provider_call(search_provider_id, search)
            # Runs recorded before the patch replay without these calls.
            if searched.tmdb_id is None and searched.candidates and workflow.patched(ALTERNATIVE_TITLES_PATCH):
                return await enrich_steps.by_alternative_titles(
                    job, match_alternative_titles, step, searched.candidates, looked_at
                )
            return searched

        try:
            plan = lookup_plan(target.title, target.year, [("imdb_id", target.imdb_id)])
            resolved = await enrich_steps.resolve_id(target.tmdb_id, plan, lookup)
            if resolved.tmdb_id is None:
                reason = f"no TMDB match for {target.title!r} ({target.year or 'year unknown'})"
                await local_step(
                    record_enrichment_outcome,
                    EnrichmentOutcomeInput(movie_id=target.movie_id, state="unmatched", reason=reason),
                )
                return EnrichMovieResult(movie_id=target.movie_id, outcome="unmatched", error=reason)

            step = MovieProviderInput(
                scan_job_id=job.scan_job_id,
                movie_id=target.movie_id,
                provider_id=resolved.tmdb_id,
                match=resolved.match,
                image_base_url=job.image_base_url,
            )
            await provider_call(fetch_provider_details, step)
            to_cache: list[int] = []
            if job.mode == "full":
                assets = await local_step(fetch_provider_assets, step)
                to_cache = assets.to_cache
            await local_step(enrich_metadata, step)
            if job.auto_select_assets:
                await local_step(select_assets, step)
            return EnrichMovieResult(movie_id=target.movie_id, outcome="enriched", to_cache=to_cache)
        except ActivityError as exc:
            reason = f"enrichment of {target.title!r} failed: {failure_message(exc)}"
            await local_step(
                record_enrichment_outcome,
                EnrichmentOutcomeInput(movie_id=target.movie_id, state="enrichment_failed", reason=reason),
            )
            return EnrichMovieResult(
                movie_id=target.movie_id, outcome="failed", error=reason, error_type=failure_type(exc)
            )
