"""Recorded workflow histories replay against today's workflow code: a change that would break running scans on a
worker upgrade (a command added, removed or reordered without `workflow.patched`) fails here, without a server.

The histories come from `make record-histories` (tests/replay/record.py); tests/fixtures/histories/README says when
to record them again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.fake_tmdb import API_KEY
from worker import WORKFLOWS

HISTORIES = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
MANIFEST = HISTORIES / "workflow-ids.json"
FILES = sorted(path for path in HISTORIES.glob("*.json") if path != MANIFEST)


def manifest() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = json.loads(MANIFEST.read_text())
    return entries


def test_there_are_histories_for_every_workflow_and_each_has_its_id() -> None:
    assert FILES, f"no recorded histories in {HISTORIES}: run `make record-histories`"
    entries = manifest()
    assert sorted(entries) == [path.name for path in FILES], "workflow-ids.json and the history files disagree"
    recorded_types = {entry["workflowType"] for entry in entries.values()}
    assert recorded_types == {workflow.__name__ for workflow in WORKFLOWS}


def test_no_history_holds_the_provider_key() -> None:
    assert FILES
    assert not [path.name for path in FILES if API_KEY in path.read_text()]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
async def test_history_replays_without_nondeterminism(path: Path) -> None:
    entry = manifest()[path.name]
    history = WorkflowHistory.from_json(entry["workflowId"], path.read_text())
    assert history.events[0].workflow_execution_started_event_attributes.workflow_type.name == entry["workflowType"]
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history)  # raises on a non-determinism error
    assert result.replay_failure is None


def patches_and_activities(path: Path) -> tuple[set[str], list[str]]:
    """The patch ids a history's markers record and the activity types it scheduled, in order."""
    history = WorkflowHistory.from_json(manifest()[path.name]["workflowId"], path.read_text())
    patches: set[str] = set()
    activities: list[str] = []
    for event in history.events:
        if event.HasField("marker_recorded_event_attributes"):
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == "core_patch":
                patches.add(json.loads(marker.details["patch-data"].payloads[0].data)["id"])
        elif event.HasField("activity_task_scheduled_event_attributes"):
            activities.append(event.activity_task_scheduled_event_attributes.activity_type.name)
    return patches, activities


@pytest.mark.parametrize(
    ("name", "patch", "activity"),
    [
        ("alternative-titles.enrich-movie.json", "movie-search-alternative-titles", "match_alternative_titles"),
        ("head-start.run-1.json", "scanning-starts-during-discovery", "count_stored_directories"),
        (
            "series-alternative-titles.enrich-series.json",
            "series-search-alternative-titles",
            "match_series_alternative_titles",
        ),
    ],
)
def test_a_patched_path_is_covered_by_a_recorded_history(name: str, patch: str, activity: str) -> None:
    patches, activities = patches_and_activities(HISTORIES / name)
    assert patch in patches
    assert activity in activities
