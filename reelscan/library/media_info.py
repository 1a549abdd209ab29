"""Video, audio and subtitle streams of a video file, read with libmediainfo (shipped in the pymediainfo wheel).

libmediainfo is asked for the few fields used here, through an Inform template, on a handle kept per thread: the
same values pymediainfo's full XML report gives (tests/unit/test_media_probe.py compares them), without building
and parsing that report, and without loading the library again for every file.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pymediainfo import MediaInfo as _Parser

VIDEO_CODECS = {
    "avc": "h264",
    "hevc": "hevc",
    "mpeg-4 visual": "mpeg4",
    "mpeg video": "mpeg2",
    "vp9": "vp9",
    "vp8": "vp8",
    "av1": "av1",
    "vc-1": "vc1",
    "xvid": "mpeg4",
    "divx": "mpeg4",
}
AUDIO_CODECS = {
    "aac": "aac",
    "ac-3": "ac3",
    "e-ac-3": "eac3",
    "dts": "dts",
    "mlp fba": "truehd",
    "opus": "opus",
    "flac": "flac",
    "vorbis": "vorbis",
    "pcm": "pcm",
    "mpeg audio": "mp3",
}
SUBTITLE_CODECS = {
    "utf-8": "srt",
    "subrip": "srt",
    "ass": "ass",
    "ssa": "ssa",
    "pgs": "pgs",
    "vobsub": "vobsub",
    "timed text": "mov_text",
    "webvtt": "webvtt",
}


# The fields read per track kind: the template names them as libmediainfo does, the keys are pymediainfo's names
# for them (what the code below reads, as it read pymediainfo's to_data()).
_FIELDS = {
    "General": {
        "format": "Format",
        "duration": "Duration",
        "file_size": "FileSize",
        "overall_bit_rate": "OverallBitRate",
    },
    "Video": {
        "format": "Format",
        "format_profile": "Format_Profile",
        "width": "Width",
        "height": "Height",
        "frame_rate": "FrameRate",
        "bit_depth": "BitDepth",
        "hdr_format": "HDR_Format",
        "hdr_format_compatibility": "HDR_Format_Compatibility",
        "transfer_characteristics": "transfer_characteristics",
        "language": "Language",
        "default": "Default",
        "forced": "Forced",
        "title": "Title",
    },
    "Audio": {
        "format": "Format",
        "channel_s": "Channel(s)",
        "channel_layout": "ChannelLayout",
        "sampling_rate": "SamplingRate",
        "bit_rate": "BitRate",
        "language": "Language",
        "default": "Default",
        "forced": "Forced",
        "title": "Title",
    },
    "Text": {"format": "Format", "language": "Language", "default": "Default", "forced": "Forced", "title": "Title"},
}
_TRACK, _FIELD = "\x1e", "\x1f"  # record and unit separators: no tag value holds them
_TEMPLATE = "\r\n".join(
    f"{kind};{_TRACK}{kind}" + "".join(f"{_FIELD}%{name}%" for name in fields.values())
    for kind, fields in _FIELDS.items()
)
_handles = threading.local()


class MediaInfoError(Exception):
    """The file's media info cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str | None
    profile: str | None
    width: int | None
    height: int | None
    frame_rate: float | None
    bit_depth: int | None
    hdr_format: str | None
    language: str | None
    default: bool
    forced: bool
    title: str | None


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str | None
    channels: int | None
    channel_layout: str | None
    sample_rate: int | None
    bit_rate: int | None
    language: str | None
    default: bool
    forced: bool
    title: str | None


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str | None
    language: str | None
    default: bool
    forced: bool
    title: str | None


@dataclass(frozen=True)
class MediaInfo:
    container: str | None
    duration_seconds: float | None
    file_size: int | None
    overall_bit_rate: int | None
    video: tuple[VideoStream, ...]
    audio: tuple[AudioStream, ...]
    subtitles: tuple[SubtitleStream, ...]

    def stream_rows(self) -> list[dict[str, Any]]:
        """One flat row per stream for the database, in file order by kind."""
        rows: list[dict[str, Any]] = []
        for kind, streams in (("video", self.video), ("audio", self.audio), ("subtitle", self.subtitles)):
            for stream in streams:
                row = asdict(stream)
                row["kind"] = kind
                rows.append(row)
        return rows


def _int(value: Any) -> int | None:
    try:
        return int(float(str(value).split(" / ")[0]))
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return round(float(str(value).split(" / ")[0]), 3)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _codec(table: dict[str, str], value: Any) -> str | None:
    text = _text(value)
    return table.get(text.lower(), text.lower()) if text else None


def _yes(value: Any) -> bool:
    return str(value).lower() == "yes"


# The stream fields read straight from a mediainfo track: (field, mediainfo's key, conversion).
_Fields = tuple[tuple[str, str, Callable[[Any], object]], ...]
_VIDEO_FIELDS: _Fields = (
    ("profile", "format_profile", _text),
    ("width", "width", _int),
    ("height", "height", _int),
    ("frame_rate", "frame_rate", _float),
    ("bit_depth", "bit_depth", _int),
)
_AUDIO_FIELDS: _Fields = (
    ("channels", "channel_s", _int),
    ("channel_layout", "channel_layout", _text),
    ("sample_rate", "sampling_rate", _int),
    ("bit_rate", "bit_rate", _int),
)


def _read_fields(track: dict[str, Any], fields: _Fields) -> dict[str, Any]:
    return {name: read(track.get(key)) for name, key, read in fields}


def _hdr(track: dict[str, Any]) -> str | None:
    """Name the HDR flavour the way players do: Dolby Vision, HDR10+, HDR10 or HLG; None for SDR."""
    described = " ".join(str(track.get(k) or "") for k in ("hdr_format", "hdr_format_compatibility"))
    if "Dolby Vision" in described:
        return "Dolby Vision"
    if "HDR10+" in described or "SMPTE ST 2094" in described:
        return "HDR10+"
    if "HDR10" in described or "SMPTE ST 2086" in described:
        return "HDR10"
    transfer = str(track.get("transfer_characteristics") or "")
    if "HLG" in transfer:
        return "HLG"
    if "PQ" in transfer or "2084" in transfer:
        return "HDR10"
    return None


def _disc_payload(path: Path) -> Path:
    """For a VIDEO_TS or BDMV folder, the largest stream file inside it."""
    patterns = ("*.VOB", "*.vob") if path.name.lower() == "video_ts" else ("STREAM/*.m2ts", "STREAM/*.M2TS")
    candidates = [p for pattern in patterns for p in path.glob(pattern)]
    if not candidates:
        raise MediaInfoError(f"cannot read media info of {path}: the disc folder holds no video stream")
    return max(candidates, key=lambda p: p.stat().st_size)


def _stat(target: Path) -> os.stat_result:
    try:
        return os.stat(target)
    except FileNotFoundError:
        raise MediaInfoError(f"cannot read media info of {target}: it does not exist") from None
    except OSError as exc:
        raise MediaInfoError(f"cannot read media info of {target}: {exc.strerror or exc}") from None


def read_media_info(path: Path) -> MediaInfo:
    target, st = path, _stat(path)
    if stat.S_ISDIR(st.st_mode):
        target = _disc_payload(path)
        st = _stat(target)
    size = st.st_size
    if size == 0:
        raise MediaInfoError(f"cannot read media info of {target}: the file is empty")
    if not os.access(target, os.R_OK):
        raise MediaInfoError(f"cannot read media info of {target}: permission denied")
    try:
        tracks = _tracks(target)
    except Exception as exc:  # libmediainfo errors come in several types
        raise MediaInfoError(f"cannot read media info of {target}: {exc}") from None

    general: dict[str, Any] = {}
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    subtitles: list[SubtitleStream] = []
    for data in tracks:
        kind = data.get("track_type")
        language = _text(data.get("language"))
        language = language.lower() if language else None
        common: dict[str, Any] = {
            "language": language,
            "default": _yes(data.get("default")),
            "forced": _yes(data.get("forced")),
            "title": _text(data.get("title")),
        }
        if kind == "General":
            general = data
        elif kind == "Video":
            codec = _codec(VIDEO_CODECS, data.get("format"))
            fields = _read_fields(data, _VIDEO_FIELDS) | {"hdr_format": _hdr(data)}
            video.append(VideoStream(index=len(video), codec=codec, **fields, **common))
        elif kind == "Audio":
            codec = _codec(AUDIO_CODECS, data.get("format"))
            fields = _read_fields(data, _AUDIO_FIELDS)
            audio.append(AudioStream(index=len(audio), codec=codec, **fields, **common))
        elif kind == "Text":
            codec = _codec(SUBTITLE_CODECS, data.get("format"))
            subtitles.append(SubtitleStream(index=len(subtitles), codec=codec, **common))
    if not video and not audio:
        raise MediaInfoError(f"cannot read media info of {target}: no video or audio track found")
    duration_ms = _float(general.get("duration"))
    return MediaInfo(
        container=_codec({}, general.get("format")),
        duration_seconds=round(duration_ms / 1000, 3) if duration_ms else None,
        file_size=_int(general.get("file_size")) or size,
        overall_bit_rate=_int(general.get("overall_bit_rate")),
        video=tuple(video),
        audio=tuple(audio),
        subtitles=tuple(subtitles),
    )


def _library() -> tuple[Any, Any]:
    """This thread's libmediainfo handle, made on first use with the options every read shares."""
    made = getattr(_handles, "made", None)
    if made is None:
        lib, handle, _, _ = _Parser._get_library()  # the wheel's library, loaded once per thread
        for option, value in (("CharSet", "UTF-8"), ("Complete", "1"), ("ParseSpeed", "0.5"), ("Cover_Data", "")):
            lib.MediaInfo_Option(handle, option, value)
        made = _handles.made = (lib, handle)
    return made


def _tracks(target: Path) -> list[dict[str, Any]]:
    """The tracks of a file as pymediainfo's to_data() names them, with only the fields read here ("" is None)."""
    lib, handle = _library()
    # Set per file: both options are the library's, not the handle's. ReadByHuman=0 skips making the display
    # strings ("1 s 1 ms" beside 1001) of every field, half of libmediainfo's time on a small file; the template
    # reads none of them, and the raw values stay those of the full report (the test reads that report with it on).
    lib.MediaInfo_Option(handle, "Inform", _TEMPLATE)
    lib.MediaInfo_Option(handle, "ReadByHuman", "0")
    if lib.MediaInfo_Open(handle, os.fspath(target)) == 0:
        lib.MediaInfo_Close(handle)
        raise RuntimeError(f"An error occured while opening {target} with libmediainfo")
    try:
        report: str = lib.MediaInfo_Inform(handle, 0)
    finally:
        lib.MediaInfo_Close(handle)
    tracks = []
    for record in report.split(_TRACK)[1:]:
        kind, *values = record.split(_FIELD)
        fields = _FIELDS.get(kind)
        if fields is None or len(values) != len(fields):
            continue
        data: dict[str, Any] = {key: value or None for key, value in zip(fields, values, strict=True)}
        data["track_type"] = kind
        tracks.append(data)
    return tracks


def read_parts_media_info(parts: Sequence[Path]) -> MediaInfo:
    """The media info of a video in parts (cd1, cd2, or one disc folder per disc): the first part's streams, with
    the duration and size of all parts together. MediaInfoError when any part cannot be read."""
    infos = [read_media_info(part) for part in parts]
    first = infos[0]
    if len(infos) == 1:
        return first
    durations = [info.duration_seconds for info in infos]
    sizes = [info.file_size for info in infos]
    return replace(
        first,
        duration_seconds=round(sum(d for d in durations if d), 3) if all(durations) else first.duration_seconds,
        file_size=sum(s for s in sizes if s) if all(sizes) else first.file_size,
    )
