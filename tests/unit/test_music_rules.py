"""Music counters, progress words and invariants as pure code; the careful MusicBrainz choice; recording an album
folder twice (a retried activity) changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reelscan.db import music as music_db
from reelscan.db import work_list
from reelscan.db.models import Album, Library, ScanJob, Track
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.invariants import folder_violations
from reelscan.library.discovery import DiscoveredDirectory
from reelscan.library.music_scanner import scan_album_directory
from reelscan.payloads.scan import DirectoryScanResult, OutcomeCounts
from reelscan.progress import ScanState, build_message, summary_line
from reelscan.providers.musicbrainz import choose_release, parse_artist, parse_release
from reelscan.scan_rules import fold_directory, settle_from_database
from tests.fake_musicbrainz import sample_artist, sample_release
from tests.music_builder import build_music_library

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def music_state() -> ScanState:
    return ScanState(scan_job_id=1, library_id=1, library_name="Music", library_type="music", started_at=NOW)


def test_folding_album_folders_counts_albums_and_tracks_and_the_words_say_so() -> None:
    state = music_state()
    state.phase, state.counters.directories_total = "scanning", 800
    for seq in range(120):
        counts = {"albums_found": 1, "albums_new": 1, "tracks_found": 12, "tracks_new": 12, "tracks_untagged": seq % 2}
        fold_directory(
            state.counters, DirectoryScanResult(seq=seq, outcome="new", album_id=seq + 1, music=counts), tv=False
        )
    fold_directory(
        state.counters, DirectoryScanResult(seq=120, outcome="error", error_count=1, errors=["bad"]), tv=False
    )
    c = state.counters
    assert (c.albums_found, c.tracks_found, c.tracks_untagged, c.movies_found) == (120, 1440, 60, 0)
    assert summary_line(state) == "Scanning albums... 121/800 (15%), 1,440 tracks"
    stats = build_message(state, NOW).to_json_dict()["stats"]
    assert isinstance(stats, dict) and stats["albumsFound"] == 120 and stats["tracksUntagged"] == 60
    assert "seriesFound" not in stats and "episodesFound" not in stats


def test_settling_from_the_database_adds_what_discovery_settled_and_checks_folders() -> None:
    state = music_state()
    c = state.counters
    c.directories_total, c.directories_scanned, c.directories_unchanged = 3, 1, 1
    c.music_settled = {"albums": 2, "tracks": 20, "untagged": 1, "albums_missing": 1}
    c.albums_missing = 1
    outcomes = OutcomeCounts(
        new=1, unchanged=1, error=1, music={"albums_found": 1, "tracks_found": 5, "tracks_new": 5}, artists_found=2
    )
    settle_from_database(c, outcomes, tv=False, music=True)
    assert (c.albums_found, c.tracks_found, c.tracks_untagged, c.albums_missing, c.artists_found) == (3, 25, 1, 1, 2)
    assert folder_violations(c, outcomes, tv=False, music=True) == []
    state.phase = "completed"
    assert summary_line(state).startswith(
        "Scan completed: 2 artists, 3 albums, 25 tracks (5 new, 0 updated), 1 untagged"
    )


def test_a_search_result_is_taken_only_when_it_is_sure() -> None:
    wall = {**sample_release("a" * 8 + "-0000-0000-0000-" + "0" * 12, "The Wall", "Pink Floyd", tracks=4), "score": 100}
    decoy = {
        **sample_release("b" * 8 + "-0000-0000-0000-" + "0" * 12, "The Wall", "Pink Floyd", tracks=26),
        "score": 100,
    }
    other = {
        **sample_release("c" * 8 + "-0000-0000-0000-" + "0" * 12, "The Wall", "Roger Waters", tracks=4),
        "score": 95,
    }
    weak = {**sample_release("d" * 8 + "-0000-0000-0000-" + "0" * 12, "The Wall", "Pink Floyd", tracks=4), "score": 70}
    assert choose_release([decoy, wall], album="The Wall", artist="Pink Floyd", track_count=4) == wall["id"]
    assert choose_release([decoy, other, weak], album="The Wall", artist="Pink Floyd", track_count=4) is None
    assert choose_release([wall], album="The Final Cut", artist="Pink Floyd", track_count=4) is None
    assert choose_release([], album="x", artist=None, track_count=None) is None


def test_release_and_artist_answers_become_metadata() -> None:
    release = parse_release(sample_release("r1", "Kid A", "Radiohead", tracks=10, date="2000-10-02"))
    assert (release.title, release.artist, release.year, release.release_date, release.label) == (
        "Kid A",
        "Radiohead",
        2000,
        "2000-10-02",
        "Parlophone",
    )
    assert (release.release_type, release.track_count, release.has_front_cover, release.genres) == (
        "Album",
        10,
        True,
        ["rock", "art rock"],
    )
    assert parse_release({"id": "x", "artist-credit": "nonsense", "media": [None]}).title is None
    artist = parse_artist(sample_artist("The Band"))
    assert (artist.sort_name, artist.country, artist.artist_type) == ("Band, The", "GB", "Group")


def test_recording_an_album_folder_twice_changes_nothing(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate(url)
    folder = "Radiohead/OK Computer (1997)"
    scan = scan_album_directory(manifest.root, folder)
    with session_scope(url) as session:
        library = Library(name="Music", path=str(manifest.root), type="music")
        session.add(library)
        session.flush()
        job = ScanJob(library_id=library.id, status="scanning", options={})
        session.add(job)
        session.flush()
        work_list.replace_scan_directories(session, job.id, [DiscoveredDirectory(folder, "fp")])
        ids = (library.id, job.id)

    def record() -> work_list.RecordedDirectory:
        with session_scope(url) as session:
            return music_db.record_album_folder(
                session, scan_job_id=ids[1], seq=0, library_id=ids[0], scan=scan, cache_exists=lambda p, s: False
            )

    first, second = record(), record()
    assert first == second and first.outcome == "new" and first.assets_to_cache == 2  # cover.jpg + embedded
    assert first.music is not None and first.music["tracks_new"] == 3
    with session_scope(url) as session:
        assert session.query(Album).count() == 1 and session.query(Track).count() == 3
    dispose_engines()
