"""Season and episode numbers from TV file and folder names."""

from __future__ import annotations

import pytest

from reelscan.library.episodes import EpisodeMatch, parse_episode_name, parse_season_folder


@pytest.mark.parametrize(
    ("stem", "season", "episodes"),
    [
        ("Show S01E02", 1, (2,)),
        ("show.s01e02.720p.x264-GRP", 1, (2,)),
        ("Show - S1 E2 - Pilot", 1, (2,)),
    ],
)
def test_sxxexx(stem: str, season: int, episodes: tuple[int, ...]) -> None:
    match = parse_episode_name(stem)
    assert match is not None and (match.season, match.episodes) == (season, episodes)


def test_multi_episode_listed() -> None:
    assert parse_episode_name("show.s01e02e03") == EpisodeMatch(1, (2, 3), rule="sxxexx")


def test_multi_episode_range() -> None:
    match = parse_episode_name("Show S02E01-E03")
    assert match is not None and match.episodes == (1, 2, 3)


def test_year_after_episode_is_not_a_range() -> None:
    match = parse_episode_name("Show S01E05-2019")
    assert match is not None and match.episodes == (5,)


def test_cross_form() -> None:
    assert parse_episode_name("Show 1x02 Title") == EpisodeMatch(1, (2,), rule="cross")


def test_cross_form_multi_episode() -> None:
    match = parse_episode_name("Show 3x04x05")
    assert match is not None and (match.season, match.episodes) == (3, (4, 5))


def test_resolution_is_not_an_episode() -> None:
    assert parse_episode_name("Show 1920x1080 x264") is None


def test_season_n_episode_m() -> None:
    assert parse_episode_name("Show Season 1 Episode 2") == EpisodeMatch(1, (2,), rule="season-episode")


def test_air_date_takes_the_folder_season() -> None:
    assert parse_episode_name("The Daily Show 2024-03-01", 2024) == EpisodeMatch(
        2024, air_date="2024-03-01", rule="date"
    )


def test_impossible_date_is_unmatched() -> None:
    assert parse_episode_name("Show 2024-02-30") is None


def test_absolute_number_for_anime() -> None:
    assert parse_episode_name("[Group] Show - 112 [1080p]") == EpisodeMatch(None, absolute=112, rule="absolute")


def test_absolute_number_with_version() -> None:
    match = parse_episode_name("Show - 07v2")
    assert match is not None and match.absolute == 7


def test_year_after_dash_is_not_an_absolute_number() -> None:
    assert parse_episode_name("Show - 2019") is None


def test_episode_only_name_takes_the_folder_season() -> None:
    assert parse_episode_name("Episode 5", 2) == EpisodeMatch(2, (5,), rule="episode")


def test_episode_only_name_without_season_folder_is_unmatched() -> None:
    assert parse_episode_name("E05") is None


def test_leading_number_in_season_folder() -> None:
    assert parse_episode_name("05 - The Title", 3) == EpisodeMatch(3, (5,), rule="leading")


def test_name_without_numbers_is_unmatched() -> None:
    assert parse_episode_name("Behind the making of", 1) is None


@pytest.mark.parametrize("name", ["Extras", "Arc 1", "Season", "Season 1 2", "Show S01E01"])
def test_other_folder_names_are_no_season(name: str) -> None:
    assert parse_season_folder(name) is None
