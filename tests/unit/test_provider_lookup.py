"""The lookup plan both enrichment workflows follow when a target has no TMDB id of its own."""

from __future__ import annotations

from reelscan.provider_lookup import FindById, SearchTitle, lookup_plan


def test_a_series_tries_tvdb_then_imdb_then_its_year_then_any_year() -> None:
    plan = lookup_plan("Show", 2020, [("tvdb_id", 1234), ("imdb_id", "tt0000001")])
    assert plan == [
        FindById("tvdb_id", "1234"),
        FindById("imdb_id", "tt0000001"),
        SearchTitle("Show", 2020, filter_by_year=True),
        SearchTitle("Show", 2020),
    ]


def test_ids_that_are_not_set_and_an_unknown_year_are_skipped() -> None:
    assert lookup_plan("Movie", None, [("imdb_id", None)]) == [SearchTitle("Movie", None)]
    assert lookup_plan("Movie", 1999, [("imdb_id", "")]) == [
        SearchTitle("Movie", 1999, filter_by_year=True),
        SearchTitle("Movie", 1999),
    ]
