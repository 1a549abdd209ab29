"""Preparing a scan as the CLI, the API and scheduled scans all do: the row and input from the domain
(reelscan/scan_requests.py), plus what the Temporal server knows."""

from __future__ import annotations

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from reelscan.payloads.scan import LibraryScanInput
from reelscan.scan_options import ScanOptions
from reelscan.scan_requests import StartedScan, create_scan, fail_vanished_scan, running_scan
from reelscan.settings import Settings


async def workflow_running(client: Client, workflow_id: str | None) -> bool:
    if not workflow_id:
        return False
    try:
        description = await client.get_workflow_handle(workflow_id).describe()
    except RPCError:
        return False
    return description.status == WorkflowExecutionStatus.RUNNING


async def search_attributes_registered(client: Client, namespace: str) -> bool:
    """ScanPhase and LibraryId exist on the server (the embedded one registers them at start)."""
    try:
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except RPCError:
        return False
    return {"ScanPhase", "LibraryId"} <= set(response.custom_attributes)


async def prepare_scan(
    client: Client, settings: Settings, library_id: int, options: ScanOptions
) -> tuple[StartedScan, LibraryScanInput | None]:
    """Create the scan's row and workflow input, or find the library's running scan (then no input)."""
    running = running_scan(settings, library_id)
    if running is not None:
        if await workflow_running(client, running.workflow_id):
            return StartedScan(running.scan_job_id, str(running.workflow_id), library_id, already_running=True), None
        fail_vanished_scan(settings, running.scan_job_id)
    started, scan_input = create_scan(settings, library_id, options)
    if scan_input is not None:
        scan_input.search_attributes = await search_attributes_registered(client, settings.temporal_namespace)
    return started, scan_input
