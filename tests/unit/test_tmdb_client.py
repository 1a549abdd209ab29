"""The TMDB client against the fake provider over a real loopback socket (no mocks)."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reelscan.providers.tmdb import (
    ProviderAuthError,
    ProviderError,
    ProviderNotFound,
    ProviderRateLimited,
    ProviderUnavailable,
    TmdbClient,
    TmdbCredentials,
    image_candidates,
    parse_movie_details,
    trailer_candidates,
)
from tests.fake_tmdb import API_KEY, FakeTmdb, sample_movie

MOVIES = [
    sample_movie(603, "The Matrix", 1999, "tt0133093"),
    sample_movie(949, "Heat", 1995, "tt0113277"),
    sample_movie(348, "Alien", 1979, "tt0078748"),
    sample_movie(1091, "The Thing", 1982, "tt0084787"),
    sample_movie(60935, "The Thing", 2011, "tt0905372"),
    sample_movie(11, "Star Wars: Episode IV - A New Hope", 1977, "tt0076759"),
    {
        **sample_movie(671, "Harry Potter and the Philosopher's Stone", 2001, "tt0241527"),
        "alternative_titles": {
            "DE": "Harry Potter und der Stein der Weisen",
            "FR": "Harry Potter à l'école des sorciers",
        },
    },
]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTmdb]:
    with FakeTmdb({m["id"]: m for m in MOVIES}) as server:
        yield server


@pytest.fixture(autouse=True)
def healthy(fake: FakeTmdb) -> Iterator[None]:
    fake.set_mode("ok")
    yield
    fake.set_mode("ok")


def make_client(fake: FakeTmdb, *, bearer: bool = False, timeout: float = 5.0, key: str = API_KEY) -> TmdbClient:
    credentials = TmdbCredentials(read_token=key) if bearer else TmdbCredentials(api_key=key)
    return TmdbClient(credentials, base_url=fake.base_url, timeout=timeout)


async def details_of(fake: FakeTmdb, tmdb_id: int) -> dict[str, Any]:
    async with make_client(fake) as tmdb:
        return await tmdb.movie_details(tmdb_id)


# --- details ---


async def test_details_are_parsed_into_metadata(fake: FakeTmdb) -> None:
    meta = parse_movie_details(await details_of(fake, 603))
    assert (meta.tmdb_id, meta.imdb_id, meta.title) == (603, "tt0133093", "The Matrix")
    assert (meta.runtime, meta.release_date) == (103, "1999-06-15")
    assert meta.certifications == {"US": "R", "DE": "16"}
    assert meta.genres == ["Action", "Drama"]
    assert meta.collection == "The Matrix Collection"
    assert [(c["name"], c["role"], c["order"]) for c in meta.cast] == [
        ("Lead Actor", "Hero", 0),
        ("Second Actor", "Friend", 1),
        ("Third Actor", "Villain", 2),
    ]
    assert meta.directors == ["Famous Director"] and meta.writers == ["Good Writer"]
    assert meta.studios == ["Fake Studios"] and meta.countries == ["United States of America"]
    assert (meta.rating, meta.votes) == (7.5, 1200)
    assert meta.external_ids["imdb_id"] == "tt0133093" and "id" not in meta.external_ids


async def test_details_request_appends_everything_in_one_call(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/movie/"))
    await details_of(fake, 949)
    calls = fake.api_requests("/3/movie/")[before:]
    assert len(calls) == 1
    assert calls[0].query["append_to_response"] == "credits,images,videos,release_dates,external_ids"
    assert calls[0].query["language"] == "en-US" and calls[0].query["include_image_language"] == "en,null,en"
    assert calls[0].query["include_video_language"] == "en,null,en"


@pytest.mark.parametrize(
    ("language", "wanted"),
    [("de-DE", "de,null,en"), ("fr-CA", "fr,null,en"), ("pt", "pt,null,en"), ("en-GB", "en,null,en")],
)
async def test_details_ask_for_trailers_in_the_users_language_too(fake: FakeTmdb, language: str, wanted: str) -> None:
    async with TmdbClient(TmdbCredentials(api_key=API_KEY), base_url=fake.base_url, language=language) as tmdb:
        await tmdb.movie_details(603)
    call = fake.api_requests("/3/movie/603")[-1]
    assert call.query["include_video_language"] == wanted and call.query["include_image_language"] == wanted
    assert call.query["language"] == language


async def test_image_candidates_map_posters_backdrops_and_logos(fake: FakeTmdb) -> None:
    images = image_candidates(await details_of(fake, 603))
    assert [(i.asset_type, i.file_path, i.language) for i in images] == [
        ("poster", "/p-603-en.jpg", "en"),
        ("poster", "/p-603-null.jpg", None),
        ("poster", "/p-603-de.jpg", "de"),
        ("fanart", "/b-603-1.jpg", None),
        ("fanart", "/b-603-2.jpg", None),
        ("clearlogo", "/l-603.png", "en"),
    ]
    first = images[0]
    assert (first.width, first.height, first.vote_average, first.vote_count) == (2000, 3000, 5.5, 10)
    assert first.aspect_ratio == pytest.approx(0.667, abs=0.001)


async def test_trailer_candidates_are_youtube_trailers_and_teasers(fake: FakeTmdb) -> None:
    trailers = trailer_candidates(await details_of(fake, 603))
    assert [(t.key, t.name, t.language, t.official, t.size) for t in trailers] == [
        ("yt603a", "Official Trailer", "en", True, 1080),
        ("yt603b", "Teaser", "en", True, 720),
    ]
    assert trailers[0].published_at == "1999-03-01T12:00:00.000Z"


# --- lookups ---


async def test_find_by_imdb(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        assert await tmdb.find_by_imdb("tt0133093") == 603
        assert await tmdb.find_by_imdb("tt9999999") is None
    assert fake.api_requests("/3/find/")[-1].query["external_source"] == "imdb_id"


async def test_search_picks_the_right_year_between_remakes(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        original = await tmdb.search_movie("The Thing", 1982)
        remake = await tmdb.search_movie("the thing", 2011)
    assert original is not None and (original.tmdb_id, original.year) == (1091, 1982)
    assert remake is not None and (remake.tmdb_id, remake.year) == (60935, 2011)
    assert fake.api_requests("/3/search/")[-1].query["year"] == "2011"


async def test_search_accepts_a_shorter_title_in_the_same_year(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        same_year = await tmdb.search_movie("Star Wars", 1977)
        no_year = await tmdb.search_movie("Star Wars", None)
    assert same_year is not None and (same_year.tmdb_id, same_year.year) == (11, 1977)
    assert no_year is None


async def test_a_title_in_another_language_matches_by_the_alternative_titles(fake: FakeTmdb) -> None:
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        german = await tmdb.search_movie("Harry Potter und der Stein der Weisen", 2001)
    assert german is not None and german.tmdb_id == 671
    paths = [r.path for r in fake.api_requests()[before:]]
    assert paths == ["/3/search/movie", "/3/movie/671/alternative_titles"]  # found with the year: no second search


async def test_a_title_that_matches_needs_no_alternative_titles(fake: FakeTmdb) -> None:
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        english = await tmdb.search_movie("Harry Potter and the Philosopher's Stone", 2001)
    assert english is not None and english.tmdb_id == 671
    assert [r.path for r in fake.api_requests()[before:]] == ["/3/search/movie"]


async def test_search_returns_none_for_a_nonsense_title(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        assert await tmdb.search_movie("Zzyzx Qwerty Blorf", 2001) is None
        assert await tmdb.search_movie("Zzyzx Qwerty Blorf", None) is None


async def test_search_tolerates_a_year_off_by_one_with_a_penalty(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        exact = await tmdb.search_movie("Heat", 1995)
        off_by_one = await tmdb.search_movie("Heat", 1996)
        two_off = await tmdb.search_movie("Heat", 1997)
    assert exact is not None and off_by_one is not None
    assert exact.tmdb_id == off_by_one.tmdb_id == 949
    assert off_by_one.score < exact.score
    assert two_off is None


async def test_search_without_a_year_needs_a_near_exact_title(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        alien = await tmdb.search_movie("Alien", None)
        vague = await tmdb.search_movie("Ali", None)
    assert alien is not None and alien.tmdb_id == 348
    assert vague is None


async def test_configuration_is_fetched_once_per_client(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/configuration"))
    async with make_client(fake) as tmdb:
        first = await tmdb.configuration()
        second = await tmdb.configuration()
    assert first == second and first["images"]["secure_base_url"].endswith("/t/p/")
    assert len(fake.api_requests("/3/configuration")) == before + 1


# --- credentials ---


async def test_api_key_is_sent_as_a_query_parameter(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        assert (await tmdb.movie_details(348))["title"] == "Alien"
    assert fake.api_requests("/3/movie/348")[-1].query["api_key"] == "***"


async def test_read_token_is_sent_as_a_bearer_token(fake: FakeTmdb) -> None:
    async with make_client(fake, bearer=True) as tmdb:
        assert (await tmdb.movie_details(949))["title"] == "Heat"
    assert "api_key" not in fake.api_requests("/3/movie/949")[-1].query


async def test_with_both_credentials_only_the_bearer_token_is_sent(fake: FakeTmdb) -> None:
    credentials = TmdbCredentials(api_key="key-that-would-show-in-urls", read_token=API_KEY)
    async with TmdbClient(credentials, base_url=fake.base_url) as tmdb:
        assert (await tmdb.movie_details(949))["title"] == "Heat"
    assert "api_key" not in fake.api_requests("/3/movie/949")[-1].query


def test_credentials_report_configured_and_never_print_secrets() -> None:
    assert not TmdbCredentials().configured
    assert TmdbCredentials(api_key="k").configured and TmdbCredentials(read_token="t").configured
    shown = repr(TmdbCredentials(api_key="secret-key", read_token="secret-token"))
    assert "secret" not in shown


async def test_recorded_requests_redact_the_key(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        await tmdb.find_by_imdb("tt0078748")
    assert fake.requests and all(API_KEY not in str(r.query) for r in fake.requests)
    assert {r.method for r in fake.requests} == {"GET"}


# --- errors ---


async def test_401_is_an_auth_error_without_the_key(fake: FakeTmdb) -> None:
    async with make_client(fake, key="wrong-secret-key") as tmdb:
        with pytest.raises(ProviderAuthError) as caught:
            await tmdb.movie_details(603)
    message = str(caught.value)
    assert message == "TMDB rejected the API key (401): check REELSCAN_TMDB_API_KEY"
    assert "wrong-secret-key" not in message and not caught.value.retryable


async def test_401_mode_is_an_auth_error(fake: FakeTmdb) -> None:
    fake.set_mode("401", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderAuthError):
            await tmdb.movie_details(603)
        assert (await tmdb.movie_details(603))["id"] == 603  # count=1: back to ok


@pytest.mark.parametrize(
    ("title", "year", "expected"),
    [
        ("Heat", 1995, 949),
        ("Heat", 1996, 949),  # the title again without the year
        ("The Thing", 2011, 60935),
        ("Zzyzx Qwerty Blorf", 2001, None),
    ],
)
async def test_an_unknown_nfo_id_falls_back_to_a_title_search(
    fake: FakeTmdb, title: str, year: int, expected: int | None
) -> None:
    async with make_client(fake) as tmdb:
        if expected is None:
            with pytest.raises(ProviderNotFound):
                await tmdb.movie_details_or_search(999999, title, year)
            return
        details, match = await tmdb.movie_details_or_search(999999, title, year)
    assert details["id"] == expected and match is not None and match.tmdb_id == expected
    assert fake.api_requests("/3/movie/")[-1].path == f"/3/movie/{expected}"


async def test_a_known_nfo_id_needs_no_search(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/search/"))
    async with make_client(fake) as tmdb:
        details, match = await tmdb.movie_details_or_search(603, "Something Else Entirely", 2020)
    assert details["id"] == 603 and match is None
    assert len(fake.api_requests("/3/search/")) == before


async def test_404_is_not_found(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderNotFound) as caught:
            await tmdb.movie_details(1)
    assert not caught.value.retryable and "/movie/1" in str(caught.value)


async def test_429_is_rate_limited_with_retry_after_from_the_header(fake: FakeTmdb) -> None:
    fake.set_mode("429", count=1, retry_after=7)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderRateLimited) as caught:
            await tmdb.movie_details(603)
    assert caught.value.retry_after == 7.0 and caught.value.retryable


async def test_500_is_unavailable(fake: FakeTmdb) -> None:
    fake.set_mode("500", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderUnavailable) as caught:
            await tmdb.movie_details(603)
    assert caught.value.retryable and "500" in str(caught.value)


async def test_slow_answer_times_out_quickly(fake: FakeTmdb) -> None:
    fake.set_mode("slow", count=1, delay=2)
    started = time.monotonic()
    async with make_client(fake, timeout=0.5) as tmdb:
        with pytest.raises(ProviderUnavailable, match=r"did not answer in 0\.5 s"):
            await tmdb.movie_details(603)
    assert time.monotonic() - started < 1.5


async def test_malformed_json_is_unavailable(fake: FakeTmdb) -> None:
    fake.set_mode("malformed", count=1)
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderUnavailable, match="malformed"):
            await tmdb.movie_details(603)


async def test_unreachable_server_is_unavailable_without_the_key() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        credentials = TmdbCredentials(api_key="secret-key-123")
        async with TmdbClient(credentials, base_url=f"http://127.0.0.1:{port}/3", timeout=2) as tmdb:
            with pytest.raises(ProviderUnavailable, match="cannot reach TMDB") as caught:
                await tmdb.configuration()
    assert "secret-key-123" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_provider_errors_share_a_base() -> None:
    for error in (ProviderAuthError, ProviderNotFound, ProviderRateLimited, ProviderUnavailable):
        assert issubclass(error, ProviderError)
    assert ProviderRateLimited("slow down").retry_after == 10.0


# --- images ---


async def test_the_configuration_base_url_plus_size_plus_path_serves_an_image(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        base = (await tmdb.configuration())["images"]["secure_base_url"]
    url, other = f"{base}w500/p-603-en.jpg", f"{base}original/p-603-de.jpg"
    assert url == f"http://127.0.0.1:{fake.port}/t/p/w500/p-603-en.jpg"
    async with httpx.AsyncClient() as http:
        first, second = await http.get(url), await http.get(other)
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert first.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert hashlib.sha256(first.content).digest() != hashlib.sha256(second.content).digest()


async def test_images_are_never_faulted(fake: FakeTmdb) -> None:
    fake.set_mode("500")
    async with make_client(fake) as tmdb:
        with pytest.raises(ProviderUnavailable):
            await tmdb.configuration()
    async with httpx.AsyncClient() as http:
        response = await http.get(f"http://127.0.0.1:{fake.port}/t/p/original/x.jpg")
    assert response.status_code == 200


async def test_search_once_is_one_call_unless_alternative_titles_are_asked_for(fake: FakeTmdb) -> None:
    title = "Harry Potter und der Stein der Weisen"
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        plain = await tmdb.search_once(title, 2001, filter_by_year=True)
        middle = len(fake.api_requests())
        looked = await tmdb.search_once(title, 2001, filter_by_year=True, alternative_lookups=2)
    assert plain is None and middle - before == 1
    assert looked is not None and looked.tmdb_id == 671 and len(fake.api_requests()) - middle == 2


async def test_search_candidates_are_the_results_whose_alternative_titles_may_match(fake: FakeTmdb) -> None:
    before = len(fake.api_requests())
    async with make_client(fake) as tmdb:
        match, results = await tmdb.search_candidates(
            "Harry Potter und der Stein der Weisen", 2001, filter_by_year=True
        )
        wrong_year, none = await tmdb.search_candidates(
            "Harry Potter und der Stein der Weisen", 1990, filter_by_year=False
        )
        english, no_need = await tmdb.search_candidates("Heat", 1995, filter_by_year=True)
    assert match is None and [r["id"] for r in results] == [671]
    assert (wrong_year, none) == (None, [])  # found, but dated too far from the year on disk
    assert english is not None and english.tmdb_id == 949 and no_need == []
    assert len(fake.api_requests()) - before == 3  # one search call each, no more


async def test_alternative_titles_of_one_result_are_one_call(fake: FakeTmdb) -> None:
    async with make_client(fake) as tmdb:
        _, [result] = await tmdb.search_candidates("Harry Potter und der Stein der Weisen", 2001, filter_by_year=True)
        before = len(fake.api_requests())
        german = await tmdb.match_alternative_titles("Harry Potter und der Stein der Weisen", 2001, result)
        french = await tmdb.match_alternative_titles("Harry Potter à l'école des sorciers", 2001, result)
        other = await tmdb.match_alternative_titles("Der Stein", 2001, result)
        off = await tmdb.match_alternative_titles("Harry Potter und der Stein der Weisen", 2005, result)
    assert german is not None and (german.tmdb_id, german.title) == (671, "Harry Potter and the Philosopher's Stone")
    assert french is not None and french.tmdb_id == 671
    assert other is None and off is None
    assert [r.path for r in fake.api_requests()[before:]] == ["/3/movie/671/alternative_titles"] * 4
