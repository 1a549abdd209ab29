"""ScheduledScanWorkflow: what a Temporal Schedule runs. It lasts as long as the scan it starts, so the
schedule's SKIP overlap policy skips a run while the previous scan of the library is still going."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.schedule import prepare_scheduled_scan
    from reelscan.payloads.scan import ScheduledScanInput
    from workflows.scan_child import run_scan


@workflow.defn
class ScheduledScanWorkflow:
    @workflow.run
    async def run(self, job: ScheduledScanInput) -> dict[str, Any]:
        prepared = await workflow.execute_activity(
            prepare_scheduled_scan,
            job,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )
        if prepared.already_running or prepared.scan_input is None:
            return {"scanJobId": prepared.scan_job_id, "alreadyRunning": True}
        scan_input = prepared.scan_input
        # The scan is its own workflow: it is not cut short if this run is terminated.
        return await run_scan(scan_input, prepared.workflow_id)
