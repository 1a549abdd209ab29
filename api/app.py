"""FastAPI application: `reelscan serve` runs it with uvicorn; OpenAPI docs at /docs."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, WebSocket, WebSocketDisconnect
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.broadcaster import ProgressBroadcaster
from reelscan import fleet, thumbnails
from reelscan.db import enrichment
from reelscan.db.models import Movie, ScanJob, Series
from reelscan.db.music_views import album_detail, list_albums
from reelscan.db.session import session_scope
from reelscan.db.timeline import scan_timeline
from reelscan.db.views import (
    ListFilter,
    count_items,
    list_libraries,
    list_movies,
    list_series,
    movie_detail,
    scan_errors,
    scan_summary,
    series_detail,
)
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans, schedules, watch

STATIC = Path(__file__).parent / "static"
# The chart library, installed by `make setup` (npm ci): the page works without it, saying the chart is missing.
UPLOT_DIST = [base / "node_modules" / "uplot" / "dist" for base in (Path(__file__).resolve().parents[1], Path.cwd())]
# Ids and offsets are database integers: one out of their range is a clear 422, not an overflow in the driver.
MAX_INT = 2**31 - 1
Id = Annotated[int, PathParam(ge=0, le=MAX_INT)]
Sort = Literal["directory", "title", "-title", "year", "-year", "added", "-added"]


def list_filter(
    state_filter: str | None = Query(None, alias="state", max_length=32),
    has_errors: bool | None = Query(None, alias="hasErrors"),
    missing_poster: bool | None = Query(None, alias="missingPoster"),
    year_from: int | None = Query(None, alias="yearFrom", ge=0, le=9999),
    year_to: int | None = Query(None, alias="yearTo", ge=0, le=9999),
    text: str | None = Query(None, alias="q", max_length=200, description="words of the title or folder name"),
    sort: Sort = Query("directory", description="a leading '-' sorts descending"),
) -> ListFilter:
    if "\x00" in (text or "") or "\x00" in (state_filter or ""):
        raise HTTPException(422, "the search text and state cannot hold a NUL character")
    return ListFilter(state_filter, has_errors, missing_poster, year_from, year_to, text, sort)


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

    def authorize_image(request: Request) -> None:
        """Images the page shows cannot send a header: they may carry the token as ?token= instead."""
        token = settings.api_token.get_secret_value() if settings.api_token else None
        given = request.query_params.get("token") or ""
        if token and given and secrets.compare_digest(given.encode(), token.encode()):
            return
        authorize(request)

    def client() -> Client:
        result: Client = state["client"]
        return result

    @app.exception_handler(scans.ScanRequestError)
    async def _request_error(_: Request, exc: scans.ScanRequestError) -> JSONResponse:
        status = 404 if "there is no" in str(exc) else 422
        return JSONResponse({"detail": str(exc)}, status_code=status)

    # --- libraries ---------------------------------------------------------------------------------------------

    def libraries_rows() -> list[dict[str, Any]]:
        with session_scope(url) as session:
            return list_libraries(session)

    @app.get("/api/libraries", dependencies=guarded)
    async def get_libraries() -> list[dict[str, Any]]:
        """The libraries, each with `watch`: its watch setting, the mode it resolves to and why, and its watcher's
        live state (`running`, `paused`, `pendingCount`, `lastChangeAt`, ...) with a `status` line."""
        libraries = await asyncio.to_thread(libraries_rows)
        overviews = await watch.watch_overviews(client(), settings)
        for lib in libraries:
            lib["watch"] = overviews.get(lib["id"])
        return libraries

    def library_row(library_id: int) -> dict[str, Any]:
        found = [lib for lib in libraries_rows() if lib["id"] == library_id]
        if not found:
            raise HTTPException(404, f"there is no library with id {library_id}")
        return found[0]

    @app.post("/api/libraries", status_code=201, dependencies=guarded)
    async def create_library(body: LibraryCreate) -> dict[str, Any]:
        def create() -> int:
            return scans.library_for_path(settings, Path(body.path).expanduser(), body.name, body.type)

        library_id = await asyncio.to_thread(create)
        return await get_library(library_id)

    @app.get("/api/libraries/{library_id}", dependencies=guarded)
    async def get_library(library_id: Id) -> dict[str, Any]:
        """The library, with its `watch` overview as in the list."""
        library = await asyncio.to_thread(library_row, library_id)
        plan = await asyncio.to_thread(watch.library_plan, settings, library_id)
        library["watch"] = await watch.watch_overview(client(), settings, plan, time.time())
        return library

    # A library's page of movies and its page of series: one endpoint each, alike but for the table and the rows.
    def library_page(
        kind: type[Movie] | type[Series], list_rows: Callable[..., list[dict[str, Any]]], plural: str
    ) -> Callable[..., list[dict[str, Any]]]:
        def page(
            library_id: Id,
            response: Response,
            where: Annotated[ListFilter, Depends(list_filter)],
            offset: int = Query(0, ge=0, le=MAX_INT),
            limit: int = Query(100, ge=1, le=1000),
        ) -> list[dict[str, Any]]:
            library_row(library_id)
            with session_scope(url) as session:
                response.headers["X-Total-Count"] = str(count_items(session, kind, library_id, where))
                return list_rows(session, library_id, offset=offset, limit=limit, where=where)

        page.__doc__ = (
            f"A page of the library's {plural} (the X-Total-Count header says how many the filters let through)."
        )
        return page

    for path, name, kind, list_rows in (
        ("movies", "get_movies", Movie, list_movies),
        ("series", "get_series_list", Series, list_series),
    ):
        app.get(f"/api/libraries/{{library_id}}/{path}", dependencies=guarded, name=name)(
            library_page(kind, list_rows, path)
        )

    @app.get("/api/libraries/{library_id}/albums", dependencies=guarded)
    def get_albums(
        library_id: Id,
        artist_id: int | None = Query(None, alias="artistId", ge=0, le=MAX_INT),
        state_filter: str | None = Query(None, alias="state", max_length=32),
        offset: int = Query(0, ge=0, le=MAX_INT),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        if "\x00" in (state_filter or ""):
            raise HTTPException(422, "the state cannot hold a NUL character")
        library_row(library_id)
        with session_scope(url) as session:
            return list_albums(session, library_id, artist_id=artist_id, state=state_filter, offset=offset, limit=limit)

    def one_item(read: Callable[[Session, int], dict[str, Any] | None], item_id: int, what: str) -> dict[str, Any]:
        """The album, series or movie `read` finds by id, or a 404 that names it."""
        with session_scope(url) as session:
            item = read(session, item_id)
        if item is None:
            raise HTTPException(404, f"there is no {what} with id {item_id}")
        return item

    @app.get("/api/albums/{album_id}", dependencies=guarded)
    def get_album(album_id: Id) -> dict[str, Any]:
        return one_item(album_detail, album_id, "album")

    @app.get("/api/series/{series_id}", dependencies=guarded)
    def get_series(series_id: Id) -> dict[str, Any]:
        return one_item(series_detail, series_id, "series")

    @app.get("/api/movies/{movie_id}", dependencies=guarded)
    def get_movie(movie_id: Id) -> dict[str, Any]:
        return one_item(movie_detail, movie_id, "movie")

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

    @app.get("/api/scans/{scan_id}/timeline", dependencies=guarded)
    def get_scan_timeline(scan_id: Id, points: int = Query(600, ge=10, le=5000)) -> dict[str, Any]:
        """The scan's counters over time (folders, assets, provider requests, errors), as cumulative counts and
        rates per second, with its phases and error marks in seconds since it started; at most `points` points.
        Once the scan has ended its totals are the scan's own counters."""
        scans.scan_row(settings, scan_id)
        with session_scope(url) as session:
            job = session.get(ScanJob, scan_id)
            assert job is not None
            return scan_timeline(session, job, max_points=points)

    # --- all libraries at once -----------------------------------------------------------------------------------

    @app.get("/api/fleet", dependencies=guarded)
    async def get_fleet() -> list[dict[str, Any]]:
        """Every library with its last scan (outcome, duration), its next scheduled scan and how it is watched;
        stalled scans first, then running ones, then failed ones."""
        facts = await fleet_facts()
        return fleet.fleet(facts, datetime.now(UTC))

    def fleet_rows() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
        with session_scope(url) as session:
            libraries = list_libraries(session)
            newest = dict(
                session.execute(select(ScanJob.library_id, func.max(ScanJob.id)).group_by(ScanJob.library_id)).all()
            )
            last = {
                job.library_id: scan_summary(job)
                for job in session.scalars(select(ScanJob).where(ScanJob.id.in_(list(newest.values()))))
            }
        return libraries, last

    async def fleet_facts() -> list[fleet.LibraryFacts]:
        libraries, last = await asyncio.to_thread(fleet_rows)
        watched = await watch.watch_overviews(client(), settings)
        try:
            scheduled = {
                s.library_id: {"spec": s.spec, "paused": s.paused, "nextRuns": s.next_runs}
                for s in await schedules.list_schedules(client(), settings)
            }
        except Exception:  # the Temporal server is unreachable: schedules are unknown, the rest still shows
            scheduled = {}
        facts = []
        for library in libraries:
            scan = last.get(library["id"])
            live = None
            if scan and scan["status"] in fleet.ACTIVE:
                live = await scans.scan_progress(client(), settings, int(scan["scanJobId"]))
            facts.append(
                fleet.LibraryFacts(library, scan, live, scheduled.get(library["id"]), watched.get(library["id"], {}))
            )
        return facts

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
    uplot = next((d for d in UPLOT_DIST if (d / "uPlot.iife.min.js").is_file()), None)
    if uplot is not None:
        app.mount("/vendor/uplot", StaticFiles(directory=uplot), name="uplot")

    @app.get("/thumbs/{width}/{cache_path:path}", include_in_schema=False, dependencies=[Depends(authorize_image)])
    def thumbnail(width: int, cache_path: str) -> FileResponse:
        """A poster thumbnail for the wall, made once from the cached image and kept under <cache>/thumbs/."""
        try:
            made = thumbnails.ensure_thumbnail(cache_dir, cache_path, width)
        except thumbnails.ThumbnailError as exc:
            raise HTTPException(404, str(exc)) from None
        except OSError as exc:
            raise HTTPException(404, f"no thumbnail for {cache_path}: {exc.strerror or exc}") from None
        return FileResponse(made, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"})

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
    from service.client import connect

    async def _connect() -> Client:
        return await connect(settings, start_embedded=False)

    return create_app(settings, _connect)
