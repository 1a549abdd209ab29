"""Choosing a movie folder's main video."""

from __future__ import annotations

from pathlib import Path

from reelscan.library.videos import MainVideo, choose_main_video, list_folder, video_stem


def make(folder: Path, files: dict[str, int]) -> MainVideo | None:
    folder.mkdir(exist_ok=True)
    for name, size in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
    return choose_main_video(folder, list_folder(folder))


def test_largest_video_wins(tmp_path: Path) -> None:
    main = make(tmp_path, {"small.mkv": 10, "big.mp4": 50, "poster.jpg": 500})
    assert main is not None and main.path.name == "big.mp4" and main.parts == (main.path,)


def test_samples_and_trailers_are_never_the_movie(tmp_path: Path) -> None:
    files = {
        "Movie.mkv": 10,
        "sample.mkv": 90,
        "Movie-sample.mkv": 80,
        "Movie.Sample.mkv": 70,
        "Movie-trailer.mkv": 60,
        "trailer.mp4": 50,
        "Movie-behindthescenes.mkv": 40,
    }
    main = make(tmp_path, files)
    assert main is not None and main.path.name == "Movie.mkv"


def test_parts_stack_in_order_with_any_separator(tmp_path: Path) -> None:
    main = make(tmp_path, {"Movie CD2.avi": 30, "Movie-cd1.avi": 30, "Movie.cd3.avi": 30})
    assert main is not None
    assert [p.name for p in main.parts] == ["Movie-cd1.avi", "Movie CD2.avi", "Movie.cd3.avi"]
    assert main.size == 90 and video_stem(main) == "Movie"


def test_part_markers(tmp_path: Path) -> None:
    main = make(tmp_path, {"Film.part2.mkv": 10, "Film.part1.mkv": 10, "Film_disc3.mkv": 10})
    assert main is not None and [p.name for p in main.parts][:2] == ["Film.part1.mkv", "Film.part2.mkv"]


def test_a_bigger_single_file_beats_a_stack(tmp_path: Path) -> None:
    main = make(tmp_path, {"Movie-cd1.avi": 10, "Movie-cd2.avi": 10, "Movie.Remux.mkv": 100})
    assert main is not None and main.path.name == "Movie.Remux.mkv"


def test_zero_byte_videos_are_not_candidates(tmp_path: Path) -> None:
    assert make(tmp_path, {"Empty.mkv": 0}) is None


def test_dvd_and_bluray_folders(tmp_path: Path) -> None:
    dvd = make(tmp_path / "dvd", {"VIDEO_TS/VTS_01_1.VOB": 20})
    assert dvd is not None and dvd.disc == "dvd" and dvd.path.name == "VIDEO_TS"
    bluray = make(tmp_path / "bd", {"BDMV/STREAM/00001.m2ts": 20})
    assert bluray is not None and bluray.disc == "bluray"
