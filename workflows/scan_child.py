"""A scan started by another workflow (a schedule, a library's watcher): LibraryScanWorkflow as an abandoned
child, so it is not cut short when its parent ends, with the search attributes and summary every starter gives."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from reelscan.payloads.scan import LibraryScanInput
    from workflows.library_scan import LibraryScanWorkflow
    from workflows.scan_start import initial_search_attributes, scan_summary_text


async def run_scan(scan_input: LibraryScanInput, workflow_id: str) -> dict[str, Any]:
    """Start the scan and wait for its final progress message."""
    return await workflow.execute_child_workflow(
        LibraryScanWorkflow.run,
        scan_input,
        id=workflow_id,
        task_queue=scan_input.scan_task_queue,
        parent_close_policy=ParentClosePolicy.ABANDON,
        search_attributes=initial_search_attributes(scan_input),
        static_summary=scan_summary_text(scan_input),
    )
