"""The API behind the page's poster wall, scan timeline and fleet view, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings, get_settings
from service import schedules
from tests.integration.api_server import api_client, api_client_with_workers
from tests.integration.scanning import finish, reconfigure, running_workers, scan_job, start
from tests.library_builder import build_bulk_library, build_library_with_bulk, build_tv_library

ORDER = ["discovering", "scanning", "caching", "enriching"]


async def test_wall_filters_timeline_and_fleet_of_a_scanned_library(
    client: Client, any_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="4")
    library = build_library_with_bulk(tmp_path / "Movies", 40)
    async with api_client_with_workers(client, settings) as http:
        started = await start(client, settings, library.root, ScanOptions(enable_enrichment=False))
        await finish(client, started)
        job = scan_job(settings, started.scan_job_id)
        lib = started.library_id
        movies = f"/api/libraries/{lib}/movies"

        everything = await http.get(movies, params={"limit": 1000})
        first_page = await http.get(movies, params={"limit": 10, "sort": "title"})
        second_page = await http.get(movies, params={"limit": 10, "offset": 10, "sort": "title"})
        matrix = await http.get(movies, params={"q": "matrix"})
        nineties = await http.get(movies, params={"yearFrom": 1990, "yearTo": 1999, "sort": "-year", "limit": 1000})
        no_poster = await http.get(movies, params={"missingPoster": "true", "limit": 1000})
        percent = await http.get(movies, params={"q": "100%"})
        bad = {
            "sort": await http.get(movies, params={"sort": "popularity"}),
            "year": await http.get(movies, params={"yearFrom": -1}),
            "text": await http.get(movies, params={"q": "x" * 201}),
            "points": await http.get(f"/api/scans/{job.id}/timeline", params={"points": 1}),
            "scan": await http.get("/api/scans/999/timeline"),
        }

        poster = next(m["poster"] for m in matrix.json() if m["directory"] == "The Matrix (1999)")
        thumb = await http.get(f"/thumbs/160/{poster['cachePath']}")
        thumb_again = await http.get(f"/thumbs/160/{poster['cachePath']}")
        wrong_width = await http.get(f"/thumbs/100/{poster['cachePath']}")
        outside = await http.get("/thumbs/160/..%2F..%2Fetc%2Fpasswd")
        absent = await http.get("/thumbs/160/movie/9999/poster_x.jpg")

        timeline = (await http.get(f"/api/scans/{job.id}/timeline")).json()
        fleet_before = (await http.get("/api/fleet")).json()
        await schedules.add_schedule(client, settings, lib, every="12h")
        try:
            fleet_after = (await http.get("/api/fleet")).json()
        finally:
            await schedules.change_schedule(client, settings, lib, "delete")

    total = len(library.movies) + 40
    assert everything.headers["X-Total-Count"] == str(total) and len(everything.json()) == total
    assert first_page.headers["X-Total-Count"] == str(total)
    paged = first_page.json() + second_page.json()
    titles = [m["title"] for m in paged]
    assert titles == sorted(titles, key=str.lower) and len({m["id"] for m in paged}) == 20
    assert [m["directory"] for m in matrix.json()] == ["The Matrix (1999)"]
    years = [m["year"] for m in nineties.json()]
    assert years and years == sorted(years, reverse=True) and all(1990 <= y <= 1999 for y in years)
    assert nineties.headers["X-Total-Count"] == str(len(years))
    assert no_poster.json() and all(m["poster"]["missingReason"] for m in no_poster.json())
    assert all(m["poster"]["cachePath"] for m in everything.json() if m not in no_poster.json())
    assert percent.json() == [] and percent.headers["X-Total-Count"] == "0"
    assert {name: r.status_code for name, r in bad.items()} == {
        "sort": 422,
        "year": 422,
        "text": 422,
        "points": 422,
        "scan": 404,
    }

    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb_again.content == thumb.content
    assert (settings.resolved_cache_dir / "thumbs" / "160" / f"{poster['cachePath']}.jpg").is_file()
    assert wrong_width.status_code == 404 and "not 100" in wrong_width.json()["detail"]
    assert outside.status_code == 404 and absent.status_code == 404

    phases = [p["phase"] for p in timeline["phases"]]
    assert phases[:2] == ["discovering", "scanning"] and "caching" in phases
    assert [ORDER.index(p) for p in phases] == sorted(ORDER.index(p) for p in phases)
    assert all(p["end"] >= p["start"] for p in timeline["phases"])
    assert timeline["totals"]["directoriesScanned"] == job.directories_scanned == library.directories_total + 40
    assert timeline["totals"]["assetsCached"] == job.assets_cached > 0
    assert timeline["totals"]["errorsCount"] == job.errors_count > 0
    assert sum(mark["errors"] for mark in timeline["errorMarks"]) == job.errors_count
    assert timeline["samplesStored"] >= 1 and timeline["endedAt"]
    assert len(timeline["t"]) == len(timeline["rates"]["directories"]) == len(timeline["cumulative"]["assets"])

    (entry,) = fleet_before
    assert entry["id"] == lib and entry["lastScan"]["status"] == "completed"
    assert entry["outcome"].startswith("completed in") and entry["nextScanAt"] is None
    assert entry["watch"]["mode"] == "off" and not entry["stalled"]
    assert fleet_after[0]["schedule"]["spec"] == "every 12h" and fleet_after[0]["nextScanAt"]


async def test_series_wall_shows_series_posters_and_counts(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    tv = build_tv_library(tmp_path / "TV")
    async with running_workers(client, sqlite_settings):
        from service import scans

        library_id = scans.library_for_path(sqlite_settings, tv.root, library_type="tv")
        started = await scans.start_scan(client, sqlite_settings, library_id, ScanOptions(enable_enrichment=False))
        await finish(client, started)
    async with (
        api_client(client, sqlite_settings) as http,
    ):
        listed = await http.get(f"/api/libraries/{library_id}/series", params={"sort": "title"})
        searched = await http.get(f"/api/libraries/{library_id}/series", params={"q": "breaking"})
    series = listed.json()
    assert listed.headers["X-Total-Count"] == str(len(series)) == str(tv.series_total)
    with_poster = [s for s in series if s["poster"]["cachePath"]]
    assert with_poster and all(s["poster"]["missingReason"] for s in series if s not in with_poster)
    assert [s["title"] for s in searched.json()] == ["Breaking Code"]


async def test_thumbnails_need_the_token_which_an_image_may_carry_in_its_address(
    client: Client, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, api_token="s3cret-token")
    async with (
        api_client(client, settings) as http,
    ):
        anonymous = await http.get("/thumbs/160/movie/1/poster_x.jpg")
        wrong = await http.get("/thumbs/160/movie/1/poster_x.jpg", params={"token": "nope"})
        right = await http.get("/thumbs/160/movie/1/poster_x.jpg", params={"token": "s3cret-token"})
        api_by_query = await http.get("/api/fleet", params={"token": "s3cret-token"})
    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert right.status_code == 404 and "not in the cache" in right.json()["detail"]
    assert api_by_query.status_code == 401  # the API itself takes the token from its header only


async def test_the_timeline_of_an_enriched_scan_counts_its_provider_requests(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_tmdb import API_KEY, FakeTmdb, movies_for_library

    root = tmp_path / "Movies"
    build_bulk_library(root, 6)
    with FakeTmdb() as fake:
        for movie in movies_for_library(root):
            fake.add_movie(movie)
        for key, value in {
            "tmdb_api_key": API_KEY,
            "tmdb_base_url": fake.base_url,
            "tmdb_requests_per_second": "50",
            "provider_retry_attempts": "2",
        }.items():
            monkeypatch.setenv(f"REELSCAN_{key.upper()}", value)
        get_settings.cache_clear()
        settings = get_settings()
        async with api_client_with_workers(client, settings) as http:
            started = await start(client, settings, root, ScanOptions(enable_enrichment=True))
            await finish(client, started)
            timeline = (await http.get(f"/api/scans/{started.scan_job_id}/timeline")).json()
        details = len(fake.api_requests("/3/movie/"))
    job = scan_job(settings, started.scan_job_id)

    assert job.status == "completed" and job.enrichment_completed > 0
    assert [p["phase"] for p in timeline["phases"]][-1] == "enriching"
    assert timeline["totals"]["enrichmentCompleted"] == job.enrichment_completed
    # Every details answer is recorded; artwork downloads add to them.
    assert timeline["totals"]["providerRequests"] >= details > 0
