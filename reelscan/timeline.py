"""A scan's timeline: its counters over time, as rates per second, with its phases and its errors on the time axis.

Pure functions over recorded points. The API's progress broadcaster records a point when something moved
(`worth_recording`), keeps a bounded number per scan (`thin`), and the API serves `build_timeline`. Points hold
cumulative counters, so thinning never changes a total: the rates between the points that stay add up to the same
counts, and the last point (the scan's own counters once it has ended) is always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

PHASES = ("discovering", "scanning", "caching", "enriching")
FINAL = ("completed", "failed", "cancelled")
# The chart's series: (key in the answer, Point attribute).
SERIES = (
    ("directories", "directories"),
    ("assets", "assets"),
    ("providerRequests", "provider_requests"),
    ("errors", "errors"),
)
MAX_STORED = 1000  # points kept per scan; past it the stored points are thinned to half
MIN_SECONDS = 1.0  # at most one point a second while the phase stays the same


@dataclass(frozen=True)
class Point:
    """A scan's cumulative counters at one moment."""

    at: datetime
    phase: str
    directories: int = 0
    assets: int = 0
    enriched: int = 0
    provider_requests: int = 0
    errors: int = 0

    def counters(self) -> tuple[int, int, int, int, int]:
        return (self.directories, self.assets, self.enriched, self.provider_requests, self.errors)


def worth_recording(last: Point | None, point: Point, min_seconds: float = MIN_SECONDS) -> bool:
    """Keep a point when the phase changed, or a counter moved and `min_seconds` went by since the last one kept.
    Before anything is kept, the scan's start (discovering, nothing counted) is the point to compare with."""
    if last is None:
        return point.phase != "discovering" or any(point.counters())
    if point.phase != last.phase:
        return True
    if point.counters() == last.counters():
        return False
    return (point.at - last.at).total_seconds() >= min_seconds


def thin_indexes(phases: list[str], keep: int) -> list[int]:
    """Which of these points (given by their phases, in time order) to keep: at most about `keep`, spread evenly,
    always the first, the last and the first of each phase (so totals and phase changes survive any thinning)."""
    count = len(phases)
    if count <= keep:
        return list(range(count))
    must = {0, count - 1} | {i for i in range(1, count) if phases[i] != phases[i - 1]}
    others = [i for i in range(count) if i not in must]
    budget = max(keep - len(must), 0)
    chosen = {others[int(k * len(others) / budget)] for k in range(budget)} if budget and others else set()
    return sorted(must | chosen)


def thin(points: list[Point], keep: int) -> list[Point]:
    return [points[i] for i in thin_indexes([p.phase for p in points], keep)]


def monotonic(points: list[Point], final: Point | None) -> list[Point]:
    """Counters never go back: each point at least its predecessor, and none above the scan's final counters."""
    result: list[Point] = []
    for point in points:
        values = list(point.counters())
        if result:
            values = [max(v, p) for v, p in zip(values, result[-1].counters(), strict=True)]
        if final is not None:
            values = [min(v, f) for v, f in zip(values, final.counters(), strict=True)]
        directories, assets, enriched, provider_requests, errors = values
        result.append(Point(point.at, point.phase, directories, assets, enriched, provider_requests, errors))
    return result


def phase_spans(
    started_at: datetime,
    ends: tuple[datetime | None, datetime | None, datetime | None, datetime | None],
    points: list[Point],
    until: datetime,
) -> list[tuple[str, datetime, datetime]]:
    """(phase, start, end) in order. `ends` are the recorded ends of discovering, scanning, caching and enriching
    (the scan's phase timestamps; the last is its completion); a phase whose start is not recorded yet starts at its
    first point. A phase that lasted no time (enrichment skipped) is left out; the one still running ends `until`."""
    starts: list[datetime | None] = [started_at, ends[0], ends[1], ends[2]]
    for index, phase in enumerate(PHASES):
        if starts[index] is None:
            starts[index] = next((p.at for p in points if p.phase == phase), None)
    spans = []
    for index, phase in enumerate(PHASES):
        start = starts[index]
        if start is None:
            continue
        later = [s for s in starts[index + 1 :] if s is not None]
        end = ends[index] or (later[0] if later else until)
        if end > start:
            spans.append((phase, start, end))
    return spans


def _seconds(at: datetime, start: datetime) -> float:
    return round((at - start).total_seconds(), 3)


def build_timeline(
    *,
    started_at: datetime,
    status: str,
    ends: tuple[datetime | None, datetime | None, datetime | None, datetime | None],
    samples: list[Point],
    current: Point,
    now: datetime,
    max_points: int = 600,
) -> dict[str, Any]:
    """The timeline of one scan: its points (cumulative), its rates per second between points, its phases and its
    error marks, in seconds since the scan started. `current` holds the scan's recorded counters (final once it
    has ended, when they are the timeline's totals)."""
    ended = status in FINAL
    start = Point(started_at, "discovering")
    recorded = sorted((s for s in samples if s.at >= started_at), key=lambda s: s.at)
    if ended:
        points = monotonic([start, *recorded], current)
        last = points[-1]
        if current.at > last.at or current.counters() != last.counters():
            points.append(Point(max(current.at, last.at), status, *current.counters()))
    else:
        points = monotonic([start, *recorded], None)
        if current.at > points[-1].at:
            points = monotonic([*points, current], None)
    points = thin(points, max(max_points, 2))
    until = points[-1].at if ended else max(now, points[-1].at)
    spans = phase_spans(started_at, ends, points, until)

    times = [_seconds(p.at, started_at) for p in points]
    cumulative = {key: [getattr(p, attr) for p in points] for key, attr in SERIES}
    rates: dict[str, list[float]] = {key: [0.0] for key, _ in SERIES}
    for i in range(1, len(points)):
        elapsed = (points[i].at - points[i - 1].at).total_seconds()
        for key, values in cumulative.items():
            delta = values[i] - values[i - 1]
            rates[key].append(round(delta / elapsed, 3) if elapsed > 0 else 0.0)
    marks = [
        {"t": times[i], "errors": cumulative["errors"][i] - cumulative["errors"][i - 1]}
        for i in range(1, len(points))
        if cumulative["errors"][i] > cumulative["errors"][i - 1]
    ]
    last = points[-1]
    return {
        "status": status,
        "startedAt": started_at.isoformat(),
        "endedAt": last.at.isoformat() if ended else None,
        "durationSeconds": _seconds(until, started_at),
        "phases": [
            {"phase": phase, "start": _seconds(begin, started_at), "end": _seconds(end, started_at)}
            for phase, begin, end in spans
        ],
        "t": times,
        "cumulative": cumulative,
        "rates": rates,
        "errorMarks": marks,
        "totals": {
            "directoriesScanned": last.directories,
            "assetsCached": last.assets,
            "enrichmentCompleted": last.enriched,
            "providerRequests": last.provider_requests,
            "errorsCount": last.errors,
        },
    }
