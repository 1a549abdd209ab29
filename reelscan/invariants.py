"""What must hold of a scan's counters, written down once.

The workflow checks these before it leaves the scanning phase and before it reads `completed`; a scan whose
invariants do not hold fails with a message giving the numbers. The tests check the same statements against the
database independently.
"""

from __future__ import annotations

from reelscan.payloads.scan import OutcomeCounts
from reelscan.progress import ScanCounters


def folder_violations(c: ScanCounters, db: OutcomeCounts, *, tv: bool, music: bool = False) -> list[str]:
    """Every discovered folder has exactly one outcome, and the counters say what the database says."""
    problems = []
    if db.pending:
        problems.append(f"{db.pending:,} directories were never scanned")
    recorded = db.new + db.updated + db.unchanged + db.error
    if recorded != c.directories_total:
        problems.append(
            f"new {db.new:,} + updated {db.updated:,} + unchanged {db.unchanged:,} + errors {db.error:,} = "
            f"{recorded:,}, not the {c.directories_total:,} directories found"
        )
    if c.directories_scanned != c.directories_total:
        problems.append(f"scanned {c.directories_scanned:,} of {c.directories_total:,} directories")
    # A music library's directory-level items are its album folders (a folder of singles holds several albums).
    found = c.series_found if tv else c.directories_scanned - c.directories_failed if music else c.movies_found
    items = "series" if tv else "album folders" if music else "movies"
    if found != db.new + db.updated + db.unchanged:
        problems.append(f"{found:,} {items} counted, {db.new + db.updated + db.unchanged:,} recorded")
    if c.directories_failed != db.error:
        problems.append(f"{c.directories_failed:,} folders counted in error, {db.error:,} recorded")
    return problems


def completion_violations(c: ScanCounters, *, caching: bool = True, enrichment: bool = True) -> list[str]:
    """What `completed` promises beyond the folders: every queued asset and enrichment was settled."""
    problems = []
    if caching and c.assets_cached + c.assets_failed != c.assets_queued:
        problems.append(f"assets cached {c.assets_cached:,} + failed {c.assets_failed:,} != queued {c.assets_queued:,}")
    if enrichment and c.enrichment_completed != c.enrichment_queued:
        problems.append(f"enrichment completed {c.enrichment_completed:,} != queued {c.enrichment_queued:,}")
    return problems


def describe(problems: list[str]) -> str:
    return "scan counts do not add up: " + "; ".join(problems)
