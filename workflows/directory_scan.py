"""DirectoryScanWorkflow: the spec's directory-scan job, a child workflow per movie directory (or per small run of
consecutive directories in very large libraries, see reelscan.scan_rules.directories_per_child)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityCancellationType

with workflow.unsafe.imports_passed_through():
    from activities.scan import scan_directories
    from reelscan.payloads.scan import DirectoryBatchResult, DirectoryScanInput

# Enough attempts to ride out a database restart (backoff 1 s .. 20 s, about 2 minutes in all).
SCAN_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    maximum_attempts=10,
    non_retryable_error_types=["LibraryRootError"],
)


@workflow.defn
class DirectoryScanWorkflow:
    @workflow.run
    async def run(self, job: DirectoryScanInput) -> DirectoryBatchResult:
        # A local activity: the scan is short, and it saves the events of a scheduled activity per child.
        first, last = job.directories[0].path, job.directories[-1].path
        return await workflow.execute_local_activity(
            scan_directories,
            job,
            start_to_close_timeout=timedelta(minutes=5 + 5 * len(job.directories)),
            retry_policy=SCAN_RETRY,
            summary=(first if first == last else f"{first} .. {last}")[-200:],
            # On cancel, end only once the scan really stopped, so the parent's final counts see its write.
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
