"""Music libraries in every surface: the API's albums and album detail, the `albums` CLI command, the page's
drill-down from artists to albums with covers to tracks with their technical details, and the panel's words."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from reelscan.settings import Settings
from service.display import render
from tests.integration.api_server import api_server
from tests.integration.browser import CHROMIUM_ARGS
from tests.integration.test_cli import starter
from tests.integration.test_music_scan import scan_music
from tests.music_builder import MusicLibraryManifest, build_music_library


@pytest.fixture
def library(tmp_path: Path) -> MusicLibraryManifest:
    return build_music_library(tmp_path / "Music")


async def test_albums_and_an_album_through_the_api_and_the_cli(
    client: Client, sqlite_settings: Settings, library: MusicLibraryManifest
) -> None:
    message = await scan_music(client, sqlite_settings, library.root)
    library_id = message["libraryId"]
    async with (
        api_server(client, sqlite_settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http,
    ):
        shown = (await http.get(f"/api/libraries/{library_id}")).json()
        albums = (await http.get(f"/api/libraries/{library_id}/albums", params={"limit": 1000})).json()
        by_name = {f"{a['albumArtist']} / {a['title']}": a for a in albums}
        ok = by_name["Radiohead / OK Computer"]
        radiohead = (
            await http.get(f"/api/libraries/{library_id}/albums", params={"artistId": ok["artist"]["id"]})
        ).json()
        detail = (await http.get(f"/api/albums/{ok['id']}")).json()
        cover = await http.get(f"/cache/{detail['cover']}")
        unknown = await http.get("/api/albums/999999")
        no_library = await http.get("/api/libraries/999/albums")

    assert (shown["type"], shown["albums"], shown["artists"]) == ("music", len(library.albums), len(library.artists))
    assert {name: a["tracks"] for name, a in by_name.items()} == library.albums
    assert [a["title"] for a in radiohead] == ["OK Computer", "Kid A"]  # by year
    assert [t["title"] for t in detail["trackList"]] == ["Airbag", "Paranoid Android", "Subterranean Homesick Alien"]
    airbag = detail["trackList"][0]
    assert (airbag["codec"], airbag["sampleRate"], airbag["channels"], airbag["number"]) == ("mp3", 22050, 1, 1)
    assert {(a["type"], a["source"]) for a in detail["assets"]} == {("cover", "local"), ("cover", "embedded")}
    assert {a["type"] for a in detail["artistAssets"]} == {"artist", "logo"}
    assert cover.status_code == 200 and cover.content[:3] == b"\xff\xd8\xff"
    assert unknown.status_code == 404 and unknown.json()["detail"] == "there is no album with id 999999"
    assert no_library.status_code == 404

    listed = await starter(client, "albums", "--library", str(library_id), "--json")
    table = await starter(client, "albums", "--library", str(library_id))
    other = await starter(client, "albums", "--library", str(library_id + 1))
    assert listed.returncode == 0, listed.stderr
    assert {f"{a['albumArtist']} / {a['title']}": a["tracks"] for a in json.loads(listed.stdout)} == library.albums
    assert table.returncode == 0 and "OK Computer" in table.stdout and "Radiohead" in table.stdout
    assert other.returncode == 2 and f"there is no library with id {library_id + 1}" in other.stderr


def test_the_panel_says_albums_and_tracks_while_scanning() -> None:
    message = {
        "phase": "scanning",
        "libraryType": "music",
        "libraryName": "Music",
        "scanJobId": 3,
        "summary": "Scanning albums... 120/800 (15%), 1,480 tracks",
        "progress": {"scanning": {"scanned": 120, "total": 800, "percentage": 15}},
        "stats": {"artistsFound": 0, "albumsFound": 130, "tracksFound": 1480, "tracksNew": 1480, "tracksUntagged": 7},
    }
    from rich.console import Console

    console = Console(record=True, width=80)
    console.print(render(message))
    text = console.export_text()
    assert "Scanning albums... 120/800 (15%), 1,480 tracks" in text
    assert "0 artists, 130 albums, 1,480 tracks (1,480 new), 7 untagged" in text


async def test_the_page_drills_from_artists_to_albums_with_covers_to_tracks(
    client: Client,
    sqlite_settings: Settings,
    library: MusicLibraryManifest,
    chromium: str,
) -> None:
    from playwright.async_api import async_playwright

    message = await scan_music(client, sqlite_settings, library.root)
    async with api_server(client, sqlite_settings) as address, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1100, "height": 1400})
        await page.goto(f"http://{address}/")
        panel = f"#scan-{message['scanJobId']}"
        await page.wait_for_selector(f"{panel} [data-artists]", timeout=30_000)
        assert "Scan completed: 7 artists" in await page.inner_text(f"{panel} .summary")
        await page.click(f"{panel} [data-artists]")
        await page.wait_for_selector("#drilldown-body [data-artist]")
        assert (await page.inner_text("#drilldown-title")).startswith(f"Artists ({len(library.artists)}")
        await page.click("#drilldown-body [data-artist]:text('Radiohead')")
        await page.wait_for_selector("#drilldown-body [data-album]")
        covers = await page.eval_on_selector_all(
            "#drilldown-body img.cover", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
        )
        assert covers == [True, True]  # both Radiohead albums show their cached cover
        await page.click("#drilldown-body [data-album]:has-text('OK Computer')")
        await page.wait_for_selector("#drilldown-body td:text('Airbag')")
        body = await page.inner_text("#drilldown-body")
        assert "mp3, 32 kbps, 22.05 kHz, 1 ch" in body and "Paranoid Android" in body
        await browser.close()
