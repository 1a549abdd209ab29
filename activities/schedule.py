"""The activity behind scheduled scans: create the scan's row (or find the running one) on the worker."""

from __future__ import annotations

from temporalio import activity

from activities.common import settings
from activities.scan_preparation import prepare_scan
from reelscan.payloads.scan import PreparedScan, ScheduledScanInput


@activity.defn
async def prepare_scheduled_scan(job: ScheduledScanInput) -> PreparedScan:
    started, scan_input = await prepare_scan(activity.client(), settings(), job.library_id, job.options)
    return PreparedScan(
        scan_job_id=started.scan_job_id,
        workflow_id=started.workflow_id,
        already_running=started.already_running,
        scan_input=scan_input,
    )
