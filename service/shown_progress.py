"""Progress a user sees never goes backwards.

A running scan's message comes live from the workflow's query; when no worker answers (one was just killed, or
is restarting), the last projection in the database stands in, and it can be seconds behind what was already
shown. Each process that shows progress (the API, `watch`) keeps the furthest message it showed per scan and
never shows one behind it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

PHASE_RANK = {"discovering": 0, "scanning": 1, "caching": 2, "enriching": 3}
FINAL_RANK = 4
KEPT_SCANS = 256


def progress_rank(message: dict[str, Any]) -> tuple[int, ...]:
    """How far a message is: its phase, then each phase's done count (all only ever grow during a scan)."""
    progress = message.get("progress") or {}

    def done(phase: str, *keys: str) -> int:
        part = progress.get(phase) or {}
        return sum(int(part.get(key) or 0) for key in keys)

    stats = message.get("stats") or {}
    return (
        PHASE_RANK.get(str(message.get("phase")), FINAL_RANK),
        done("scanning", "scanned"),
        done("caching", "cached", "failed"),
        done("enriching", "completed"),
        int(stats.get("moviesFound") or 0) + int(stats.get("seriesFound") or 0),
    )


class ShownProgress:
    def __init__(self, kept: int = KEPT_SCANS) -> None:
        self._kept = kept
        self._shown: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def not_behind(self, scan: str, message: dict[str, Any]) -> dict[str, Any]:
        """The message to show for a scan (by its workflow id, unique across databases): this one, unless an earlier
        one shown from here was further along (then that one, without a time estimate that would only be frozen)."""
        last = self._shown.get(scan)
        if last is not None and progress_rank(last) > progress_rank(message):
            if progress_rank(message)[0] == FINAL_RANK:
                return message  # a final message settles the scan, whatever was shown before
            kept = dict(last, estimatedTimeRemaining=None)
            if "health" in message:
                kept["health"] = message["health"]
            return kept
        self._shown[scan] = message
        self._shown.move_to_end(scan)
        while len(self._shown) > self._kept:
            self._shown.popitem(last=False)
        return message

    def forget(self, scan: str) -> None:
        """A scan that ended shows its final message from the database."""
        self._shown.pop(scan, None)
