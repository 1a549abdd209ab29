"""Tags and technical facts of one audio file, read with mutagen: ID3v2.3/2.4 (MP3), FLAC and Vorbis comments
(FLAC, Ogg Vorbis, Opus), MP4 atoms (M4A), APEv2 (Monkey's Audio, WavPack, Musepack, and APE tags on MP3).

Pure domain code. Files are hostile input: broken tags, huge embedded pictures, text in the wrong encoding, zero-byte
files. Every problem is a TagError naming the file (or, when only a part of the tags is bad, a warning kept with
what could be read); nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mutagen
from mutagen.apev2 import APEv2, APEv2File
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, ID3FileType
from mutagen.mp4 import MP4, MP4Cover

AUDIO_EXTENSIONS = frozenset({".mp3", ".flac", ".m4a", ".m4b", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".ape", ".wv",
                              ".mpc", ".wma", ".aiff", ".aif", ".wav", ".dsf"})  # fmt: skip
MAX_TEXT = 1000  # characters kept of one tag value
MAX_VALUES = 20  # values kept of one multi-valued tag (genres, composers)
# Embedded pictures above this size are not taken as the album cover (a counted warning names the file).
MAX_EMBEDDED_PICTURE_BYTES = 16 * 1024 * 1024
FRONT_COVER = 3  # ID3/FLAC picture type "Cover (front)"
_NUMBER_RE = re.compile(r"^\s*0*(\d{1,4})\s*(?:/\s*0*(\d{1,4}))?")
_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
Pictures = list[tuple[int, str, bytes]]  # (picture type, declared mime type, bytes)
_MB_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class TagError(Exception):
    """The file's tags (or the file itself) cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class EmbeddedPicture:
    """The front cover held in a track's tags: its hash and size, never its bytes (they are read again when
    the cache stores it)."""

    sha256: str
    size: int
    mime: str
    extension: str  # jpg | png | gif | bmp | webp


@dataclass
class TrackTags:
    """What one audio file says about itself. Text values are cleaned (no NULs, bounded length)."""

    artist: str | None = None
    album_artist: str | None = None
    album: str | None = None
    title: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    original_date: str | None = None
    genres: list[str] = field(default_factory=list)
    composers: list[str] = field(default_factory=list)
    compilation: bool = False
    mb_artist_id: str | None = None
    mb_album_artist_id: str | None = None
    mb_release_id: str | None = None  # the album (release) MBID
    mb_release_group_id: str | None = None
    mb_recording_id: str | None = None
    mb_track_id: str | None = None  # the release track MBID
    replaygain: dict[str, float] = field(default_factory=dict)  # track_gain, track_peak, album_gain, album_peak
    # Technical facts of the stream.
    codec: str | None = None
    duration_seconds: float | None = None
    bitrate: int | None = None  # bits per second
    sample_rate: int | None = None
    channels: int | None = None
    bit_depth: int | None = None
    cover: EmbeddedPicture | None = None
    warnings: list[str] = field(default_factory=list)  # parts of the tags that could not be used, naming the file

    @property
    def tagged(self) -> bool:
        """Whether the file names its own title and album (else its file and folder names stand in)."""
        return bool(self.title and self.album)

    @property
    def year(self) -> int | None:
        return year_of(self.original_date) or year_of(self.date)


# --- small parsers (unit tested) --------------------------------------------------------------------------------


def clean_text(value: object) -> str | None:
    """A tag value as storable text: bytes decoded, NULs and surrounding space removed, bounded; None when empty."""
    if value is None:
        return None
    text = _decode_bytes(value) if isinstance(value, bytes) else str(value)
    text = _undo_mojibake(text.replace("\x00", " ").strip())
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text[:MAX_TEXT] or None


def _undo_mojibake(text: str) -> str:
    """UTF-8 bytes written into a frame declared Latin-1 (common in ID3v2.3 files) read as "CafÃ©": decoded again
    as UTF-8 when they are valid UTF-8. Real Latin-1 text ("Café" as one byte per letter) is not valid UTF-8."""
    if not any("\x80" <= ch <= "\xff" for ch in text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _decode_bytes(value: bytes) -> str:
    """UTF-8 when it is, else Latin-1 (what ID3v2.3 and old taggers write), which decodes any byte."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def parse_number_pair(value: object) -> tuple[int | None, int | None]:
    """ "3", "03/12", "3 / 12" -> (3, 12); a (3, 12) tuple as MP4 stores it; garbage -> (None, None)."""
    if isinstance(value, tuple | list) and value and all(isinstance(v, int) for v in value):
        number = value[0] or None
        total = (value[1] if len(value) > 1 else 0) or None
        return number, total
    text = clean_text(value)
    if not text:
        return None, None
    match = _NUMBER_RE.match(text)
    if not match:
        return None, None
    number = int(match.group(1)) or None
    total = int(match.group(2)) if match.group(2) else None
    return number, total or None


def parse_date(value: object) -> str | None:
    """ "1997", "1997-05", "1997-05-21", "1997-05-21T00:00:00" -> the date part; anything else -> None."""
    text = clean_text(value)
    if not text:
        return None
    match = _DATE_RE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    if not 1000 <= int(year) <= 2999:
        return None
    return "-".join(part for part in (year, month, day) if part)


def year_of(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def parse_gain(value: object) -> float | None:
    """ "-7.35 dB" -> -7.35; "0.98" -> 0.98; garbage -> None."""
    text = clean_text(value)
    if not text:
        return None
    match = re.match(r"^\s*([+-]?\d+(?:\.\d+)?)", text)
    return float(match.group(1)) if match else None


def mb_id(value: object) -> str | None:
    """A MusicBrainz id (a UUID), lower case; anything else -> None."""
    text = clean_text(value)
    if not text:
        return None
    text = text.split("/")[0].strip().lower()
    return text if _MB_ID_RE.match(text) else None


def _values(value: object) -> list[str]:
    """A tag's values as text; one value holding "Rock; Pop" or "Rock/Pop" is split."""
    items = list(value) if isinstance(value, list | tuple) else [] if value is None else [value]
    out: list[str] = []
    for item in items:
        text = clean_text(item)
        for part in re.split(r"\s*[;/]\s*", text) if text else []:
            if part and part not in out:
                out.append(part)
    return out[:MAX_VALUES]


# --- reading --------------------------------------------------------------------------------------------------------


def is_audio_name(name: str) -> bool:
    return Path(name).suffix.lower() in AUDIO_EXTENSIONS and not name.startswith("._")


def read_track(path: Path) -> TrackTags:
    """Tags and stream facts of one audio file. Raises TagError naming the file when nothing can be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TagError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        raise TagError(f"skipped {str(path)!r}: zero-byte audio file")
    try:
        audio = mutagen.File(path)
    except MemoryError:
        raise TagError(f"cannot read tags of {path}: tags too large") from None
    except Exception as exc:  # mutagen raises many types (MutagenError, struct.error, ValueError, EOFError...)
        raise TagError(f"cannot read tags of {path}: {_reason(exc)}") from None
    if audio is None:
        raise TagError(f"cannot read {path}: not an audio file mutagen knows")
    tags = TrackTags()
    _read_info(tags, audio)
    try:
        _take_cover(tags, _read_tags(tags, audio, path), path)
    except Exception as exc:  # a tag value of a shape nobody expected: what was read stays, the rest is a warning
        tags.warnings.append(f"some tags of {path} cannot be read: {_reason(exc)}")
    return tags


def _read_tags(tags: TrackTags, audio: Any, path: Path) -> Pictures:
    """Fill tags from whichever tag format the file holds; returns its pictures."""
    if isinstance(audio, ID3FileType) or isinstance(audio.tags, ID3):
        pictures = _read_id3(tags, audio.tags, path)
        if not tags.tagged:
            pictures = pictures or _read_ape_beside_id3(tags, path)
        return pictures
    if isinstance(audio, MP4):
        return _read_mp4(tags, audio.tags, path)
    if isinstance(audio, APEv2File):
        return _read_ape(tags, audio.tags, path)
    if audio.tags is not None and hasattr(audio.tags, "items"):
        return _read_vorbis(tags, audio, path)
    return []


def _reason(exc: BaseException) -> str:
    text = clean_text(str(exc)) or ""
    return (text if len(text) > 12 else f"{type(exc).__name__} {text}".strip())[:200]


def _read_info(tags: TrackTags, audio: Any) -> None:
    info = getattr(audio, "info", None)
    tags.codec = _codec(audio)
    if info is None:
        return
    length = getattr(info, "length", None)
    tags.duration_seconds = round(float(length), 3) if isinstance(length, int | float) and length > 0 else None
    for name, attr in (("bitrate", "bitrate"), ("sample_rate", "sample_rate"), ("channels", "channels")):
        value = getattr(info, attr, None)
        setattr(tags, name, int(value) if isinstance(value, int | float) and value > 0 else None)
    depth = getattr(info, "bits_per_sample", None)
    tags.bit_depth = int(depth) if isinstance(depth, int) and depth > 0 else None
    if tags.sample_rate is None and type(audio).__name__ == "OggOpus":
        tags.sample_rate = 48000  # Opus always decodes at 48 kHz


def _codec(audio: Any) -> str | None:
    name = type(audio).__name__
    if name == "MP4":
        codec = getattr(audio.info, "codec", None)
        return {"mp4a.40.2": "aac", "mp4a.40.5": "aac", "alac": "alac"}.get(str(codec), str(codec or "aac"))
    return {
        "MP3": "mp3", "EasyMP3": "mp3", "FLAC": "flac", "OggVorbis": "vorbis", "OggOpus": "opus", "OggFLAC": "flac",
        "OggSpeex": "speex", "MonkeysAudio": "ape", "WavPack": "wavpack", "Musepack": "musepack", "ASF": "wma",
        "AIFF": "pcm", "WAVE": "pcm", "DSF": "dsd", "AAC": "aac", "TrueAudio": "tta", "OptimFROG": "ofr",
    }.get(name, name.lower())  # fmt: skip


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _set_common(tags: TrackTags, get: Mapping[str, list[str]]) -> None:
    """Fill the fields from a normalised mapping (lower-case Vorbis-style names -> values)."""
    tags.artist = _first(get.get("artist", []))
    tags.album_artist = _first(get.get("albumartist", []))
    tags.album = _first(get.get("album", []))
    tags.title = _first(get.get("title", []))
    number, total = parse_number_pair(_first(get.get("tracknumber", [])))
    tags.track_number = number
    tags.track_total = total or parse_number_pair(_first(get.get("tracktotal", [])))[0]
    number, total = parse_number_pair(_first(get.get("discnumber", [])))
    tags.disc_number = number
    tags.disc_total = total or parse_number_pair(_first(get.get("disctotal", [])))[0]
    tags.date = parse_date(_first(get.get("date", [])))
    tags.original_date = parse_date(_first(get.get("originaldate", [])))
    tags.genres = [g for value in get.get("genre", []) for g in _values(value)][:MAX_VALUES]
    tags.composers = get.get("composer", [])[:MAX_VALUES]
    tags.compilation = _first(get.get("compilation", [])) in ("1", "true", "True", "yes")
    tags.mb_artist_id = mb_id(_first(get.get("musicbrainz_artistid", [])))
    tags.mb_album_artist_id = mb_id(_first(get.get("musicbrainz_albumartistid", [])))
    tags.mb_release_id = mb_id(_first(get.get("musicbrainz_albumid", [])))
    tags.mb_release_group_id = mb_id(_first(get.get("musicbrainz_releasegroupid", [])))
    tags.mb_recording_id = mb_id(_first(get.get("musicbrainz_trackid", [])))
    tags.mb_track_id = mb_id(_first(get.get("musicbrainz_releasetrackid", [])))
    for key in ("track_gain", "track_peak", "album_gain", "album_peak"):
        gain = parse_gain(_first(get.get(f"replaygain_{key}", [])))
        if gain is not None:
            tags.replaygain[key] = gain


# Vorbis comment names that mean the same as the normalised ones.
_VORBIS_ALIASES = {
    "album artist": "albumartist", "album_artist": "albumartist", "totaltracks": "tracktotal",
    "totaldiscs": "disctotal", "year": "date", "original date": "originaldate", "origdate": "originaldate",
    "musicbrainz_releasetrackid": "musicbrainz_releasetrackid", "musicbrainz album id": "musicbrainz_albumid",
}  # fmt: skip


def _read_vorbis(tags: TrackTags, audio: Any, path: Path) -> Pictures:
    values: dict[str, list[str]] = {}
    for key, value in audio.tags.items() if hasattr(audio.tags, "items") else []:
        name = str(key).lower()
        name = _VORBIS_ALIASES.get(name, name)
        if name == "metadata_block_picture":
            continue
        values.setdefault(name, []).extend(v for v in (clean_text(x) for x in _as_list(value)) if v)
    _set_common(tags, values)
    pictures: Pictures = []
    if isinstance(audio, FLAC):
        pictures.extend((p.type, p.mime, p.data) for p in audio.pictures)
    for raw in _as_list(audio.tags.get("metadata_block_picture", []) if hasattr(audio.tags, "get") else []):
        try:
            picture = Picture(base64.b64decode(str(raw)))  # type: ignore[no-untyped-call]
        except (binascii.Error, ValueError, Exception):  # any undecodable block is one warning
            tags.warnings.append(f"embedded picture of {path} cannot be read")
            continue
        pictures.append((picture.type, picture.mime, picture.data))
    return pictures


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


_ID3_TEXT = {
    "TPE1": "artist", "TPE2": "albumartist", "TALB": "album", "TIT2": "title", "TRCK": "tracknumber",
    "TPOS": "discnumber", "TCON": "genre", "TCOM": "composer", "TCMP": "compilation", "TDOR": "originaldate",
    "TORY": "originaldate", "TDRC": "date", "TYER": "date",
}  # fmt: skip
# Names ID3 TXXX frames and MP4 freeform atoms give the MusicBrainz ids (ID3 keeps the recording id in UFID).
_MB_FREEFORM = {
    "musicbrainz artist id": "musicbrainz_artistid", "musicbrainz album artist id": "musicbrainz_albumartistid",
    "musicbrainz album id": "musicbrainz_albumid", "musicbrainz release group id": "musicbrainz_releasegroupid",
    "musicbrainz release track id": "musicbrainz_releasetrackid",
}  # fmt: skip
# Names that are the normalised ones in ID3 TXXX frames, APE items and MP4 freeform atoms alike.
_SAME_NAMES = {
    name: name
    for name in (
        "replaygain_track_gain", "replaygain_track_peak", "replaygain_album_gain", "replaygain_album_peak",
        "originaldate",
    )
}  # fmt: skip
_ID3_TXXX = {**_MB_FREEFORM, **_SAME_NAMES, "original date": "originaldate"}


def _read_id3(tags: TrackTags, id3: ID3 | None, path: Path) -> Pictures:
    if id3 is None:
        return []
    values: dict[str, list[str]] = {}
    pictures: Pictures = []
    for frame in list(id3.values()):  # type: ignore[no-untyped-call]
        frame_id = frame.FrameID
        if frame_id in _ID3_TEXT:
            name = _ID3_TEXT[frame_id]
            texts = [clean_text(t) for t in getattr(frame, "text", [])]
            if frame_id == "TCON":
                texts = [clean_text(g) for g in getattr(frame, "genres", texts)]
            values.setdefault(name, []).extend(t for t in texts if t)
        elif frame_id == "TXXX":
            txxx = _ID3_TXXX.get(str(frame.desc).lower())
            if txxx:
                values.setdefault(txxx, []).extend(t for t in (clean_text(x) for x in frame.text) if t)
        elif frame_id == "UFID" and frame.owner == "http://musicbrainz.org":
            values.setdefault("musicbrainz_trackid", []).append(clean_text(frame.data) or "")
        elif frame_id == "APIC":
            pictures.append((int(frame.type), str(frame.mime), bytes(frame.data)))
    _set_common(tags, values)
    return pictures


def _read_ape_beside_id3(tags: TrackTags, path: Path) -> Pictures:
    """An MP3 may carry an APEv2 tag instead of (or beside) ID3; used when ID3 did not name title and album."""
    try:
        ape = APEv2(path)  # type: ignore[no-untyped-call]
    except Exception:  # no APE tag, or an unreadable one: the ID3 reading stands
        return []
    return _read_ape(tags, ape, path)


_APE_NAMES = {
    "artist": "artist", "album artist": "albumartist", "albumartist": "albumartist", "album": "album",
    "title": "title", "track": "tracknumber", "disc": "discnumber", "year": "date", "genre": "genre",
    "composer": "composer", "compilation": "compilation", "musicbrainz_trackid": "musicbrainz_trackid",
    **{name: name for name in _MB_FREEFORM.values()}, **_SAME_NAMES,
}  # fmt: skip


def _read_ape(tags: TrackTags, ape: Any, path: Path) -> Pictures:
    if ape is None:
        return []
    values: dict[str, list[str]] = {}
    pictures: Pictures = []
    for key, value in ape.items():
        name = str(key).lower()
        if name == "cover art (front)":
            data = bytes(value.value)
            # "<file name>\0<image bytes>"
            _, _, image = data.partition(b"\x00")
            pictures.append((FRONT_COVER, "", image))
            continue
        mapped = _APE_NAMES.get(name)
        if mapped and getattr(value, "kind", 0) == 0:  # text items only
            values.setdefault(mapped, []).extend(v for v in (clean_text(x) for x in list(value)) if v)
    _set_common(tags, values)
    return pictures


_MP4_NAMES = {
    "\xa9ART": "artist", "aART": "albumartist", "\xa9alb": "album", "\xa9nam": "title", "\xa9day": "date",
    "\xa9gen": "genre", "\xa9wrt": "composer",
}  # fmt: skip
_MP4_PAIRS = {"trkn": "tracknumber", "disk": "discnumber"}  # (number, total) atoms
_MP4_FREEFORM = {**_MB_FREEFORM, "musicbrainz track id": "musicbrainz_trackid", **_SAME_NAMES}


def _read_mp4(tags: TrackTags, mp4: Any, path: Path) -> Pictures:
    if mp4 is None:
        return []
    values: dict[str, list[str]] = {}
    pictures: Pictures = []
    for key, value in mp4.items():
        if key in _MP4_NAMES:
            values.setdefault(_MP4_NAMES[key], []).extend(v for v in (clean_text(x) for x in _as_list(value)) if v)
        elif key in _MP4_PAIRS and value:
            number, total = parse_number_pair(tuple(value[0]))
            values[_MP4_PAIRS[key]] = [f"{number or 0}/{total or 0}"]
        elif key == "cpil":
            values["compilation"] = ["1" if value else "0"]
        elif key == "covr":
            for cover in _as_list(value):
                mime = "image/png" if getattr(cover, "imageformat", None) == MP4Cover.FORMAT_PNG else "image/jpeg"
                pictures.append((FRONT_COVER, mime, bytes(cover)))  # type: ignore[call-overload]
        elif key.startswith("----:com.apple.iTunes:"):
            name = _MP4_FREEFORM.get(key.split(":", 2)[2].lower())
            if name:
                texts = (clean_text(bytes(x)) for x in _as_list(value))  # type: ignore[call-overload]
                values.setdefault(name, []).extend(v for v in texts if v)
    _set_common(tags, values)
    return pictures


def picture_extension(mime: str, data: bytes) -> str | None:
    """The image kind from its first bytes (the declared mime type is often wrong); None when not an image."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _take_cover(tags: TrackTags, pictures: Pictures, path: Path) -> None:
    """The front cover (else the first picture) as the track's embedded cover, by hash."""
    if not pictures:
        return
    ordered = sorted(pictures, key=lambda p: p[0] != FRONT_COVER)
    _, mime, data = ordered[0]
    if len(data) > MAX_EMBEDDED_PICTURE_BYTES:
        tags.warnings.append(
            f"embedded picture of {path} is too large ({len(data) // (1024 * 1024)} MB); not used as the cover"
        )
        return
    extension = picture_extension(mime, data)
    if extension is None:
        tags.warnings.append(f"embedded picture of {path} is not an image")
        return
    tags.cover = EmbeddedPicture(hashlib.sha256(data).hexdigest(), len(data), mime or f"image/{extension}", extension)


def embedded_cover_bytes(path: Path) -> bytes:
    """The bytes of a track's embedded front cover (else its first picture), for the cache. Raises TagError
    naming the file."""
    try:
        audio = mutagen.File(path)
        if audio is None:
            raise TagError(f"cannot read the embedded cover of {path}: not an audio file")
        pictures = _read_tags(TrackTags(), audio, path)
    except TagError:
        raise
    except Exception as exc:  # any failure of a hostile file is this file's error
        raise TagError(f"cannot read the embedded cover of {path}: {_reason(exc)}") from None
    ordered = sorted(pictures, key=lambda p: p[0] != FRONT_COVER)
    if not ordered:
        raise TagError(f"{path} no longer holds an embedded cover")
    return ordered[0][2]
