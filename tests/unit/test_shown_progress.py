"""Progress a user sees never goes backwards, even when an older projection stands in for the live query."""

from __future__ import annotations

import random

from service.shown_progress import ShownProgress, progress_rank


def _message(phase: str, scanned: int, cached: int = 0) -> dict:
    return {
        "phase": phase,
        "progress": {"scanning": {"scanned": scanned}, "caching": {"cached": cached, "failed": 0}},
        "stats": {"moviesFound": scanned},
        "estimatedTimeRemaining": "about 1 minute",
    }


def test_an_older_projection_never_replaces_what_was_shown() -> None:
    shown = ShownProgress()
    assert shown.not_behind("scan-a-1-1", _message("scanning", 744))["progress"]["scanning"]["scanned"] == 744
    fallback = dict(_message("scanning", 554), health={"stalled": True})
    kept = shown.not_behind("scan-a-1-1", fallback)
    assert kept["progress"]["scanning"]["scanned"] == 744
    assert kept["estimatedTimeRemaining"] is None
    assert kept["health"] == {"stalled": True}
    assert shown.not_behind("scan-a-1-1", _message("scanning", 800))["progress"]["scanning"]["scanned"] == 800


def test_a_final_message_always_shows() -> None:
    shown = ShownProgress()
    shown.not_behind("scan-a-1-1", _message("caching", 10, 5))
    final = _message("completed", 10, 5)
    assert shown.not_behind("scan-a-1-1", final) is final


def test_random_sequences_with_stale_fallbacks_never_decrease() -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    shown = ShownProgress(kept=4)
    for scan in range(8):
        live = 0
        seen = []
        for _ in range(100):
            live += rng.randrange(0, 5)
            value = live - rng.randrange(0, 50) if rng.random() < 0.3 else live
            seen.append(progress_rank(shown.not_behind(f"scan-{scan}", _message("scanning", max(value, 0)))))
        assert seen == sorted(seen), f"seed {seed}"


def test_scans_of_two_databases_with_the_same_id_are_kept_apart() -> None:
    shown = ShownProgress()
    shown.not_behind("scan-aaaa-1-1", _message("caching", 500, 20))
    fresh = _message("scanning", 3)
    assert shown.not_behind("scan-bbbb-1-1", fresh) is fresh
    shown.forget("scan-aaaa-1-1")
    assert shown.not_behind("scan-aaaa-1-1", fresh) is fresh
