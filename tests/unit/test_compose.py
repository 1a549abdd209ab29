"""docker-compose.yml cannot run here (no Docker engine), so it is checked by reading it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from reelscan.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def services() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return dict(loaded["services"])


def test_the_stack_has_temporal_its_ui_the_databases_and_workers() -> None:
    assert {"temporal", "temporal-ui", "temporal-db", "app-db", "worker"} <= set(services())


def test_every_image_is_pinned_by_tag() -> None:
    for name, service in services().items():
        image = service.get("image", "")
        tag = image.rpartition(":")[2] if ":" in image else ""
        assert tag and tag != "latest", f"{name} image {image!r} is not pinned"


def test_worker_settings_are_real_reelscan_settings() -> None:
    known = {f"REELSCAN_{name.upper()}" for name in Settings.model_fields}
    environment = services()["worker"]["environment"]
    assert set(environment) <= known, set(environment) - known
    assert environment["REELSCAN_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert environment["REELSCAN_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_library_is_mounted_read_only_and_data_on_a_named_volume() -> None:
    volumes = services()["worker"]["volumes"]
    assert any(v.endswith(":/library:ro") for v in volumes)
    assert "reelscan-data:/data" in volumes


def test_databases_and_temporal_have_health_checks() -> None:
    for name in ("temporal", "temporal-db", "app-db"):
        assert services()[name]["healthcheck"]["test"], name
    assert services()["worker"]["depends_on"]["temporal"]["condition"] == "service_healthy"
