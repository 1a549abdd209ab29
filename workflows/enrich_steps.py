"""How phase 4 workflows run their activities: provider calls on the rate-limited enrich task queue with backoff
(429 waits for Retry-After; 401 and 404 are final), database and download steps on the workflow's own queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from reelscan.payloads.enrichment import AlternativeTitlesInput, ResolvedId, SearchCandidate
    from reelscan.payloads.enrichment_job import EnrichmentJob
    from reelscan.provider_lookup import Lookup, SearchTitle

LOCAL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=20), maximum_attempts=10
)


def provider_retry(attempts: int) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=60),
        maximum_attempts=attempts,
        non_retryable_error_types=["ProviderAuthError", "ProviderNotFound"],
    )


async def provider_call(job: EnrichmentJob, activity: Callable[..., Any], argument: Any) -> Any:
    """One provider call of an enrichment child, on its enrich task queue so the server-side rate limit applies."""
    return await workflow.execute_activity(
        activity,
        argument,
        task_queue=job.enrich_task_queue,
        start_to_close_timeout=timedelta(seconds=60),
        retry_policy=provider_retry(job.provider_retry_attempts),
    )


async def local_step(activity: Callable[..., Any], argument: Any) -> Any:
    """A database or download step on the workflow's task queue."""
    return await workflow.execute_activity(
        activity,
        argument,
        start_to_close_timeout=timedelta(minutes=10),
        heartbeat_timeout=timedelta(minutes=1),
        retry_policy=LOCAL_RETRY,
    )


async def resolve_id(
    known: int | None, plan: Sequence[Lookup], lookup: Callable[[Lookup], Awaitable[ResolvedId]]
) -> ResolvedId:
    """The NFO's (or folder's) id when there is one, else the first try of the plan that finds one (a provider
    call each, through `lookup`); the last answer ("none") when none does."""
    resolved = ResolvedId(tmdb_id=known, match="nfo")
    for step in plan:
        if resolved.tmdb_id is not None:
            break
        resolved = await lookup(step)
    return resolved


async def by_alternative_titles(
    job: EnrichmentJob,
    activity: Callable[..., Any],
    step: SearchTitle,
    candidates: Sequence[SearchCandidate],
    looked_at: set[int],
) -> ResolvedId:
    """The best match among the alternative titles of a search's results, one rate-limited call (`activity`) per
    result; a result already in `looked_at` (by an earlier try for the same title) is not looked at again."""
    best: tuple[float, float, ResolvedId] | None = None
    for candidate in candidates:
        if candidate.tmdb_id in looked_at:
            continue
        looked_at.add(candidate.tmdb_id)
        look = AlternativeTitlesInput(title=step.title, year=step.year, candidate=candidate)
        found: ResolvedId = await provider_call(job, activity, look)
        key = (found.score or 0.0, candidate.popularity)
        if found.tmdb_id is not None and (best is None or key > best[:2]):
            best = (*key, found)
    return best[2] if best else ResolvedId(tmdb_id=None, match="none")
