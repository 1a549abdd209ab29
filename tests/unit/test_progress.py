"""The progress message and phase rules, as the displays show them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reelscan.progress import ScanState, build_message, enter_phase, estimate_remaining, percentage, summary_line

T0 = datetime(2026, 1, 15, 14, 0, tzinfo=UTC)


def state(**counters: int) -> ScanState:
    s = ScanState(scan_job_id=7, library_id=1, library_name="Movies", started_at=T0, phase_started_at=T0)
    for key, value in counters.items():
        setattr(s.counters, key, value)
    return s


def test_percentages_are_whole_and_never_100_early() -> None:
    assert percentage(453, 1247) == 36
    assert percentage(1246, 1247) == 99
    assert percentage(0, 0) == 100


def test_summary_lines_match_the_spec_displays() -> None:
    s = state(directories_total=1247)
    assert summary_line(s) == "Discovering directories... Found 1,247 movies"
    enter_phase(s, "scanning", T0)
    s.counters.directories_scanned = 453
    assert summary_line(s) == "Scanning movies... 453/1,247 (36%)"
    enter_phase(s, "caching", T0)
    s.counters.assets_queued, s.counters.assets_cached = 3456, 1832
    assert summary_line(s) == "Caching assets... 1,832/3,456 (53%)"
    s.counters.movies_found, s.counters.movies_new, s.counters.movies_updated = 453, 421, 32
    enter_phase(s, "completed", T0)
    assert summary_line(s) == "Scan completed: 453 movies (421 new, 32 updated), 1,832 assets cached, 0 errors"


def test_phase_timestamps_are_stamped_once_in_order() -> None:
    s = state()
    enter_phase(s, "scanning", T0 + timedelta(seconds=1))
    enter_phase(s, "caching", T0 + timedelta(seconds=5))
    enter_phase(s, "completed", T0 + timedelta(seconds=9))
    assert (s.discovery_completed_at, s.scanning_completed_at, s.caching_completed_at, s.completed_at) == (
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=5),
        T0 + timedelta(seconds=9),
        T0 + timedelta(seconds=9),
    )


def test_eta_comes_from_the_rate_seen_in_this_phase() -> None:
    s = state(directories_total=1000)
    enter_phase(s, "scanning", T0)
    s.counters.directories_scanned = 250
    assert estimate_remaining(s, T0 + timedelta(seconds=10)) == "about 30 seconds"
    s.counters.directories_scanned = 10
    assert estimate_remaining(s, T0 + timedelta(seconds=60)) == "about 1.6 hours"


def test_message_has_the_spec_shape_in_camel_case() -> None:
    s = state(directories_total=10, directories_scanned=4, movies_found=4, movies_new=3, movies_updated=1)
    enter_phase(s, "scanning", T0)
    message: dict = build_message(s, T0 + timedelta(seconds=2)).to_json_dict()
    assert message["type"] == "scan:progress"
    assert message["scanJobId"] == 7 and message["libraryName"] == "Movies"
    assert message["progress"]["scanning"] == {"scanned": 4, "total": 10, "percentage": 40, "unchanged": 0}
    assert message["stats"] == {
        "moviesFound": 4,
        "moviesNew": 3,
        "moviesUpdated": 1,
        "moviesMissing": 0,
        "assetsCached": 0,
        "errorsCount": 0,
    }
    assert message["startedAt"] == T0.isoformat()


def test_tv_scans_speak_of_series_and_episodes() -> None:
    s = state(directories_total=80, directories_scanned=12, series_found=12, episodes_found=1204, episodes_new=1204)
    s.library_type = "tv"
    enter_phase(s, "scanning", T0)
    message: dict = build_message(s, T0).to_json_dict()
    assert message["summary"] == "Scanning series... 12/80 (15%), 1,204 episodes"
    assert message["libraryType"] == "tv"
    assert message["stats"]["seriesFound"] == 12 and message["stats"]["episodesFound"] == 1204
    s.counters.episodes_unmatched = 3
    enter_phase(s, "completed", T0)
    assert summary_line(s).startswith("Scan completed: 12 series, 1,204 episodes (1,204 new, 0 updated), 3 unmatched")
