"""How a scan workflow is started, whoever starts it (the CLI and API, a schedule, the library watcher): its
search attributes and the summary the Temporal Web UI lists it under. No service code here, so workflows use it."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from reelscan.payloads.scan import LibraryScanInput

SCAN_PHASE = SearchAttributeKey.for_keyword("ScanPhase")
LIBRARY_ID = SearchAttributeKey.for_int("LibraryId")


def initial_search_attributes(scan_input: LibraryScanInput) -> TypedSearchAttributes | None:
    """ScanPhase and LibraryId from the start, when the server has them registered."""
    if not scan_input.search_attributes:
        return None
    return TypedSearchAttributes(
        [SearchAttributePair(LIBRARY_ID, scan_input.library_id), SearchAttributePair(SCAN_PHASE, "discovering")]
    )


def scan_summary_text(scan_input: LibraryScanInput) -> str:
    return f"Scan of library {scan_input.library_name} ({scan_input.library_path})"
