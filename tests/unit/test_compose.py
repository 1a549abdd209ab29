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
    assert {"temporal", "temporal-ui", "temporal-db", "app-db", "worker", "api"} <= set(services())


def test_every_image_is_pinned_by_tag() -> None:
    for name, service in services().items():
        image = service.get("image", "")
        tag = image.rpartition(":")[2] if ":" in image else ""
        assert tag and tag != "latest", f"{name} image {image!r} is not pinned"


def test_worker_and_api_settings_are_real_reelscan_settings() -> None:
    known = {f"REELSCAN_{name.upper()}" for name in Settings.model_fields}
    for name in ("worker", "api"):
        environment = services()[name]["environment"]
        assert set(environment) <= known, set(environment) - known
    environment = services()["worker"]["environment"]
    assert environment["REELSCAN_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert environment["REELSCAN_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_library_is_mounted_read_only_and_data_on_a_named_volume() -> None:
    for name in ("worker", "api"):
        volumes = services()[name]["volumes"]
        assert any(v.endswith(":/library:ro") for v in volumes), name
        assert "reelscan-data:/data" in volumes, name


def test_api_needs_a_token_and_workers_expose_metrics() -> None:
    assert "REELSCAN_API_TOKEN:?" in services()["api"]["environment"]["REELSCAN_API_TOKEN"]
    assert services()["worker"]["environment"]["REELSCAN_METRICS_PORT"] == "9464"
    assert "ports" not in services()["worker"], "workers scale: no fixed host port"


def test_env_example_names_only_real_settings() -> None:
    known = {f"REELSCAN_{name.upper()}" for name in Settings.model_fields}
    lines = (COMPOSE.parent / ".env.example").read_text().splitlines()
    names = {line.lstrip("# ").split("=", 1)[0] for line in lines if "=" in line and "REELSCAN_" in line}
    assert names and names <= known, names - known


def test_databases_and_temporal_have_health_checks() -> None:
    for name in ("temporal", "temporal-db", "app-db", "worker", "api"):
        assert services()[name]["healthcheck"]["test"], name
    assert services()["worker"]["depends_on"]["temporal"]["condition"] == "service_healthy"
