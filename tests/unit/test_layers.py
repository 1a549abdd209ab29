"""Imports only point down: the CLI and worker (starter.py, worker.py) and api -> service -> workflows -> activities
-> the domain (reelscan/). Run alone for the graph by layer: `.venv/bin/python -m tests.unit.test_layers`."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each layer and what it may import of the project (itself included).
ALLOWED = {
    "domain": {"domain"},
    "activities": {"activities", "domain"},
    "workflows": {"workflows", "activities", "domain"},
    "service": {"service", "workflows", "activities", "domain"},
    "api": {"api", "service", "workflows", "activities", "domain"},
    "cli": {"cli", "api", "service", "workflows", "activities", "domain"},
}
LAYERS = ("reelscan", "service", "activities", "workflows", "api")
ENTRY_POINTS = ("starter.py", "worker.py")


def layer_of_file(path: Path) -> str | None:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith("reelscan/db/migrations/"):
        return None
    if relative in ENTRY_POINTS:
        return "cli"
    for top in ("service", "activities", "workflows", "api"):
        if relative.startswith(f"{top}/"):
            return top
    return "domain" if relative.startswith("reelscan/") else None


def layer_of_module(module: str) -> str | None:
    top = module.split(".")[0]
    if top in ("service", "activities", "workflows", "api"):
        return top
    if f"{top}.py" in ENTRY_POINTS:
        return "cli"
    return "domain" if top == "reelscan" else None


def project_imports() -> list[tuple[str, str, str, str]]:
    """(file, its layer, imported module, that module's layer) for every import of project code."""
    found = []
    files = [path for top in LAYERS for path in ROOT.glob(f"{top}/**/*.py")] + [ROOT / name for name in ENTRY_POINTS]
    for path in sorted(files):
        layer = layer_of_file(path)
        if layer is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                else []
            )
            for name in names:
                target = layer_of_module(name)
                if target is not None:
                    found.append((path.relative_to(ROOT).as_posix(), layer, name, target))
    return found


def test_imports_only_point_down() -> None:
    upward = [
        f"{file} ({layer}) imports {module} ({target})"
        for file, layer, module, target in project_imports()
        if target not in ALLOWED[layer]
    ]
    assert not upward, "\n".join(upward)


def test_the_domain_imports_no_temporal() -> None:
    domain = [path for path in ROOT.glob("reelscan/**/*.py") if layer_of_file(path) == "domain"]
    temporal = [
        path.relative_to(ROOT).as_posix()
        for path in domain
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(
            name.split(".")[0] == "temporalio"
            for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        )
    ]
    assert not temporal, f"domain modules importing temporalio: {sorted(set(temporal))}"


if __name__ == "__main__":
    graph: dict[tuple[str, str], int] = defaultdict(int)
    for _, layer, _, target in project_imports():
        graph[(layer, target)] += 1
    for (layer, target), count in sorted(graph.items()):
        mark = "" if target in ALLOWED[layer] else "  <- up"
        print(f"{layer:>10} -> {target:<10} {count:4d} imports{mark}")
