"""TMDB credentials: a v3 API key and/or a read access token, never shown by repr()."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TmdbCredentials:
    """A v3 API key (sent as the api_key query parameter) and/or a read access token (sent as a bearer token).

    When both are set only the token is sent, which keeps the key out of URLs altogether.
    """

    api_key: str | None = field(default=None, repr=False)
    read_token: str | None = field(default=None, repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.read_token)

    def __repr__(self) -> str:
        return f"TmdbCredentials(configured={self.configured})"
