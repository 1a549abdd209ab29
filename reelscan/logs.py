"""One log format for the worker and the API: JSON lines when not on a terminal, readable text on one.

Every line from an activity carries the scan id, the directory (when there is one) and the activity type."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

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


def configure_logging(level: int = logging.INFO, json_lines: bool | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    use_json = not sys.stderr.isatty() if json_lines is None else json_lines
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
