"""The page's scripts parse: one syntax error stops a whole script, and the page then shows nothing live."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"


@pytest.mark.parametrize("script", sorted(p.name for p in STATIC.glob("*.js")))
def test_script_parses(script: str) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI (make setup installs the page's chart library with npm)")
        pytest.skip("node is not installed")
    checked = subprocess.run([node, "--check", str(STATIC / script)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_the_live_connection_loads_before_the_page_script() -> None:
    html = (STATIC / "index.html").read_text()
    assert html.index("/static/live.js") < html.index("/static/app.js")


def test_no_emoji_carries_meaning_on_the_page() -> None:
    """Browsers without an emoji font show boxes: the page says everything in words."""
    emoji = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u23e9-\u23fa]")
    for page_file in sorted(STATIC.iterdir()):
        found = emoji.findall(page_file.read_text(encoding="utf-8"))
        assert not found, (page_file.name, found)
