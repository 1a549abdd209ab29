"""What the browser tests share: Debian's Chromium, its headless flags, and where screenshots go."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def open_page(pw: Playwright, chromium: str, width: int, height: int) -> tuple[Browser, Page, list[str]]:
    """Chromium with one page of this size, and the list the page's script errors go to."""
    browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    page = await browser.new_page(viewport={"width": width, "height": height})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    return browser, page, script_errors
