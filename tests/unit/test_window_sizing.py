"""The default directory window fits the local-activity slots that exist: a child waiting for a slot still holds a
workflow-task slot and heartbeats its task, so a window far above the slots only queues children."""

from __future__ import annotations

import os

import pytest

from reelscan.settings import Settings

# A window may run ahead of the slots by this much (children start, finish and report around their scan).
HEADROOM = 4


def test_default_children_window_fits_the_embedded_workers_local_activity_slots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.startswith("REELSCAN_"):
            monkeypatch.delenv(name)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    # build_workers gives each worker process scan_concurrency local-activity slots; the embedded default starts
    # worker_processes processes, 0 meaning one per core (service/embedded.py).
    processes = defaults.worker_processes or os.cpu_count() or 1
    slots = defaults.scan_concurrency * processes
    assert defaults.children_window <= slots * HEADROOM, (
        f"default children window {defaults.children_window} against {slots} local-activity slots "
        f"({defaults.scan_concurrency} per process x {processes} processes)"
    )
