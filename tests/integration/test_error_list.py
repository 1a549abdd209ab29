"""Every error a scan counts can be listed: the API's and the CLI's error lists add up to errorsCount."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.api_server import api_server
from tests.integration.scanning import scan
from tests.integration.test_cli import starter
from tests.library_builder import build_library


async def test_the_error_lists_hold_every_counted_error_the_root_level_one_too(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    library = build_library(tmp_path / "Movies", hostile=False)
    # A DVD folder directly in the root: a root-level error (a video loose there is a movie of its own).
    (library.root / "VIDEO_TS").mkdir()
    shutil.copy(library.root / "The Matrix (1999)" / "The.Matrix.1999.mkv", library.root / "VIDEO_TS" / "VTS_01_1.VOB")
    message = await scan(client, any_settings, library.root, ScanOptions(enable_enrichment=False))
    count = message["stats"]["errorsCount"]
    scan_id = message["scanJobId"]

    async with (
        api_server(client, any_settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http,
    ):
        entries = (await http.get(f"/api/scans/{scan_id}/errors")).json()
        paged = (await http.get(f"/api/scans/{scan_id}/errors", params={"offset": 1, "limit": 2})).json()
    listed = await starter(client, "errors", str(scan_id), "--json")
    table = await starter(client, "errors", str(scan_id))

    assert count == library.errors_count + 1
    assert sum(len(e["errors"]) for e in entries) == count
    root_level = [e for e in entries if e["phase"] == "discovering"]
    assert len(root_level) == 1 and root_level[0]["directory"] == ""
    assert "a disc folder directly in the library root" in root_level[0]["errors"][0]
    assert paged == entries[1:3]
    assert listed.returncode == 0, listed.stderr
    lines = json.loads(listed.stdout)
    assert len(lines) == count
    assert {line["message"] for line in lines} == {m for e in entries for m in e["errors"]}
    assert table.returncode == 0 and "(library root)" in table.stdout
