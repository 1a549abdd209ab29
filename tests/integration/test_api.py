"""The query API and its WebSocket over a real socket, with a real scan running."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import httpx
import pytest
import websockets
from temporalio.client import Client

from api.app import check_bind
from reelscan.settings import Settings
from service.scans import ScanRequestError
from tests.integration.api_server import api_client, api_client_with_workers, api_server
from tests.integration.scanning import eventually, reconfigure, running_workers
from tests.library_builder import build_bulk_library, build_library_with_bulk

ORDER = ["discovering", "scanning", "caching", "enriching", "completed"]


async def collect(ws_url: str, until: str, connected: asyncio.Event, timeout: float = 120) -> list[dict]:
    events: list[dict] = []
    async with websockets.connect(ws_url) as ws:
        connected.set()
        async with asyncio.timeout(timeout):
            while True:
                event = json.loads(await ws.recv())
                events.append(event)
                if event["type"] == until:
                    return events


async def test_scan_through_the_api_with_live_websocket_events(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="4")
    library = build_library_with_bulk(tmp_path / "Movies", 60)
    async with api_client_with_workers(client, settings) as http:
        address = http.base_url.netloc.decode()
        created = await http.post("/api/libraries", json={"path": str(library.root), "name": "Films"})
        assert created.status_code == 201
        library_id = created.json()["id"]
        connected = asyncio.Event()
        listener = asyncio.create_task(collect(f"ws://{address}/ws", until="scan:completed", connected=connected))
        # Connected before the scan starts (a busy machine can take longer than any fixed pause): phase events are
        # sent as they happen, not replayed to a late client.
        await asyncio.wait_for(connected.wait(), 30)
        await asyncio.sleep(0.1)  # the server registers the socket just after the handshake
        started = await http.post(f"/api/libraries/{library_id}/scans", json={"enableEnrichment": False})
        assert started.status_code == 202
        scan_id = started.json()["scanJobId"]
        again = await http.post(f"/api/libraries/{library_id}/scans", json={})
        assert again.status_code == 202 and again.json()["alreadyRunning"] and again.json()["scanJobId"] == scan_id

        polled: list[str] = []
        while not polled or polled[-1] not in ("completed", "failed", "cancelled"):
            body = (await http.get(f"/api/scans/{scan_id}")).json()
            assert body["type"] == "scan:progress" and {"progress", "stats", "startedAt"} <= set(body)
            polled.append(body["phase"])
            await asyncio.sleep(0.05)
        events = await listener

        # A reconnecting client gets the current state at once.
        async with websockets.connect(f"ws://{address}/ws") as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        movies = (await http.get(f"/api/libraries/{library_id}/movies", params={"limit": 1000})).json()
        no_poster = (await http.get(f"/api/libraries/{library_id}/movies", params={"missingPoster": "true"})).json()
        broken = (await http.get(f"/api/libraries/{library_id}/movies", params={"hasErrors": "true"})).json()
        page = (await http.get(f"/api/libraries/{library_id}/movies", params={"offset": 5, "limit": 3})).json()
        matrix_id = next(m["id"] for m in movies if m["directory"] == "The Matrix (1999)")
        matrix = (await http.get(f"/api/movies/{matrix_id}")).json()
        poster = next(a for a in matrix["assets"] if a["type"] == "poster")
        image = await http.get(f"/cache/{poster['cachePath']}")
        errors = (await http.get(f"/api/scans/{scan_id}/errors")).json()
        listed = (await http.get("/api/scans", params={"libraryId": library_id, "status": "completed"})).json()

    assert polled[-1] == "completed"
    assert [ORDER.index(p) for p in polled] == sorted(ORDER.index(p) for p in polled)
    progress = [e for e in events if e["type"] == "scan:progress" and e["scanJobId"] == scan_id]
    phases = [e["phase"] for e in events if e["type"] == "scan:phase" and e["scanJobId"] == scan_id]
    seen = [(e["type"], e.get("phase")) for e in events]
    assert phases[-1] == "completed" and "scanning" in phases, (phases, polled, seen)
    assert [ORDER.index(p) for p in phases] == sorted(ORDER.index(p) for p in phases)
    scanned = [e["progress"]["scanning"]["scanned"] for e in progress if e["progress"].get("scanning")]
    assert scanned == sorted(scanned) and len(set(scanned)) >= 2
    assert any(e["type"] == "library:ready" for e in events)
    assert first["type"] == "scan:progress" and first["phase"] == "completed"

    assert len(movies) == len(library.movies) + 60
    assert all(not any(a["type"] == "poster" for a in m["assets"]) for m in no_poster) and len(no_poster) > 10
    assert {m["directory"] for m in broken} == {d for d, m in library.movies.items() if m.errors}
    assert [m["directory"] for m in page] == [m["directory"] for m in movies[5:8]]
    assert (
        matrix["streams"] and image.status_code == 200 and image.content == (library.root / poster["path"]).read_bytes()
    )
    assert any(e["directory"] == "Empty (2010)" and e["outcome"] == "error" for e in errors)
    assert listed[0]["scanJobId"] == scan_id


async def test_bad_input_gets_clear_404_and_422(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    async with (
        api_client(client, sqlite_settings) as http,
    ):
        missing_path = await http.post("/api/libraries", json={"path": str(tmp_path / "nowhere")})
        (tmp_path / "file").write_text("x")
        not_dir = await http.post("/api/libraries", json={"path": str(tmp_path / "file")})
        unknown_scan = await http.get("/api/scans/999")
        unknown_library = await http.post("/api/libraries/42/scans", json={})
        unknown_movie = await http.get("/api/movies/7")
        (tmp_path / "lib").mkdir()
        library_id = (await http.post("/api/libraries", json={"path": str(tmp_path / "lib")})).json()["id"]
        bad_options = await http.post(f"/api/libraries/{library_id}/scans", json={"maxDirectories": -1})
        unknown_option = await http.post(f"/api/libraries/{library_id}/scans", json={"turbo": True})
        docs = await http.get("/docs")

    assert missing_path.status_code == 422 and "does not exist" in missing_path.json()["detail"]
    assert not_dir.status_code == 422 and "is not a directory" in not_dir.json()["detail"]
    assert unknown_scan.status_code == 404 and "no scan with id 999" in unknown_scan.json()["detail"]
    assert unknown_library.status_code == 404 and "no library with id 42" in unknown_library.json()["detail"]
    assert unknown_movie.status_code == 404
    assert bad_options.status_code == 422 and unknown_option.status_code == 422
    assert docs.status_code == 200


async def test_token_is_required_off_loopback_and_checked_on_every_request(
    client: Client, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ScanRequestError, match="REELSCAN_API_TOKEN"):
        check_bind(sqlite_settings, "0.0.0.0")
    check_bind(sqlite_settings, "127.0.0.1")
    settings = reconfigure(monkeypatch, api_token="s3cret-token")
    check_bind(settings, "0.0.0.0")
    async with api_server(client, settings) as address:
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as http:
            anonymous = await http.get("/api/libraries")
            wrong = await http.get("/api/libraries", headers={"Authorization": "Bearer nope"})
            right = await http.get("/api/libraries", headers={"Authorization": "Bearer s3cret-token"})
        with pytest.raises(websockets.exceptions.InvalidStatus, match="403"):
            async with websockets.connect(f"ws://{address}/ws") as ws:
                await asyncio.wait_for(ws.recv(), 5)
        async with websockets.connect(f"ws://{address}/ws?token=s3cret-token") as ws:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.5)
    assert (anonymous.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert "s3cret-token" not in anonymous.text


async def test_search_attribute_query_finds_the_running_scan(
    client: Client, sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, children_window="2")
    build_bulk_library(tmp_path / "Movies", 150, with_assets=False)
    from tests.integration.scanning import finish, start

    async with running_workers(client, settings):
        started = await start(client, settings, tmp_path / "Movies")
        query = f"ScanPhase = 'scanning' AND LibraryId = {started.library_id} AND WorkflowId = '{started.workflow_id}'"

        async def listed() -> list[str]:
            return [w.id async for w in client.list_workflows(query)]

        # Search attributes reach visibility a moment after the scan upserts them.
        found = await eventually(listed, what="the scan in a ScanPhase query", interval=0.1)
        await client.get_workflow_handle(started.workflow_id).signal("cancel")
        await finish(client, started)
    assert found == [started.workflow_id]


async def test_editing_a_movie_locks_the_field(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    build_bulk_library(tmp_path / "Movies", 1, with_assets=False)
    from tests.integration.scanning import scan

    await scan(client, sqlite_settings, tmp_path / "Movies")
    async with (
        api_client(client, sqlite_settings) as http,
    ):
        edited = await http.patch("/api/movies/1", json={"values": {"title": "My Title", "genres": ["Noir"]}})
        wrong = await http.patch("/api/movies/1", json={"values": {"directory": "/etc"}})
        missing = await http.patch("/api/movies/99", json={"values": {"title": "x"}})
    from reelscan.db.models import Movie
    from reelscan.db.session import session_scope

    with session_scope(sqlite_settings.resolved_database_url) as session:
        movie = session.get(Movie, 1)
        assert movie is not None
        locks = (movie.title_locked, movie.genres_locked, movie.plot_locked)  # type: ignore[attr-defined]
    assert edited.status_code == 200 and edited.json()["title"] == "My Title" and edited.json()["genres"] == ["Noir"]
    assert locks == (True, True, False)
    assert wrong.status_code == 422 and "not editable: directory" in wrong.json()["detail"]
    assert missing.status_code == 404
