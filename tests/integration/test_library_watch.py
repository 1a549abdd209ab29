"""The library watcher on a real server: changed folders become a few targeted scans, once their files are still."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.client import Client

from reelscan.db.models import ScanJob
from reelscan.db.session import session_scope
from reelscan.settings import Settings
from service import scans, watch
from service.watch_runner import WatchRunner
from tests.integration.scanning import (
    detached,
    eventually,
    finish,
    movies_by_directory,
    movies_when,
    reconfigure,
    running_workers,
    scan,
    scanned_bulk_library,
    start,
)
from tests.integration.watching import pending_while_paused, resumed_until_scanned
from tests.library_builder import MEDIA, build_bulk_library


@pytest.fixture
def settings(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return reconfigure(monkeypatch, watch_quiet_seconds="1")


def empty_library(settings: Settings, tmp_path: Path) -> tuple[Path, int]:
    """An empty `Movies` folder and the library for it."""
    root = tmp_path / "Movies"
    root.mkdir()
    return root, scans.library_for_path(settings, root)


def scan_jobs(settings: Settings, library_id: int) -> list[ScanJob]:
    return detached(settings, select(ScanJob).where(ScanJob.library_id == library_id).order_by(ScanJob.id))


async def state(client: Client, settings: Settings, library_id: int) -> dict[str, Any]:
    found = await watch.watch_state(client, settings, library_id)
    assert found is not None, "the watcher is not running"
    return found


def pending_count(count: int) -> Callable[[dict[str, Any]], bool]:
    return lambda s: len(s["pending"]) == count


async def stop_watch(client: Client, settings: Settings, library_id: int) -> None:
    await client.get_workflow_handle(watch.watch_workflow_id(settings, library_id)).terminate("test over")


async def settled(client: Client, settings: Settings, library_id: int) -> None:
    await eventually(
        lambda: state(client, settings, library_id),
        lambda s: not s["pending"] and not s["scanning"],
        what="nothing pending",
    )


async def stop_runner(
    client: Client, settings: Settings, library_id: int, stop: asyncio.Event, running: asyncio.Task[None]
) -> None:
    stop.set()
    await running
    await stop_watch(client, settings, library_id)


def write_slowly(source: Path, target: Path, steps: int, pause: float) -> None:
    """Write a file in several steps, as a copy over a network does (in a thread of its own, so a busy event loop
    running the workers cannot stretch the pauses)."""
    data = source.read_bytes()
    size = -(-len(data) // steps)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for i in range(0, len(data), size):
            out.write(data[i : i + size])
            out.flush()
            os.fsync(out.fileno())
            time.sleep(pause)


async def copy_slowly(source: Path, target: Path, steps: int = 8, pause: float = 0.25) -> None:
    await asyncio.to_thread(write_slowly, source, target, steps, pause)


async def test_a_movie_copied_in_slowly_is_scanned_once_after_the_copy_ends(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writes 0.3 s apart against a quiet period of 2 s: two snapshots a quiet period apart always differ.
    settings = reconfigure(monkeypatch, watch_quiet_seconds="2")
    root = tmp_path / "Movies"
    build_bulk_library(root, 2)
    library_id = scans.library_for_path(settings, root)
    async with running_workers(client, settings):
        plan = watch.library_plan(settings, library_id)
        folder = root / "Heat (1995)"
        folder.mkdir()
        # One event when the copy begins; none while it goes on (a network share reports nothing).
        await watch.signal_changes(client, settings, plan, ["Heat (1995)/Heat.mp4"])
        await copy_slowly(MEDIA / "h264_aac.mp4", folder / "Heat.mp4", steps=10, pause=0.3)
        shutil.copyfile(MEDIA / "poster.jpg", folder / "poster.jpg")
        copied = {job.id for job in scan_jobs(settings, library_id)}
        assert not copied, "scanned while the copy was still going on"

        movies = await movies_when(
            settings,
            lambda movies: "Heat (1995)" in movies,
            what="the copied movie in the database",
        )
        jobs = await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, library_id),
            lambda jobs: bool(jobs) and jobs[-1].status == "completed",
            what="the targeted scan to complete",
        )
        await settled(client, settings, library_id)
        await stop_watch(client, settings, library_id)

    assert len(jobs) == 1
    assert jobs[0].options["paths"] == ["Heat (1995)"]
    assert (jobs[0].directories_total, jobs[0].movies_new) == (1, 1)
    heat = movies["Heat (1995)"]
    assert heat["fileSize"] == (MEDIA / "h264_aac.mp4").stat().st_size
    assert [a["type"] for a in heat["assets"]] == ["poster"]
    assert sorted(movies) == ["Heat (1995)"]  # the folders nobody reported are not read


async def test_a_deleted_folder_marks_its_movie_missing(client: Client, settings: Settings, tmp_path: Path) -> None:
    root, names = await scanned_bulk_library(client, settings, tmp_path, 3)
    library_id = scans.library_for_path(settings, root)
    async with running_workers(client, settings):
        shutil.rmtree(root / names[1])
        await watch.signal_changes(client, settings, watch.library_plan(settings, library_id), [names[1]])
        movies = await movies_when(
            settings,
            lambda movies: movies[names[1]]["state"] == "missing",
            what="the deleted movie marked missing",
        )
        await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, library_id),
            lambda jobs: len(jobs) == 2 and jobs[-1].status == "completed",
            what="the targeted scan completed",
        )
        await stop_watch(client, settings, library_id)
    assert [movies[name]["state"] for name in names] == ["discovered", "missing", "discovered"]
    last = scan_jobs(settings, library_id)[-1]
    assert (last.options["paths"], last.movies_missing, last.directories_total) == ([names[1]], 1, 0)


async def test_hundreds_of_folders_copied_at_once_give_a_handful_of_scans(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root, library_id = empty_library(settings, tmp_path)
    count = 300
    async with running_workers(client, settings):
        plan = watch.library_plan(settings, library_id)
        staging = tmp_path / "staging"
        names = build_bulk_library(staging, count)
        for start in range(0, count, 60):
            batch = names[start : start + 60]
            for name in batch:
                (staging / name).rename(root / name)
            # What the file-system watcher sends: one batch of folder names (and a file or two) per half second.
            await watch.signal_changes(client, settings, plan, [*batch, f"{batch[0]}/movie.mp4"])
            await asyncio.sleep(0.5)
        await movies_when(
            settings,
            lambda movies: len(movies) == count,
            what=f"{count} movies in the database",
            timeout=180,
        )
        await settled(client, settings, library_id)
        final = await state(client, settings, library_id)
        await stop_watch(client, settings, library_id)

    jobs = scan_jobs(settings, library_id)
    assert 1 <= len(jobs) <= 5, [len(job.options["paths"]) for job in jobs]
    assert all(job.status == "completed" for job in jobs)
    assert sum(job.movies_new for job in jobs) == count
    assert sum(job.directories_total for job in jobs) == count
    assert sorted(p for job in jobs for p in job.options["paths"]) == sorted(names)
    assert final["scansStarted"] == len(jobs) and final["foldersScanned"] == count


async def test_pending_folders_survive_a_worker_restart(client: Client, settings: Settings, tmp_path: Path) -> None:
    root, library_id = empty_library(settings, tmp_path)
    names = build_bulk_library(tmp_path / "staging", 2)
    plan = watch.library_plan(settings, library_id)
    async with running_workers(client, settings):
        _, before = await pending_while_paused(client, settings, plan, tmp_path / "staging", root, names)
    # No worker now: the changes are in the workflow's history, not in a process.
    await watch.signal_changes(client, settings, plan, ["Late (2001)"])
    async with running_workers(client, settings):
        # The first query after a restart may wait for the dead worker's sticky queue to time out.
        after = await eventually(
            lambda: watch.watch_state(client, settings, library_id),
            lambda s: s is not None,
            what="the watcher answering after the restart",
        )
        assert after is not None and after["paused"]
        assert sorted(after["pending"]) == sorted([*names, "Late (2001)"])
        for name in names:
            assert after["pending"][name]["lastSeen"] == before["pending"][name]["lastSeen"]
        movies = await resumed_until_scanned(client, settings, library_id, 2)
        await settled(client, settings, library_id)
        await stop_watch(client, settings, library_id)
    assert sorted(movies) == names
    scanned = [p for job in scan_jobs(settings, library_id) for p in job.options["paths"]]
    assert sorted(scanned) == sorted([*names, "Late (2001)"])  # each once


async def test_the_watcher_of_one_library_never_scans_another(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    first, second = tmp_path / "A", tmp_path / "B"
    names = build_bulk_library(first, 2)
    assert build_bulk_library(second, 2) == names  # the same folder names in both
    first_id, second_id = scans.library_for_path(settings, first), scans.library_for_path(settings, second)
    async with running_workers(client, settings):
        await watch.signal_changes(client, settings, watch.library_plan(settings, first_id), names)
        await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, first_id),
            lambda jobs: bool(jobs) and jobs[-1].status == "completed",
            what="the first library's targeted scan",
        )
        await stop_watch(client, settings, first_id)
    assert scan_jobs(settings, second_id) == []
    with session_scope(settings.resolved_database_url) as session:
        from reelscan.db.models import Movie

        libraries = {m.library_id for m in session.scalars(select(Movie))}
    assert libraries == {first_id}


async def test_polling_finds_changes_made_while_no_watcher_ran(
    client: Client, any_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, watch_quiet_seconds="1")
    root, names = await scanned_bulk_library(client, settings, tmp_path, 4)
    library_id = scans.library_for_path(settings, root)
    # While nothing watches: one folder deleted, one added, one changed; one untouched.
    shutil.rmtree(root / names[0])
    (root / "Heat (1995)").mkdir()
    # Another video than the deleted folder's (the same one would be a move of that movie).
    shutil.copyfile(MEDIA / "vp9_opus.webm", root / "Heat (1995)" / "Heat.webm")
    shutil.copyfile(MEDIA / "fanart.jpg", root / names[1] / "fanart.jpg")
    watch.set_watch_mode(settings, library_id, "poll", 300)
    plan = watch.library_plan(settings, library_id)
    assert (plan.mode, plan.reason) == ("poll", "set to polling")
    async with running_workers(client, settings):
        await watch.start_watch(client, settings, plan)
        final = await eventually(
            lambda: state(client, settings, library_id),
            lambda s: s["polls"] >= 1 and s["scansStarted"] >= 1 and not s["pending"] and not s["scanning"],
            what="the polled changes scanned",
        )
        await stop_watch(client, settings, library_id)
    jobs = scan_jobs(settings, library_id)
    assert len(jobs) == 2 and final["scansStarted"] == 1 and final["pollIntervalSeconds"] == 300
    targeted = jobs[-1]
    assert targeted.status == "completed"
    assert sorted(targeted.options["paths"]) == sorted([names[0], names[1], "Heat (1995)"])
    assert (targeted.movies_new, targeted.movies_updated, targeted.movies_missing) == (1, 1, 1)
    movies = movies_by_directory(settings)
    assert movies[names[0]]["state"] == "missing" and movies["Heat (1995)"]["state"] == "discovered"


async def test_a_change_during_a_running_scan_is_scanned_after_it(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 150)
    async with running_workers(client, settings):
        full = await start(client, settings, root)
        library_id = full.library_id
        (root / "Heat (1995)").mkdir()
        shutil.copyfile(MEDIA / "h264_aac.mp4", root / "Heat (1995)" / "Heat.mp4")
        await watch.signal_changes(client, settings, watch.library_plan(settings, library_id), ["Heat (1995)"])
        await finish(client, full)
        await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, library_id),
            lambda jobs: len(jobs) == 2 and jobs[-1].status == "completed",
            what="the targeted scan after the full one",
        )
        await stop_watch(client, settings, library_id)
    jobs = scan_jobs(settings, library_id)
    assert jobs[0].status == "completed" and jobs[0].options["paths"] == []
    assert jobs[1].options["paths"] == ["Heat (1995)"]
    assert "Heat (1995)" in movies_by_directory(settings)


async def test_file_system_events_bring_a_copied_movie_in(client: Client, settings: Settings, tmp_path: Path) -> None:
    root, names = await scanned_bulk_library(client, settings, tmp_path, 2)
    library_id = scans.library_for_path(settings, root)
    watch.set_watch_mode(settings, library_id, "events")
    plan = watch.library_plan(settings, library_id)
    assert plan.mode == "events"
    stop = asyncio.Event()
    async with running_workers(client, settings):
        runner = WatchRunner(client, settings, [plan])
        running = asyncio.create_task(runner.run(stop))
        await eventually(
            lambda: watch.watch_state(client, settings, library_id), lambda s: s is not None, what="the watcher"
        )
        await eventually(lambda: _observing(runner), what="the observer started")
        folder = root / "Heat (1995)"
        # Another video than the deleted folder's: the same one would make it a move of that movie.
        await copy_slowly(MEDIA / "vp9_opus.webm", folder / "Heat.webm", steps=6, pause=0.2)
        shutil.copyfile(MEDIA / "poster.jpg", folder / "poster.jpg")
        (root / ".hidden").mkdir()  # ignored, as discovery ignores it
        shutil.rmtree(root / names[0])
        movies = await movies_when(
            settings,
            lambda movies: "Heat (1995)" in movies and movies[names[0]]["state"] == "missing",
            what="the copied movie in and the deleted one missing",
        )
        await settled(client, settings, library_id)
        await stop_runner(client, settings, library_id, stop, running)
    jobs = scan_jobs(settings, library_id)[1:]
    assert sorted(p for job in jobs for p in job.options["paths"]) == sorted(["Heat (1995)", names[0]])
    assert [a["type"] for a in movies["Heat (1995)"]["assets"]] == ["poster"]
    assert movies["Heat (1995)"]["fileSize"] == (MEDIA / "vp9_opus.webm").stat().st_size
    assert runner.signals_sent >= 1


async def _observing(runner: WatchRunner) -> bool:
    return bool(runner.observers) and all(observer.is_alive() for observer in runner.observers)


async def test_pending_folders_are_carried_across_continue_as_new(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, watch_quiet_seconds="1", continue_as_new_events="100")
    root, library_id = empty_library(settings, tmp_path)
    plan = watch.library_plan(settings, library_id)
    names = build_bulk_library(tmp_path / "staging", 30)
    async with running_workers(client, settings):
        workflow_id = await watch.signal_changes(client, settings, plan, [])
        handle = client.get_workflow_handle(workflow_id)
        await handle.signal("pause")
        first_run = (await handle.describe()).run_id
        for count, name in enumerate(names, start=1):  # one signal at a time: a task and a snapshot each
            (tmp_path / "staging" / name).rename(root / name)
            await watch.signal_changes(client, settings, plan, [name])
            await eventually(
                lambda: state(client, settings, library_id),
                pending_count(count),
                what=f"{count} folders pending",
            )
        paused = await eventually(
            lambda: state(client, settings, library_id),
            lambda s: len(s["pending"]) == len(names) and all(p["ready"] for p in s["pending"].values()),
            what="every folder pending and ready while paused",
        )
        assert paused["paused"]
        assert (await handle.describe()).run_id != first_run, "the watcher did not continue as new"
        await handle.signal("resume")
        await movies_when(
            settings,
            lambda movies: len(movies) == len(names),
            what="every folder scanned",
        )
        await stop_watch(client, settings, library_id)
    jobs = scan_jobs(settings, library_id)
    assert len(jobs) == 1 and sorted(jobs[0].options["paths"]) == names


async def test_the_runner_picks_up_a_library_watched_after_it_started(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root, library_id = empty_library(settings, tmp_path)
    stop = asyncio.Event()
    async with running_workers(client, settings):
        runner = WatchRunner(
            client, settings, [], refresh=lambda: watch.watched_libraries(settings), refresh_seconds=0.5
        )
        running = asyncio.create_task(runner.run(stop))
        watch.set_watch_mode(settings, library_id, "events")
        await eventually(lambda: _observing(runner), what="the observer of the newly watched library")
        folder = root / "Heat (1995)"
        await copy_slowly(MEDIA / "h264_aac.mp4", folder / "Heat.mp4", steps=3, pause=0.1)
        await movies_when(
            settings,
            lambda movies: "Heat (1995)" in movies,
            what="the copied movie",
        )
        watch.set_watch_mode(settings, library_id, "off")
        await eventually(lambda: _stopped(runner), what="the observer dropped")
        await stop_runner(client, settings, library_id, stop, running)


async def _stopped(runner: WatchRunner) -> bool:
    return not runner.observers and not runner.plans


async def test_a_folder_renamed_under_the_watcher_keeps_its_movie(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build_bulk_library(root, 1)
    heat = root / "Heat (1995)"
    heat.mkdir()
    shutil.copyfile(MEDIA / "vp9_opus.webm", heat / "Heat.webm")
    shutil.copyfile(MEDIA / "poster.jpg", heat / "poster.jpg")
    await scan(client, settings, root)
    before = movies_by_directory(settings)["Heat (1995)"]
    library_id = scans.library_for_path(settings, root)
    watch.set_watch_mode(settings, library_id, "events")
    stop = asyncio.Event()
    async with running_workers(client, settings):
        runner = WatchRunner(client, settings, [watch.library_plan(settings, library_id)])
        running = asyncio.create_task(runner.run(stop))
        await eventually(lambda: _observing(runner), what="the observer started")
        heat.rename(root / "Heat (1995) [Director's Cut]")
        movies = await movies_when(
            settings,
            lambda movies: "Heat (1995) [Director's Cut]" in movies,
            what="the renamed folder recorded",
        )
        await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, library_id),
            lambda jobs: len(jobs) == 2 and jobs[-1].status == "completed",
            what="the targeted scan completed",
        )
        await stop_runner(client, settings, library_id, stop, running)
    after = movies["Heat (1995) [Director's Cut]"]
    assert "Heat (1995)" not in movies
    assert after["id"] == before["id"]
    assert [a["cachePath"] for a in after["assets"]] == [a["cachePath"] for a in before["assets"]]
    assert after["assets"][0]["cachePath"] is not None
    [job] = scan_jobs(settings, library_id)[1:]
    assert sorted(job.options["paths"]) == ["Heat (1995)", "Heat (1995) [Director's Cut]"]
    assert (job.movies_new, job.movies_updated, job.movies_missing) == (0, 1, 0)


async def test_a_video_loose_in_the_root_is_rescanned_when_it_comes_or_changes(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    root, names = await scanned_bulk_library(client, settings, tmp_path, 1)
    library_id = scans.library_for_path(settings, root)
    watch.set_watch_mode(settings, library_id, "events")
    stop = asyncio.Event()
    loose = "Heat.1995.1080p.BluRay.x264.webm"
    async with running_workers(client, settings):
        runner = WatchRunner(client, settings, [watch.library_plan(settings, library_id)])
        running = asyncio.create_task(runner.run(stop))
        await eventually(lambda: _observing(runner), what="the observer started")
        shutil.copyfile(MEDIA / "vp9_opus.webm", root / loose)  # a new movie, as a scan of the root takes it
        movies = await movies_when(settings, lambda movies: loose in movies, what="the loose video recorded")
        assert (movies[loose]["title"], movies[loose]["year"]) == ("Heat", 1995)
        await eventually(
            lambda: asyncio.to_thread(scan_jobs, settings, library_id),
            lambda jobs: len(jobs) == 2 and jobs[-1].status == "completed",
            what="the first targeted scan completed",
        )
        # A file named after it changes the movie: an NFO with another title.
        (root / "Heat.1995.1080p.BluRay.x264.nfo").write_text(
            "<movie><title>Heat (Director's Edition)</title><year>1995</year></movie>", encoding="utf-8"
        )
        movies = await movies_when(
            settings,
            lambda movies: movies[loose]["title"] == "Heat (Director's Edition)",
            what="the loose video's NFO read",
        )
        await settled(client, settings, library_id)
        await stop_runner(client, settings, library_id, stop, running)
    jobs = scan_jobs(settings, library_id)[1:]
    assert [job.options["paths"] for job in jobs] == [[loose], [loose]]
    assert [(job.directories_total, job.movies_new, job.movies_updated) for job in jobs] == [(1, 1, 0), (1, 0, 1)]
    assert sorted(movies) == sorted([*names, loose])
