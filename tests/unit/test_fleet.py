"""The fleet view's summary of every library: outcomes in words, next scheduled scans, stalled scans first."""

from __future__ import annotations

from datetime import UTC, datetime

from reelscan.fleet import LibraryFacts, fleet

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def library(library_id: int, name: str) -> dict:
    return {"id": library_id, "name": name, "type": "movie", "movies": 3, "series": 0}


def scan(scan_id: int, status: str, started: str, completed: str | None = None, errors: int = 0) -> dict:
    return {
        "scanJobId": scan_id,
        "status": status,
        "startedAt": started,
        "completedAt": completed,
        "errorsCount": errors,
    }


def test_stalled_first_then_running_then_failed_then_the_rest_by_name() -> None:
    facts = [
        LibraryFacts(library(1, "Archive"), scan(1, "completed", "2026-01-01T11:00:00+00:00", "2026-01-01T11:03:00Z")),
        LibraryFacts(library(2, "Zoo"), scan(2, "scanning", "2026-01-01T11:59:00+00:00"), {"phase": "scanning"}),
        LibraryFacts(
            library(3, "Kids"),
            scan(3, "caching", "2026-01-01T11:00:00+00:00"),
            {"phase": "caching", "health": {"stalled": True, "waitingOn": "no worker is polling task queue q-cache"}},
        ),
        LibraryFacts(library(4, "Broken"), scan(4, "failed", "2026-01-01T10:00:00+00:00", "2026-01-01T10:00:30+00:00")),
        LibraryFacts(library(5, "New")),
    ]
    entries = fleet(facts, NOW)
    assert [e["name"] for e in entries] == ["Kids", "Zoo", "Broken", "Archive", "New"]
    kids, zoo, broken, archive, new = entries
    assert kids["stalled"] and kids["outcome"] == "stalled: no worker is polling task queue q-cache"
    assert zoo["running"] and zoo["outcome"] == "running: scanning for about 1 minute"
    assert broken["attention"] == "failed" and broken["outcome"] == "failed in about 30 seconds"
    assert archive["outcome"] == "completed in about 3 minutes" and archive["lastScan"]["durationSeconds"] == 180
    assert new["outcome"] == "never scanned" and new["lastScan"] is None


def test_next_scheduled_scan_and_errors_in_the_outcome() -> None:
    schedule = {"spec": "every 12h", "paused": False, "nextRuns": ["2026-01-01T23:00:00+00:00"]}
    paused = {"spec": "every 1d", "paused": True, "nextRuns": ["2026-01-02T00:00:00+00:00"]}
    done = scan(1, "completed", "2026-01-01T11:00:00+00:00", "2026-01-01T11:00:05+00:00", errors=2)
    entries = fleet(
        [
            LibraryFacts(library(1, "A"), done, schedule=schedule, watch={"mode": "events"}),
            LibraryFacts(library(2, "B"), schedule=paused),
        ],
        NOW,
    )
    assert entries[0]["nextScanAt"] == "2026-01-01T23:00:00+00:00"
    assert entries[0]["outcome"] == "completed in about 5 seconds, 2 errors"
    assert entries[0]["watch"] == {"mode": "events"}
    assert entries[1]["nextScanAt"] is None and entries[1]["schedule"]["paused"]
