"""A library of hostile and broken input next to healthy movies: the scan completes, each case becomes a counted
error or a handled variant that names its path, every healthy movie is intact, nothing outside the root is read."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio.client import Client

from reelscan.db.models import Image, Movie, ScanDirectory, Subtitle
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import finish, reconfigure, running_workers, start
from tests.library_builder import MEDIA

MOVIE, ERROR, ABSENT = "movie", "error", "absent"
VIDEO = (MEDIA / "h264_aac.mp4").read_bytes()


def put(path: Path, data: bytes | str = VIDEO) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def build_corpus(root: Path, outside: Path) -> dict[str, tuple[str, str | None]]:
    """Folders by name -> (expected kind, text the errors must contain or None)."""
    cases: dict[str, tuple[str, str | None]] = {}

    def case(name: str, kind: str, text: str | None = None, *, video: bool = True) -> Path:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        if video:
            put(folder / "movie.mp4")
        cases[name] = (kind, text)
        return folder

    for i in range(10):
        put(case(f"Healthy {i:02d} ({1990 + i})", MOVIE) / "poster.jpg", (MEDIA / "poster.jpg").read_bytes())
    nfo = "movie.nfo"
    put(
        case("NFO XXE (2001)", MOVIE, "entities") / nfo,
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><movie><title>&x;</title></movie>',
    )
    put(
        case("NFO Billion Laughs (2001)", MOVIE, "entities") / nfo,
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><movie><title>&c;</title></movie>',
    )
    big = case("NFO Huge (2001)", MOVIE, "too large") / nfo
    with big.open("wb") as handle:
        handle.write(b"<movie>")
        handle.truncate(50 * 1024 * 1024)
    put(case("NFO Binary (2001)", MOVIE, "not a text file") / nfo, b"\x00\x01\x02\xff" * 100)
    put(case("NFO UTF-16 (2001)", MOVIE) / nfo, "<movie><title>Zoë</title></movie>".encode("utf-16"))
    put(
        case("NFO Latin-1 (2001)", MOVIE) / nfo,
        '<?xml version="1.0" encoding="ISO-8859-1"?><movie><title>Amélie</title></movie>'.encode("latin-1"),
    )
    put(case("NFO Cp1252 (2001)", MOVIE) / nfo, "<movie><title>Café \u2013 Noir</title></movie>".encode("cp1252"))
    put(
        case("NFO Doctype URL (2001)", MOVIE) / nfo,
        '<!DOCTYPE movie SYSTEM "http://example.invalid/m.dtd"><movie><title>Offline</title></movie>',
    )
    put(
        case("NFO Deep (2001)", MOVIE) / nfo, "<movie><title>Deep</title>" + "<a>" * 50000 + "</a>" * 50000 + "</movie>"
    )
    put(case("NFO Tvshow Root (2001)", MOVIE, "expected <movie>") / nfo, "<tvshow><title>Show</title></tvshow>")
    put(case("NFO Empty (2001)", MOVIE, "is empty") / nfo, b"")
    put(
        case("NFO Junk After (2001)", MOVIE) / nfo,
        "<movie><title>Junky</title></movie>\nhttp://imdb.com/title/tt0000001/",
    )
    put(case("NFO URL Only (2001)", MOVIE) / nfo, "https://www.imdb.com/title/tt0000002/")
    put(case("NFO Invalid (2001)", MOVIE, "not valid XML") / nfo, "<movie><title>Bad</titel></movie>")

    os.mkdir(os.path.join(os.fsencode(root), b"Bad \xff Folder (2001)"))
    put(Path(os.fsdecode(os.path.join(os.fsencode(root), b"Bad \xff Folder (2001)"))) / "movie.mp4")
    case("Newline\nIn Name (2001)", MOVIE)
    put(case("Newline File (2001)", MOVIE, video=False) / "odd\nname.mp4")
    case("L" * 240 + " (2001)", MOVIE)
    put(case("Long File (2001)", MOVIE, video=False) / ("F" * 245 + ".mp4"))
    deep = root / "Deep"
    for level in range(40):
        deep = deep / f"level{level:02d}"
    put(deep / "Bottom (2001)" / "movie.mp4")
    cases[str((deep / "Bottom (2001)").relative_to(root))] = (MOVIE, None)
    os.symlink("..", case("Symlink Loop (2001)", MOVIE) / "loop")
    put(outside / "Secret (2001)" / "movie.mp4")
    os.symlink(outside, root / "Leaves Root")
    os.symlink("/etc", root / "Etc Link")
    os.symlink("/etc/passwd", case("Poster Links Out (2001)", MOVIE) / "poster.jpg")
    locked_dir = case("Locked Folder (2001)", MOVIE)
    locked_dir.chmod(0)
    locked_poster = put(case("Locked Poster (2001)", MOVIE) / "poster.jpg", (MEDIA / "poster.jpg").read_bytes())
    locked_poster.chmod(0)
    put(case("Zero Video (2001)", ERROR, "zero-byte", video=False) / "movie.mkv", b"")
    put(case("Truncated Video (2001)", MOVIE, video=False) / "movie.mkv", (MEDIA / "truncated.mkv").read_bytes())
    put(case("Text As Mkv (2001)", MOVIE, "no video or audio track", video=False) / "movie.mkv", "not a video\n")
    put(case("Zero Poster (2001)", MOVIE) / "poster.jpg", b"")
    put(case("Not An Image (2001)", MOVIE) / "poster.jpg", "this is text, not a JPEG")
    put(case("Odd Subtitle (2001)", MOVIE) / "movie.en.srt", bytes(range(256)) * 4)
    put(case("Extras Only (2001)", ABSENT, video=False) / "Extras" / "making-of.mp4")
    put(case("Sample Only (2001)", ERROR, "no usable video", video=False) / "sample.mkv")
    put(case("Marked (2001)", ABSENT) / ".nomedia", "")
    put(root / "@eaDir" / "movie.mp4")
    put(root / ".hidden (2001)" / "movie.mp4")
    put(case("Bad File Name (2001)", MOVIE, "not valid UTF-8") / "movie.mp4")
    os.close(
        os.open(os.path.join(os.fsencode(root / "Bad File Name (2001)"), b"poster\xfe.jpg"), os.O_CREAT | os.O_WRONLY)
    )
    stack = case("Broken Stack (2001)", MOVIE, video=False)
    put(stack / "Film-cd1.avi")
    put(stack / "Film-cd3.avi")
    # Changed while the scan runs (see the test): scanned last, or cached after their directory was scanned.
    case("zz Deleted Before Scan (2001)", ERROR, "no longer exists")
    case("zz Replaced By File (2001)", ERROR, "no longer a directory")
    put(case("aa Asset Vanishes (2001)", MOVIE) / "poster.jpg", (MEDIA / "poster.jpg").read_bytes())
    return cases


async def test_hostile_corpus(
    client: Client,
    sqlite_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    subtests: pytest.Subtests,
) -> None:
    root = tmp_path / "Movies"
    cases = build_corpus(root, tmp_path / "outside")
    settings = reconfigure(monkeypatch, children_window="1", cache_batch_size="1000")
    as_root = os.geteuid() == 0
    try:
        async with running_workers(client, settings):
            started = await start(client, settings, root, ScanOptions(enable_enrichment=False))
            handle = client.get_workflow_handle(started.workflow_id)
            while (await handle.query("progress"))["phase"] == "discovering":
                await asyncio.sleep(0.01)
            shutil.rmtree(root / "zz Deleted Before Scan (2001)")
            shutil.rmtree(root / "zz Replaced By File (2001)")
            (root / "zz Replaced By File (2001)").write_text("now a file")
            while (await handle.query("progress"))["progress"]["scanning"]["scanned"] < 3:
                await asyncio.sleep(0.01)
            (root / "aa Asset Vanishes (2001)" / "poster.jpg").unlink()
            message = await finish(client, started)
    finally:
        (root / "Locked Folder (2001)").chmod(0o755)

    assert message["phase"] == "completed", message.get("lastError")
    with session_scope(settings.resolved_database_url) as session:
        movies = {m.directory: m for m in session.scalars(select(Movie))}
        outcomes = {d.path: (d.outcome, " ".join(d.errors or [])) for d in session.scalars(select(ScanDirectory))}
        images = list(session.scalars(select(Image)))
        subtitles = list(session.scalars(select(Subtitle)))
        texts = " ".join(f"{m.title} {m.plot} {m.original_title}" for m in movies.values())

    # One subtest per case, named by its folder, and one per group of checks after them: every failure is reported,
    # none hides the rest, and the scan (the slow part) runs once.
    for name, (kind, text) in cases.items():
        with subtests.test(msg=name.replace("\n", "\\n")[:60]):
            check_case(name, kind, text, movies, outcomes, as_root=as_root)

    with subtests.test(msg="healthy movies are intact, posters cached"):
        healthy = [m for d, m in movies.items() if d.startswith("Healthy")]
        assert len(healthy) == 10 and all(m.title.startswith("Healthy") for m in healthy)
        cached = {i.source_path for i in images if i.cache_path}
        assert all(f"{m.directory}/poster.jpg" in cached for m in healthy)
    with subtests.test(msg="handled variants"):
        assert movies["NFO UTF-16 (2001)"].title == "Zoë" and movies["NFO Latin-1 (2001)"].title == "Amélie"
        assert movies["NFO Cp1252 (2001)"].title == "Café \u2013 Noir"
        assert movies["NFO Doctype URL (2001)"].title == "Offline"
        assert movies["NFO URL Only (2001)"].imdb_id == "tt0000002" and movies["NFO Junk After (2001)"].title == "Junky"
        assert movies["Broken Stack (2001)"].video_parts and movies["Truncated Video (2001)"].container == "matroska"
        assert any(s.source_path.startswith("Odd Subtitle") and s.cache_path for s in subtitles)
        assert not [i for i in images if i.source_path.startswith("Zero Poster")]
        vanished = [i for i in images if i.source_path.startswith("aa Asset Vanishes")]
        assert vanished and vanished[0].cache_path is None and "no longer exists" in (vanished[0].cache_error or "")
        assert message["progress"]["caching"]["failed"] == (1 if as_root else 2)
    with subtests.test(msg="nothing outside the root was read or recorded"):
        assert "root:" not in texts
        assert not [d for d in outcomes if d.startswith(("Leaves Root", "Etc Link"))]
        assert not [i for i in images if i.source_path.startswith("Poster Links Out")]
        assert all(not Path(i.source_path).is_absolute() for i in images)
    assert len(cases) >= 40


def check_case(
    name: str,
    kind: str,
    text: str | None,
    movies: dict[str, Movie],
    outcomes: dict[str, tuple[str, str]],
    *,
    as_root: bool,
) -> None:
    """A case is a movie, a counted error naming its folder, or absent from the scan, as build_corpus says."""
    if name == "Locked Folder (2001)" and not as_root:
        kind, text = ERROR, "permission denied"
    if kind == ABSENT:
        assert name not in outcomes, name
        return
    outcome, errors = outcomes[name]
    if kind == MOVIE:
        assert name in movies and outcome in ("new", "updated", "unchanged"), (name, outcome, errors)
    else:
        assert outcome == "error" and name not in movies, (name, outcome)
    if text:
        assert text in errors, (name, errors)
        assert name.split("\n")[0][:40] in errors or kind == MOVIE, (name, errors)
