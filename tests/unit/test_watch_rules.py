"""When a changed folder is ready to scan: quiet for a while, and its files the same in two snapshots."""

from __future__ import annotations

from reelscan.payloads.carry import WatchCarry
from reelscan.watch_rules import (
    apply_snapshots,
    describe,
    next_wake,
    note_changes,
    ready_folders,
    requeue,
    settle_scanned,
    to_snapshot,
    top_folder,
)

QUIET = 10.0


def test_changes_are_reduced_to_their_top_level_folder() -> None:
    carry = WatchCarry()
    added = note_changes(carry, ["Heat (1995)/Heat.mkv", "Heat (1995)", "Heat (1995)/subs/en.srt", "../x", "/abs"], 0)
    assert added == 1
    assert list(carry.pending) == ["Heat (1995)"]
    assert top_folder("") is None and top_folder("a/b") == "a"


def test_a_folder_is_ready_after_a_quiet_period_with_equal_snapshots() -> None:
    carry = WatchCarry()
    note_changes(carry, ["Heat"], 0)
    assert to_snapshot(carry, 0, QUIET) == ["Heat"]  # the first snapshot right away
    assert apply_snapshots(carry, {"Heat": "s1"}, 0, QUIET) == []
    assert to_snapshot(carry, 9, QUIET) == []
    assert next_wake(carry, 9, QUIET) == 10
    assert to_snapshot(carry, 10, QUIET) == ["Heat"]
    assert apply_snapshots(carry, {"Heat": "s1"}, 10, QUIET) == ["Heat"]
    assert ready_folders(carry, 100) == ["Heat"]


def test_a_copy_in_progress_is_never_ready() -> None:
    carry = WatchCarry()
    note_changes(carry, ["Heat"], 0)
    apply_snapshots(carry, {"Heat": "1 MB"}, 0, QUIET)
    # No more events (a network share), but the files keep growing.
    for now, size in ((10, "2 MB"), (20, "3 MB"), (30, "4 MB")):
        assert apply_snapshots(carry, {"Heat": size}, now, QUIET) == []
    assert apply_snapshots(carry, {"Heat": "4 MB"}, 40, QUIET) == ["Heat"]


def test_new_events_restart_the_quiet_period() -> None:
    carry = WatchCarry()
    note_changes(carry, ["Heat"], 0)
    apply_snapshots(carry, {"Heat": "s"}, 0, QUIET)
    note_changes(carry, ["Heat/part2"], 8)
    assert to_snapshot(carry, 10, QUIET) == []
    assert next_wake(carry, 10, QUIET) == 18
    assert apply_snapshots(carry, {"Heat": "s"}, 18, QUIET) == ["Heat"]


def test_a_change_during_the_scan_keeps_the_folder_pending() -> None:
    carry = WatchCarry()
    for folder in ("A", "B"):
        note_changes(carry, [folder], 0)
        apply_snapshots(carry, {folder: "s"}, 0, QUIET)
    apply_snapshots(carry, {"A": "s", "B": "s"}, 10, QUIET)
    note_changes(carry, ["B/new.srt"], 12)  # while the scan that started at 11 runs
    settle_scanned(carry, ["A", "B"], 11)
    assert list(carry.pending) == ["B"] and not carry.pending["B"].ready


def test_requeued_folders_start_from_a_fresh_snapshot() -> None:
    carry = WatchCarry()
    note_changes(carry, ["A"], 0)
    apply_snapshots(carry, {"A": "s"}, 0, QUIET)
    apply_snapshots(carry, {"A": "s"}, 10, QUIET)
    requeue(carry, ["A"])
    assert to_snapshot(carry, 11, QUIET) == ["A"]


def test_too_many_folders_become_one_scan_of_the_library() -> None:
    carry = WatchCarry()
    note_changes(carry, [f"M{i}" for i in range(11)], 0, max_pending=10)
    assert carry.full_scan_wanted and not carry.pending
    assert next_wake(carry, 5, QUIET) == 5


def test_waiting_for_another_scan_delays_everything() -> None:
    carry = WatchCarry(retry_at=30)
    note_changes(carry, ["A"], 0)
    assert next_wake(carry, 0, QUIET) == 30


def test_polling_wakes_the_watcher_without_events() -> None:
    carry = WatchCarry(poll_interval_seconds=300)
    assert next_wake(carry, 0, QUIET) == 0
    carry.next_poll_at = 300
    assert next_wake(carry, 1, QUIET) == 300
    assert next_wake(WatchCarry(), 0, QUIET) is None


def test_the_line_in_the_web_ui_names_the_pending_folders() -> None:
    carry = WatchCarry()
    note_changes(carry, [f"Movie {i}" for i in range(7)], 0)
    line = describe(carry, "Films")
    assert line == "Watching Films: 7 folders: Movie 0, Movie 1, Movie 2, Movie 3, Movie 4 (+2 more) pending (0 ready)"
    assert describe(WatchCarry(paused=True), "Films") == "Watching Films: paused, no changes pending"
