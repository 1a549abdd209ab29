"""Phase 4 for music libraries against the fake MusicBrainz and Cover Art Archive over loopback: releases by the
tags' id or a careful search ("no match" rather than a guess), artists, front covers cached, locked fields kept,
the rate limit of the music-enrich queue, 503s backed off, an outage paused on a durable timer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from temporalio.client import Client

from reelscan.db.models import Album, Artist, MusicAsset
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.fake_musicbrainz import FakeMusicBrainz, mbid_for, releases_for_library, sample_release
from tests.integration.scanning import reconfigure, scan_runs
from tests.integration.test_music_scan import scan_music
from tests.music_builder import OK_COMPUTER_RELEASE, MusicLibraryManifest, build_music_library

ENRICH = ScanOptions(enable_enrichment=True)
USER_AGENT = "reelscan-tests/0.1 ( tests@example.org )"
UNKNOWN = ("Broken Tags / Odd Album",)


@pytest.fixture
def library(tmp_path: Path) -> MusicLibraryManifest:
    return build_music_library(tmp_path / "Music")


@pytest.fixture
def fake(library: MusicLibraryManifest) -> Iterator[FakeMusicBrainz]:
    with FakeMusicBrainz(releases_for_library(library.root, unknown=UNKNOWN)) as server:
        # A decoy a careless search would take: the same title and artist, but another number of tracks.
        server.add_release(sample_release(mbid_for("decoy-wall"), "The Wall", "Pink Floyd", tracks=26))
        yield server


def configure(monkeypatch: pytest.MonkeyPatch, fake: FakeMusicBrainz, **values: str) -> Settings:
    defaults = {
        "musicbrainz_user_agent": USER_AGENT,
        "musicbrainz_base_url": fake.base_url,
        "cover_art_base_url": fake.root_url,
        "musicbrainz_requests_per_second": "50",
        "provider_retry_attempts": "2",
        "provider_pause_seconds": "1",
        "musicbrainz_timeout_seconds": "2",
    }
    return reconfigure(monkeypatch, **{**defaults, **values})


async def test_albums_are_enriched_from_musicbrainz_within_the_rate_with_locks_kept_and_covers_cached(
    client: Client,
    any_settings: Settings,
    library: MusicLibraryManifest,
    fake: FakeMusicBrainz,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rate is checked once (on SQLite); the PostgreSQL run goes fast.
    limited = any_settings.resolved_database_url.startswith("sqlite")
    settings = configure(monkeypatch, fake, musicbrainz_requests_per_second="4" if limited else "50")
    await scan_music(client, settings, library.root)
    with session_scope(settings.resolved_database_url) as session:
        session.execute(update(Album).where(Album.title == "OK Computer").values(label="My Label", label_locked=True))
        session.execute(update(Artist).where(Artist.name == "Radiohead").values(country="XX", country_locked=True))
    fake.requests.clear()

    message = await scan_music(client, settings, library.root, ENRICH)

    albums_total = len(library.albums)
    enriching = message["progress"]["enriching"]
    assert message["phase"] == "completed", message["summary"]
    assert (enriching["provider"], enriching["completed"], enriching["failed"]) == ("MusicBrainz", albums_total, 0)
    requests = fake.api_requests("/")
    assert requests and {r.user_agent for r in requests} == {USER_AGENT}
    times = sorted(r.at for r in fake.api_requests())
    worst = max(sum(1 for t in times if start <= t < start + 5.0) for start in times)
    assert len(times) > 20 and (worst <= 20 or not limited), f"{worst} requests in a 5 s window at 4 requests/s"

    with session_scope(settings.resolved_database_url) as session:
        albums = {f"{a.album_artist} / {a.title}": a for a in session.scalars(select(Album))}
        ok, wall, odd = (
            albums["Radiohead / OK Computer"],
            albums["Pink Floyd / The Wall"],
            albums["Broken Tags / Odd Album"],
        )
        assert (ok.state, ok.provider_match, ok.label, ok.release_type) == ("enriched", "tags", "My Label", "Album")
        # The Wall has no release id in its tags: the search took the release with its 4 tracks, not the decoy.
        assert (wall.provider_match, wall.mb_release_id) == ("search", mbid_for("release", "Pink Floyd / The Wall"))
        assert (odd.state, odd.provider_match) == ("unmatched", "none") and "no MusicBrainz match" in str(
            odd.enrichment_error
        )
        radiohead = session.scalars(select(Artist).where(Artist.name == "Radiohead")).one()
        assert (radiohead.country, radiohead.disambiguation) == ("XX", "Radiohead from the fixtures")
        covers = {a.album_id: a for a in session.scalars(select(MusicAsset).where(MusicAsset.source == "caa"))}
        # Every matched album's front cover, cached once each (the folders' artwork was cached by the first scan).
        assert len(covers) == albums_total - len(UNKNOWN) == message["stats"]["assetsCached"]
        assert message["progress"]["caching"]["byType"] == {"cover": len(covers)}
        assert covers[wall.id].cache_path and not Path(covers[wall.id].source_path).exists()  # cached, temp removed
        chosen = session.get(MusicAsset, ok.cover_id)
        assert chosen is not None and chosen.source_path == "Radiohead/OK Computer (1997)/cover.jpg"
        assert session.get(MusicAsset, wall.cover_id) is not None  # front.jpg of the folder
    assert [r.path for r in fake.api_requests(f"/ws/2/release/{OK_COMPUTER_RELEASE}")]


async def test_musicbrainz_503s_are_waited_out_and_an_outage_pauses_on_a_durable_timer(
    client: Client,
    sqlite_settings: Settings,
    library: MusicLibraryManifest,
    fake: FakeMusicBrainz,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for folder in ("Various Artists", "Solo Artist", "Untagged Band", "Broken Tags"):
        shutil.rmtree(library.root / folder)
    (library.root / "Loose Song.flac").unlink()
    albums = 3  # OK Computer, Kid A, The Wall
    settings = configure(monkeypatch, fake, enrich_window="1", provider_failure_threshold="2")
    await scan_music(client, settings, library.root)
    fake.set_mode("503", count=1, retry_after=1)
    first = await scan_music(client, settings, library.root, ENRICH)
    assert first["phase"] == "completed" and first["progress"]["enriching"]["failed"] == 0
    api = fake.api_requests()
    assert api[1].at - api[0].at >= 1.0  # the second attempt waited for Retry-After

    # Two albums in a row fail on every attempt: enrichment waits on a timer, then enriches them after all.
    fake.set_mode("500", count=4)
    message = await scan_music(client, settings, library.root, ENRICH)
    assert message["phase"] == "completed" and message["progress"]["enriching"]["failed"] == 0
    assert message["progress"]["enriching"]["completed"] == albums
    runs = await scan_runs(client, message["workflowId"])
    timers = [e for run in runs for e in run.events if e.HasField("timer_started_event_attributes")]
    assert timers, "enrichment did not pause on a timer"


async def test_music_enrichment_is_skipped_without_a_user_agent(
    client: Client, sqlite_settings: Settings, library: MusicLibraryManifest
) -> None:
    message = await scan_music(client, sqlite_settings, library.root, ENRICH)
    assert message["phase"] == "completed"
    assert "Metadata enrichment skipped: no MusicBrainz User-Agent configured" in str(message["notice"])
