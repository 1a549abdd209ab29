"""Phase 4 of LibraryScanWorkflow: the window of enrichment children (a movie, or a series of a TV library,
each), with provider pauses when failures come in a row."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import CancelledError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.common import DATABASE_UNAVAILABLE
    from activities.enrich import load_enrichment_page
    from activities.enrich_music import load_album_enrichment_page
    from activities.enrich_tv import load_series_enrichment_page
    from reelscan.payloads.carry import ScanCarry
    from reelscan.payloads.enrichment import EnrichmentPageInput, EnrichMovieInput, EnrichMovieResult, Target, target_id
    from reelscan.payloads.music import AlbumEnrichmentPageInput, AlbumTarget, EnrichAlbumInput, EnrichAlbumResult
    from reelscan.payloads.scan import LibraryScanInput
    from reelscan.payloads.tv import EnrichSeriesInput, EnrichSeriesResult, SeriesEnrichmentPageInput, SeriesTarget
    from reelscan.scan_rules import fold_enrichment_failure
    from workflows.enrich_album import EnrichAlbumWorkflow
    from workflows.enrich_movie import EnrichMovieWorkflow
    from workflows.enrich_series import EnrichSeriesWorkflow
    from workflows.library_scan_errors import ScanFailed, failure_message, failure_type, root_cause
    from workflows.scan_children import ReadDatabase, any_ended, take_ended

MAX_PROVIDER_PAUSES = 8
MAX_PAUSE_SECONDS = 1800
TRANSIENT_PROVIDER_ERRORS = ("ProviderRateLimited", "ProviderUnavailable", None)

Job = TypeVar("Job")
Result = TypeVar("Result")


class EnrichmentWindow:
    def __init__(self, job: LibraryScanInput, carry: ScanCarry, read_database: ReadDatabase[Any, Any]) -> None:
        self._job = job
        self._carry = carry
        self._read = read_database
        self.children: dict[
            int, tuple[Target, asyncio.Task[EnrichMovieResult | EnrichSeriesResult | EnrichAlbumResult]]
        ] = {}
        self.buffer: list[Target] = []
        self.exhausted = False
        self.provider_refused = False

    def any_finished(self) -> bool:
        return any_ended(self.children)

    def done_launching(self) -> bool:
        return self.provider_refused or (self.exhausted and not self.buffer and not self._carry.enrichment_retry)

    async def fill(self, *, draining: bool) -> None:
        carry = self._carry
        while (
            not draining
            and not self.provider_refused
            and not carry.cancel_requested
            and len(self.children) < self._job.enrich_window
        ):
            if carry.enrichment_retry:
                target = carry.enrichment_retry.pop(0)
            else:
                if not self.buffer:
                    if self.exhausted:
                        return
                    await self._load_page()
                    if not self.buffer:
                        return
                target = self.buffer.pop(0)
                carry.enrichment_cursor = target_id(target)
            self._start(target)

    async def _load_page(self) -> None:
        job, limit = self._job, max(self._job.enrich_window, 100)
        scan_job_id, library_id, cursor = job.scan_job_id, job.library_id, self._carry.enrichment_cursor
        targets: list[Target]
        if self._job.kind.music:
            album_page = await self._read(
                load_album_enrichment_page,
                AlbumEnrichmentPageInput(
                    scan_job_id=scan_job_id, library_id=library_id, after_album_id=cursor, limit=limit
                ),
            )
            targets, total = list(album_page.albums), album_page.total
        elif self._job.kind.tv:
            series_page = await self._read(
                load_series_enrichment_page,
                SeriesEnrichmentPageInput(
                    scan_job_id=scan_job_id, library_id=library_id, after_series_id=cursor, limit=limit
                ),
            )
            targets = list(series_page.series)
            total = series_page.total
        else:
            page = await self._read(
                load_enrichment_page,
                EnrichmentPageInput(scan_job_id=scan_job_id, library_id=library_id, after_movie_id=cursor, limit=limit),
            )
            targets, total = list(page.movies), page.total
        self._carry.state.counters.enrichment_queued = total
        self.buffer = targets
        if len(targets) < limit:
            self.exhausted = True

    def _start(self, target: Target) -> None:
        job, carry = self._job, self._carry
        common: dict[str, Any] = {
            "scan_job_id": job.scan_job_id,
            "mode": "metadata-only" if job.options.enrichment_mode == "metadata-only" else "full",
            "auto_select_assets": job.auto_select_assets,
            "image_base_url": carry.image_base_url,
            "enrich_task_queue": job.enrich_task_queue,
            "provider_retry_attempts": job.provider_retry_attempts,
        }
        # A movie or series retried after a provider pause gets a new child (one per pause).
        suffix = f"{target_id(target)}-{carry.provider_pauses}"
        summary = f"Enrich {target.title} ({target.year or '?'})"
        child: Coroutine[Any, Any, EnrichMovieResult | EnrichSeriesResult | EnrichAlbumResult]
        if isinstance(target, AlbumTarget):
            # MusicBrainz calls go to their own rate-limited queue.
            common["enrich_task_queue"] = job.music_enrich_task_queue
            album = EnrichAlbumInput(target=target, **common)
            summary = f"Enrich {target.label} ({target.year or '?'})"[:400]
            child = self._child(EnrichAlbumWorkflow.run, album, f"enrich-album-{suffix}", summary)
            fetching = f"Fetching {target.label} from MusicBrainz"
        elif isinstance(target, SeriesTarget):
            child = self._child(
                EnrichSeriesWorkflow.run, EnrichSeriesInput(target=target, **common), f"enrich-series-{suffix}", summary
            )
            fetching = f"Fetching {target.title} from TMDB"
        else:
            child = self._child(
                EnrichMovieWorkflow.run, EnrichMovieInput(target=target, **common), f"enrich-{suffix}", summary
            )
            fetching = f"Fetching {target.title} from TMDB"
        self.children[target_id(target)] = (target, asyncio.create_task(child))
        carry.state.current_operation = fetching

    def _child(
        self, run: Callable[[Any, Job], Awaitable[Result]], job: Job, name: str, summary: str
    ) -> Coroutine[Any, Any, Result]:
        """An enrichment child of this scan, on the scan queue (its provider calls go to the enrich queues)."""
        return workflow.execute_child_workflow(
            run,
            job,
            id=f"{workflow.info().workflow_id}/{name}",
            task_queue=self._job.scan_task_queue,
            static_summary=summary,
        )

    def collect(self) -> None:
        carry = self._carry
        c = carry.state.counters
        for entity_id, target, task in take_ended(self.children):
            try:
                result = task.result()
            except ChildWorkflowError as exc:
                if isinstance(root_cause(exc), CancelledError) and carry.cancel_requested:
                    continue  # cancelled with the scan
                if failure_type(exc) == DATABASE_UNAVAILABLE:
                    raise ScanFailed(failure_message(exc)) from None
                # Failed, or cancelled while the scan was not: this movie's enrichment is over and counted.
                result = EnrichMovieResult(movie_id=entity_id, outcome="failed", error=failure_message(exc))
            except asyncio.CancelledError:
                continue
            if result.outcome == "failed" and result.error_type in TRANSIENT_PROVIDER_ERRORS:
                carry.enrichment_streak.append(target)
                if len(carry.enrichment_streak) >= self._job.provider_failure_threshold:
                    self._pause_for_provider(result.error)
                continue
            self.settle_streak()
            if result.outcome == "failed":
                fold_enrichment_failure(c, result.error)
                if result.error_type == "ProviderAuthError":
                    self.provider_refused = True
                    carry.state.notice = f"Metadata enrichment stopped: {result.error}"
            else:
                c.enrichment_completed += 1
            if isinstance(result, EnrichAlbumResult):
                carry.pending_music_assets.extend(result.to_cache)  # a downloaded cover
                c.assets_queued += len(result.to_cache)
            else:
                for candidate_id in result.to_cache:
                    carry.pending_candidates.append(candidate_id)
                    c.assets_queued += 1
            carry.state.last_updated_at = workflow.now()

    def settle_streak(self) -> None:
        """Provider failures that did not turn into an outage are final for their movies."""
        c = self._carry.state.counters
        for _ in self._carry.enrichment_streak:
            fold_enrichment_failure(c, c.last_error)
        self._carry.enrichment_streak = []

    def settle_refused(self) -> None:
        """The provider refused the key: what was never handed to enrichment is not queued any more."""
        c = self._carry.state.counters
        if self.provider_refused and c.enrichment_queued > c.enrichment_completed:
            skipped = c.enrichment_queued - c.enrichment_completed
            c.enrichment_queued = c.enrichment_completed
            self._carry.state.notice = f"{self._carry.state.notice} ({skipped:,} not enriched)"

    def _pause_for_provider(self, error: str | None) -> None:
        carry = self._carry
        if carry.provider_pauses >= MAX_PROVIDER_PAUSES:
            self.settle_streak()
            return
        seconds = min(self._job.provider_pause_seconds * 2**carry.provider_pauses, MAX_PAUSE_SECONDS)
        carry.provider_pauses += 1
        carry.enrichment_retry = carry.enrichment_streak + carry.enrichment_retry
        carry.enrichment_streak = []
        until = workflow.now() + timedelta(seconds=seconds)
        carry.state.paused_until = until
        carry.state.current_operation = (
            f"Waiting for provider until {until:%H:%M:%S} UTC ({error or 'provider unavailable'})"
        )
        carry.state.last_updated_at = workflow.now()

    def cancel_all(self) -> list[asyncio.Task[Any]]:
        for _, task in self.children.values():
            task.cancel()
        return [task for _, task in self.children.values()]
