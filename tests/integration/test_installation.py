"""One installation, one database: each data dir has its own id, its own embedded services and its own work.

The CLI tests run starter.py as a person would, on the embedded default (no task queue or workflow id prefix
set), with REELSCAN_DATA_DIR as the only difference between two installations. Both prefer the same ports (free
ones chosen here, so a developer's own embedded server on 7233 is left alone): the second finds them taken by the
first and must bring up services of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from reelscan.db.session import dispose_engines, session_scope
from reelscan.db.views import list_movies
from reelscan.payloads.scan import ScheduledScanInput
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import embedded, scans
from service.client import connect
from service.installation_guard import WRONG_INSTALLATION
from tests.integration.scanning import finish, running_workers, start
from tests.library_builder import build_bulk_library
from tests.ports import free_port
from worker import build_workers
from workflows.scheduled_scan import ScheduledScanWorkflow

PROJECT = Path(__file__).resolve().parents[2]


def movie_library(root: Path, title: str, count: int) -> Path:
    """`count` movie folders named after `title`, so each library's movies are told apart by name."""
    build_bulk_library(root, count, with_assets=False)
    for folder in sorted(root.iterdir()):
        folder.rename(root / folder.name.replace("Movie", title))
    return root


class Installations:
    """Runs starter.py for a data dir on the embedded default, and stops every data dir it used."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.preferred = {
            "REELSCAN_EMBEDDED_TEMPORAL_PORT": str(free_port()),
            "REELSCAN_EMBEDDED_UI_PORT": str(free_port()),
            "REELSCAN_API_PORT": str(free_port()),
        }
        self.used: list[Path] = []

    def env(self, data_dir: Path) -> dict[str, str]:
        # Nothing of the test run's own REELSCAN_ settings (prefixes, database URL, server address).
        env = {k: v for k, v in os.environ.items() if not k.startswith("REELSCAN_")}
        return {**env, **self.preferred, "REELSCAN_DATA_DIR": str(data_dir), "REELSCAN_WORKER_PROCESSES": "1"}

    def run(self, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        if data_dir not in self.used:
            self.used.append(data_dir)
        return subprocess.run(
            [sys.executable, str(PROJECT / "starter.py"), *args],
            cwd=self.cwd,
            env=self.env(data_dir),
            capture_output=True,
            text=True,
            timeout=240,
        )

    def settings(self, data_dir: Path) -> Settings:
        ports = {key.removeprefix("REELSCAN_").lower(): int(value) for key, value in self.preferred.items()}
        return Settings(data_dir=data_dir, **ports)  # type: ignore[arg-type]


@pytest.fixture
def installations(tmp_path: Path) -> Iterator[Installations]:
    (tmp_path / "elsewhere").mkdir()
    runner = Installations(tmp_path / "elsewhere")  # commands run from a folder that is not the project's
    yield runner
    for data_dir in runner.used:
        if any((data_dir / "run" / f"{name}.json").exists() for name in ("temporal", "worker", "api")):
            runner.run(data_dir, "down")
    dispose_engines()


def final_message(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def movie_titles(settings: Settings) -> list[str]:
    with session_scope(settings.resolved_database_url) as session:
        return sorted(movie["title"] for movie in list_movies(session))


def wait_until_ended(pid: int) -> None:
    for _ in range(300):
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} is still running")


def test_two_data_dirs_scanned_one_after_the_other_each_hold_exactly_their_own_movies(
    installations: Installations, tmp_path: Path
) -> None:
    alpha = movie_library(tmp_path / "Alpha", "Alpha", 4)
    beta = movie_library(tmp_path / "Beta", "Beta", 3)
    first, second = tmp_path / "first", tmp_path / "second"

    scanned_first = final_message(installations.run(first, "scan", str(alpha), "--wait", "--json"))
    scanned_second = final_message(installations.run(second, "scan", str(beta), "--wait", "--json"))

    assert (scanned_first["phase"], scanned_first["stats"]["moviesFound"]) == ("completed", 4)
    assert (scanned_second["phase"], scanned_second["stats"]["moviesFound"]) == ("completed", 3)
    assert movie_titles(installations.settings(first)) == [f"Alpha {i:05d}" for i in range(4)]
    assert movie_titles(installations.settings(second)) == [f"Beta {i:05d}" for i in range(3)]
    # Same library and scan numbers in both databases, yet two workflows: each id carries its installation.
    first_id = installations.settings(first).installation_id
    second_id = installations.settings(second).installation_id
    assert first_id != second_id
    assert scanned_first["workflowId"] == f"scan-{first_id[:8]}-1-1"
    assert scanned_second["workflowId"] == f"scan-{second_id[:8]}-1-1"

    # The second data dir found the preferred ports taken and runs its own server and API elsewhere.
    first_ports = embedded.ports(installations.settings(first))
    second_ports = embedded.ports(installations.settings(second))
    preferred = sorted(int(port) for port in installations.preferred.values())
    assert sorted([first_ports.temporal, first_ports.ui, first_ports.api]) == preferred
    assert not {second_ports.temporal, second_ports.ui, second_ports.api} & set(preferred)
    for name in ("temporal", "worker", "api"):
        record = json.loads((second / "run" / f"{name}.json").read_text())
        assert record["dataDir"] == str(second.resolve())

    # Stopping one stops only its own services; started again, it reuses the ports it recorded.
    assert installations.run(second, "down").stdout.strip() == "stopped: API, worker, Temporal dev server"
    assert embedded._port_open(first_ports.temporal) and embedded._port_open(first_ports.api)
    restarted = installations.run(second, "up")
    assert restarted.returncode == 0, restarted.stderr
    assert embedded.ports(installations.settings(second)) == second_ports
    assert f"progress page: http://127.0.0.1:{second_ports.api}" in restarted.stderr


def test_the_installation_id_is_made_once_and_names_workflows_and_task_queues(any_settings: Settings) -> None:
    installation = any_settings.installation_id  # made here, on first use
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TASK_QUEUE_PREFIX", "_WORKFLOW_ID_PREFIX"))}
    show = (
        "from reelscan.settings import get_settings; s = get_settings(); "
        "print(s.installation_id, s.scan_task_queue, s.cache_task_queue, s.enrich_task_queue, "
        "s.resolved_workflow_id_prefix)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", show], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    short = installation[:8]
    assert len(installation) == 32
    assert shown == [
        installation,  # another process reads the same id
        f"reelscan-{short}-scan",
        f"reelscan-{short}-cache",
        f"reelscan-{short}-enrich",
        f"scan-{short}",
    ]
    # Prefixes set by hand still win (the test suite's own settings set them).
    assert any_settings.scan_task_queue == f"{os.environ['REELSCAN_TASK_QUEUE_PREFIX']}-scan"
    assert scans.workflow_id_for(any_settings, 1, 2) == f"{os.environ['REELSCAN_WORKFLOW_ID_PREFIX']}-1-2"
    defaults = any_settings.model_copy(update={"task_queue_prefix": None, "workflow_id_prefix": None})
    assert scans.workflow_id_for(defaults, 1, 2) == f"scan-{short}-1-2"


async def test_a_worker_refuses_the_workflow_of_another_installation(client: Client, sqlite_settings: Settings) -> None:
    async with running_workers(client, sqlite_settings):
        with pytest.raises(WorkflowFailureError) as failed:
            await client.execute_workflow(
                ScheduledScanWorkflow.run,
                ScheduledScanInput(library_id=1),
                id="scan-0badc0de-scheduled-library-1",
                task_queue=sqlite_settings.scan_task_queue,
            )
    cause = failed.value.cause
    mine = sqlite_settings.resolved_workflow_id_prefix  # scan-<8 hex digits>, shaped like an installation's
    assert isinstance(cause, ApplicationError)
    assert cause.type == WRONG_INSTALLATION and cause.non_retryable
    assert cause.message.startswith(
        "workflow scan-0badc0de-scheduled-library-1 belongs to installation 0badc0de, "
        f"not to this worker's installation {mine.removeprefix('scan-')}"
    )


async def test_a_worker_refuses_the_activities_of_another_installation(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build_bulk_library(tmp_path / "Movies", 2)
    # Another installation's worker polls this installation's cache queue (one prefix set on both by hand).
    other = Settings(task_queue_prefix=sqlite_settings.task_queue_prefix, workflow_id_prefix="scan-0badc0de")
    ours = build_workers(client, sqlite_settings, queues=("scan", "enrich"))  # enrich: TMDB and MusicBrainz queues
    (cache_worker,) = build_workers(client, other, queues=("cache",))
    async with contextlib.AsyncExitStack() as stack:
        for worker in [*ours, cache_worker]:
            await stack.enter_async_context(worker)
        started = await start(client, sqlite_settings, tmp_path / "Movies")
        message = await finish(client, started)
    history = await client.get_workflow_handle(started.workflow_id).fetch_history()
    failures = [
        e.activity_task_failed_event_attributes.failure
        for e in history.events
        if e.HasField("activity_task_failed_event_attributes")
    ]
    assert message["stats"]["assetsCached"] == 0
    assert len(failures) == 1, "refused once, never retried"
    info = failures[0].application_failure_info
    assert (info.type, info.non_retryable) == (WRONG_INSTALLATION, True)
    theirs = sqlite_settings.resolved_workflow_id_prefix.removeprefix("scan-")
    assert failures[0].message.startswith(
        f"workflow {started.workflow_id} belongs to installation {theirs}, not to this worker's installation 0badc0de"
    )


async def test_status_says_when_the_embedded_worker_died_and_scan_restarts_it(
    installations: Installations, tmp_path: Path
) -> None:
    library = movie_library(tmp_path / "Gamma", "Gamma", 3)
    data_dir = tmp_path / "data"
    up = installations.run(data_dir, "up")
    assert up.returncode == 0, up.stderr
    worker_pid = json.loads((data_dir / "run" / "worker.json").read_text())["pid"]
    os.kill(worker_pid, signal.SIGKILL)
    wait_until_ended(worker_pid)

    # A scan queued while no worker runs (started here, so nothing restarts the worker on the way).
    settings = installations.settings(data_dir)
    client = await connect(settings, start_embedded=False)
    started = await scans.start_scan(
        client, settings, scans.library_for_path(settings, library), ScanOptions.profile("quick")
    )
    status = installations.run(data_dir, "status", str(started.scan_job_id), "--json")
    rescan = installations.run(data_dir, "scan", "--library", str(started.library_id), "--wait", "--json")

    health = final_message(status)["health"]
    assert health["stalled"] is True
    assert health["waitingOn"].startswith(f"no worker is running (the embedded worker, pid {worker_pid}, has ended)")
    assert health["waitingOn"].endswith(f"{PROJECT / 'starter.py'} up` or by scanning again")
    message = final_message(rescan)
    assert f"The worker (pid {worker_pid}) had stopped: started it again" in rescan.stderr
    assert (message["scanJobId"], message["phase"], message["stats"]["moviesFound"]) == (
        started.scan_job_id,
        "completed",
        3,
    )


def test_down_says_nothing_was_running_and_leaves_other_processes_alone(
    installations: Installations, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    assert installations.run(data_dir, "down").stdout.strip() == "nothing was running"
    # A pid file left from before a restart whose pid now belongs to some other program.
    stranger = subprocess.Popen(["sleep", "120"], start_new_session=True)
    try:
        (data_dir / "run").mkdir(parents=True, exist_ok=True)
        (data_dir / "run" / "worker.json").write_text(json.dumps({"pid": stranger.pid, "started": "1"}))
        down = installations.run(data_dir, "down")
        assert down.stdout.strip() == "nothing was running"
        assert stranger.poll() is None
        assert not (data_dir / "run" / "worker.json").exists()
    finally:
        stranger.kill()
        stranger.wait()
