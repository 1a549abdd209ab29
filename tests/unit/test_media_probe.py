"""Media info of the committed fixture videos."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pymediainfo import MediaInfo as Parser

from reelscan.library.media_info import _FIELDS, MediaInfoError, _tracks, read_media_info

MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"


def test_h264_with_two_audio_tracks_and_subtitles() -> None:
    info = read_media_info(MEDIA / "h264_aac_2audio_subs.mkv")
    assert info.container == "matroska" and 0.9 < (info.duration_seconds or 0) < 1.2
    (video,) = info.video
    assert (video.codec, video.width, video.height, video.bit_depth, video.hdr_format) == ("h264", 160, 90, 8, None)
    assert video.frame_rate == pytest.approx(23.976)
    assert [(a.codec, a.channels, a.language) for a in info.audio] == [("aac", 2, "en"), ("ac3", 6, "fr")]
    assert [(s.language, s.forced) for s in info.subtitles] == [("en", False), ("es", True)]


def test_hdr10_hevc() -> None:
    (video,) = read_media_info(MEDIA / "hevc_10bit_hdr10.mkv").video
    assert (video.codec, video.bit_depth, video.hdr_format) == ("hevc", 10, "HDR10")


@pytest.mark.parametrize(
    ("name", "codec", "audio"),
    [("mpeg4_mp3.avi", "mpeg4", "mp3"), ("vp9_opus.webm", "vp9", "opus"), ("h264_aac.mp4", "h264", "aac")],
)
def test_other_containers(name: str, codec: str, audio: str) -> None:
    info = read_media_info(MEDIA / name)
    assert info.video[0].codec == codec and info.audio[0].codec == audio


def test_stream_rows_for_the_database() -> None:
    rows = read_media_info(MEDIA / "h264_aac_2audio_subs.mkv").stream_rows()
    assert [r["kind"] for r in rows] == ["video", "audio", "audio", "subtitle", "subtitle"]
    assert rows[1]["channels"] == 2 and rows[4]["forced"] is True


def test_truncated_file_still_reports_what_its_header_says() -> None:
    info = read_media_info(MEDIA / "truncated.mkv")
    assert info.video[0].codec == "h264" and info.file_size == 2048


def test_not_a_video_missing_and_empty_files_are_errors_naming_the_file(tmp_path: Path) -> None:
    cases = [(MEDIA / "not_a_video.mkv", "no video or audio track"), (tmp_path / "missing.mkv", "does not exist")]
    (tmp_path / "empty.mkv").write_bytes(b"")
    cases.append((tmp_path / "empty.mkv", "is empty"))
    for path, text in cases:
        with pytest.raises(MediaInfoError, match=text) as error:
            read_media_info(path)
        assert str(path) in str(error.value)


def test_dvd_folder_reads_its_largest_vob(tmp_path: Path) -> None:
    (tmp_path / "VIDEO_TS").mkdir()
    shutil.copyfile(MEDIA / "tiny.mpg", tmp_path / "VIDEO_TS" / "VTS_01_1.VOB")
    info = read_media_info(tmp_path / "VIDEO_TS")
    assert info.video[0].codec == "mpeg2"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in MEDIA.iterdir() if p.suffix in {".mp4", ".mkv", ".avi", ".webm", ".mpg"})
)
def test_the_template_reads_what_pymediainfo_reads(name: str) -> None:
    """The few fields read through the Inform template are the values of pymediainfo's full report, track by track."""
    lib, handle, _, _ = Parser._get_library()
    lib.MediaInfo_Option(handle, "ReadByHuman", "1")  # the library's default (a global option), which _tracks turns off
    lib.MediaInfo_Delete(handle)
    report = Parser.parse(str(MEDIA / name)).tracks
    assert "other_file_size" in report[0].to_data()  # the full report, display strings ("16.5 KiB") included
    expected = [
        {key: track.to_data().get(key) for key in [*_FIELDS[track.track_type], "track_type"]}
        for track in report
        if track.track_type in _FIELDS
    ]
    got = _tracks(MEDIA / name)
    # pymediainfo makes numbers of digit-only values; the template gives text, which the readers convert alike.
    assert [{k: None if v is None else str(v) for k, v in t.items()} for t in expected] == got
