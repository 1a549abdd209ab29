"""What every activity shares: settings, the database URL and the translation of infrastructure errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from reelscan.db.session import session_scope
from reelscan.settings import Settings, get_settings

DATABASE_UNAVAILABLE = "DatabaseUnavailable"
LIBRARY_ROOT_ERROR = "LibraryRootError"


def count(name: str, value: int = 1, **labels: str) -> None:
    """Our own Prometheus counters, through the SDK runtime's metric meter (one /metrics endpoint)."""
    if value > 0:
        activity.metric_meter().create_counter(f"reelscan_{name}").add(value, labels or None)


def settings() -> Settings:
    return get_settings()


@contextmanager
def database() -> Iterator[Session]:
    """A unit of work whose connection failures become a short, retryable DatabaseUnavailable error."""
    try:
        with session_scope(settings().resolved_database_url) as session:
            yield session
    except (OperationalError, DBAPIError) as exc:
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise ApplicationError(f"database unavailable: {reason}", type=DATABASE_UNAVAILABLE) from None
        raise
