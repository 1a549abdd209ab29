"""Write tags into copies of the tiny audio fixtures with mutagen (the tests' tagger; tests never need ffmpeg).

`tag_file(path, TrackSpec(...))` writes the fields of the spec in the file's own tag format: ID3v2.4 (or v2.3,
Latin-1) for MP3, Vorbis comments for FLAC/Ogg/Opus, MP4 atoms for M4A, and an embedded front cover when asked.
"""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
from mutagen.apev2 import APEv2
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TALB, TCMP, TCOM, TCON, TDRC, TIT2, TPE1, TPE2, TPOS, TRCK, TXXX, UFID
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

MUSIC = Path(__file__).parent / "fixtures" / "music"
MEDIA = Path(__file__).parent / "fixtures" / "media"
FORMATS = ("mp3", "flac", "m4a", "ogg", "opus")


@dataclass
class TrackSpec:
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    album_artist: str | None = None
    track: str | None = None  # "3" or "3/12"
    disc: str | None = None
    date: str | None = None
    genre: str | None = None
    composer: str | None = None
    compilation: bool = False
    release_id: str | None = None
    release_group_id: str | None = None
    artist_id: str | None = None
    recording_id: str | None = None
    track_gain: str | None = None
    cover: Path | None = None  # an image file embedded as the front cover
    extra: dict[str, str] = field(default_factory=dict)


def copy_fixture(fmt: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MUSIC / f"silence.{fmt}", target)
    return target


def tag_file(path: Path, spec: TrackSpec, *, id3_version: int = 4, latin1: bool = False) -> None:
    suffix = path.suffix.lower()
    if suffix == ".mp3":
        _tag_id3(path, spec, id3_version, latin1)
    elif suffix == ".m4a":
        _tag_mp4(path, spec)
    else:
        _tag_vorbis(path, spec)


def _pairs(spec: TrackSpec) -> dict[str, str]:
    values = {
        "title": spec.title, "artist": spec.artist, "album": spec.album, "albumartist": spec.album_artist,
        "tracknumber": spec.track, "discnumber": spec.disc, "date": spec.date, "genre": spec.genre,
        "composer": spec.composer, "musicbrainz_albumid": spec.release_id,
        "musicbrainz_releasegroupid": spec.release_group_id, "musicbrainz_artistid": spec.artist_id,
        "musicbrainz_trackid": spec.recording_id, "replaygain_track_gain": spec.track_gain,
        "compilation": "1" if spec.compilation else None, **spec.extra,
    }  # fmt: skip
    return {k: v for k, v in values.items() if v is not None}


def _tag_vorbis(path: Path, spec: TrackSpec) -> None:
    audio = mutagen.File(path)
    assert audio is not None
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()
    for key, value in _pairs(spec).items():
        audio.tags[key] = [value]
    if spec.cover is not None:
        picture = Picture()
        picture.type, picture.mime, picture.data = 3, "image/jpeg", spec.cover.read_bytes()
        if isinstance(audio, FLAC):
            audio.clear_pictures()
            audio.add_picture(picture)
        else:
            audio.tags["metadata_block_picture"] = [base64.b64encode(picture.write()).decode("ascii")]
    audio.save()


def _tag_id3(path: Path, spec: TrackSpec, version: int, latin1: bool) -> None:
    tags = ID3()
    enc = 0 if latin1 else 3
    simple = {
        TIT2: spec.title, TPE1: spec.artist, TALB: spec.album, TPE2: spec.album_artist, TRCK: spec.track,
        TPOS: spec.disc, TDRC: spec.date, TCON: spec.genre, TCOM: spec.composer,
    }  # fmt: skip
    for frame, value in simple.items():
        if value is not None:
            tags.add(frame(encoding=enc, text=[value]))
    if spec.compilation:
        tags.add(TCMP(encoding=enc, text=["1"]))
    txxx = {
        "MusicBrainz Album Id": spec.release_id, "MusicBrainz Release Group Id": spec.release_group_id,
        "MusicBrainz Artist Id": spec.artist_id, "replaygain_track_gain": spec.track_gain, **spec.extra,
    }  # fmt: skip
    for desc, value in txxx.items():
        if value is not None:
            tags.add(TXXX(encoding=enc, desc=desc, text=[value]))
    if spec.recording_id:
        tags.add(UFID(owner="http://musicbrainz.org", data=spec.recording_id.encode()))
    if spec.cover is not None:
        tags.add(APIC(encoding=enc, mime="image/jpeg", type=3, desc="cover", data=spec.cover.read_bytes()))
    tags.save(path, v2_version=version)


def _tag_mp4(path: Path, spec: TrackSpec) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    audio.tags.clear()
    names = {"\xa9nam": spec.title, "\xa9ART": spec.artist, "\xa9alb": spec.album, "aART": spec.album_artist,
             "\xa9day": spec.date, "\xa9gen": spec.genre, "\xa9wrt": spec.composer}  # fmt: skip
    for key, value in names.items():
        if value is not None:
            audio.tags[key] = [value]
    for key, value in (("trkn", spec.track), ("disk", spec.disc)):
        if value:
            number, _, total = value.partition("/")
            audio.tags[key] = [(int(number), int(total or 0))]
    if spec.compilation:
        audio.tags["cpil"] = True
    free = {"MusicBrainz Album Id": spec.release_id, "MusicBrainz Release Group Id": spec.release_group_id,
            "MusicBrainz Artist Id": spec.artist_id, "MusicBrainz Track Id": spec.recording_id}  # fmt: skip
    for name, value in free.items():
        if value:
            audio.tags[f"----:com.apple.iTunes:{name}"] = [MP4FreeForm(value.encode())]
    if spec.cover is not None:
        audio.tags["covr"] = [MP4Cover(spec.cover.read_bytes(), imageformat=MP4Cover.FORMAT_JPEG)]
    audio.save()


def tag_ape(path: Path, spec: TrackSpec) -> None:
    """An APEv2 tag (as Monkey's Audio and WavPack carry, and some MP3s instead of ID3)."""
    ape = APEv2()
    names = {"Title": spec.title, "Artist": spec.artist, "Album": spec.album, "Album Artist": spec.album_artist,
             "Track": spec.track, "Disc": spec.disc, "Year": spec.date, "Genre": spec.genre}  # fmt: skip
    for key, value in names.items():
        if value is not None:
            ape[key] = value
    if spec.release_id:
        ape["MUSICBRAINZ_ALBUMID"] = spec.release_id
    ape.save(path)
