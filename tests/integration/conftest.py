"""Fixtures of the integration tests beyond tests/conftest.py: the browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.browser import CHROMIUM


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM
