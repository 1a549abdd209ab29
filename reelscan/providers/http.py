"""What the provider clients share on httpx: reading an answer's body as the JSON object every provider sends."""

from __future__ import annotations

from typing import Any

import httpx


def json_object(response: httpx.Response, malformed: Exception) -> dict[str, Any]:
    """The body as a JSON object; `malformed` is raised when it is not JSON or not an object."""
    try:
        body = response.json()
    except ValueError:
        raise malformed from None
    if not isinstance(body, dict):
        raise malformed
    return body
