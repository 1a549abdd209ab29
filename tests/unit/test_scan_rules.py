"""The scan's pure rules: page sizes, windows, cache batches, counter folding and settling from the database."""

from __future__ import annotations

import random

import pytest

from reelscan.invariants import completion_violations, folder_violations
from reelscan.payloads.scan import CacheAssetsResult, DirectoryScanResult, OutcomeCounts
from reelscan.progress import ScanCounters
from reelscan.scan_rules import (
    FIRST_CHILDREN,
    MAX_PAGE_ROWS,
    cache_backlog_full,
    child_id_suffix,
    fold_cache_result,
    fold_directory,
    launch_window,
    next_cache_batch,
    page_limit,
    settle_from_database,
)
from reelscan.settings import Settings


@pytest.mark.parametrize(("window", "per_child"), [(1, 1), (200, 1), (1500, 50), (32, 20), (5, 1)])
def test_a_directory_page_never_exceeds_the_cap(window: int, per_child: int) -> None:
    limit = page_limit(window, per_child)
    assert limit <= MAX_PAGE_ROWS
    assert limit >= min(window * per_child, MAX_PAGE_ROWS)


def test_the_largest_settings_keep_a_page_far_below_the_payload_limit() -> None:
    # 1,000 rows of a 300-byte path and a seq are about 0.3 MB, far below Temporal's 2 MB.
    assert page_limit(1500, 50) * 310 < 2 * 1024 * 1024 // 4


def test_the_default_window_fits_the_local_activity_slots() -> None:
    settings = Settings(worker_processes=2, scan_concurrency=8)
    assert settings.resolved_children_window <= 2 * settings.scan_concurrency * settings.worker_processes
    assert Settings(children_window=7).resolved_children_window == 7


def test_the_first_children_start_alone() -> None:
    c = ScanCounters(directories_unchanged=3, directories_scanned=3)
    assert launch_window(50, c) == FIRST_CHILDREN
    c.directories_scanned = 4
    assert launch_window(50, c) == 50


def test_cache_batches_fill_to_their_size_unless_flushing() -> None:
    pending = [(1, 2), (2, 2), (3, 2)]
    assert next_cache_batch(pending, 10, flush=False) is None
    assert next_cache_batch(pending, 4, flush=False) == ([(1, 2), (2, 2)], [(3, 2)])
    assert next_cache_batch(pending, 10, flush=True) == (pending, [])
    assert next_cache_batch([], 1, flush=True) is None
    assert cache_backlog_full([(1, 40)], batch_size=5, cache_window=2)
    assert not cache_backlog_full([(1, 39)], batch_size=5, cache_window=2)


def test_second_pass_children_have_their_own_ids() -> None:
    assert child_id_suffix(1, 4, 4) == "dir-4"
    assert child_id_suffix(1, 4, 9) == "dirs-4-9"
    assert child_id_suffix(2, 4, 4) == "p2-dir-4"


def _result(seq: int, outcome: str, errors: int = 0) -> DirectoryScanResult:
    return DirectoryScanResult(
        seq=seq, outcome=outcome, error_count=errors, errors=[f"e{seq}"] * min(errors, 5), movie_id=seq
    )


def test_folding_random_outcomes_satisfies_the_folder_invariant() -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for _ in range(200):
        total = rng.randrange(0, 40)
        outcomes = [rng.choice(["new", "updated", "unchanged", "error"]) for _ in range(total)]
        errors = [rng.randrange(0, 3) if o != "error" else rng.randrange(1, 8) for o in outcomes]
        c = ScanCounters(directories_total=total)
        for seq, (outcome, n) in enumerate(zip(outcomes, errors, strict=True)):
            fold_directory(c, _result(seq, outcome, n), tv=False)
        db = OutcomeCounts(
            new=outcomes.count("new"),
            updated=outcomes.count("updated"),
            unchanged=outcomes.count("unchanged"),
            error=outcomes.count("error"),
            error_messages=sum(errors),
        )
        assert folder_violations(c, db, tv=False) == [], f"seed {seed}"
        assert c.errors_count == sum(errors), f"seed {seed}"


def test_settling_from_the_database_counts_what_children_did_not_report() -> None:
    c = ScanCounters(directories_total=5, errors_count=1)  # one discovery error
    fold_directory(c, _result(0, "new"), tv=False)
    fold_directory(c, _result(1, "error", 1), tv=False)
    db = OutcomeCounts(new=2, updated=1, error=2, error_messages=2)
    assert folder_violations(c, db, tv=False)  # two folders recorded by a failed child were never counted
    settle_from_database(c, db, tv=False)
    assert folder_violations(c, db, tv=False) == []
    assert (c.movies_found, c.movies_new, c.directories_scanned, c.errors_count) == (3, 2, 5, 3)


def test_pending_folders_break_the_invariant() -> None:
    c = ScanCounters(directories_total=3)
    db = OutcomeCounts(new=2, pending=1)
    settle_from_database(c, db, tv=False)
    problems = folder_violations(c, db, tv=False)
    assert any("never scanned" in p for p in problems)
    assert any("scanned 2 of 3" in p for p in problems)


def test_tv_settling_keeps_the_episodes_of_series_unchanged_at_discovery() -> None:
    c = ScanCounters(directories_total=3, episodes_unchanged=10)
    db = OutcomeCounts(new=1, unchanged=2, episodes_found=4, episodes_new=4)
    settle_from_database(c, db, tv=True)
    assert (c.series_found, c.episodes_found, c.episodes_new) == (3, 14, 4)
    assert folder_violations(c, db, tv=True) == []


def test_cache_results_keep_queued_equal_to_what_was_settled() -> None:
    c = ScanCounters(assets_queued=5)
    fold_cache_result(c, CacheAssetsResult(cached=3, failed=1, by_type={"poster": 2, "banner": 1}), 5)
    assert (c.assets_queued, c.assets_cached, c.assets_failed, c.errors_count) == (4, 3, 1, 1)
    assert c.assets_by_type == {"poster": 2, "other": 1}
    assert completion_violations(c) == []
    c.enrichment_queued = 2
    assert completion_violations(c) == ["enrichment completed 0 != queued 2"]
