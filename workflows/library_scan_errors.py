"""Reading Temporal failures: the root cause's type and message, for decisions and for people."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError, FailureError


def root_cause(error: BaseException) -> BaseException:
    while isinstance(error, FailureError) and error.cause is not None:
        error = error.cause
    return error


def failure_type(error: BaseException) -> str | None:
    cause = root_cause(error)
    return cause.type if isinstance(cause, ApplicationError) else None


def failure_message(error: BaseException) -> str:
    cause = root_cause(error)
    return cause.message if isinstance(cause, FailureError) else str(cause)


class ScanFailed(Exception):
    """A catastrophic error: the scan stops and is marked failed with this message."""
