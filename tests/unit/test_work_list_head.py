"""The work list of a walk stored in two parts: the head's rows stay as they are (some already scanned), the rest is
added after them, again on a retry without listing a folder twice, and the rescan plan settles only the rest."""

from __future__ import annotations

from pathlib import Path

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


def test_the_rest_of_a_walk_keeps_the_head_and_is_stored_once_on_a_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'work.db'}"
    migrate(url)
    try:
        with session_scope(url) as session:
            library = scan_jobs.get_or_create_library(session, tmp_path / "Movies")
            # b and c were recorded by an earlier scan with the fingerprints the walk finds again.
            session.add_all(
                [
                    Movie(library_id=library.id, directory=name, title=name, fingerprint=f"fp-{name}")
                    for name in ("b", "c", "gone")
                ]
            )
            session.flush()
            job = scan_jobs.create_scan_job(session, library.id, {})
            assert job is not None
            assert work_list.replace_scan_directories(session, job.id, found("a", "b")) == 2
            head = work_list.plan_rescan(session, job.id, library.id, complete=False, force=False)
            assert (head.unchanged, head.missing) == (1, 0)
            # The head's "a" is scanned while the walk goes on.
            session.execute(
                update(ScanDirectory)
                .where(ScanDirectory.scan_job_id == job.id, ScanDirectory.path == "a")
                .values(outcome="new")
            )

            # A first attempt at the rest stored d only; the retry finds e as well.
            assert work_list.append_scan_directories(session, job.id, found("a", "b", "d"), 2) == 3
            assert work_list.append_scan_directories(session, job.id, found("a", "b", "c", "d", "e"), 2) == 5
            assert rows(session, job.id) == [
                (0, "a", "new"),
                (1, "b", "unchanged"),
                (2, "c", "pending"),
                (3, "d", "pending"),
                (4, "e", "pending"),
            ]

            rest = work_list.plan_rescan(session, job.id, library.id, complete=True, force=False, from_seq=2)
            c_id = session.scalar(select(Movie.id).where(Movie.directory == "c"))
            assert (rest.unchanged, rest.missing, rest.settled_ids) == (1, 1, [c_id])
            assert [outcome for _, _, outcome in rows(session, job.id)] == [
                "new",
                "unchanged",
                "unchanged",
                "pending",
                "pending",
            ]
            # Only the folder no row lists is gone; "b" of the head counts as found.
            states = dict(session.execute(select(Movie.directory, Movie.state)).all())
            assert states == {"b": "discovered", "c": "discovered", "gone": "missing"}
    finally:
        dispose_engines()
