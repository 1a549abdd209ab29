"""Helpers for the tests of a library's watcher: folders pending while it is paused, and resuming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.client import Client

from reelscan.settings import Settings
from service import watch
from service.watch import WatchPlan
from tests.integration.scanning import eventually, movies_when


async def pending_while_paused(
    client: Client, settings: Settings, plan: WatchPlan, staging: Path, root: Path, names: list[str]
) -> tuple[str, dict[str, Any]]:
    """Move the folders `names` from staging into the library, report them to its watcher and pause it: the
    watcher's workflow id and its state once it is paused with exactly these folders pending."""
    for name in names:
        (staging / name).rename(root / name)
    workflow_id = await watch.signal_changes(client, settings, plan, names)
    await client.get_workflow_handle(workflow_id).signal("pause")
    before = await eventually(
        lambda: watch.watch_state(client, settings, plan.library_id),
        lambda s: s is not None and s["paused"] and sorted(s["pending"]) == names,
        what="the folders pending while paused",
    )
    assert before is not None
    return workflow_id, before


async def resumed_until_scanned(
    client: Client, settings: Settings, library_id: int, count: int
) -> dict[str, dict[str, Any]]:
    """Resume the library's paused watcher and wait for `count` movies in the database: the movies by directory."""
    await watch.pause_watch(client, settings, library_id, paused=False)
    return await movies_when(
        settings,
        lambda movies: len(movies) == count,
        what=f"the {count} movies scanned after the restart",
        # A workflow task or snapshot lost with a stopped worker or server is retried only after its timeout.
        timeout=180,
    )
