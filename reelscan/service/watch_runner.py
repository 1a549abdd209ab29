"""The file-system watcher: watchdog observers on the libraries set to file-system events, their events reduced
to top-level folders and sent to each library's LibraryWatchWorkflow in batches (every REELSCAN_WATCH_BATCH_SECONDS).

Polled libraries need no observer: their watcher workflow runs the polling pass itself. Run by the worker (first
process only) and by `starter.py watch-library`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Sequence

from temporalio.client import Client
from temporalio.service import RPCError
from watchdog.events import EVENT_TYPE_CLOSED_NO_WRITE, EVENT_TYPE_OPENED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reelscan.service.watch import WatchPlan, signal_changes, start_watch
from reelscan.settings import Settings
from reelscan.watch_jobs import MAX_FOLDERS_PER_SIGNAL
from reelscan.watching import event_folder

log = logging.getLogger("reelscan.watch")
# Reading a file is no change (and the scanner reads every file it scans).
IGNORED_EVENTS = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class FolderBatch:
    """Top-level folders changed since the last batch, collected from observer threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: dict[str, None] = {}

    def add(self, folder: str) -> None:
        with self._lock:
            self._folders[folder] = None

    def take(self) -> list[str]:
        with self._lock:
            folders, self._folders = list(self._folders), {}
        return folders

    def give_back(self, folders: Sequence[str]) -> None:
        """Folders a signal could not deliver go out with the next batch."""
        with self._lock:
            for folder in folders:
                self._folders[folder] = None


class LibraryEvents(FileSystemEventHandler):
    def __init__(self, root: str, batch: FolderBatch) -> None:
        self.root = root
        self.batch = batch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        for path in (event.src_path, event.dest_path):
            text = path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
            if text:
                folder = event_folder(self.root, text)
                if folder is not None:
                    self.batch.add(folder)


def start_observer(plan: WatchPlan, batch: FolderBatch) -> BaseObserver:
    """inotify on Linux (the platform's native API elsewhere); a polling observer when that cannot start
    (for example when the inotify watch limit is reached)."""
    handler = LibraryEvents(plan.path, batch)
    observer: BaseObserver = Observer()
    try:
        observer.schedule(handler, plan.path, recursive=True)
        observer.start()
    except OSError as exc:
        log.warning("file-system events unavailable for %s (%s); polling its files instead", plan.path, exc)
        observer = PollingObserver(timeout=5)
        observer.schedule(handler, plan.path, recursive=True)
        observer.start()
    return observer


class WatchRunner:
    """Observers for the given libraries and the loop that sends their batches."""

    def __init__(self, client: Client, settings: Settings, plans: Sequence[WatchPlan]) -> None:
        self.client = client
        self.settings = settings
        self.plans = [plan for plan in plans if plan.mode != "off"]
        self.batches = {plan.library_id: FolderBatch() for plan in self.plans}
        self.observers: list[BaseObserver] = []
        self.signals_sent = 0

    async def run(self, stop: asyncio.Event) -> None:
        for plan in self.plans:
            await start_watch(self.client, self.settings, plan)
            if plan.mode == "events":
                self.observers.append(start_observer(plan, self.batches[plan.library_id]))
            log.info("watching library %s (%s): %s, %s", plan.library_id, plan.path, plan.mode, plan.reason)
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.watch_batch_seconds)
                await self.flush()
        finally:
            for observer in self.observers:
                observer.stop()
            for observer in self.observers:
                await asyncio.to_thread(observer.join, 5)

    async def flush(self) -> None:
        for plan in self.plans:
            batch = self.batches[plan.library_id]
            folders = batch.take()
            for start in range(0, len(folders), MAX_FOLDERS_PER_SIGNAL):
                part = folders[start : start + MAX_FOLDERS_PER_SIGNAL]
                try:
                    await signal_changes(self.client, self.settings, plan, part)
                    self.signals_sent += 1
                except RPCError as exc:
                    log.warning("could not report changes in library %s: %s; retrying", plan.library_id, exc)
                    batch.give_back(folders[start:])
                    break
