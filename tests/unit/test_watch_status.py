"""The one line every surface shows for a library's watcher."""

from __future__ import annotations

from typing import Any

from reelscan.payloads.carry import WatchCarry
from reelscan.watch_rules import note_changes
from service.watch import WatchPlan, watch_status_text

PLAN = WatchPlan(1, "Movies", "/m", "movie", "auto", "events", "local file system (ext4)", 300.0)
OFF = WatchPlan(2, "TV", "/tv", "tv", "off", "off", "not watched", 300.0)


def state(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"paused": False, "pollIntervalSeconds": 0.0, "pendingCount": 0, "scanning": []}
    return {**base, **values}


def test_no_watcher() -> None:
    assert watch_status_text(OFF, None, 0) == "not watched"
    assert "no watcher running" in watch_status_text(PLAN, None, 0)
    assert "reelscan watch-library --library 1" in watch_status_text(PLAN, None, 0)
    assert watch_status_text(PLAN, None, 0, reachable=False) == "events: state unknown (Temporal is not reachable)"


def test_watching_paused_polling_pending_and_last_change() -> None:
    assert watch_status_text(PLAN, state(), 100) == "watching, no change seen yet"
    line = watch_status_text(PLAN, state(paused=True, pendingCount=3, lastChangeAt=40.0), 100)
    assert line == "paused, watching, 3 folders pending, last change 60 s ago"
    line = watch_status_text(PLAN, state(pollIntervalSeconds=300.0, lastChangeAt=100.0 - 7200), 100)
    assert line == "polling every 5 min, last change 2 h ago"
    line = watch_status_text(PLAN, state(scanning=["A (2001)"], pendingCount=1, lastError="cannot start a scan: x"), 0)
    expected = "watching, scanning 1 folder, 1 folder pending, no change seen yet, last problem: cannot start a scan: x"
    assert line == expected


def test_the_last_change_is_carried() -> None:
    carry = WatchCarry()
    note_changes(carry, ["A (2001)/a.mkv"], 10.0)
    note_changes(carry, [], 20.0)
    assert carry.last_change_at == 10.0
    note_changes(carry, ["B (2002)"], 30.0)
    assert carry.last_change_at == 30.0
