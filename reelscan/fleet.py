"""The fleet view: every library at once, with its last scan, its next scheduled one and how it is watched,
stalled scans first. Pure functions over facts the API gathers (database rows, schedules, watcher queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reelscan.progress import humanize_seconds

ACTIVE = ("discovering", "scanning", "caching", "enriching")


@dataclass(frozen=True)
class LibraryFacts:
    library: dict[str, Any]  # views.library_view
    last_scan: dict[str, Any] | None = None  # views.scan_summary of its newest scan
    live: dict[str, Any] | None = None  # the ScanProgressMessage (with health) when that scan is running
    schedule: dict[str, Any] | None = None  # {"spec", "paused", "nextRuns"}
    watch: dict[str, Any] = field(default_factory=dict)  # service.watch.watch_overview


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def duration_seconds(scan: dict[str, Any], now: datetime) -> float | None:
    started = _at(scan.get("startedAt"))
    if started is None:
        return None
    ended = _at(scan.get("completedAt")) or now
    if ended.tzinfo is None and started.tzinfo is not None:
        ended = ended.replace(tzinfo=started.tzinfo)
    if started.tzinfo is None and ended.tzinfo is not None:
        started = started.replace(tzinfo=ended.tzinfo)
    return max((ended - started).total_seconds(), 0.0)


def outcome(scan: dict[str, Any] | None, live: dict[str, Any] | None, now: datetime) -> str:
    """The last scan in a few words: 'completed in 3 minutes, 2 errors', 'running: scanning', 'stalled: ...'."""
    if scan is None:
        return "never scanned"
    status = str(scan.get("status"))
    errors = int(scan.get("errorsCount") or 0)
    error_text = f", {errors:,} error{'s' if errors != 1 else ''}" if errors else ""
    taken = duration_seconds(scan, now)
    if status in ACTIVE:
        health = (live or {}).get("health") or {}
        if health.get("stalled"):
            return f"stalled: {health.get('waitingOn') or 'no progress'}"
        phase = (live or {}).get("phase") or status
        return f"running: {phase}" + (f" for {humanize_seconds(taken)}" if taken is not None else "")
    took = f" in {humanize_seconds(taken)}" if taken is not None else ""
    return f"{status}{took}{error_text}"


def fleet_entry(facts: LibraryFacts, now: datetime) -> dict[str, Any]:
    scan = facts.last_scan
    status = scan.get("status") if scan else None
    running = status in ACTIVE
    stalled = bool(running and ((facts.live or {}).get("health") or {}).get("stalled"))
    schedule = facts.schedule
    next_runs = list(schedule.get("nextRuns") or []) if schedule else []
    return {
        **facts.library,
        "lastScan": None
        if scan is None
        else {
            "scanJobId": scan.get("scanJobId"),
            "status": status,
            "startedAt": scan.get("startedAt"),
            "completedAt": scan.get("completedAt"),
            "durationSeconds": duration_seconds(scan, now),
            "errorsCount": scan.get("errorsCount"),
            "summary": (facts.live or {}).get("summary"),
        },
        "outcome": outcome(scan, facts.live, now),
        "running": running,
        "stalled": stalled,
        "attention": "stalled" if stalled else "failed" if status == "failed" else None,
        "schedule": None
        if schedule is None
        else {"spec": schedule.get("spec"), "paused": bool(schedule.get("paused")), "nextRuns": next_runs},
        "nextScanAt": next_runs[0] if next_runs and not (schedule or {}).get("paused") else None,
        "watch": facts.watch,
    }


def order_fleet(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stalled scans first, then running ones, then libraries whose last scan failed, then the rest; by name."""

    def rank(entry: dict[str, Any]) -> tuple[int, str, int]:
        if entry["stalled"]:
            first = 0
        elif entry["running"]:
            first = 1
        elif entry["attention"] == "failed":
            first = 2
        else:
            first = 3
        return first, str(entry.get("name") or "").lower(), int(entry.get("id") or 0)

    return sorted(entries, key=rank)


def fleet(facts: list[LibraryFacts], now: datetime) -> list[dict[str, Any]]:
    return order_fleet([fleet_entry(f, now) for f in facts])
