"""TMDB's failures as exceptions whose messages name the request path only, never the API key or token."""

from __future__ import annotations

DEFAULT_RETRY_AFTER = 10.0


class ProviderError(Exception):
    """Base of every provider failure; str() is a short human message without secrets.

    `retryable` says whether trying the same call again later can succeed.
    """

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        return self.message


class ProviderAuthError(ProviderError):
    """TMDB rejected the credentials (401)."""

    retryable = False


class ProviderNotFound(ProviderError):
    """TMDB has nothing at that path (404)."""

    retryable = False


class ProviderRateLimited(ProviderError):
    """TMDB asked to slow down (429); wait `retry_after` seconds before the next call."""

    retryable = True

    def __init__(self, message: str, retry_after: float = DEFAULT_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """TMDB failed (5xx), did not answer in time, could not be reached or sent something unreadable."""

    retryable = True
