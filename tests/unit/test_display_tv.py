"""The terminal panel says series and episodes for TV scans, movies for movie scans."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from service.display import render


def text_of(message: dict[str, Any]) -> str:
    console = Console(record=True, width=100)
    console.print(render(message))
    return console.export_text()


def message(**extra: Any) -> dict[str, Any]:
    stats = {"moviesFound": 0, "moviesNew": 0, "moviesUpdated": 0, "assetsCached": 0, "errorsCount": 0}
    return {"phase": "scanning", "libraryName": "Lib", "scanJobId": 1, "progress": {}, "stats": stats} | extra


def test_a_tv_scan_counts_series_episodes_and_unmatched_files() -> None:
    tv = message(libraryType="tv")
    tv["stats"] |= {"seriesFound": 12, "episodesFound": 1204, "episodesNew": 1204, "episodesUnmatched": 3}
    shown = text_of(tv)
    assert "📊 Scanning series..." in shown
    assert "12 series, 1,204 episodes (1,204 new), 3 unmatched files" in shown and "Movies:" not in shown
    tv["stats"] |= {
        "seriesFound": 1,
        "episodesFound": 1,
        "episodesNew": 0,
        "episodesUpdated": 1,
        "episodesUnmatched": 0,
    }
    assert "1 series, 1 episode (0 new, 1 updated)" in text_of(tv)


def test_a_movie_scan_is_unchanged() -> None:
    movies = message()
    movies["stats"] |= {"moviesFound": 5, "moviesNew": 2, "moviesUpdated": 1}
    shown = text_of(movies)
    assert "📊 Scanning movies..." in shown and "Movies: 5 found (2 new, 1 updated)" in shown


def test_counts_of_one_are_singular_in_the_panel() -> None:
    one = message(phase="discovering", progress={"discovering": {"directoriesFound": 1, "directoriesIgnored": 0}})
    many = message(phase="discovering", progress={"discovering": {"directoriesFound": 2, "directoriesIgnored": 0}})
    tv = message(phase="discovering", libraryType="tv", progress={"discovering": {"directoriesFound": 1}})
    assert "Found: 1 movie directory" in text_of(one) and "directories" not in text_of(one).split("Found:")[1]
    assert "Found: 2 movie directories" in text_of(many)
    assert "Found: 1 series folder" in text_of(tv) and "folders" not in text_of(tv)
