"""The work list of a walk stored in parts: the head, then chunks of the rest, each settled as it is stored; what
was stored after a seq is counted once; folders no row holds at the end go missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelscan.db import scan_jobs, work_list
from reelscan.db.models import Movie, ScanDirectory
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.library.discovery import DiscoveredDirectory


def rows(session: Session, scan_job_id: int) -> list[tuple[int, str, str]]:
    query = select(ScanDirectory.seq, ScanDirectory.path, ScanDirectory.outcome).where(
        ScanDirectory.scan_job_id == scan_job_id
    )
    return sorted((seq, path, outcome) for seq, path, outcome in session.execute(query))


def found(*names: str) -> list[DiscoveredDirectory]:
    return [DiscoveredDirectory(name, f"fp-{name}") for name in names]


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'work.db'}"
    migrate(url)
    yield url
    dispose_engines()


def test_a_walk_stored_in_chunks_settles_each_chunk_and_counts_it_once(url: str, tmp_path: Path) -> None:
    with session_scope(url) as session:
        library = scan_jobs.get_or_create_library(session, tmp_path / "Movies")
        # b, c and e were recorded by an earlier scan with the fingerprints the walk finds again; e's changed.
        session.add_all(
            [
                Movie(library_id=library.id, directory=name, title=name, fingerprint=f"fp-{name}")
                for name in ("b", "c", "gone")
            ]
            + [Movie(library_id=library.id, directory="e", title="e", fingerprint="fp-old")]
        )
        session.flush()
        ids = dict(session.execute(select(Movie.directory, Movie.id)).all())
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None

        # The head: a and b, planned without marking anything missing.
        assert work_list.replace_scan_directories(session, job.id, found("a", "b")) == 2
        head = work_list.plan_rescan(session, job.id, library.id, complete=False, force=False)
        assert (head.unchanged, head.missing, head.settled_ids) == (1, 0, [ids["b"]])
        # The head's "a" is scanned while the walk goes on.
        session.execute(
            update(ScanDirectory)
            .where(ScanDirectory.scan_job_id == job.id, ScanDirectory.path == "a")
            .values(outcome="new")
        )

        known = work_list.known_folders(session, library.id, Movie)
        present, seq = work_list.stored_paths(session, job.id)
        assert (present, seq) == ({"a", "b"}, 2)
        chunk = work_list.store_directories(session, job.id, Movie, found("c", "d"), seq, known, force=False)
        assert (chunk.unchanged, chunk.settled_ids) == (1, [ids["c"]])
        # What was stored from seq 2 on, as the scan reads it: two rows, one settled.
        stored, settled = work_list.settled_from(session, job.id, library.id, Movie, 2)
        assert (stored, settled.unchanged, settled.settled_ids) == (4, 1, [ids["c"]])
        work_list.store_directories(session, job.id, Movie, found("e"), 4, known, force=False)
        stored, settled = work_list.settled_from(session, job.id, library.id, Movie, 4)
        assert (stored, settled.unchanged) == (5, 0)
        assert work_list.settled_from(session, job.id, library.id, Movie, 5)[0] == 5

        assert rows(session, job.id) == [
            (0, "a", "new"),
            (1, "b", "unchanged"),
            (2, "c", "unchanged"),
            (3, "d", "pending"),
            (4, "e", "pending"),
        ]
        assert work_list.mark_missing(session, job.id, Movie, known) == 1
        states = dict(session.execute(select(Movie.directory, Movie.state)).all())
        assert states == {"b": "discovered", "c": "discovered", "e": "discovered", "gone": "missing"}


def test_a_forced_rescan_stores_chunks_without_settling_them(url: str, tmp_path: Path) -> None:
    with session_scope(url) as session:
        library = scan_jobs.get_or_create_library(session, tmp_path / "Movies")
        session.add(Movie(library_id=library.id, directory="a", title="a", fingerprint="fp-a"))
        session.flush()
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        known = work_list.known_folders(session, library.id, Movie)
        plan = work_list.store_directories(session, job.id, Movie, found("a", "b"), 0, known, force=True)
        assert (plan.unchanged, plan.settled_ids) == (0, [])
        assert [outcome for _, _, outcome in rows(session, job.id)] == ["pending", "pending"]
