"""How provider answers become stored fields: certifications by release type and country, ratings without votes,
unique ids in the NFO vocabulary."""

from __future__ import annotations

from typing import Any

import pytest

from reelscan.providers.tmdb import (
    certification_for,
    language_country,
    merge_unique_ids,
    parse_movie_details,
    rating_and_votes,
    release_certifications,
    unique_ids,
)
from reelscan.providers.tmdb_tv import parse_season, parse_series_details
from tests.fake_tmdb import sample_movie, sample_season, sample_series


def releases(*countries: tuple[str, list[tuple[int | None, str]]]) -> dict[str, Any]:
    return {
        "release_dates": {
            "results": [
                {
                    "iso_3166_1": code,
                    "release_dates": [
                        {"certification": c} if kind is None else {"type": kind, "certification": c} for kind, c in rows
                    ],
                }
                for code, rows in countries
            ]
        }
    }


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        (releases(("US", [(1, "NR"), (3, "R")])), {"US": "R"}),  # theatrical before premiere
        (releases(("DE", [(4, "16"), (2, "12")])), {"DE": "12"}),  # limited theatrical before digital
        (releases(("GB", [(6, "15"), (5, "18")])), {"GB": "18"}),  # physical before TV
        (releases(("FR", [(3, ""), (4, "U")])), {"FR": "U"}),  # an empty certification does not count
        (releases(("NL", [(None, "12"), (1, "16")])), {"NL": "16"}),  # untyped last
        (releases(("NL", [(None, "12"), (None, "16")])), {"NL": "12"}),  # then TMDB's order
        (releases(("US", [(3, "R")]), ("DE", [(3, "")])), {"US": "R"}),
        (releases(("US", [(3, "PG")]), ("US", [(3, "R")])), {"US": "PG"}),  # a repeated country: the first
        ({}, {}),
        ({"release_dates": {"results": [{"release_dates": [{"certification": "R"}]}]}}, {}),  # no country
    ],
)
def test_certification_per_country_by_release_type(details: dict[str, Any], expected: dict[str, str]) -> None:
    assert release_certifications(details) == expected


def test_parsed_movie_details_use_the_release_type_order() -> None:
    details = {**sample_movie(1, "Film", 2000), **releases(("US", [(1, "NR"), (3, "PG-13")]))}
    assert parse_movie_details(details).certifications == {"US": "PG-13"}


@pytest.mark.parametrize(
    ("language", "country"),
    [("de-DE", "DE"), ("de-at", "AT"), ("pt-BR", "BR"), ("en", None), ("en-", None), ("zh-Hans", None), ("", None)],
)
def test_country_of_the_language_setting(language: str, country: str | None) -> None:
    assert language_country(language) == country


CERTIFICATIONS = {"US": "R", "DE": "16", "FR": "12"}


@pytest.mark.parametrize(
    ("certifications", "language", "shown"),
    [
        (CERTIFICATIONS, "de-DE", "16"),
        (CERTIFICATIONS, "fr-FR", "12"),
        (CERTIFICATIONS, "en-US", "R"),
        (CERTIFICATIONS, "en-GB", "R"),  # no GB certification: the US one
        (CERTIFICATIONS, "en", "R"),
        ({"DE": "16"}, "en-US", None),
        ({}, "de-DE", None),
    ],
)
def test_shown_certification_is_the_users_country_before_the_us(
    certifications: dict[str, str], language: str, shown: str | None
) -> None:
    assert certification_for(certifications, language) == shown


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"vote_average": 7.5, "vote_count": 1200}, (7.5, 1200)),
        ({"vote_average": 0.0, "vote_count": 0}, (None, 0)),
        ({"vote_average": 6.0, "vote_count": 0}, (None, 0)),
        ({"vote_average": 8, "vote_count": 3}, (8.0, 3)),
        ({"vote_average": 8.1}, (8.1, None)),
        ({"vote_average": None, "vote_count": 5}, (None, 5)),
        ({"vote_average": "7", "vote_count": "5"}, (None, None)),
        ({"vote_average": True, "vote_count": True}, (None, None)),
        ({}, (None, None)),
    ],
)
def test_no_rating_without_votes(answer: dict[str, Any], expected: tuple[float | None, int | None]) -> None:
    assert rating_and_votes(answer) == expected


def test_series_and_episodes_without_votes_have_no_rating() -> None:
    series = {**sample_series(5, "New Show", 2024), "vote_average": 0.0, "vote_count": 0}
    assert (parse_series_details(series).rating, parse_series_details(series).votes) == (None, 0)
    season = sample_season(series, 1) or {}
    season["episodes"][0].update(vote_average=0.0, vote_count=0)
    first, second = parse_season(season)[:2]
    assert (first.rating, first.votes) == (None, 0) and second.rating == 7.0


@pytest.mark.parametrize(
    ("external", "expected"),
    [
        ({"imdb_id": "tt0133093", "wikidata_id": "Q83495"}, {"imdb": "tt0133093", "wikidata": "Q83495", "tmdb": "603"}),
        ({"imdb_id": "tt0903747", "tvdb_id": "81189"}, {"imdb": "tt0903747", "tvdb": "81189", "tmdb": "603"}),
        ({}, {"tmdb": "603"}),
        ({"tmdb_id": "1"}, {"tmdb": "603"}),  # TMDB's own id is the one asked for
    ],
)
def test_unique_ids_use_the_nfo_names(external: dict[str, str], expected: dict[str, str]) -> None:
    assert unique_ids(external, 603) == expected


@pytest.mark.parametrize(
    ("stored", "external", "expected"),
    [
        (None, {"imdb_id": "tt1"}, {"imdb": "tt1", "tmdb": "7"}),
        ({"imdb": "tt1", "tmdb": "7"}, {"imdb_id": "tt1"}, {"imdb": "tt1", "tmdb": "7"}),  # once: nothing changes
        ({"imdb_id": "tt1", "tvdb_id": "9", "tmdb": "7"}, {}, {"imdb": "tt1", "tvdb": "9", "tmdb": "7"}),  # renamed
        ({"imdb": "tt0", "wikidata_id": "Q1"}, {"wikidata_id": "Q2"}, {"imdb": "tt0", "wikidata": "Q2", "tmdb": "7"}),
        ({"anidb": "55", "tmdb": "1"}, {}, {"anidb": "55", "tmdb": "7"}),  # the NFO's other ids stay
    ],
)
def test_stored_unique_ids_end_up_in_one_vocabulary(
    stored: dict[str, Any] | None, external: dict[str, str], expected: dict[str, str]
) -> None:
    assert merge_unique_ids(stored, external, 7) == expected
