"""Settings from the environment (prefix REELSCAN_) or a .env file."""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from reelscan import installation


def default_data_dir() -> Path:
    """The user's data directory (~/.local/share/reelscan on Linux): the same from whatever folder a command
    runs, so every command of one user finds the one database and the one set of background services."""
    return platformdirs.user_data_path("reelscan")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REELSCAN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded database, cache, logs and Temporal history live.",
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default a SQLite file in the data dir.")
    cache_dir: Path | None = Field(
        None, description="Asset cache root; default <data_dir>/cache. Shared by all workers."
    )
    temporal_address: str | None = Field(
        None, description="host:port of a Temporal server; unset = embedded dev server."
    )
    temporal_namespace: str = "default"
    task_queue_prefix: str | None = Field(
        None,
        description="Task queues are <prefix>-scan, <prefix>-cache and <prefix>-enrich; "
        "default reelscan-<installation id>.",
    )
    workflow_id_prefix: str | None = Field(
        None,
        description="Scan workflows are <prefix>-<library>-<scan>; default scan-<installation id>. Workers refuse "
        "workflows whose id does not start with it.",
    )

    # Worker concurrency: threads for blocking I/O inside a process; processes to use every core.
    worker_processes: int = Field(
        0, ge=0, le=64, description="Worker processes the embedded default starts; 0 = one per core."
    )
    scan_concurrency: int = Field(8, ge=1, description="Directory scans run at once per worker.")
    cache_concurrency: int = Field(4, ge=1, description="Cache batch activities run at once per worker.")
    max_concurrent_workflow_tasks: int = Field(50, ge=1)

    # Workflow windows: far below Temporal's 2,000 pending children/activities per run.
    children_window: int = Field(
        0,
        ge=0,
        le=1500,
        description="Directory children in flight per scan; 0 = twice the local-activity slots of the worker "
        "processes (scan_concurrency x worker processes x 2), so children never wait long holding task slots.",
    )
    directories_per_child: int = Field(
        0,
        ge=0,
        le=50,
        description="Directories scanned by one child workflow; 0 = one per child up to 1,000 directories, "
        "then enough to keep about 1,000 children per scan (at most 20 each).",
    )
    discovery_head: int = Field(
        500,
        ge=0,
        le=5000,
        description="Folders the walk stores first, so scanning starts while the rest of the library is walked; "
        "0 = scan only once the whole walk is stored.",
    )
    discovery_scan_while_walking: bool = Field(
        False,
        description="Also scan the walk's later chunks while it goes on, not only its first folders. Off: on a slow "
        "share the scans starve the walk (measured: a 1,500-folder walk through 2 ms per operation took 86 s beside "
        "the scans, 7 s alone).",
    )
    discovery_head_seconds: float = Field(
        1.0, gt=0, le=60, description="At most this long walking the first folders (a slow share stores fewer)."
    )
    cache_window: int = Field(8, ge=1, le=500, description="Cache batch activities in flight per scan.")
    cache_batch_size: int = Field(50, ge=1, le=1000, description="Assets per cache activity.")
    progress_interval_seconds: float = Field(2.0, gt=0, description="How often scan_jobs is refreshed while running.")
    continue_as_new_events: int = Field(4000, ge=100, description="History length that forces continue-as-new.")

    # Metadata enrichment (phase 4). The key and token are read by activities only, never passed through Temporal.
    tmdb_api_key: SecretStr | None = Field(None, description="TMDB v3 API key (sent as a query parameter).")
    tmdb_read_token: SecretStr | None = Field(None, description="TMDB read access token (sent as a bearer token).")
    tmdb_base_url: str = "https://api.themoviedb.org/3"
    tmdb_language: str = "en-US"
    tmdb_requests_per_second: float = Field(5.0, gt=0, description="Provider calls per second, for all workers.")
    tmdb_timeout_seconds: float = Field(10.0, gt=0)
    enrich_window: int = Field(20, ge=1, le=500, description="Movies enriched at once per scan.")
    provider_retry_attempts: int = Field(5, ge=1, description="Attempts per provider call before a movie fails.")
    provider_failure_threshold: int = Field(
        5, ge=1, description="Movies failing in a row on provider errors before enrichment pauses."
    )
    provider_pause_seconds: float = Field(60.0, gt=0, description="First pause; doubles up to 30 minutes.")
    # Music libraries: MusicBrainz and the Cover Art Archive (no key; a contact in the User-Agent instead).
    musicbrainz_user_agent: str | None = Field(
        None,
        description="User-Agent sent to MusicBrainz, with contact details as it asks:"
        " 'reelscan/0.1 ( you@example.org )'; unset skips music enrichment.",
    )
    musicbrainz_base_url: str = "https://musicbrainz.org/ws/2"
    cover_art_base_url: str = "https://coverartarchive.org"
    musicbrainz_requests_per_second: float = Field(
        1.0, gt=0, description="MusicBrainz calls per second for all workers together (its limit is about 1)."
    )
    musicbrainz_timeout_seconds: float = Field(10.0, gt=0)
    prefer_local_assets: bool = Field(True, description="Local artwork wins over provider artwork.")
    asset_keep: str = Field(
        "poster:3,fanart:4", description="How many candidates to keep per type (others: 1), e.g. poster:3,fanart:4."
    )

    metrics_port: int | None = Field(
        None, description="Serve Prometheus metrics (SDK runtime + reelscan_* counters) on this port of the worker."
    )
    stall_after_seconds: float = Field(
        60.0, gt=0, description="A running scan whose progress has not moved this long is shown as stalled."
    )

    # Watching libraries (LibraryWatchWorkflow and the file-system watcher).
    watch_quiet_seconds: float = Field(
        10.0, gt=0, description="A changed folder is scanned once quiet this long and its files stop changing."
    )
    watch_batch_seconds: float = Field(0.5, gt=0, description="File-system events are sent to the watcher this often.")
    watch_poll_seconds: float = Field(300.0, gt=0, description="Polling interval of a new polled library.")
    watch_in_worker: bool = Field(True, description="The worker runs the file-system watcher of watched libraries.")

    api_host: str = Field("127.0.0.1", description="Where `starter.py serve` listens; beyond loopback needs a token.")
    api_port: int = 8787
    api_token: SecretStr | None = Field(
        None, description="Bearer token every API request must send (required off loopback)."
    )

    embedded_temporal_port: int = 7233
    embedded_ui_port: int = 8233

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reelscan.db').resolve()}"

    @cached_property
    def resolved_cache_dir(self) -> Path:
        return (self.cache_dir or self.data_dir / "cache").resolve()

    @cached_property
    def installation_id(self) -> str:
        """This database's installation id (read from the database once per process)."""
        return installation.installation_id(self.resolved_database_url)

    @property
    def resolved_task_queue_prefix(self) -> str:
        return self.task_queue_prefix or f"reelscan-{installation.short_id(self.installation_id)}"

    @property
    def resolved_workflow_id_prefix(self) -> str:
        return self.workflow_id_prefix or f"scan-{installation.short_id(self.installation_id)}"

    @property
    def resolved_children_window(self) -> int:
        if self.children_window:
            return self.children_window
        processes = self.worker_processes or os.cpu_count() or 1
        return max(4, 2 * self.scan_concurrency * processes)

    @property
    def enrich_task_queue(self) -> str:
        return f"{self.resolved_task_queue_prefix}-enrich"

    @property
    def music_enrich_task_queue(self) -> str:
        """MusicBrainz calls only: its own queue, so its rate limit is its own."""
        return f"{self.resolved_task_queue_prefix}-music-enrich"

    @property
    def asset_keep_counts(self) -> dict[str, int]:
        counts = {}
        for part in self.asset_keep.split(","):
            name, _, number = part.partition(":")
            if name.strip() and number.strip().isdigit():
                counts[name.strip()] = int(number)
        return counts

    @property
    def scan_task_queue(self) -> str:
        return f"{self.resolved_task_queue_prefix}-scan"

    @property
    def cache_task_queue(self) -> str:
        return f"{self.resolved_task_queue_prefix}-cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
