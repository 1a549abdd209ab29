"""How fast the page shows the poster wall of a large library: time until the first grid page is visible.

    python -m bench.page_load                  # 10,000 movies
    python -m bench.page_load --movies 2000 --keep /tmp/page-bench

Builds a library of generated movie folders (each with a 600x900 poster), scans it for real (a Temporal dev server
in memory, in-process workers, SQLite), serves the API and opens `/#library/<id>` in headless Chromium. From the
browser's performance timing it prints, for a first visit (thumbnails made on the way) and a second one (thumbnails
kept in the cache, the browser's own cache empty): when the wall's first page was in the document, and when every
poster in the viewport had loaded. Prints figures; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from bench.scan_benchmark import in_process_settings
from reelscan.db.session import dispose_engines
from reelscan.scan_options import ScanOptions
from tests.integration.api_server import api_server
from tests.integration.scanning import finish, running_workers, scan_job, start
from tests.library_builder import build_bulk_library

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# Resolves once every poster image inside the viewport has loaded (or failed): then the first page is visible.
VISIBLE = """
() => new Promise((resolve) => {
  const check = () => {
    const inView = [...document.querySelectorAll('.wall img.poster')].filter((img) => {
      const r = img.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    });
    if (inView.length && inView.every((img) => img.complete)) resolve({ at: performance.now(), images: inView.length });
    else requestAnimationFrame(check);
  };
  check();
})
"""


def poster_jpeg() -> bytes:
    """A 600x900 poster, about the size of a real one's thumbnail source."""
    image = Image.new("RGB", (600, 900))
    draw = ImageDraw.Draw(image)
    for y in range(900):
        draw.line([(0, y), (600, y)], fill=(30 + y // 6, 40 + y // 9, 120 - y // 10))
    draw.rectangle([40, 620, 560, 840], outline=(240, 240, 240), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def measure(browser: Any, url: str) -> dict[str, float]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})  # an empty browser cache
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("#library[data-ready] .wall .card", timeout=120_000)
    visible = await page.evaluate(VISIBLE)
    timing = await page.evaluate(
        """() => ({
          rendered: performance.getEntriesByName('reelscan:wall-rendered')[0].startTime,
          domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
          api: performance.getEntriesByType('resource').filter((e) => e.name.includes('/movies?'))
                 .map((e) => e.duration)[0],
        })"""
    )
    await context.close()
    return {**timing, "visible": visible["at"], "images": visible["images"]}


async def run(movies: int, work: Path) -> None:
    settings = in_process_settings(work / "data", "bench-page")
    root = work / "Movies"
    build_bulk_library(root, movies)
    # Every folder's poster is a hard link of this one file: rewritten in place, they all become 600x900.
    with (work / ".Movies-poster.jpg").open("r+b") as shared:
        shared.truncate(0)
        shared.write(poster_jpeg())

    temporal = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=["--search-attribute", "ScanPhase=Keyword", "--search-attribute", "LibraryId=Int"],
    )
    try:
        client = env.client
        began = time.perf_counter()
        async with running_workers(client, settings):
            started = await start(client, settings, root, ScanOptions(enable_enrichment=False))
            await finish(client, started)
        job = scan_job(settings, started.scan_job_id)
        print(
            f"scanned {job.movies_found:,} movies ({job.assets_cached:,} assets cached) in "
            f"{time.perf_counter() - began:.1f} s: {job.status}"
        )
        from playwright.async_api import async_playwright

        async with api_server(client, settings) as address, async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            url = f"http://{address}/#library/{started.library_id}"
            for label in ("first visit (thumbnails made)", "second visit (thumbnails kept)"):
                t = await measure(browser, url)
                print(
                    f"{label}: wall of 60 in the page at {t['rendered']:.0f} ms, {t['images']} posters in view "
                    f"loaded at {t['visible']:.0f} ms (DOMContentLoaded {t['domContentLoaded']:.0f} ms, "
                    f"movies API {t['api']:.0f} ms)"
                )
            await browser.close()
    finally:
        await env.shutdown()
        dispose_engines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--movies", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="reelscan-page-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(run(args.movies, work))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
