"""The rest of a walk, stored in chunks by the real discover_directories code inside a real activity context: an
attempt that dies after its first chunk leaves those rows, and the retry adds the others after them, listing no
folder twice; what count_stored_directories reports adds up to the whole library, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio.testing import ActivityEnvironment

from activities.discovery import count_stored_directories, discover, discover_directories
from reelscan.db import scan_jobs
from reelscan.db.models import ScanDirectory
from reelscan.db.session import session_scope
from reelscan.payloads.scan import DiscoverInput, StoredDirectoriesInput
from reelscan.settings import Settings
from tests.library_builder import build_bulk_library


class Crash(Exception):
    """The worker dying after a chunk was committed."""


def stored_rows(settings: Settings, scan_job_id: int) -> list[tuple[int, str]]:
    with session_scope(settings.resolved_database_url) as session:
        query = select(ScanDirectory.seq, ScanDirectory.path).where(ScanDirectory.scan_job_id == scan_job_id)
        return sorted((seq, path) for seq, path in session.execute(query))


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_retried_rest_keeps_the_stored_chunks_and_adds_the_others(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings: Settings = request.getfixturevalue(f"{database}_settings")
    root = tmp_path / "Movies"
    folders = build_bulk_library(root, 9, with_assets=False)
    with session_scope(settings.resolved_database_url) as session:
        library_id = scan_jobs.get_or_create_library(session, root).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        scan_job_id = job.id
    base = {"scan_job_id": scan_job_id, "library_id": library_id, "library_path": str(root)}
    env = ActivityEnvironment()

    head = env.run(discover_directories, DiscoverInput(**base, stage="head", head_limit=2, head_seconds=10))
    assert head.directories_total == 2

    def crash_after_first_chunk(rows: int) -> None:
        raise Crash(rows)

    rest = DiscoverInput(**base, stage="rest", chunk_rows=3)
    with pytest.raises(Crash):
        env.run(discover, rest, crash_after_first_chunk)
    assert [path for _, path in stored_rows(settings, scan_job_id)] == sorted(folders)[:5]

    seen: list[int] = []
    result = env.run(discover, rest, seen.append)
    assert result.directories_total == len(folders)
    assert seen == [8, 9]  # the retry stores the 4 folders the first attempt did not: chunks of 3 and 1
    assert stored_rows(settings, scan_job_id) == list(enumerate(sorted(folders)))

    counted = env.run(
        count_stored_directories, StoredDirectoriesInput(scan_job_id=scan_job_id, library_id=library_id, from_seq=2)
    )
    assert (counted.directories_total, counted.directories_unchanged) == (len(folders), 0)
