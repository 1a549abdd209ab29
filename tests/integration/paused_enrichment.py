"""The real EnrichMovieWorkflow, except that a movie titled "Paused ..." waits an hour before its first step.

The wait is a point between steps where a cancel request meets no activity (the child then ends cancelled rather
than failed); every other movie runs the real workflow unchanged. Registered under the real workflow's name.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from reelscan.payloads.enrichment import EnrichMovieInput, EnrichMovieResult
    from reelscan.settings import Settings
    from worker import build_workers
    from workflows.enrich_movie import EnrichMovieWorkflow

PAUSED_PREFIX = "Paused"


@workflow.defn(name="EnrichMovieWorkflow")
class EnrichMovieWithAPause:
    @workflow.run
    async def run(self, job: EnrichMovieInput) -> EnrichMovieResult:
        if job.target.title.startswith(PAUSED_PREFIX):
            await workflow.sleep(timedelta(hours=1))
        return await EnrichMovieWorkflow().run(job)


@contextlib.asynccontextmanager
async def workers_with_paused_enrichment(client: Client, settings: Settings) -> AsyncIterator[None]:
    """The real workers, the scan worker running EnrichMovieWithAPause in place of EnrichMovieWorkflow."""
    workers = build_workers(client, settings)
    for i, worker in enumerate(workers):
        config = worker.config()
        if config.get("workflows"):
            # One worker per task queue at a time: the real one is started and stopped (it had no task yet), then
            # replaced by a worker of the same configuration with the paused workflow.
            async with worker:
                pass
            config["workflows"] = [
                EnrichMovieWithAPause if w is EnrichMovieWorkflow else w for w in config["workflows"]
            ]
            workers[i] = Worker(**config)
    async with contextlib.AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker)
        yield
