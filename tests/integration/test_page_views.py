"""The page's poster wall, scan timeline and fleet view in a real headless Chromium, over a real scanned library."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.api_server import api_server
from tests.integration.browser import ARTIFACTS, CHROMIUM_ARGS, open_page
from tests.integration.scanning import finish, reconfigure, running_workers, scan_job, start
from tests.library_builder import build_bulk_library, build_library_with_bulk

WAIT = 60_000  # ms: generous, the machines are shared
ORDER = ["discovering", "scanning", "caching", "enriching"]
UPLOT = Path(__file__).resolve().parents[2] / "node_modules" / "uplot" / "dist" / "uPlot.iife.min.js"


DASH = "\u2013"  # the pager's "1-60" is written with an en dash


async def wall_ready(page, after: int = 0) -> int:
    """Wait until the wall shows the answer to a request later than `after`; returns that request's number."""
    await page.wait_for_function(
        f"parseInt(document.querySelector('#library').dataset.ready || '0') > {after}", timeout=WAIT
    )
    return int(await page.eval_on_selector("#library", "el => el.dataset.ready"))


async def count_text(page) -> str:
    return str(await page.inner_text("#library-count"))


async def test_poster_wall_filters_pages_and_opens_a_movie_and_the_timeline_shows_the_finished_scan(
    client: Client, sqlite_settings: Settings, tmp_path: Path, chromium: str
) -> None:
    from playwright.async_api import async_playwright

    library = build_library_with_bulk(tmp_path / "Movies", 70)
    build_bulk_library(tmp_path / "Movies" / "Bare", 6, with_assets=False)
    ARTIFACTS.mkdir(exist_ok=True)
    async with (
        running_workers(client, sqlite_settings),
        api_server(client, sqlite_settings) as address,
        async_playwright() as pw,
    ):
        started = await start(client, sqlite_settings, library.root, ScanOptions(enable_enrichment=False))
        await finish(client, started)
        job = scan_job(sqlite_settings, started.scan_job_id)
        total = len(library.movies) + 76

        browser, page, script_errors = await open_page(pw, chromium, 1200, 1000)
        await page.goto(f"http://{address}/#library/{started.library_id}")
        await page.wait_for_selector("#connection.online", timeout=WAIT)
        ready = await wall_ready(page)
        cards = await page.locator("#library-body .card").count()
        first_count = await count_text(page)
        # Every poster on the first page: scrolled into view (they load lazily), then loaded from its thumbnail.
        await page.evaluate("document.querySelectorAll('.wall img.poster').forEach(i => i.loading = 'eager')")
        await page.wait_for_function(
            "[...document.querySelectorAll('.wall img.poster')].every(i => i.complete)", timeout=WAIT
        )
        posters = await page.eval_on_selector_all(
            ".wall img.poster", "imgs => imgs.map(i => [i.naturalWidth, i.alt, new URL(i.currentSrc).pathname])"
        )
        shown = await page.eval_on_selector_all(
            "#library-body .card", "cards => cards.map(c => !!c.querySelector('img.poster, .placeholder'))"
        )
        # The bulk movies: a wall of posters, with the few that have none among them.
        await page.fill("#filters input[name=q]", "Movie 000")
        ready = await wall_ready(page, ready)
        await page.evaluate("document.querySelectorAll('.wall img.poster').forEach(i => i.loading = 'eager')")
        await page.wait_for_function(
            "[...document.querySelectorAll('.wall img.poster')].every(i => i.complete)", timeout=WAIT
        )
        await page.evaluate("window.scrollTo(0, document.querySelector('#library').offsetTop)")
        await page.screenshot(path=str(ARTIFACTS / "wall-posters.png"))
        await page.fill("#filters input[name=q]", "")
        ready = await wall_ready(page, ready)

        # Keyboard: the first card takes the focus and Enter opens its drill-down.
        first_title = await page.inner_text("#library-body .card >> nth=0 >> .card-title")
        await page.focus("#library-body .card >> nth=0")
        await page.keyboard.press("Enter")
        await page.wait_for_function(
            f"document.querySelector('#drilldown-title').textContent.startsWith({first_title!r})", timeout=WAIT
        )

        # Next page.
        await page.click("[data-page='1']")
        ready = await wall_ready(page, ready)
        second_count = await count_text(page)
        second_first = await page.inner_text("#library-body .card >> nth=0 >> .card-title")

        # Without poster: placeholders that say why.
        await page.check("#filters input[name=missingPoster]")
        ready = await wall_ready(page, ready)
        placeholders = await page.eval_on_selector_all(
            "#library-body .card", "cards => cards.map(c => [!!c.querySelector('.placeholder'), c.innerText])"
        )
        await page.evaluate("window.scrollTo(0, document.querySelector('#library').offsetTop)")
        await page.screenshot(path=str(ARTIFACTS / "wall-missing-posters.png"))
        await page.uncheck("#filters input[name=missingPoster]")
        ready = await wall_ready(page, ready)

        # Search and year range.
        await page.fill("#filters input[name=q]", "matrix")
        ready = await wall_ready(page, ready)
        searched = await page.eval_on_selector_all("#library-body .card-title", "els => els.map(e => e.textContent)")
        await page.fill("#filters input[name=q]", "")
        ready = await wall_ready(page, ready)
        await page.fill("#filters input[name=yearFrom]", "1950")
        await page.fill("#filters input[name=yearTo]", "1952")
        await page.wait_for_function(
            "[...document.querySelectorAll('#library-body .card-year')].every(e => +e.textContent <= 1952)",
            timeout=WAIT,
        )
        years = await page.eval_on_selector_all("#library-body .card-year", "els => els.map(e => +e.textContent)")
        await page.click("[data-view='table']")
        await page.wait_for_selector("#library-body table", timeout=WAIT)
        table_rows = await page.locator("#library-body table tr").count()

        # The finished scan's timeline: phases in order, totals equal to the scan's counters.
        await page.goto(f"http://{address}/#timeline/{job.id}")
        await page.wait_for_selector("#timeline[data-status='completed'] [data-total]", timeout=WAIT)
        phases = await page.eval_on_selector_all(
            "#timeline-facts li[data-phase]", "els => els.map(e => e.dataset.phase)"
        )
        totals = {
            key: int((await page.inner_text(f"[data-total='{key}']")).replace(",", ""))
            for key in ("directoriesScanned", "assetsCached", "errorsCount")
        }
        canvas = await page.locator("#timeline-chart canvas").count()
        await page.screenshot(path=str(ARTIFACTS / "timeline-finished.png"))

        # Without the chart library the page says so and still shows the phases and totals.
        bare = await browser.new_page(viewport={"width": 1100, "height": 900})
        await bare.route("**/vendor/uplot/**", lambda route: route.abort())
        await bare.goto(f"http://{address}/#timeline/{job.id}")
        await bare.wait_for_selector("#timeline[data-status='completed'] [data-total]", timeout=WAIT)
        no_chart = await bare.inner_text("#timeline-chart")
        bare_errors = int((await bare.inner_text("[data-total='errorsCount']")).replace(",", ""))
        await bare.close()

        # Every library at once, and the page at 200% zoom (half the CSS width, twice the pixels).
        fleet_text = await page.inner_text("#fleet")
        zoomed = await browser.new_page(viewport={"width": 600, "height": 1000}, device_scale_factor=2)
        zoomed.on("pageerror", lambda error: script_errors.append(str(error)))
        await zoomed.goto(f"http://{address}/#library/{started.library_id}")
        await wall_ready(zoomed)
        overflow = await zoomed.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        await zoomed.evaluate("window.scrollTo(0, document.querySelector('#library').offsetTop)")
        await zoomed.screenshot(path=str(ARTIFACTS / "wall-zoom-200.png"))
        await browser.close()

    assert not script_errors, f"the page's script failed: {script_errors}"
    assert cards == 60 and first_count == f"1{DASH}60 of {total} movies"
    assert len(posters) >= 20 and all(width > 0 for width, _, _ in posters) and all(shown) and len(shown) == 60
    assert all(alt.startswith("Poster of ") for _, alt, _ in posters)
    assert all(path.startswith("/thumbs/") for _, _, path in posters)
    assert second_count == f"61{DASH}{min(120, total)} of {total} movies" and second_first != first_title
    assert placeholders and all(has for has, _ in placeholders)
    assert all("No poster: no poster in the folder" in text for _, text in placeholders if "Movie 0000" in text)
    assert searched == ["The Matrix"]
    assert years and all(1950 <= y <= 1952 for y in years)
    assert table_rows == len(years) + 1
    assert [ORDER.index(p) for p in phases] == sorted(ORDER.index(p) for p in phases)
    assert phases[:2] == ["discovering", "scanning"] and "caching" in phases
    assert totals == {
        "directoriesScanned": job.directories_scanned,
        "assetsCached": job.assets_cached,
        "errorsCount": job.errors_count,
    }
    assert canvas >= 1 or not UPLOT.exists()
    assert "chart library (uPlot) is not installed" in no_chart and bare_errors == job.errors_count
    assert "Movies" in fleet_text and "completed in" in fleet_text
    assert overflow <= 0


async def test_the_timeline_of_a_running_scan_grows_live(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chromium: str
) -> None:
    from playwright.async_api import async_playwright

    settings = reconfigure(monkeypatch, children_window="2", directories_per_child="1")
    build_bulk_library(tmp_path / "Movies", 400)
    ARTIFACTS.mkdir(exist_ok=True)
    async with running_workers(client, settings), api_server(client, settings) as address, async_playwright() as pw:
        browser, page, script_errors = await open_page(pw, chromium, 1100, 1000)
        await page.goto(f"http://{address}/")
        await page.wait_for_selector("#connection.online", timeout=WAIT)
        started = await start(client, settings, tmp_path / "Movies", ScanOptions(enable_enrichment=False))
        panel = f"#scan-{started.scan_job_id}"
        await page.wait_for_selector(f"{panel} [data-phase='scanning']", timeout=WAIT)
        await page.click(f"{panel} [data-timeline]")
        await page.wait_for_selector("#timeline-facts [data-points]", timeout=WAIT)
        first = int((await page.inner_text("#timeline-facts [data-points]")).replace(",", ""))
        await page.wait_for_function(
            "parseInt(document.querySelector('#timeline-facts [data-points]').textContent.replace(/,/g, '')) > "
            f"{first} + 1",
            timeout=WAIT,
        )
        live_status = await page.eval_on_selector("#timeline", "el => el.dataset.status")
        grown = int((await page.inner_text("#timeline-facts [data-points]")).replace(",", ""))
        await page.screenshot(path=str(ARTIFACTS / "timeline-live.png"))
        # Stopped early (a cancelled scan's timeline ends on its counters too), unless it has just completed.
        await client.get_workflow_handle(started.workflow_id).signal("cancel")
        await finish(client, started)
        await page.wait_for_selector(
            "#timeline[data-status='cancelled'], #timeline[data-status='completed']", timeout=WAIT
        )
        scanned = int((await page.inner_text("[data-total='directoriesScanned']")).replace(",", ""))
        errors = int((await page.inner_text("[data-total='errorsCount']")).replace(",", ""))
        await browser.close()

    assert not script_errors, f"the page's script failed: {script_errors}"
    assert live_status in ORDER
    assert grown > first + 1
    job = scan_job(settings, started.scan_job_id)
    assert job.status in ("cancelled", "completed") and 0 < job.directories_scanned <= 400
    assert (scanned, errors) == (job.directories_scanned, job.errors_count)


async def test_the_live_connection_opens_even_when_every_other_request_fails(
    client: Client, sqlite_settings: Settings, chromium: str
) -> None:
    from playwright.async_api import async_playwright

    async with api_server(client, sqlite_settings) as address, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.route("**/api/**", lambda route: route.abort())
        await page.route("**/static/app.js", lambda route: route.fulfill(body="throw new Error('broken page script')"))
        await page.goto(f"http://{address}/#library/1")
        await page.wait_for_selector("#connection.online", timeout=WAIT)
        await browser.close()
