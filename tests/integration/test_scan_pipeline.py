"""A whole library scanned through the real pipeline: what a user finds in the database and the cache."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from temporalio.client import Client

from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import movies_by_directory, scan, scan_job, sha256_of
from tests.library_builder import LibraryManifest, build_library


@pytest.fixture
def library(tmp_path: Path) -> LibraryManifest:
    return build_library(tmp_path / "Movies")


async def test_every_movie_is_recorded_with_exact_counters(
    client: Client, any_settings: Settings, library: LibraryManifest
) -> None:
    message = await scan(client, any_settings, library.root)

    assert message["phase"] == "completed"
    movies = movies_by_directory(any_settings)
    assert sorted(movies) == sorted(library.movies)
    for directory, expected in library.movies.items():
        got = movies[directory]
        assert (got["title"], got["year"]) == (expected.title, expected.year), directory
        assert (got["imdbId"], got["tmdbId"]) == (expected.imdb_id, expected.tmdb_id), directory
        assert got["mainVideo"] == expected.main_video, directory
        assert len(got["videoParts"]) == expected.parts, directory
        assert got["titleSource"] == expected.title_source, directory
        assert got["disc"] == expected.disc, directory
        assert dict(Counter(a["type"] for a in got["assets"])) == expected.assets, directory
        assert len(got["errors"]) == expected.errors, directory
        assert got["state"] == "discovered"

    stats = message["stats"]
    assert stats["moviesFound"] == len(library.movies)
    assert stats["moviesNew"] == len(library.movies)
    assert stats["moviesUpdated"] == 0
    assert stats["errorsCount"] == library.errors_count
    assert stats["assetsCached"] == library.assets_total
    assert message["progress"]["scanning"] == {
        "scanned": library.directories_total,
        "total": library.directories_total,
        "percentage": 100,
        "unchanged": 0,
    }
    assert message["progress"]["discovering"]["directoriesIgnored"] == library.ignored
    caching = message["progress"]["caching"]
    assert (caching["cached"], caching["queued"], caching["failed"]) == (library.assets_total, library.assets_total, 0)
    assert caching["byType"]["subtitle"] == 3
    assert caching["byType"]["trailer"] == 2

    job = scan_job(any_settings, message["scanJobId"])
    assert job.status == "completed"
    assert (job.directories_total, job.directories_scanned) == (library.directories_total, library.directories_total)
    assert (job.movies_found, job.movies_new, job.movies_updated) == (len(library.movies), len(library.movies), 0)
    assert (job.assets_queued, job.assets_cached) == (library.assets_total, library.assets_total)
    assert job.errors_count == library.errors_count
    assert job.completed_at is not None
    assert job.progress is not None and job.progress["phase"] == "completed"


async def test_nfo_fields_streams_and_error_messages(
    client: Client, sqlite_settings: Settings, library: LibraryManifest
) -> None:
    await scan(client, sqlite_settings, library.root)
    movies = movies_by_directory(sqlite_settings)

    matrix = movies["The Matrix (1999)"]
    assert matrix["genres"] == ["Action", "Science Fiction"]
    assert matrix["directors"] == ["Lana Wachowski", "Lilly Wachowski"]
    assert matrix["actors"][0] == {"name": "Keanu Reeves", "role": "Neo", "order": 0}
    assert matrix["set"] == "The Matrix Collection"
    assert matrix["runtime"] == 136
    kinds = Counter(s["kind"] for s in matrix["streams"])
    assert kinds == {"video": 1, "audio": 2, "subtitle": 2}
    audio_languages = sorted(s.get("language") for s in matrix["streams"] if s["kind"] == "audio")
    assert audio_languages == ["en", "fr"]
    subtitles = {a["path"].rsplit("/", 1)[-1]: a for a in matrix["assets"] if a["type"] == "subtitle"}
    assert subtitles["The.Matrix.1999.fr.forced.ass"]["language"] == "fr"
    assert subtitles["The.Matrix.1999.fr.forced.ass"]["forced"] is True
    assert subtitles["The.Matrix.1999.de.sdh.srt"]["sdh"] is True

    hdr = movies["Dune Part Two (2024)"]
    video = next(s for s in hdr["streams"] if s["kind"] == "video")
    assert video["codec"] == "hevc" and video["bit_depth"] == 10 and video["hdr_format"] == "HDR10"

    broken = movies["Broken Nfo (2001)"]
    assert "Broken Nfo (2001)/movie.nfo" in broken["errors"][0]
    fake = movies["Fake (2020)"]
    assert "Fake.mkv" in fake["errors"][0]
    assert fake["streams"] == []


async def test_phases_follow_the_spec_order(
    client: Client, sqlite_settings: Settings, library: LibraryManifest
) -> None:
    phases: list[str] = []
    message = await scan(client, sqlite_settings, library.root, phases=phases)

    order = ["discovering", "scanning", "caching", "completed"]
    assert phases[-1] == "completed"
    assert [order.index(p) for p in phases] == sorted(order.index(p) for p in phases), phases
    stamps = message["phaseTimestamps"]
    assert message["startedAt"] <= stamps["discoveryCompletedAt"] <= stamps["scanningCompletedAt"]
    assert stamps["scanningCompletedAt"] <= stamps["cachingCompletedAt"] <= stamps["completedAt"]
    assert message["summary"].startswith(f"Scan completed: {len(library.movies)} movies")


async def test_assets_are_cached_by_content_hash(
    client: Client, sqlite_settings: Settings, library: LibraryManifest
) -> None:
    await scan(client, sqlite_settings, library.root)
    cache_root = sqlite_settings.resolved_cache_dir
    movies = movies_by_directory(sqlite_settings)

    cached = 0
    for movie in movies.values():
        for asset in movie["assets"]:
            source = library.root / asset["path"]
            cache_file = cache_root / asset["cachePath"]
            assert asset["sha256"] == sha256_of(source) == sha256_of(cache_file)
            assert re.fullmatch(
                rf"movie/{movie['id']}/{asset['type']}_{asset['sha256']}\.[a-z0-9]+", asset["cachePath"]
            )
            cached += 1
    assert cached == library.assets_total
    assert not [p for p in cache_root.rglob("*") if p.name.startswith(".tmp")]


async def test_unchanged_rescan_adds_nothing_and_copies_nothing(
    client: Client, sqlite_settings: Settings, library: LibraryManifest
) -> None:
    await scan(client, sqlite_settings, library.root)
    cache_files = {p: p.stat().st_mtime_ns for p in sqlite_settings.resolved_cache_dir.rglob("*") if p.is_file()}

    message = await scan(client, sqlite_settings, library.root)

    assert message["phase"] == "completed"
    assert message["stats"]["moviesFound"] == len(library.movies)
    assert (message["stats"]["moviesNew"], message["stats"]["moviesUpdated"]) == (0, 0)
    assert message["progress"]["caching"]["queued"] == 0
    assert {
        p: p.stat().st_mtime_ns for p in sqlite_settings.resolved_cache_dir.rglob("*") if p.is_file()
    } == cache_files
    assert len(movies_by_directory(sqlite_settings)) == len(library.movies)


async def test_rescan_notices_a_changed_nfo_and_a_new_poster(
    client: Client, sqlite_settings: Settings, library: LibraryManifest
) -> None:
    await scan(client, sqlite_settings, library.root)
    (library.root / "Inception (2010)" / "Inception.nfo").write_text(
        "<movie><title>Inception (Director)</title></movie>"
    )
    (library.root / "Her (2013)" / "poster.jpg").write_bytes((library.root / "Jaws (1975)" / "folder.jpg").read_bytes())

    message = await scan(client, sqlite_settings, library.root)

    assert (message["stats"]["moviesNew"], message["stats"]["moviesUpdated"]) == (0, 2)
    assert message["progress"]["caching"]["cached"] == 1
    movies = movies_by_directory(sqlite_settings)
    assert movies["Inception (2010)"]["title"] == "Inception (Director)"
    assert [a["type"] for a in movies["Her (2013)"]["assets"]] == ["poster"]


async def test_scan_options_are_honoured(client: Client, sqlite_settings: Settings, library: LibraryManifest) -> None:
    options = ScanOptions(max_directories=5, skip_ffprobe=True, skip_asset_discovery=True)
    message = await scan(client, sqlite_settings, library.root, options)

    assert message["progress"]["scanning"]["total"] == 5
    movies = movies_by_directory(sqlite_settings)
    assert 1 <= len(movies) <= 5
    assert all(m["streams"] == [] and m["assets"] == [] for m in movies.values())
    job = scan_job(sqlite_settings, message["scanJobId"])
    assert job.options["maxDirectories"] == 5 and job.options["skipFfprobe"] is True


async def test_caching_can_be_switched_off(client: Client, sqlite_settings: Settings, library: LibraryManifest) -> None:
    message = await scan(client, sqlite_settings, library.root, ScanOptions(enable_caching=False))

    assert message["phase"] == "completed"
    assert message["stats"]["assetsCached"] == 0
    assert not sqlite_settings.resolved_cache_dir.exists() or not any(sqlite_settings.resolved_cache_dir.rglob("*.*"))
    assert sum(len(m["assets"]) for m in movies_by_directory(sqlite_settings).values()) == library.assets_total
