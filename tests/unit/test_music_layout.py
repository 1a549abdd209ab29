"""Music layout rules (pure functions), the album-folder walk and the scan of one album folder, without Temporal:
album folders and their disc folders, albums by their tags, file names as the fallback, artwork."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library.music_discovery import MusicWalker
from reelscan.library.music_layout import (
    album_asset_type,
    artist_asset_type,
    artist_folder_asset_type,
    disc_folder_number,
    is_various_artists,
    name_key,
    parse_album_folder,
    parse_track_name,
)
from reelscan.library.music_scanner import DirectoryError, scan_album_directory
from tests.music_builder import build_music_library
from tests.music_tagging import MEDIA, TrackSpec, copy_fixture, tag_file
from tests.read_ahead import reading  # noqa: F401  (every test in line and read ahead)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("OK Computer (1997)", ("OK Computer", 1997)),
        ("1997 - OK Computer", ("OK Computer", 1997)),
        ("[2001] Amnesiac", ("Amnesiac", 2001)),
        ("Amnesiac [2001]", ("Amnesiac", 2001)),
        ("In Rainbows - 2007", ("In Rainbows", 2007)),
        ("Kid A", ("Kid A", None)),
        ("The Wall (1979) (Remastered)", ("The Wall", 1979)),
        ("1984", ("1984", None)),
    ],
)
def test_album_folder_names(name: str, expected: tuple[str, int | None]) -> None:
    assert parse_album_folder(name) == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("03 - Airbag", (None, 3, None, "Airbag")),
        ("1-03 Title", (1, 3, None, "Title")),
        ("103 - Title", (1, 3, None, "Title")),
        ("03. Title", (None, 3, None, "Title")),
        ("03 Title", (None, 3, None, "Title")),
        ("03 - Blur - Song 2", (None, 3, "Blur", "Song 2")),
        ("Solo Artist - First Single", (None, None, "Solo Artist", "First Single")),
        ("Track 05", (None, 5, None, "Track 05")),
        ("Interlude", (None, None, None, "Interlude")),
    ],
)
def test_track_file_names(stem: str, expected: tuple[int | None, int | None, str | None, str]) -> None:
    assert parse_track_name(stem) == expected


def test_disc_folders_compilations_keys_and_artwork_names() -> None:
    assert [disc_folder_number(n) for n in ("CD1", "cd 2", "Disc 3 - Live", "Disk03", "Discography", "CDs")] == [
        1,
        2,
        3,
        3,
        None,
        None,
    ]
    assert all(is_various_artists(n) for n in ("Various Artists", "VA", "various")) and not is_various_artists("Vast")
    assert name_key("  The  BEATLES ") == name_key("the beatles")
    assert [album_asset_type(n) for n in ("cover.jpg", "Folder.JPG", "front.png", "AlbumArt_{x}_Large.jpg")] == [
        "cover"
    ] * 4
    assert (album_asset_type("disc.png"), album_asset_type("cd2.png"), album_asset_type("cover.txt")) == (
        "discart",
        "discart",
        None,
    )
    assert [artist_asset_type(n) for n in ("artist.jpg", "fanart.jpg", "logo.png", "banner.jpg", "cover.jpg")] == [
        "artist",
        "fanart",
        "logo",
        "banner",
        None,
    ]
    assert artist_folder_asset_type("folder.jpg") == "artist"


def test_the_walk_finds_album_folders_once_with_their_disc_folders(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    walker = MusicWalker(manifest.root)
    found = [d.path for d in walker.walk()]
    assert found == manifest.album_folders  # CD1/CD2 belong to The Wall; hidden, NAS and .ignore folders skipped
    assert walker.stats.ignored == 3 and walker.stats.errors == 0


def test_an_album_folder_fingerprint_follows_its_discs_and_its_artist_artwork(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")

    def prints() -> dict[str, str]:
        return {d.path: d.fingerprint for d in MusicWalker(manifest.root).walk()}

    before = prints()
    copy_fixture("m4a", manifest.root / "Pink Floyd/The Wall (1979)/CD2/03 - Track.m4a")
    (manifest.root / "Radiohead" / "fanart.jpg").write_bytes((MEDIA / "fanart.jpg").read_bytes())
    after = prints()
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"Pink Floyd/The Wall (1979)", "Radiohead/Kid A (2000)", "Radiohead/OK Computer (1997)"}


def test_tags_group_a_folder_of_singles_into_albums_and_multi_disc_folders_into_one(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    singles = scan_album_directory(manifest.root, "Solo Artist")
    assert sorted(a.title for a in singles.albums) == ["First Single", "Second Single"]
    assert singles.albums[0].embedded_cover is not None or singles.albums[1].embedded_cover is not None
    wall = scan_album_directory(manifest.root, "Pink Floyd/The Wall (1979)")
    assert len(wall.albums) == 1 and [(t.disc_number, t.track_number) for t in wall.albums[0].tracks] == [
        (1, 1),
        (1, 2),
        (2, 1),
        (2, 2),
    ]
    assert [a.asset_type for a in wall.albums[0].assets] == ["cover"]


def test_a_compilation_is_various_artists_and_untagged_tracks_are_named_by_their_files(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    now = scan_album_directory(manifest.root, "Various Artists/Now Thats Music 42 (1999)").albums
    assert len(now) == 1 and (now[0].album_artist, now[0].compilation) == ("Various Artists", True)
    demo = scan_album_directory(manifest.root, "Untagged Band/Demo Tape (1995)")
    album = demo.albums[0]
    assert (album.title, album.title_source, album.year, album.album_artist) == (
        "Demo Tape",
        "folder",
        1995,
        "Untagged Band",
    )
    assert [(t.track_number, t.title, t.tagged) for t in album.tracks] == [(1, "Intro", False), (2, "Noise", False)]
    assert demo.untagged == 2


def test_a_track_without_tags_joins_the_folder_s_one_tagged_album(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    odd = scan_album_directory(manifest.root, "Broken Tags/Odd Album (2004)")
    assert [a.title for a in odd.albums] == ["Odd Album"]
    assert [t.title for t in odd.albums[0].tracks] == ["Café Crème", "Garbage"]
    assert len(odd.errors) == 2 and all("Odd Album (2004)/0" in e for e in odd.errors)


def test_artist_artwork_is_recorded_by_the_artist_s_first_album_folder_only(tmp_path: Path) -> None:
    manifest = build_music_library(tmp_path / "Music")
    kid_a = scan_album_directory(manifest.root, "Radiohead/Kid A (2000)")
    ok = scan_album_directory(manifest.root, "Radiohead/OK Computer (1997)")
    assert sorted(a.asset_type for a in kid_a.artist_assets) == ["artist", "logo"]
    assert ok.artist_assets == []
    assert ok.albums[0].embedded_cover is not None
    assert ok.albums[0].embedded_cover.track_path == "Radiohead/OK Computer (1997)/01 - Airbag.mp3"


def test_a_folder_without_usable_tracks_is_a_directory_error(tmp_path: Path) -> None:
    root = tmp_path / "Music"
    (root / "Empty Album").mkdir(parents=True)
    (root / "Empty Album" / "01 - x.mp3").write_bytes(b"")
    (root / "Notes").mkdir()
    (root / "Notes" / "readme.txt").write_text("hi")
    with pytest.raises(DirectoryError, match="only zero-byte audio files"):
        scan_album_directory(root, "Empty Album")
    with pytest.raises(DirectoryError, match="holds no audio file"):
        scan_album_directory(root, "Notes")
    with pytest.raises(DirectoryError, match="no longer exists"):
        scan_album_directory(root, "Gone")


def test_loose_tracks_in_the_root_are_an_album_folder(tmp_path: Path) -> None:
    root = tmp_path / "Music"
    path = copy_fixture("flac", root / "Song.flac")
    tag_file(path, TrackSpec(title="Song", album="Song", artist="Someone"))
    assert [d.path for d in MusicWalker(root).walk()] == [""]
    assert [a.title for a in scan_album_directory(root, "").albums] == ["Song"]


def test_polling_a_music_library_walks_its_album_folders(tmp_path: Path) -> None:
    from reelscan.watching import poll_pass

    manifest = build_music_library(tmp_path / "Music")
    known = {d.path: d.fingerprint for d in MusicWalker(manifest.root).walk()}
    assert poll_pass(manifest.root, known, music=True).changed == []
    copy_fixture("mp3", manifest.root / "Radiohead/Kid A (2000)/03 - New.mp3")
    found = poll_pass(manifest.root, known, music=True)
    assert (found.changed, found.directories) == (["Radiohead"], len(manifest.album_folders))
