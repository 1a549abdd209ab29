"""Tags and stream facts read with mutagen from real tiny files of every format, and hostile files: each problem a
TagError (or a warning) naming the file, nothing else lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library import music_tags
from reelscan.library.music_tags import (
    TagError,
    clean_text,
    embedded_cover_bytes,
    mb_id,
    parse_date,
    parse_gain,
    parse_number_pair,
    read_track,
)
from tests.music_tagging import FORMATS, MEDIA, TrackSpec, copy_fixture, tag_ape, tag_file

RELEASE = "0a8e97fd-457c-30bc-938a-2fba79cb04e7"
RECORDING = "1a8e97fd-457c-30bc-938a-2fba79cb04e7"
FULL = TrackSpec(
    title="Sœur",
    artist="Ärtist",
    album="Album",
    album_artist="Album Artist",
    track="3/12",
    disc="1/2",
    date="1997-05-21",
    genre="Rock; Pop",
    composer="Composer",
    release_id=RELEASE,
    recording_id=RECORDING,
    track_gain="-7.35 dB",
    cover=MEDIA / "poster.jpg",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_tags(tmp_path: Path, fmt: str) -> None:
    path = copy_fixture(fmt, tmp_path / f"track.{fmt}")
    tag_file(path, FULL)
    tags = read_track(path)
    assert (tags.title, tags.artist, tags.album, tags.album_artist) == ("Sœur", "Ärtist", "Album", "Album Artist")
    assert (tags.track_number, tags.track_total, tags.disc_number, tags.disc_total) == (3, 12, 1, 2)
    assert (tags.date, tags.year, tags.genres, tags.composers) == ("1997-05-21", 1997, ["Rock", "Pop"], ["Composer"])
    assert (tags.mb_release_id, tags.mb_recording_id) == (RELEASE, RECORDING)
    assert (
        tags.cover is not None
        and tags.cover.extension == "jpg"
        and tags.cover.size == (MEDIA / "poster.jpg").stat().st_size
    )
    assert tags.duration_seconds and tags.bitrate and tags.channels and tags.sample_rate
    assert tags.warnings == [] and tags.tagged
    if fmt != "m4a":  # MP4 has no standard ReplayGain atom in this tagger
        assert tags.replaygain == {"track_gain": -7.35}


def test_stream_facts_per_codec(tmp_path: Path) -> None:
    facts = {}
    for fmt in FORMATS:
        path = copy_fixture(fmt, tmp_path / f"t.{fmt}")
        tags = read_track(path)
        facts[fmt] = (tags.codec, tags.sample_rate, tags.bit_depth)
    assert facts == {
        "mp3": ("mp3", 22050, None),
        "flac": ("flac", 22050, 16),
        "m4a": ("aac", 22050, 16),
        "ogg": ("vorbis", 22050, None),
        "opus": ("opus", 48000, None),
    }


def test_an_untagged_file_is_read_but_not_tagged(tmp_path: Path) -> None:
    tags = read_track(copy_fixture("mp3", tmp_path / "01 - x.mp3"))
    assert not tags.tagged and tags.title is None and tags.codec == "mp3"


def test_latin1_id3v23_and_utf8_bytes_declared_latin1(tmp_path: Path) -> None:
    path = copy_fixture("mp3", tmp_path / "a.mp3")
    tag_file(path, TrackSpec(title="Café Crème", album="Été"), id3_version=3, latin1=True)
    assert (read_track(path).title, read_track(path).album) == ("Café Crème", "Été")
    # UTF-8 bytes a tagger wrote into a frame it declared Latin-1 read back as "CafÃ©" by the letter: undone.
    mojibake = "Café".encode().decode("latin-1")
    assert clean_text(mojibake) == "Café"
    assert clean_text("Café") == "Café" and clean_text(b"Caf\xe9") == "Café"


def test_ape_tags_on_an_mp3(tmp_path: Path) -> None:
    path = copy_fixture("mp3", tmp_path / "ape.mp3")
    tag_ape(path, TrackSpec(title="Ape Title", album="Ape Album", track="2/9", release_id=RELEASE))
    tags = read_track(path)
    assert (tags.title, tags.album, tags.track_number, tags.track_total, tags.mb_release_id) == (
        "Ape Title",
        "Ape Album",
        2,
        9,
        RELEASE,
    )


def test_zero_byte_and_broken_files_are_errors_naming_them(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"fLaC\x00\x00\x00\x22" + b"\x07" * 64)
    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(b"ID3\x04\x00\x00\x00\x00\x10\x00" + b"\xff" * 300)
    not_audio = tmp_path / "notes.ogg"
    not_audio.write_text("just text")
    for path in (empty, broken, garbage, not_audio):
        with pytest.raises(TagError) as raised:
            read_track(path)
        assert str(path) in str(raised.value) and "Traceback" not in str(raised.value)
    with pytest.raises(TagError, match="zero-byte"):
        read_track(empty)


def test_a_huge_embedded_picture_is_a_warning_and_not_the_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("flac", tmp_path / "big.flac")
    tag_file(path, TrackSpec(title="T", album="A", cover=MEDIA / "fanart.jpg"))
    monkeypatch.setattr(music_tags, "MAX_EMBEDDED_PICTURE_BYTES", 1000)  # fanart.jpg is about 3 KB
    tags = read_track(path)
    assert tags.cover is None and tags.title == "T"
    assert tags.warnings and str(path) in tags.warnings[0] and "too large" in tags.warnings[0]


def test_a_picture_that_is_no_image_is_a_warning(tmp_path: Path) -> None:
    path = copy_fixture("mp3", tmp_path / "odd.mp3")
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"not an image at all")
    tag_file(path, TrackSpec(title="T", album="A", cover=fake))
    tags = read_track(path)
    assert tags.cover is None and "is not an image" in tags.warnings[0]


def test_embedded_cover_bytes_are_the_pictures_and_hash_alike(tmp_path: Path) -> None:
    first, second = copy_fixture("mp3", tmp_path / "1.mp3"), copy_fixture("m4a", tmp_path / "2.m4a")
    for path in (first, second):
        tag_file(path, TrackSpec(title="T", album="A", cover=MEDIA / "poster.jpg"))
    assert embedded_cover_bytes(first) == (MEDIA / "poster.jpg").read_bytes() == embedded_cover_bytes(second)
    cover_1, cover_2 = read_track(first).cover, read_track(second).cover
    assert cover_1 is not None and cover_2 is not None and cover_1.sha256 == cover_2.sha256
    plain = copy_fixture("ogg", tmp_path / "3.ogg")
    with pytest.raises(TagError, match="no longer holds an embedded cover"):
        embedded_cover_bytes(plain)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", (3, None)),
        ("03/12", (3, 12)),
        ("3 / 12", (3, 12)),
        ((4, 10), (4, 10)),
        ((0, 0), (None, None)),
        ("A1", (None, None)),
        ("", (None, None)),
        ("0/5", (None, 5)),
    ],
)
def test_number_pairs(value: object, expected: tuple[int | None, int | None]) -> None:
    assert parse_number_pair(value) == expected


def test_dates_gains_and_ids() -> None:
    assert [parse_date(v) for v in ("1997", "1997-05", "1997-05-21T00:00:00", "n/a", "0000", "19")] == [
        "1997",
        "1997-05",
        "1997-05-21",
        None,
        None,
        None,
    ]
    assert (parse_gain("-7.35 dB"), parse_gain("+0.5"), parse_gain("loud")) == (-7.35, 0.5, None)
    assert (mb_id(RELEASE.upper()), mb_id("not-an-id"), mb_id(f"{RELEASE}/other")) == (RELEASE, None, RELEASE)
    assert clean_text("a\x00b  ") == "a b" and clean_text("x" * 5000) == "x" * music_tags.MAX_TEXT
