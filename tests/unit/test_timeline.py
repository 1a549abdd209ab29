"""A scan's timeline from its recorded points: rates, phases in order, error marks, bounded storage, exact totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from reelscan.timeline import Point, build_timeline, phase_spans, thin, worth_recording

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def seconds_spans(spans: list[tuple[str, datetime, datetime]]) -> list[tuple[str, float, float]]:
    return [(p, (s - START).total_seconds(), (e - START).total_seconds()) for p, s, e in spans]


def completed_timeline(
    ends: tuple[datetime, datetime, datetime, datetime],
    samples: list[Point],
    final: Point,
    now: datetime,
    max_points: int = 600,
) -> dict[str, Any]:
    return build_timeline(
        started_at=START, status="completed", ends=ends, samples=samples, current=final, now=now, max_points=max_points
    )


def test_a_point_is_kept_when_something_moved_at_most_once_a_second_and_at_every_phase_change() -> None:
    assert not worth_recording(None, Point(at(1), "discovering"))
    assert worth_recording(None, Point(at(1), "scanning"))
    last = Point(at(1), "scanning", directories=5)
    assert not worth_recording(last, Point(at(3), "scanning", directories=5))
    assert not worth_recording(last, Point(at(1.5), "scanning", directories=6))
    assert worth_recording(last, Point(at(2), "scanning", directories=6))
    assert worth_recording(last, Point(at(1.1), "caching", directories=5))


def test_thinning_keeps_the_first_the_last_and_each_phase_change_so_totals_stay() -> None:
    points = [Point(at(i), "scanning" if i < 700 else "caching", directories=i) for i in range(1500)]
    thinned = thin(points, 100)
    assert 100 <= len(thinned) <= 103
    assert thinned[0] == points[0] and thinned[-1] == points[-1]
    assert points[700] in thinned
    assert [p.at for p in thinned] == sorted(p.at for p in thinned)
    assert thin(points[:50], 100) == points[:50]


def test_phases_come_from_the_scan_timestamps_and_skip_one_that_lasted_no_time() -> None:
    spans = phase_spans(START, (at(2), at(10), at(12), at(12)), [], at(12))
    assert seconds_spans(spans) == [
        ("discovering", 0, 2),
        ("scanning", 2, 10),
        ("caching", 10, 12),
    ]


def test_a_running_scan_shows_its_current_phase_up_to_now_from_its_points() -> None:
    points = [Point(at(3), "scanning", directories=4), Point(at(6), "caching", directories=9)]
    spans = phase_spans(START, (at(2), None, None, None), points, at(8))
    assert seconds_spans(spans) == [
        ("discovering", 0, 2),
        ("scanning", 2, 6),
        ("caching", 6, 8),
    ]


def test_a_finished_scan_ends_on_its_own_counters_with_rates_and_error_marks() -> None:
    samples = [
        Point(at(2), "scanning", directories=10, assets=0, errors=0),
        Point(at(4), "scanning", directories=30, assets=20, errors=2),
        Point(at(6), "caching", directories=40, assets=50, errors=2),
    ]
    final = Point(at(8), "completed", directories=40, assets=80, enriched=0, provider_requests=0, errors=3)
    timeline = completed_timeline((at(1), at(6), at(8), at(8)), samples, final, at(100))
    assert [p["phase"] for p in timeline["phases"]] == ["discovering", "scanning", "caching"]
    assert timeline["t"] == [0, 2, 4, 6, 8]
    assert timeline["cumulative"]["directories"] == [0, 10, 30, 40, 40]
    assert timeline["rates"]["directories"] == [0.0, 5.0, 10.0, 5.0, 0.0]
    assert timeline["rates"]["assets"] == [0.0, 0.0, 10.0, 15.0, 15.0]
    assert timeline["errorMarks"] == [{"t": 4, "errors": 2}, {"t": 8, "errors": 1}]
    assert timeline["totals"] == {
        "directoriesScanned": 40,
        "assetsCached": 80,
        "enrichmentCompleted": 0,
        "providerRequests": 0,
        "errorsCount": 3,
    }
    assert timeline["durationSeconds"] == 8 and timeline["endedAt"] == at(8).isoformat()


def test_live_points_ahead_of_the_final_counters_never_raise_a_total_and_counters_never_go_back() -> None:
    samples = [Point(at(2), "scanning", directories=12), Point(at(3), "scanning", directories=11)]
    final = Point(at(5), "completed", directories=10)
    timeline = completed_timeline((at(1), at(4), at(5), at(5)), samples, final, at(9))
    values = timeline["cumulative"]["directories"]
    assert values == sorted(values) and values[-1] == 10
    assert all(rate >= 0 for rate in timeline["rates"]["directories"])


def test_thinned_for_the_chart_the_totals_are_the_same() -> None:
    samples = [Point(at(i), "scanning", directories=i * 3, errors=i // 100) for i in range(1, 3000)]
    final = Point(at(3000), "completed", directories=9000, errors=30)
    timeline = completed_timeline((at(0.5), at(3000), at(3000), at(3000)), samples, final, at(3001), max_points=50)
    assert len(timeline["t"]) <= 55
    assert timeline["totals"]["directoriesScanned"] == 9000 and timeline["totals"]["errorsCount"] == 30
    assert sum(mark["errors"] for mark in timeline["errorMarks"]) == 30
