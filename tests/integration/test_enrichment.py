"""Phase 4 against the fake TMDB over loopback: metadata, locks, candidates, selection, rate limits, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from temporalio.client import Client

from reelscan.db.models import AssetCandidate, Movie
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library, sample_movie
from tests.integration.scanning import (
    children_started,
    detached,
    finish,
    reconfigure,
    running_workers,
    scan,
    scan_runs,
    start,
)
from tests.library_builder import build_bulk_library, build_library

ENRICH = ScanOptions(enable_enrichment=True)


@pytest.fixture
def fake() -> Iterator[FakeTmdb]:
    with FakeTmdb() as server:
        yield server


def configure(monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb, **values: str) -> Settings:
    defaults = {
        "tmdb_api_key": API_KEY,
        "tmdb_base_url": fake.base_url,
        "tmdb_requests_per_second": "50",
        "provider_retry_attempts": "2",
        "provider_pause_seconds": "2",
        "tmdb_timeout_seconds": "2",
    }
    return reconfigure(monkeypatch, **{**defaults, **values})


def known_library(fake: FakeTmdb, root: Path, count: int) -> None:
    """`count` movie folders without artwork, every movie of them known to the fake TMDB."""
    build_bulk_library(root, count, with_assets=False)
    for movie in movies_for_library(root):
        fake.add_movie(movie)


def movies(settings: Settings) -> dict[str, Movie]:
    return {m.directory: m for m in detached(settings, select(Movie))}


def candidates(settings: Settings, movie_id: int) -> list[AssetCandidate]:
    return detached(settings, select(AssetCandidate).where(AssetCandidate.movie_id == movie_id))


async def test_enrichment_fills_metadata_keeps_locks_and_selects_artwork(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    library = build_library(tmp_path / "Movies")
    (tmp_path / "Movies" / "Nowhere Film (1933)").mkdir()
    (tmp_path / "Movies" / "Nowhere Film (1933)" / "m.mp4").write_bytes(b"\x00" * 10)
    for movie in movies_for_library(library.root):
        if movie["title"] != "Nowhere Film":
            fake.add_movie(movie)
    settings = configure(monkeypatch, fake)
    await scan(client, settings, library.root, ScanOptions(enable_enrichment=False))
    with session_scope(settings.resolved_database_url) as session:
        session.execute(
            update(Movie)
            .where(Movie.directory == "The Matrix (1999)")
            .values(title="My Matrix", title_locked=True, plot_locked=True, plot="My own plot")
        )

    message = await scan(client, settings, library.root, ENRICH)

    assert message["phase"] == "completed", message
    found = movies(settings)
    enriching = message["progress"]["enriching"]
    assert enriching["queued"] == enriching["completed"] == len(found)
    matrix = found["The Matrix (1999)"]
    assert (matrix.title, matrix.plot) == ("My Matrix", "My own plot")  # locked
    assert matrix.state == "enriched" and matrix.tagline == "The The Matrix tagline."
    assert matrix.certifications == {"US": "R", "DE": "16"} and matrix.mpaa == "R"
    assert matrix.genres == ["Action", "Drama"] and matrix.set_name == "The Matrix Collection"
    assert matrix.provider_match == "nfo"
    alien_id = next(m["id"] for m in fake.movies.values() if m.get("imdb_id") == "tt0078748")
    assert found["Alien (1979)"].provider_match == "imdb" and found["Alien (1979)"].tmdb_id == alien_id
    assert found["Casablanca (1942)"].provider_match == "search" and found["Casablanca (1942)"].state == "enriched"
    nowhere = found["Nowhere Film (1933)"]
    assert nowhere.state == "unmatched" and "no TMDB match" in (nowhere.enrichment_error or "")

    # Candidates: every provider image and trailer, plus the local files; local artwork wins.
    matrix_candidates = candidates(settings, matrix.id)
    provider = [c for c in matrix_candidates if c.source == "tmdb"]
    assert sorted(c.asset_type for c in provider) == [
        "clearlogo",
        "fanart",
        "fanart",
        "poster",
        "poster",
        "poster",
        "trailer",
        "trailer",
    ]
    by_id = {c.id: c for c in matrix_candidates}
    assert by_id[matrix.poster_id or 0].source == "local" and by_id[matrix.poster_id or 0].provider_path.endswith(
        "poster.jpg"
    )
    # A movie without local art gets the English poster: preferred language beats more votes in German.
    casablanca = found["Casablanca (1942)"]
    chosen = {c.id: c for c in candidates(settings, casablanca.id)}[casablanca.poster_id or 0]
    assert chosen.source == "tmdb" and chosen.provider_path.endswith("-en.jpg")
    assert chosen.cache_path and (settings.resolved_cache_dir / chosen.cache_path).exists()
    caching = message["progress"]["caching"]
    assert caching["cached"] == caching["queued"] > library.assets_total
    assert not list((settings.data_dir / "downloads").rglob("*.*"))

    # Selection is deterministic: enriching again chooses the same artwork.
    await scan(client, settings, library.root, ENRICH)
    assert movies(settings)["Casablanca (1942)"].poster_id == casablanca.poster_id


async def test_requests_never_exceed_the_rate_limit(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    known_library(fake, tmp_path / "Movies", 20)
    settings = configure(monkeypatch, fake, tmdb_requests_per_second="4")
    message = await scan(client, settings, tmp_path / "Movies", ENRICH)

    assert message["phase"] == "completed" and message["progress"]["enriching"]["completed"] == 20
    times = sorted(r.at for r in fake.api_requests())
    assert len(times) >= 40 and times[-1] - times[0] > 10
    worst = max(sum(1 for t in times if start <= t < start + 10.0) for start in times)
    assert worst <= 40, f"{worst} requests in a 10 s window at 4 requests/s"


async def test_429_retry_after_delays_the_next_attempt(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    known_library(fake, tmp_path / "Movies", 1)
    settings = configure(monkeypatch, fake, provider_retry_attempts="3")
    fake.set_mode("429", count=2, retry_after=2)
    message = await scan(client, settings, tmp_path / "Movies", ENRICH)

    assert message["phase"] == "completed" and message["progress"]["enriching"]["failed"] == 0
    api = fake.api_requests()
    assert api[1].at - api[0].at >= 2.0 and api[2].at - api[1].at >= 2.0


async def test_provider_outage_pauses_on_a_durable_timer_then_completes(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    known_library(fake, tmp_path / "Movies", 6)
    settings = configure(monkeypatch, fake, provider_failure_threshold="2", enrich_window="2")
    fake.set_mode("500", count=4, path_prefix="/3/search/")
    seen: list[str] = []
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies", ENRICH)
        handle = client.get_workflow_handle(started.workflow_id)
        while True:
            progress = await handle.query("progress")
            seen.append(progress["currentOperation"])
            if progress["phase"] in ("completed", "failed", "cancelled"):
                break
            await asyncio.sleep(0.05)
        message = await finish(client, started)

    assert any(op.startswith("Waiting for provider until") for op in seen)
    assert message["phase"] == "completed"
    assert message["progress"]["enriching"] == {**message["progress"]["enriching"], "completed": 6, "failed": 0}
    assert all(m.state == "enriched" for m in movies(settings).values())


async def test_exhausted_retries_mark_enrichment_failed_and_the_scan_completes(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    known_library(fake, tmp_path / "Movies", 3)
    settings = configure(monkeypatch, fake, provider_failure_threshold="100")
    fake.set_mode("500", path_prefix="/3/search/")
    message = await scan(client, settings, tmp_path / "Movies", ENRICH)

    assert message["phase"] == "completed"
    assert message["progress"]["enriching"]["failed"] == 3 and message["stats"]["errorsCount"] == 3
    states = {m.state for m in movies(settings).values()}
    assert states == {"enrichment_failed"}
    assert all("500" in (m.enrichment_error or "") for m in movies(settings).values())


async def test_no_key_skips_enrichment_with_one_clear_line(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 2, with_assets=False)
    message = await scan(client, sqlite_settings, tmp_path / "Movies", ENRICH)
    assert message["phase"] == "completed"
    assert message["notice"].startswith("Metadata enrichment skipped: no TMDB credentials configured")


async def test_cancel_during_enrichment(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    known_library(fake, tmp_path / "Movies", 40)
    settings = configure(monkeypatch, fake, tmdb_requests_per_second="4")
    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies", ENRICH)
        handle = client.get_workflow_handle(started.workflow_id)
        for _ in range(600):
            progress = await handle.query("progress")
            if progress["phase"] == "enriching" and progress["progress"]["enriching"]["completed"] >= 2:
                break
            await asyncio.sleep(0.05)
        await handle.signal("cancel")
        message = await finish(client, started)
    assert message["phase"] == "cancelled"
    assert 2 <= message["progress"]["enriching"]["completed"] < 40
    assert message["stats"]["moviesFound"] == 40


async def test_the_api_key_never_reaches_workflow_history(
    client: Client,
    sqlite_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeTmdb,
    caplog: pytest.LogCaptureFixture,
) -> None:
    known_library(fake, tmp_path / "Movies", 2)
    settings = configure(monkeypatch, fake)
    fake.set_mode("401", count=1, path_prefix="/3/search/")
    message = await scan(client, settings, tmp_path / "Movies", ENRICH)

    # The scan's runs and every child, from the histories (list_workflows may not list the latest children yet).
    runs = await scan_runs(client, message["workflowId"])
    histories = [run.to_json() for run in runs]
    for child_id, run_id in children_started(runs):
        histories.append((await client.get_workflow_handle(child_id, run_id=run_id).fetch_history()).to_json())
    text = "\n".join(histories)
    assert len(histories) >= 3 and "fetch_provider_details" in text
    assert API_KEY not in text and API_KEY not in caplog.text
    assert API_KEY not in json.dumps(message)


async def test_an_nfo_id_tmdb_does_not_know_falls_back_to_a_title_search(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    root = tmp_path / "Movies"
    (root / "Heat (1995)").mkdir(parents=True)
    (root / "Heat (1995)" / "Heat.mp4").write_bytes(b"\x00" * 10)
    (root / "Heat (1995)" / "movie.nfo").write_text(
        '<movie><title>Heat</title><year>1995</year><uniqueid type="tmdb">999999</uniqueid></movie>'
    )
    fake.add_movie(sample_movie(949, "Heat", 1995))  # TMDB knows Heat, under another id than the NFO's
    settings = configure(monkeypatch, fake)

    message = await scan(client, settings, root, ENRICH)

    assert message["phase"] == "completed", message
    heat = movies(settings)["Heat (1995)"]
    assert (heat.state, heat.tmdb_id, heat.provider_match) == ("enriched", 949, "search")
    assert heat.tagline == "The Heat tagline."
    paths = [r.path for r in fake.api_requests()]
    assert "/3/movie/999999" in paths and paths.index("/3/movie/999999") < paths.index("/3/movie/949")


async def test_a_title_tmdb_lists_only_among_its_alternative_titles_is_matched_by_them(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTmdb
) -> None:
    root = tmp_path / "Movies"
    for folder in ["Harry Potter und der Stein der Weisen (2001)", "Der Stein (2001)"]:
        (root / folder).mkdir(parents=True)
        (root / folder / "movie.mp4").write_bytes(b"\x00" * 10)
    fake.add_movie(
        {
            **sample_movie(671, "Harry Potter and the Philosopher's Stone", 2001),
            "alternative_titles": {"DE": "Harry Potter und der Stein der Weisen", "FR": "Harry Potter à l'école"},
        }
    )
    settings = configure(monkeypatch, fake)

    message = await scan(client, settings, root, ENRICH)

    assert message["phase"] == "completed", message
    found = movies(settings)
    harry = found["Harry Potter und der Stein der Weisen (2001)"]
    assert (harry.state, harry.tmdb_id, harry.provider_match) == ("enriched", 671, "search")
    # "Der Stein" finds the same movie (a word of its German title) and matches none of its titles.
    assert (found["Der Stein (2001)"].state, found["Der Stein (2001)"].tmdb_id) == ("unmatched", None)
    paths = [r.path for r in fake.api_requests()]
    # One look per movie at the result's alternative titles, though "Der Stein" is searched twice (with the year and
    # without): the result is looked at once.
    assert paths.count("/3/movie/671/alternative_titles") == 2
    assert paths.count("/3/search/movie") == 3  # Harry Potter matched in its year; Der Stein searched twice
