"""The TMDB client against the fake provider over a real loopback socket."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from reelscan.providers.tmdb import (
    ProviderAuthError,
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


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTmdb]:
    movies = [
        sample_movie(603, "The Matrix", 1999, "tt0133093"),
        sample_movie(949, "Heat", 1995),
        sample_movie(1091, "The Thing", 1982),
        sample_movie(60935, "The Thing", 2011),
    ]
    with FakeTmdb(movies) as server:
        yield server


@pytest.fixture(autouse=True)
def healthy(fake: FakeTmdb) -> None:
    fake.set_mode("ok")


def client(fake: FakeTmdb, **kwargs: object) -> TmdbClient:
    credentials = (
        TmdbCredentials(api_key=API_KEY) if not kwargs.pop("bearer", False) else TmdbCredentials(read_token=API_KEY)
    )
    return TmdbClient(credentials, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


async def test_details_become_metadata_and_candidates(fake: FakeTmdb) -> None:
    async with client(fake) as tmdb:
        details = await tmdb.movie_details(603)
    meta = parse_movie_details(details)
    assert (meta.title, meta.imdb_id, meta.runtime, meta.release_date) == ("The Matrix", "tt0133093", 103, "1999-06-15")
    assert meta.certifications == {"US": "R", "DE": "16"}
    assert meta.genres == ["Action", "Drama"] and meta.collection == "The Matrix Collection"
    assert [c["name"] for c in meta.cast] == ["Lead Actor", "Second Actor", "Third Actor"]
    assert meta.directors == ["Famous Director"] and meta.writers == ["Good Writer"]
    kinds = [c.asset_type for c in image_candidates(details)]
    assert kinds.count("poster") == 3 and kinds.count("fanart") == 2 and kinds.count("clearlogo") == 1
    assert [t.key for t in trailer_candidates(details)] == ["yt603a", "yt603b"]


async def test_find_by_imdb_and_search_by_title_and_year(fake: FakeTmdb) -> None:
    async with client(fake) as tmdb:
        assert await tmdb.find_by_imdb("tt0133093") == 603
        assert await tmdb.find_by_imdb("tt9999999") is None
        remake = await tmdb.search_movie("The Thing", 2011)
        original = await tmdb.search_movie("The Thing", 1982)
        off_by_one = await tmdb.search_movie("Heat", 1996)
        nonsense = await tmdb.search_movie("Zzyzx Qwerty", 2001)
    assert remake is not None and remake.tmdb_id == 60935
    assert original is not None and original.tmdb_id == 1091
    assert off_by_one is not None and off_by_one.tmdb_id == 949
    assert nonsense is None


async def test_configuration_is_fetched_once(fake: FakeTmdb) -> None:
    before = len(fake.api_requests("/3/configuration"))
    async with client(fake) as tmdb:
        first = await tmdb.configuration()
        assert await tmdb.configuration() == first
    assert len(fake.api_requests("/3/configuration")) == before + 1


async def test_bearer_token_works_and_the_key_is_never_recorded(fake: FakeTmdb) -> None:
    async with client(fake, bearer=True) as tmdb:
        assert (await tmdb.movie_details(949))["title"] == "Heat"
    assert all(API_KEY not in str(r.query) for r in fake.requests)


async def test_errors_are_typed_and_never_show_the_key(fake: FakeTmdb) -> None:
    async with TmdbClient(TmdbCredentials(api_key="wrong-key"), base_url=fake.base_url) as tmdb:
        with pytest.raises(ProviderAuthError) as auth:
            await tmdb.movie_details(603)
    assert "wrong-key" not in str(auth.value) and not auth.value.retryable
    async with client(fake) as tmdb:
        with pytest.raises(ProviderNotFound):
            await tmdb.movie_details(1)
        fake.set_mode("429", count=1, retry_after=7)
        with pytest.raises(ProviderRateLimited) as limited:
            await tmdb.movie_details(603)
        assert limited.value.retry_after == 7
        fake.set_mode("500", count=1)
        with pytest.raises(ProviderUnavailable):
            await tmdb.movie_details(603)
        fake.set_mode("malformed", count=1)
        with pytest.raises(ProviderUnavailable, match="malformed"):
            await tmdb.movie_details(603)


async def test_slow_answers_time_out_quickly(fake: FakeTmdb) -> None:
    fake.set_mode("slow", count=1, delay=2)
    started = time.monotonic()
    async with client(fake, timeout=0.3) as tmdb:
        with pytest.raises(ProviderUnavailable, match="did not answer"):
            await tmdb.movie_details(603)
    assert time.monotonic() - started < 1.5


async def test_images_are_served(fake: FakeTmdb) -> None:
    async with client(fake) as tmdb:
        base = (await tmdb.configuration())["images"]["secure_base_url"]
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{base}original/p-603-en.jpg")
    assert response.content.startswith(b"\x89PNG")
