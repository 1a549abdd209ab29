"""The TMDB client's TV calls and parsers against the fake provider over a real loopback socket (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from activities import provider_calls
from reelscan.providers.tmdb import (
    TV_SEARCH,
    ProviderAuthError,
    ProviderNotFound,
    ProviderRateLimited,
    ProviderUnavailable,
)
from reelscan.providers.tmdb_tv import (
    parse_season,
    parse_series_details,
    season_image_candidates,
    series_image_candidates,
)
from tests.fake_tmdb import API_KEY, FakeTmdb, is_tv_library, sample_movie, sample_series, series_for_library
from tests.unit.test_tmdb_client import make_client

MONEY_HEIST = sample_series(71446, "Money Heist", 2017, {1: 9, 2: 6}, tvdb_id=327417, imdb_id="tt6468322")
MONEY_HEIST["original_name"] = "La casa de papel"
MONEY_HEIST["alternative_titles"] = {"DE": "Haus des Geldes"}
SERIES = [
    sample_series(1396, "Breaking Bad", 2008, {0: 2, 1: 7, 2: 13}, tvdb_id=81189, imdb_id="tt0903747"),
    sample_series(1399, "Game of Thrones", 2011, {1: 10}, tvdb_id=121361, imdb_id="tt0944947"),
    sample_series(4614, "NCIS", 2003, {1: 23}),
    sample_series(33907, "Doctor Who", 1963, {1: 42}, tvdb_id=76107),
    sample_series(57243, "Doctor Who", 2005, {1: 13}, tvdb_id=78804),
    MONEY_HEIST,
]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTmdb]:
    with FakeTmdb([sample_movie(603, "The Matrix", 1999, "tt0133093")], series=SERIES) as server:
        yield server


@pytest.fixture(autouse=True)
def faults_off_afterwards(fake: FakeTmdb) -> Iterator[None]:
    yield
    fake.set_mode("ok")  # the server starts without faults; each test switches its own off


async def tv_details(fake: FakeTmdb, tmdb_id: int) -> dict[str, Any]:
    async with make_client(fake) as tmdb:
        return await tmdb.tv_details(tmdb_id)


async def tv_season(fake: FakeTmdb, tmdb_id: int, season_number: int) -> dict[str, Any]:
    async with make_client(fake) as tmdb:
        return await tmdb.tv_season(tmdb_id, season_number)


# --- details and seasons ---


async def test_series_details_are_parsed_into_metadata(fake: FakeTmdb) -> None:
    meta = parse_series_details(await tv_details(fake, 1396))
    assert (meta.tmdb_id, meta.imdb_id, meta.tvdb_id) == (1396, "tt0903747", 81189)
    assert (meta.title, meta.original_title) == ("Breaking Bad", "Breaking Bad")
    assert (meta.first_air_date, meta.year, meta.status) == ("2008-09-01", 2008, "Returning Series")
    assert meta.overview == "Breaking Bad is a series first aired in 2008."
    assert meta.genres == ["Drama", "Crime"]
    assert (meta.networks, meta.studios) == (["Fake Network"], ["Fake Studios"])
    assert meta.seasons == {0: 2, 1: 7, 2: 13}
    assert meta.certifications == {"US": "TV-MA", "DE": "16"}
    assert [c["name"] for c in meta.cast] == ["Lead Actor", "Second Actor", "Third Actor"]
    assert (meta.rating, meta.votes) == (8.5, 900)
    assert meta.external_ids == {"imdb_id": "tt0903747", "tvdb_id": "81189", "wikidata_id": "Q1396"}


async def test_series_without_external_ids_has_none(fake: FakeTmdb) -> None:
    meta = parse_series_details(await tv_details(fake, 4614))
    assert (meta.imdb_id, meta.tvdb_id) == (None, None)
    assert meta.external_ids == {"wikidata_id": "Q4614"}


async def test_details_and_season_requests_append_in_one_call(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/tv/"))
    await tv_details(fake, 1399)
    await tv_season(fake, 1399, 1)
    details, season = fake.api_requests("/3/tv/")[before:]
    assert details.path == "/3/tv/1399" and season.path == "/3/tv/1399/season/1"
    assert details.query["append_to_response"] == "credits,aggregate_credits,images,videos,content_ratings,external_ids"
    assert season.query["append_to_response"] == "images"
    for call in (details, season):
        assert call.query["language"] == "en-US" and call.query["include_image_language"] == "en,null,en"
        assert call.query["include_video_language"] == "en,null,en"


async def test_season_is_parsed_into_episodes(fake: FakeTmdb) -> None:
    episodes = parse_season(await tv_season(fake, 1396, 2))
    assert [e.episode for e in episodes] == list(range(1, 14))
    third = episodes[2]
    assert (third.season, third.episode, third.title) == (2, 3, "Breaking Bad S02E03 title")
    assert (third.air_date, third.still_path) == ("2009-09-15", "/s-tv1396-s02e03.jpg")
    assert third.overview == "Episode 3 of season 2 of Breaking Bad."
    assert (third.tmdb_id, third.runtime, third.rating, third.votes) == (13960203, 45, 7.0, 13)


async def test_specials_are_season_zero(fake: FakeTmdb) -> None:
    episodes = parse_season(await tv_season(fake, 1396, 0))
    assert [(e.season, e.episode, e.title) for e in episodes] == [
        (0, 1, "Breaking Bad S00E01 title"),
        (0, 2, "Breaking Bad S00E02 title"),
    ]


def test_season_parsing_skips_unnumbered_rows_and_falls_back_to_the_season_number() -> None:
    details = {
        "season_number": 4,
        "episodes": [
            {"episode_number": 2, "name": "Two", "air_date": "", "still_path": None},
            {"name": "no number"},
            "not a row",
            {"episode_number": 1, "season_number": 4, "name": "One", "runtime": 0},
        ],
    }
    assert [(e.season, e.episode, e.title, e.air_date, e.still_path, e.runtime) for e in parse_season(details)] == [
        (4, 1, "One", None, None, None),
        (4, 2, "Two", None, None, None),
    ]


async def test_series_image_candidates_are_posters_backdrops_and_logos(fake: FakeTmdb) -> None:
    images = series_image_candidates(await tv_details(fake, 1396))
    assert [(i.asset_type, i.file_path, i.language) for i in images] == [
        ("poster", "/p-tv1396-en.jpg", "en"),
        ("poster", "/p-tv1396-null.jpg", None),
        ("poster", "/p-tv1396-de.jpg", "de"),
        ("fanart", "/b-tv1396-1.jpg", None),
        ("fanart", "/b-tv1396-2.jpg", None),
        ("clearlogo", "/l-tv1396.png", "en"),
    ]
    assert images[0].aspect_ratio == pytest.approx(0.667, abs=0.001)


async def test_season_image_candidates_are_posters(fake: FakeTmdb) -> None:
    images = season_image_candidates(await tv_season(fake, 1396, 1))
    assert [(i.asset_type, i.file_path, i.language, i.width) for i in images] == [
        ("poster", "/p-tv1396-s01-en.jpg", "en", 2000),
        ("poster", "/p-tv1396-s01-null.jpg", None, 1000),
    ]


async def test_unknown_season_is_not_found(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderNotFound) as caught:
            await tmdb.tv_season(1399, 9)
    assert "/tv/1399/season/9" in str(caught.value) and not caught.value.retryable


# --- search ---


async def test_a_series_named_in_another_language_matches_by_its_alternative_titles(fake: FakeTmdb) -> None:
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        match = await tmdb.search_tv("Haus des Geldes", 2017)
    assert match is not None and match.tmdb_id == 71446
    assert "/3/tv/71446/alternative_titles" in [r.path for r in fake.api_requests()[before:]]


async def test_series_search_candidates_are_the_results_whose_alternative_titles_may_match(fake: FakeTmdb) -> None:
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        match, results = await tmdb.search_candidates("Haus des Geldes", 2017, filter_by_year=True, kind=TV_SEARCH)
        far, none = await tmdb.search_candidates("Haus des Geldes", 2005, filter_by_year=False, kind=TV_SEARCH)
        named, no_need = await tmdb.search_candidates("Breaking Bad", 2008, filter_by_year=True, kind=TV_SEARCH)
    assert match is None and [r["id"] for r in results] == [71446]
    assert (far, none) == (None, [])  # found, but first aired too far from the year on disk
    assert named is not None and named.tmdb_id == 1396 and no_need == []
    assert [r.path for r in fake.api_requests()[before:]] == ["/3/search/tv"] * 3  # no alternative titles yet


async def test_a_series_alternative_titles_are_one_call(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        _, [result] = await tmdb.search_candidates("Haus des Geldes", 2017, filter_by_year=True, kind=TV_SEARCH)
        before = len(fake.api_requests())
        german = await tmdb.match_alternative_titles("Haus des Geldes", 2017, result, kind=TV_SEARCH)
        other = await tmdb.match_alternative_titles("Das Geld", 2017, result, kind=TV_SEARCH)
        off = await tmdb.match_alternative_titles("Haus des Geldes", 2012, result, kind=TV_SEARCH)
    assert german is not None and (german.tmdb_id, german.title) == (71446, "Money Heist")
    assert other is None and off is None
    assert [r.path for r in fake.api_requests()[before:]] == ["/3/tv/71446/alternative_titles"] * 3


def test_a_series_candidate_carries_what_matching_reads() -> None:
    """The activities send a search result to the workflow and back as a SearchCandidate: nothing matching reads
    may be lost on the way."""
    result = {"id": 71446, "name": "Money Heist", "original_name": "La casa de papel", "first_air_date": "2017-05-02"}
    candidate = provider_calls._candidate({**result, "popularity": 55.5}, TV_SEARCH)
    assert (candidate.title, candidate.original_title, candidate.release_date) == (
        "Money Heist",
        "La casa de papel",
        "2017-05-02",
    )
    assert provider_calls._search_result(candidate, TV_SEARCH) == {**result, "popularity": 55.5}
    movie = provider_calls._candidate({"id": 671, "title": "Harry", "original_title": "Harry", "release_date": "2001"})
    assert provider_calls._search_result(movie)["release_date"] == "2001"


async def test_search_tv_with_the_year_is_one_call(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/search/tv"))
    async with make_client(fake) as tmdb:
        match = await tmdb.search_tv("Breaking Bad", 2008)
    assert match is not None and (match.tmdb_id, match.title, match.year, match.score) == (
        1396,
        "Breaking Bad",
        2008,
        1,
    )
    calls = fake.api_requests("/3/search/tv")[before:]
    assert len(calls) == 1 and calls[0].query["first_air_date_year"] == "2008" and "year" not in calls[0].query


async def test_search_tv_retries_without_the_year_and_penalises_one_year_off(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/search/tv"))
    async with make_client(fake) as tmdb:
        match = await tmdb.search_tv("breaking bad", 2007)
    assert match is not None and (match.tmdb_id, match.year) == (1396, 2008) and match.score < 1
    first, second = fake.api_requests("/3/search/tv")[before:]
    assert first.query["first_air_date_year"] == "2007" and "first_air_date_year" not in second.query


async def test_search_tv_picks_the_right_year_between_same_names(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        classic = await tmdb.search_tv("Doctor Who", 1963)
        revival = await tmdb.search_tv("Doctor Who", 2005)
        unknown_year = await tmdb.search_tv("Doctor Who", 1990)
    assert classic is not None and classic.tmdb_id == 33907
    assert revival is not None and revival.tmdb_id == 57243
    assert unknown_year is None


async def test_search_tv_matches_the_original_name(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        match = await tmdb.search_tv("La Casa de Papel", 2017)
    assert match is not None and (match.tmdb_id, match.title) == (71446, "Money Heist")


async def test_search_tv_records_no_match_for_a_poor_result(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/search/tv"))
    async with make_client(fake) as tmdb:
        partial = await tmdb.search_tv("Bad", 2008)  # the fake finds "Breaking Bad": too far from "Bad"
        vague = await tmdb.search_tv("Breaking", None)  # no year: needs a near-exact name
        nonsense = await tmdb.search_tv("Zzyzx Qwerty Blorf", 2001)
        blank = await tmdb.search_tv("  ", 2001)
    assert (partial, vague, nonsense, blank) == (None, None, None, None)
    calls = fake.api_requests("/3/search/tv")[before:]
    assert [c.query["query"] for c in calls] == ["Bad", "Bad", "Breaking", "Zzyzx Qwerty Blorf", "Zzyzx Qwerty Blorf"]
    assert "first_air_date_year" not in calls[2].query


async def test_movie_search_does_not_see_series(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        assert await tmdb.search_movie("Breaking Bad", 2008) is None
        assert await tmdb.search_tv("The Matrix", 1999) is None


# --- find ---


async def test_find_tv_by_tvdb_and_imdb_id(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        assert await tmdb.find_tv_by_external_id(81189, "tvdb_id") == 1396
        assert await tmdb.find_tv_by_external_id("78804", "tvdb_id") == 57243
        assert await tmdb.find_tv_by_external_id("tt0944947", "imdb_id") == 1399
        assert await tmdb.find_tv_by_external_id("999999", "tvdb_id") is None
        assert await tmdb.find_by_imdb("tt0903747") is None  # a series, not a movie
        assert await tmdb.find_tv_by_external_id("tt0133093", "imdb_id") is None  # a movie, not a series
    calls = fake.api_requests("/3/find/")[-6:]
    assert [(c.path, c.query["external_source"]) for c in calls[:3]] == [
        ("/3/find/81189", "tvdb_id"),
        ("/3/find/78804", "tvdb_id"),
        ("/3/find/tt0944947", "imdb_id"),
    ]


async def test_find_tv_refuses_malformed_ids_without_a_call(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/find/"))
    async with make_client(fake) as tmdb:
        assert await tmdb.find_tv_by_external_id("81189/../../movie/603", "tvdb_id") is None
        assert await tmdb.find_tv_by_external_id("0", "tvdb_id") is None
        assert await tmdb.find_tv_by_external_id("81189", "imdb_id") is None
        assert await tmdb.find_tv_by_external_id("tt0903747", "tvdb_id") is None
        with pytest.raises(ValueError, match="unknown external source"):
            await tmdb.find_tv_by_external_id("81189", "tmdb_id")
    assert len(fake.api_requests("/3/find/")) == before


# --- errors ---


async def test_unknown_series_is_not_found(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderNotFound) as caught:
            await tmdb.tv_details(1)
    assert str(caught.value) == "TMDB has nothing at /tv/1 (404)"


async def test_404_mode_on_a_search_is_not_found(fake: FakeTmdb) -> None:
    fake.set_mode("404", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderNotFound):
            await tmdb.search_tv("Breaking Bad", 2008)
        assert await tmdb.search_tv("Breaking Bad", 2008) is not None  # count=1: back to ok


async def test_429_on_a_season_is_rate_limited_with_retry_after(fake: FakeTmdb) -> None:
    fake.set_mode("429", count=1, retry_after=7)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderRateLimited) as caught:
            await tmdb.tv_season(1396, 1)
        assert parse_season(await tmdb.tv_season(1396, 1))
    assert caught.value.retry_after == 7.0 and caught.value.retryable
    assert "/tv/1396/season/1" in str(caught.value)


async def test_500_on_find_is_unavailable(fake: FakeTmdb) -> None:
    fake.set_mode("500", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderUnavailable) as caught:
            await tmdb.find_tv_by_external_id(81189, "tvdb_id")
    assert caught.value.retryable and "500" in str(caught.value)


async def test_malformed_series_is_unavailable(fake: FakeTmdb) -> None:
    fake.set_mode("malformed", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderUnavailable, match="malformed"):
            await tmdb.tv_details(1396)


async def test_faults_can_target_tv_paths_only(fake: FakeTmdb) -> None:
    fake.set_mode("500", path_prefix="/3/tv/")
    async with make_client(fake) as tmdb:
        assert (await tmdb.movie_details(603))["id"] == 603
        assert await tmdb.search_tv("NCIS", 2003) is not None
        with pytest.raises(ProviderUnavailable):
            await tmdb.tv_details(4614)


@pytest.mark.parametrize("mode", ["401", "404", "429", "500", "malformed"])
@pytest.mark.parametrize("bearer", [False, True])
async def test_error_messages_never_contain_the_key(fake: FakeTmdb, mode: str, bearer: bool) -> None:
    fake.set_mode(mode)
    messages = []
    async with make_client(fake, bearer=bearer) as tmdb:
        for call in (
            tmdb.tv_details(1396),
            tmdb.tv_season(1396, 1),
            tmdb.search_tv("Breaking Bad", 2008),
            tmdb.find_tv_by_external_id(81189, "tvdb_id"),
        ):
            with pytest.raises(Exception) as caught:  # every call fails; the message is checked
                await call
            messages.append(str(caught.value))
    assert len(messages) == 4 and all(API_KEY not in m for m in messages)
    assert all(API_KEY not in str(r.query) for r in fake.requests)


async def test_wrong_key_is_an_auth_error_without_the_key(fake: FakeTmdb) -> None:
    async with make_client(fake, key="wrong-secret-key") as tmdb:
        with pytest.raises(ProviderAuthError) as caught:
            await tmdb.tv_season(1396, 1)
    assert "wrong-secret-key" not in str(caught.value) and not caught.value.retryable


# --- the fake's catalogue from a TV library ---


def write(path: Path, content: str = "video") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def tv_library(root: Path) -> Path:
    write(
        root / "The Wire/tvshow.nfo",
        "<tvshow><title>The Wire</title><premiered>2002-06-02</premiered>"
        '<uniqueid type="tmdb">1438</uniqueid><uniqueid type="tvdb">79126</uniqueid>'
        '<uniqueid type="imdb">tt0306414</uniqueid></tvshow>',
    )
    for name in ("The Wire S01E01.mkv", "The Wire S01E12.mkv"):
        write(root / "The Wire/Season 01" / name)
    write(root / "The Wire/Season 02/The Wire S02E03.mkv")
    write(root / "Anime/Cowboy Bebop (1998)/tvshow.nfo", "<tvshow><title>Cowboy Bebop</title></tvshow>")
    write(root / "Anime/Cowboy Bebop (1998)/Specials/readme.txt")
    write(root / "No Nfo Show/Season 1/No Nfo Show S01E01.mkv")
    return root


def test_series_for_library_reads_tvshow_nfos(tmp_path: Path) -> None:
    root = tv_library(tmp_path / "TV")
    assert is_tv_library(root) and not is_tv_library(tmp_path / "TV/No Nfo Show")
    by_name = {s["name"]: s for s in series_for_library(root)}
    assert set(by_name) == {"The Wire", "Cowboy Bebop"}
    wire, bebop = by_name["The Wire"], by_name["Cowboy Bebop"]
    assert (wire["id"], wire["first_air_date"]) == (1438, "2002-06-02")
    assert wire["external_ids"]["tvdb_id"] == 79126 and wire["external_ids"]["imdb_id"] == "tt0306414"
    assert [(s["season_number"], s["episode_count"]) for s in wire["seasons"]] == [(1, 12), (2, 3)]
    assert bebop["id"] > 200000 and bebop["first_air_date"].startswith("1998")
    assert [(s["season_number"], s["episode_count"]) for s in bebop["seasons"]] == [(0, 10)]  # "Specials"


async def test_a_library_catalogue_is_served_end_to_end(tmp_path: Path) -> None:
    with FakeTmdb(series=series_for_library(tv_library(tmp_path / "TV"))) as server:
        async with make_client(server, bearer=True) as tmdb:
            tmdb_id = await tmdb.find_tv_by_external_id(79126, "tvdb_id")
            match = await tmdb.search_tv("Cowboy Bebop", 1998)
            assert tmdb_id == 1438 and match is not None
            meta = parse_series_details(await tmdb.tv_details(tmdb_id))
            episodes = parse_season(await tmdb.tv_season(tmdb_id, 1))
    assert (meta.title, meta.year, meta.seasons) == ("The Wire", 2002, {1: 12, 2: 3})
    assert len(episodes) == 12 and episodes[-1].title == "The Wire S01E12 title"
    assert episodes[0].air_date == "2002-09-01"


AGGREGATE = {
    "cast": [
        {
            "name": "Guest Star",
            "order": 2,
            "total_episode_count": 3,
            "roles": [{"character": "Neighbour", "episode_count": 3}],
        },
        {
            "name": "Lead Actor",
            "order": 0,
            "total_episode_count": 62,
            "roles": [{"character": "Young Hero", "episode_count": 7}, {"character": "Hero", "episode_count": 55}],
        },
        {"name": "Left Early", "order": 1, "total_episode_count": 10, "roles": [{"character": "Partner"}]},
        {"name": "", "order": 3, "roles": []},
        {"name": "No Order", "roles": [{"character": "", "episode_count": 1}]},
    ]
}


@pytest.mark.parametrize(
    ("appended", "expected"),
    [
        (
            {"aggregate_credits": AGGREGATE},
            [
                ("Lead Actor", "Hero", 0),
                ("Left Early", "Partner", 1),
                ("Guest Star", "Neighbour", 2),
                ("No Order", None, 3),
            ],
        ),
        (
            {"aggregate_credits": {"cast": []}},
            [("Lead Actor", "Hero", 0), ("Second Actor", "Friend", 1), ("Third Actor", "Villain", 2)],
        ),
        ({}, [("Lead Actor", "Hero", 0), ("Second Actor", "Friend", 1), ("Third Actor", "Villain", 2)]),
    ],
)
async def test_series_cast_comes_from_every_season(
    fake: FakeTmdb, appended: dict[str, Any], expected: list[tuple[str, str | None, int]]
) -> None:
    fake.add_series({**sample_series(424242, "Long Runner", 2001), **appended})
    meta = parse_series_details(await tv_details(fake, 424242))
    assert [(c["name"], c["role"], c["order"]) for c in meta.cast] == expected


@pytest.mark.parametrize(
    ("stored_id", "title", "year", "expected", "searched"),
    [
        (1396, "Something Else", 2020, 1396, False),  # a known id needs no search
        (999999, "Breaking Bad", 2008, 1396, True),
        (999999, "Doctor Who", 2005, 57243, True),  # the year tells the revival from the original
        (999999, "Zzyzx Qwerty Blorf", 2001, None, False),
    ],
)
async def test_an_unknown_series_id_falls_back_to_a_title_search(
    fake: FakeTmdb, stored_id: int, title: str, year: int, expected: int | None, searched: bool
) -> None:
    async with make_client(fake) as tmdb:
        if expected is None:
            with pytest.raises(ProviderNotFound):
                await tmdb.tv_details_or_search(stored_id, title, year)
            return
        details, match = await tmdb.tv_details_or_search(stored_id, title, year)
    assert details["id"] == expected
    assert (match.tmdb_id if match else None) == (expected if searched else None)
    assert fake.api_requests("/3/tv/")[-1].path == f"/3/tv/{expected}"
