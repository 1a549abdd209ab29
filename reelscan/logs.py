"""One log format for the worker and the API: JSON lines when not on a terminal, readable text on one.

Every line from an activity carries the scan id, the directory (when there is one) and the activity type."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# Query-string secrets (TMDB's api_key, the API's ?token=) and bearer tokens, wherever a line quotes a URL or a header.
_SECRET_RE = re.compile(
    r"(?P<name>(?:api_key|apikey|access_token|token|password|secret)=|Bearer\s+)(?P<value>[^&\s\"'<>]+)", re.IGNORECASE
)
REDACTED = "***"
# Libraries that log each request's full URL at INFO; their warnings still come through.
_CHATTY = ("httpx", "httpcore", "urllib3", "hpack")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _context(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    activity = getattr(record, "temporal_activity", None)
    if isinstance(activity, dict):
        fields["activity"] = activity.get("activity_type")
        workflow_id = str(activity.get("workflow_id") or "")
        fields["workflow_id"] = workflow_id
        parts = workflow_id.split("/", 1)[0].rsplit("-", 1)
        if len(parts) == 2 and parts[1].isdigit():
            fields["scan_id"] = int(parts[1])
    workflow = getattr(record, "temporal_workflow", None)
    if isinstance(workflow, dict):
        fields.setdefault("workflow_id", workflow.get("workflow_id"))
    for key, value in record.__dict__.items():
        if key not in _STANDARD and not key.startswith("temporal_") and key not in fields:
            fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_context(record),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={v}" for k, v in _context(record).items() if v not in (None, ""))
        line = f"{self.formatTime(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        return f"{line} [{context}]" if context else line


def redact(text: str) -> str:
    """The text with every query-string secret and bearer token replaced by ***."""
    return _SECRET_RE.sub(lambda m: m.group("name") + REDACTED, text)


class RedactSecrets(logging.Filter):
    """On a handler, so it sees every record that reaches it, from any logger: the final message is redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: the formatter reports it, with nothing to redact yet
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if redact(text) != text:
                record.exc_info, record.exc_text = None, None
                record.msg = f"{record.msg}\n{redact(text)}"
        return True


def configure_logging(level: int = logging.INFO, json_lines: bool | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    use_json = not sys.stderr.isatty() if json_lines is None else json_lines
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    # Handlers added by libraries of their own (not through the root) get the filter too.
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            for own in logger.handlers:
                own.addFilter(RedactSecrets())
