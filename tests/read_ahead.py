"""Walk tests run twice: reading in line (a local disk) and reading ahead on threads (what a slow share gets)."""

from __future__ import annotations

import pytest

from reelscan.library.discovery import ReadAhead


@pytest.fixture(params=["in line", "read ahead"], autouse=True)
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """With "read ahead", every stat counts as slow and the window and chunks are small, so the threads read most
    folders, large ones split into several tasks, and the queue's order is put to the test."""
    if request.param == "read ahead":
        monkeypatch.setattr(ReadAhead, "SLOW_STAT", -1.0)
        monkeypatch.setattr(ReadAhead, "WINDOW", 3)
        monkeypatch.setattr(ReadAhead, "CHUNK", 2)
    return str(request.param)
