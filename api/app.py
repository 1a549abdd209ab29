"""FastAPI application: `reelscan serve` runs it with uvicorn; OpenAPI docs at /docs."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, WebSocket, WebSocketDisconnect
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from temporalio.client import Client

from api.broadcaster import ProgressBroadcaster
from reelscan.db import enrichment
from reelscan.db.models import ScanJob
from reelscan.db.music_views import album_detail, list_albums
from reelscan.db.session import session_scope
from reelscan.db.views import (
    list_libraries,
    list_movies,
    list_series,
    movie_detail,
    scan_errors,
    scan_summary,
    series_detail,
)
from reelscan.scan_options import ScanOptions
from reelscan.service import scans
from reelscan.settings import Settings

STATIC = Path(__file__).parent / "static"
# Ids and offsets are database integers: one out of their range is a clear 422, not an overflow in the driver.
MAX_INT = 2**31 - 1
Id = Annotated[int, PathParam(ge=0, le=MAX_INT)]


class MovieEdit(BaseModel):
    """New values for editable fields (each becomes locked), and fields to unlock."""

    values: dict[str, Any] = Field(default_factory=dict, examples=[{"title": "The Matrix (Director's Cut)"}])
    unlock: list[str] = Field(default_factory=list)


class LibraryCreate(BaseModel):
    path: str = Field(description="Folder of the library on the worker machines")
    name: str | None = None
    type: str | None = Field(
        None,
        description="movie, tv or music; a new library is a movie library unless told, an existing one keeps its type",
        json_schema_extra={"enum": list(scans.LIBRARY_TYPES)},
    )


def create_app(settings: Settings, connect: Callable[[], Awaitable[Client]]) -> FastAPI:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        client = await connect()
        state["client"] = client
        state["broadcaster"] = broadcaster = ProgressBroadcaster(settings, client)
        broadcaster.start()
        yield
        await broadcaster.stop()

    app = FastAPI(title="reelscan", summary="Media-library scans on Temporal", lifespan=lifespan)
    url = settings.resolved_database_url

    def authorize(request: Request) -> None:
        token = settings.api_token.get_secret_value() if settings.api_token else None
        if not token:
            return
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong API token (send Authorization: Bearer <REELSCAN_API_TOKEN>)")

    guarded = [Depends(authorize)]

    def client() -> Client:
        result: Client = state["client"]
        return result

    @app.exception_handler(scans.ScanRequestError)
    async def _request_error(_: Request, exc: scans.ScanRequestError) -> JSONResponse:
        status = 404 if "there is no" in str(exc) else 422
        return JSONResponse({"detail": str(exc)}, status_code=status)

    # --- libraries ---------------------------------------------------------------------------------------------

    @app.get("/api/libraries", dependencies=guarded)
    def get_libraries() -> list[dict[str, Any]]:
        with session_scope(url) as session:
            return list_libraries(session)

    @app.post("/api/libraries", status_code=201, dependencies=guarded)
    def create_library(body: LibraryCreate) -> dict[str, Any]:
        library_id = scans.library_for_path(settings, Path(body.path).expanduser(), body.name, body.type)
        return get_library(library_id)

    @app.get("/api/libraries/{library_id}", dependencies=guarded)
    def get_library(library_id: Id) -> dict[str, Any]:
        with session_scope(url) as session:
            found = [lib for lib in list_libraries(session) if lib["id"] == library_id]
        if not found:
            raise HTTPException(404, f"there is no library with id {library_id}")
        return found[0]

    @app.get("/api/libraries/{library_id}/movies", dependencies=guarded)
    def get_movies(
        library_id: Id,
        state_filter: str | None = Query(None, alias="state"),
        has_errors: bool | None = Query(None, alias="hasErrors"),
        missing_poster: bool | None = Query(None, alias="missingPoster"),
        offset: int = Query(0, ge=0, le=MAX_INT),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        get_library(library_id)
        with session_scope(url) as session:
            return list_movies(
                session,
                library_id,
                state=state_filter,
                has_errors=has_errors,
                missing_poster=missing_poster,
                offset=offset,
                limit=limit,
            )

    @app.get("/api/libraries/{library_id}/series", dependencies=guarded)
    def get_series_list(
        library_id: Id,
        state_filter: str | None = Query(None, alias="state"),
        offset: int = Query(0, ge=0, le=MAX_INT),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        get_library(library_id)
        with session_scope(url) as session:
            return list_series(session, library_id, state=state_filter, offset=offset, limit=limit)

    @app.get("/api/libraries/{library_id}/albums", dependencies=guarded)
    def get_albums(
        library_id: Id,
        artist_id: int | None = Query(None, alias="artistId", ge=0, le=MAX_INT),
        state_filter: str | None = Query(None, alias="state"),
        offset: int = Query(0, ge=0, le=MAX_INT),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        get_library(library_id)
        with session_scope(url) as session:
            return list_albums(session, library_id, artist_id=artist_id, state=state_filter, offset=offset, limit=limit)

    @app.get("/api/albums/{album_id}", dependencies=guarded)
    def get_album(album_id: Id) -> dict[str, Any]:
        with session_scope(url) as session:
            album = album_detail(session, album_id)
        if album is None:
            raise HTTPException(404, f"there is no album with id {album_id}")
        return album

    @app.get("/api/series/{series_id}", dependencies=guarded)
    def get_series(series_id: Id) -> dict[str, Any]:
        with session_scope(url) as session:
            series = series_detail(session, series_id)
        if series is None:
            raise HTTPException(404, f"there is no series with id {series_id}")
        return series

    @app.get("/api/movies/{movie_id}", dependencies=guarded)
    def get_movie(movie_id: Id) -> dict[str, Any]:
        with session_scope(url) as session:
            movie = movie_detail(session, movie_id)
        if movie is None:
            raise HTTPException(404, f"there is no movie with id {movie_id}")
        return movie

    @app.patch("/api/movies/{movie_id}", dependencies=guarded)
    def edit_movie(movie_id: Id, body: MovieEdit) -> dict[str, Any]:
        try:
            with session_scope(url) as session:
                movie = enrichment.edit_movie(session, movie_id, body.values, body.unlock)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        if movie is None:
            raise HTTPException(404, f"there is no movie with id {movie_id}")
        return get_movie(movie_id)

    # --- scans -------------------------------------------------------------------------------------------------

    @app.post("/api/libraries/{library_id}/scans", status_code=202, dependencies=guarded)
    async def start_scan(library_id: Id, options: ScanOptions | None = None) -> dict[str, Any]:
        started = await scans.start_scan(client(), settings, library_id, options or ScanOptions())
        return {
            "scanJobId": started.scan_job_id,
            "workflowId": started.workflow_id,
            "libraryId": library_id,
            "alreadyRunning": started.already_running,
        }

    @app.get("/api/scans", dependencies=guarded)
    def get_scans(
        library_id: int | None = Query(None, alias="libraryId", ge=0, le=MAX_INT),
        status: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        with session_scope(url) as session:
            query = session.query(ScanJob).order_by(ScanJob.id.desc())
            if library_id is not None:
                query = query.filter(ScanJob.library_id == library_id)
            if status:
                query = query.filter(ScanJob.status == status)
            return [scan_summary(job) for job in query.limit(limit)]

    @app.get("/api/scans/{scan_id}", dependencies=guarded)
    async def get_scan(scan_id: Id) -> dict[str, Any]:
        return await scans.scan_progress(client(), settings, scan_id)

    @app.post("/api/scans/{scan_id}/cancel", status_code=202, dependencies=guarded)
    async def cancel_scan(scan_id: Id) -> dict[str, Any]:
        return {"scanJobId": scan_id, "result": await scans.cancel_scan(client(), settings, scan_id)}

    @app.get("/api/scans/{scan_id}/errors", dependencies=guarded)
    def get_scan_errors(
        scan_id: Id, offset: int = Query(0, ge=0, le=MAX_INT), limit: int = Query(500, ge=1, le=10_000)
    ) -> list[dict[str, Any]]:
        """Every error the scan counted, by where it happened; the entries' `errors` add up to its errorsCount."""
        scans.scan_row(settings, scan_id)
        with session_scope(url) as session:
            return scan_errors(session, scan_id, offset=offset, limit=limit)

    # --- live progress, the page and cached images -------------------------------------------------------------

    @app.websocket("/ws")
    async def websocket(ws: WebSocket) -> None:
        token = settings.api_token.get_secret_value() if settings.api_token else None
        if token and not secrets.compare_digest((ws.query_params.get("token") or "").encode(), token.encode()):
            await ws.close(code=4401)
            return
        broadcaster: ProgressBroadcaster = state["broadcaster"]
        await broadcaster.connect(ws)
        try:
            while True:
                await ws.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            broadcaster.disconnect(ws)

    cache_dir = settings.resolved_cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    app.mount("/cache", StaticFiles(directory=cache_dir), name="cache")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def check_bind(settings: Settings, host: str) -> None:
    """Refuse to serve beyond this machine without a token."""
    if not _loopback(host) and not settings.api_token:
        raise scans.ScanRequestError(
            f"refusing to listen on {host} without REELSCAN_API_TOKEN: set a token (every request must then send "
            "'Authorization: Bearer <token>') or bind 127.0.0.1"
        )


def app_for(settings: Settings) -> FastAPI:
    from reelscan.service.client import connect

    async def _connect() -> Client:
        return await connect(settings, start_embedded=False)

    return create_app(settings, _connect)
