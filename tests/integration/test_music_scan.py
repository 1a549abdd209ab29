"""A music library through the four phases on SQLite and PostgreSQL: album folders, albums by their tags, tracks
with their technical facts, artwork cached (sidecar and embedded, deduplicated), exact counts in every surface, and
an incremental rescan after a track is added and another retagged."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from temporalio.client import Client

from reelscan.db.models import Album, Artist, MusicAsset, Track
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service import scans
from tests.integration.scanning import finish, running_workers
from tests.music_builder import OK_COMPUTER_RELEASE, MusicLibraryManifest, build_music_library
from tests.music_tagging import TrackSpec, copy_fixture, tag_file


@pytest.fixture
def library(tmp_path: Path) -> MusicLibraryManifest:
    return build_music_library(tmp_path / "Music")


async def scan_music(
    client: Client, settings: Settings, root: Path, options: ScanOptions | None = None
) -> dict[str, Any]:
    library_id = scans.library_for_path(settings, root, library_type="music")
    async with running_workers(client, settings):
        started = await scans.start_scan(client, settings, library_id, options or ScanOptions(enable_enrichment=False))
        return await finish(client, started)


async def test_a_music_library_scans_albums_tracks_and_artwork_with_exact_counts(
    client: Client, any_settings: Settings, library: MusicLibraryManifest
) -> None:
    message = await scan_music(client, any_settings, library.root)

    assert message["phase"] == "completed" and message["libraryType"] == "music"
    stats = message["stats"]
    assert message["progress"]["scanning"]["total"] == len(library.album_folders)
    assert (stats["albumsFound"], stats["albumsNew"], stats["albumsMissing"]) == (
        len(library.albums),
        len(library.albums),
        0,
    )
    assert (stats["tracksFound"], stats["tracksNew"]) == (library.tracks, library.tracks)
    assert stats["tracksUntagged"] == library.untagged
    assert stats["artistsFound"] == len(library.artists)
    assert stats["errorsCount"] == library.errors and stats["moviesFound"] == 0
    assert stats["assetsCached"] == library.assets
    assert message["summary"] == (
        f"Scan completed: {len(library.artists)} artists, {len(library.albums)} albums, {library.tracks} tracks "
        f"({library.tracks} new, 0 updated), {library.untagged} untagged, {library.assets} assets cached, "
        f"{library.errors} errors"
    )

    with session_scope(any_settings.resolved_database_url) as session:
        albums = {f"{a.album_artist} / {a.title}": a for a in session.scalars(select(Album))}
        assert {k: len(a.tracks) for k, a in albums.items()} == library.albums
        ok = albums["Radiohead / OK Computer"]
        assert (ok.year, ok.release_date, ok.mb_release_id, ok.genres) == (
            1997, "1997-05-21", OK_COMPUTER_RELEASE, ["Alternative Rock"]
        )  # fmt: skip
        airbag = ok.tracks[0]
        assert (airbag.title, airbag.track_number, airbag.codec, airbag.sample_rate, airbag.channels) == (
            "Airbag", 1, "mp3", 22050, 1
        )  # fmt: skip
        assert airbag.bitrate and airbag.duration_seconds and airbag.replaygain == {"track_gain": -7.1}
        wall = albums["Pink Floyd / The Wall"]
        assert [(t.disc_number, t.track_number) for t in wall.tracks] == [(1, 1), (1, 2), (2, 1), (2, 2)]
        assert wall.tracks[0].codec == "aac" and wall.disc_total == 2
        now = albums["Various Artists / Now Thats Music 42"]
        assert now.compilation and [t.artist for t in now.tracks] == ["Blur", "Oasis", "Pulp"]
        demo = albums["Untagged Band / Demo Tape"]
        assert (demo.title_source, demo.year, [t.title for t in demo.tracks]) == ("folder", 1995, ["Intro", "Noise"])
        odd = albums["Broken Tags / Odd Album"]
        assert [t.title for t in odd.tracks] == ["Café Crème", "Garbage"]
        assert any("02 - Empty.mp3" in e and "zero-byte" in e for e in odd.scan_errors)
        assert any("03 - Garbage.flac" in e for e in odd.scan_errors)
        assert {a.name for a in session.scalars(select(Artist))} == library.artists

        assets = list(session.scalars(select(MusicAsset)))
        assert all(a.cache_path for a in assets)
        embedded = [a for a in assets if a.embedded]
        # One cover per album out of every track that embeds it: OK Computer's three tracks give one file.
        assert len(embedded) == library.embedded_covers
        ok_cover = next(a for a in embedded if a.album_id == ok.id)
        assert str(ok_cover.cache_path).startswith(f"album/{ok.id}/cover_")
        assert (any_settings.resolved_cache_dir / str(ok_cover.cache_path)).read_bytes()[:3] == b"\xff\xd8\xff"
        artist_assets = {a.asset_type: a for a in assets if a.artist_id is not None}
        radiohead = session.scalars(select(Artist).where(Artist.name == "Radiohead")).one()
        assert set(artist_assets) == {"artist", "logo"}
        assert str(artist_assets["artist"].cache_path).startswith(f"artist/{radiohead.id}/artist_")


async def test_a_music_rescan_finds_the_added_track_and_the_retagged_one_and_skips_the_rest(
    client: Client, sqlite_settings: Settings, library: MusicLibraryManifest
) -> None:
    await scan_music(client, sqlite_settings, library.root)
    with session_scope(sqlite_settings.resolved_database_url) as session:  # a user's edit: kept by rescans
        session.execute(update(Album).where(Album.title == "The Wall").values(title="My Wall", title_locked=True))
    kid_a = library.root / "Radiohead/Kid A (2000)"
    added = copy_fixture("flac", kid_a / "03 - The National Anthem.flac")
    tag_file(added, TrackSpec(title="The National Anthem", track="3", artist="Radiohead", album="Kid A",
                              album_artist="Radiohead", date="2000"))  # fmt: skip
    retagged = library.root / "Pink Floyd/The Wall (1979)/CD2/01 - Track 2-1.m4a"
    tag_file(retagged, TrackSpec(title="Hey You", track="1/2", disc="2/2", artist="Pink Floyd", album="The Wall",
                                 date="1979"))  # fmt: skip

    message = await scan_music(client, sqlite_settings, library.root)

    stats = message["stats"]
    assert message["phase"] == "completed"
    assert message["progress"]["scanning"]["unchanged"] == len(library.album_folders) - 2
    assert (stats["albumsFound"], stats["albumsNew"], stats["albumsUpdated"]) == (len(library.albums), 0, 2)
    assert (stats["tracksFound"], stats["tracksNew"], stats["tracksUpdated"]) == (library.tracks + 1, 1, 1)
    assert stats["tracksUntagged"] == library.untagged and stats["artistsFound"] == len(library.artists)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        titles = {t.file_path: t.title for t in session.scalars(select(Track))}
        wall = session.scalars(select(Album).where(Album.directory == "Pink Floyd/The Wall (1979)")).one()
        assert (wall.title, wall.state) == ("My Wall", "discovered")
    assert titles["Pink Floyd/The Wall (1979)/CD2/01 - Track 2-1.m4a"] == "Hey You"
    assert titles["Radiohead/Kid A (2000)/03 - The National Anthem.flac"] == "The National Anthem"


async def test_a_targeted_music_scan_reads_only_its_folders_and_marks_a_vanished_album_missing(
    client: Client, sqlite_settings: Settings, library: MusicLibraryManifest
) -> None:
    await scan_music(client, sqlite_settings, library.root)
    shutil.rmtree(library.root / "Untagged Band/Demo Tape (1995)")
    added = copy_fixture("flac", library.root / "Radiohead/Kid A (2000)/03 - Idioteque.flac")
    tag_file(
        added, TrackSpec(title="Idioteque", track="3", artist="Radiohead", album="Kid A", album_artist="Radiohead")
    )
    paths = ["Untagged Band/Demo Tape (1995)", "Radiohead/Kid A (2000)"]

    message = await scan_music(client, sqlite_settings, library.root, ScanOptions(enable_enrichment=False, paths=paths))

    stats = message["stats"]
    assert message["phase"] == "completed" and message["progress"]["scanning"]["total"] == 1
    assert (stats["albumsFound"], stats["albumsUpdated"], stats["albumsMissing"]) == (1, 1, 1)
    assert (stats["tracksFound"], stats["tracksNew"]) == (3, 1)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        states = {a.directory: a.state for a in session.scalars(select(Album))}
    assert states["Untagged Band/Demo Tape (1995)"] == "missing"
    assert {s for d, s in states.items() if d != "Untagged Band/Demo Tape (1995)"} == {"discovered"}
