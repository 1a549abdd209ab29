"""The progress page in a real headless Chromium: live bars, completion, drill-down, reconnect."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.settings import Settings
from tests.integration.api_server import api_server
from tests.integration.browser import ARTIFACTS, open_page
from tests.integration.scanning import finish, reconfigure, running_workers, start
from tests.library_builder import build_library_with_bulk


async def test_page_follows_a_scan_to_completion_and_drills_into_a_movie(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chromium: str
) -> None:
    from playwright.async_api import async_playwright

    settings = reconfigure(monkeypatch, children_window="2")
    library = build_library_with_bulk(tmp_path / "Movies", 150, "Archive")
    ARTIFACTS.mkdir(exist_ok=True)
    async with running_workers(client, settings), api_server(client, settings) as address, async_playwright() as pw:
        browser, page, script_errors = await open_page(pw, chromium, 1100, 1400)
        await page.goto(f"http://{address}/")
        # A script that fails to parse never opens the socket: say so instead of timing out on the badge.
        assert not script_errors, f"the page's script failed: {script_errors}"
        await page.wait_for_selector("#connection.online")
        started = await start(client, settings, library.root)
        panel = f"#scan-{started.scan_job_id}"
        await page.wait_for_selector(f"{panel} [data-phase='scanning']", timeout=30_000)
        first = int((await page.inner_text(f"{panel} .scanned")).replace(",", ""))
        await page.wait_for_function(
            f"document.querySelector('{panel} .scanned') && "
            f"parseInt(document.querySelector('{panel} .scanned').textContent.replace(/,/g, '')) > {first}",
            timeout=30_000,
        )
        await page.screenshot(path=str(ARTIFACTS / "page-mid-scan.png"))

        # Drop the socket: the page reconnects by itself and keeps following the scan.
        await page.evaluate("window.reelscanSocket.close()")
        await page.wait_for_selector("#connection.offline")
        await page.wait_for_selector("#connection.online", timeout=15_000)

        await finish(client, started)
        await page.wait_for_selector(f"{panel}.completed", timeout=30_000)
        panel_text = await page.inner_text(panel)
        await page.screenshot(path=str(ARTIFACTS / "page-completed.png"))

        await page.click(f"{panel} [data-movies]")
        await page.fill("#filters input[name=q]", "The Matrix")
        await page.wait_for_function("document.querySelector('#library-count').textContent.includes('of 1 movie')")
        await page.click("#library-body .card:has-text('The Matrix')")
        poster = page.locator("#drilldown-body img[alt='poster']")
        await poster.wait_for()
        width = await poster.evaluate("img => img.complete && img.naturalWidth")
        await page.screenshot(path=str(ARTIFACTS / "page-movie.png"), full_page=True)
        await browser.close()

    assert not script_errors, f"the page's script failed: {script_errors}"
    assert "Scan completed successfully!" in panel_text
    assert "Library is ready to use!" in panel_text
    assert f"{len(library.movies) + 150} found" in panel_text
    assert width == 68  # the cached poster fixture is 68x100
    assert (ARTIFACTS / "page-mid-scan.png").stat().st_size > 10_000
