"""Logs never hold a query-string secret or a bearer token, and third-party request lines stay out of INFO."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from reelscan.logs import configure_logging, redact


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the configured handler writes (its stream swapped for a buffer), the test's logging restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("httpx").level)
    configure_logging(json_lines=True)
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    logging.getLogger("httpx").setLevel(saved[2])


def test_request_urls_of_http_libraries_are_not_logged_at_info(logged: io.StringIO) -> None:
    logging.getLogger("httpx").info('HTTP Request: GET http://tmdb/3/configuration?api_key=%s "200 OK"', "k-123")
    logging.getLogger("reelscan.worker").info("worker started")
    err = logged.getvalue()
    assert "worker started" in err and "HTTP Request" not in err


def test_secrets_in_any_record_are_redacted_by_the_handler(logged: io.StringIO) -> None:
    logging.getLogger("httpx").warning("GET http://tmdb/3/movie/1?language=en&api_key=%s failed", "k-123")
    logging.getLogger("reelscan.api").warning("closing /ws?token=s3cret-token")
    logging.getLogger("anything").error("sent Authorization: Bearer eyJ.abc-def")
    try:
        raise RuntimeError("GET http://tmdb/3/x?api_key=k-123")
    except RuntimeError:
        logging.getLogger("reelscan").exception("provider call failed")
    err = logged.getvalue()
    assert "k-123" not in err and "s3cret-token" not in err and "eyJ.abc-def" not in err
    assert "language=en&api_key=*** failed" in err and "/ws?token=***" in err and "Bearer ***" in err
    assert "provider call failed" in err and "RuntimeError: GET http://tmdb/3/x?api_key=***" in err


def test_redact_keeps_everything_but_the_secret() -> None:
    assert (
        redact("/3/search/movie?query=Heat&api_key=abc&year=1995") == "/3/search/movie?query=Heat&api_key=***&year=1995"
    )
    assert redact("no secrets here: token count 3") == "no secrets here: token count 3"
