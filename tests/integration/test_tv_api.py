"""TV libraries through the API: creating one, its series with seasons and episode counts, a series in detail."""

from __future__ import annotations

from pathlib import Path

import httpx
from temporalio.client import Client

from reelscan.settings import Settings
from tests.integration.api_server import api_server
from tests.integration.tv_records import record_tv_library
from tests.library_builder import build_library, build_tv_library


async def test_creating_a_tv_library_checks_its_type(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    tv = build_tv_library(tmp_path / "TV")
    movies = build_library(tmp_path / "Movies", hostile=False)
    async with (
        api_server(client, sqlite_settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http,
    ):
        created = await http.post("/api/libraries", json={"path": str(tv.root), "name": "Series", "type": "tv"})
        again = await http.post("/api/libraries", json={"path": str(tv.root)})
        movie_library = await http.post("/api/libraries", json={"path": str(movies.root)})
        bad_type = await http.post("/api/libraries", json={"path": str(tmp_path / "TV"), "type": "books"})
        other_type = await http.post("/api/libraries", json={"path": str(movies.root), "type": "tv"})
        listed = (await http.get("/api/libraries")).json()
        no_series = await http.get(f"/api/libraries/{movie_library.json()['id']}/series")
        schema = (await http.get("/openapi.json")).json()

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("name", "type", "series")} == {"name": "Series", "type": "tv", "series": 0}
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"] and again.json()["type"] == "tv"
    assert movie_library.status_code == 201 and movie_library.json()["type"] == "movie"
    assert bad_type.status_code == 422
    assert bad_type.json()["detail"] == "unknown library type 'books': use one of movie, tv, music"
    assert other_type.status_code == 422 and "is already a movie library" in other_type.json()["detail"]
    assert [(lib["name"], lib["type"]) for lib in listed] == [("Series", "tv"), ("Movies", "movie")]
    assert no_series.status_code == 200 and no_series.json() == []
    assert schema["components"]["schemas"]["LibraryCreate"]["properties"]["type"]["enum"] == ["movie", "tv", "music"]


async def test_series_list_and_detail_of_a_recorded_tv_library(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    manifest = build_tv_library(tmp_path / "TV")
    library_id = record_tv_library(sqlite_settings, manifest.root, "Demo series")
    async with (
        api_server(client, sqlite_settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http,
    ):
        library = (await http.get(f"/api/libraries/{library_id}")).json()
        series = (await http.get(f"/api/libraries/{library_id}/series", params={"limit": 1000})).json()
        page = (await http.get(f"/api/libraries/{library_id}/series", params={"offset": 1, "limit": 2})).json()
        missing = (await http.get(f"/api/libraries/{library_id}/series", params={"state": "missing"})).json()
        by_directory = {s["directory"]: s for s in series}
        code = (await http.get(f"/api/series/{by_directory['Breaking Code (2019)']['id']}")).json()
        poster = next(a for a in code["assets"] if a["type"] == "poster")
        image = await http.get(f"/cache/{poster['cachePath']}")
        unknown = await http.get("/api/series/9999")
        unknown_library = await http.get("/api/libraries/42/series")
        bad_limit = await http.get(f"/api/libraries/{library_id}/series", params={"limit": 0})

    assert (library["type"], library["series"], library["movies"]) == ("tv", manifest.series_total, 0)
    assert list(by_directory) == list(manifest.series)
    assert sum(s["episodes"] for s in series) == manifest.episodes_total
    for directory, expected in manifest.series.items():
        listed = by_directory[directory]
        assert (listed["title"], listed["year"], listed["tmdbId"], listed["tvdbId"]) == (
            expected.title,
            expected.year,
            expected.tmdb_id,
            expected.tvdb_id,
        )
        assert {s["number"]: s["episodes"] for s in listed["seasons"]} == expected.seasons
        assert listed["episodes"] == expected.episodes and listed["missingEpisodes"] == 0
    assert [s["directory"] for s in page] == [s["directory"] for s in series[1:3]] and missing == []

    expected = manifest.series["Breaking Code (2019)"]
    assert len(code["episodes"]) == expected.episodes and code["plot"]
    assert [(s["number"], [a["type"] for a in s["assets"]]) for s in code["seasons"]] == [
        (0, ["poster"]),
        (1, ["poster"]),
        (2, []),
    ]
    episodes = {(e["seasonNumber"], e["episodeNumber"]): e for e in code["episodes"]}
    pilot = episodes[(1, 1)]
    assert pilot["title"] == "Hello, World" and pilot["streams"]
    assert sorted(a["type"] for a in pilot["assets"]) == ["subtitle", "thumb"]
    assert all(a["cachePath"] and len(a["sha256"]) == 64 for a in pilot["assets"])
    assert episodes[(1, 3)]["fileEpisodes"] == episodes[(1, 4)]["fileEpisodes"] == [3, 4]
    assert f"unmatched episode file: {expected.unmatched[0]}" in code["errors"]
    assert image.status_code == 200 and image.content == (manifest.root / poster["path"]).read_bytes()
    assert unknown.status_code == 404 and unknown.json()["detail"] == "there is no series with id 9999"
    assert unknown_library.status_code == 404 and "no library with id 42" in unknown_library.json()["detail"]
    assert bad_limit.status_code == 422
