"""Listing a movie folder and choosing its main video: size, samples, trailers and extras, stacks, disc folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reelscan.library.videos import FolderEntry, MainVideo, choose_main_video, list_folder, video_stem


def write(folder: Path, files: dict[str, int]) -> None:
    for name, size in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)


def choose(folder: Path, files: dict[str, int]) -> MainVideo | None:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, files)
    return choose_main_video(folder, list_folder(folder))


def names(main: MainVideo | None) -> list[str]:
    assert main is not None
    return [part.name for part in main.parts]


def test_list_folder_reads_names_sizes_and_mtimes(tmp_path: Path) -> None:
    write(tmp_path, {"b.mkv": 5, "a.jpg": 2, "extrafanart/x.jpg": 1})
    os.utime(tmp_path / "b.mkv", ns=(1_000_000_000, 2_000_000_000))
    assert list_folder(tmp_path) == [
        FolderEntry("a.jpg", False, 2, (tmp_path / "a.jpg").stat().st_mtime_ns),
        FolderEntry("b.mkv", False, 5, 2_000_000_000),
        FolderEntry("extrafanart", True, 0, 0),
    ]


def test_list_folder_leaves_out_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"secret.mkv": 50})
    movie = tmp_path / "movie"
    write(movie, {"movie.mkv": 5})
    os.symlink(outside / "secret.mkv", movie / "linked.mkv")
    os.symlink(outside, movie / "VIDEO_TS")
    assert [e.name for e in list_folder(movie)] == ["movie.mkv"]


def test_largest_video_wins(tmp_path: Path) -> None:
    main = choose(tmp_path, {"small.mkv": 10, "big.mp4": 50, "poster.jpg": 500, "movie.nfo": 900})
    assert main == MainVideo(path=tmp_path / "big.mp4", parts=(tmp_path / "big.mp4",), size=50)


def test_equal_sizes_choose_the_first_name(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"b.mkv": 10, "a.mkv": 10})) == ["a.mkv"]


@pytest.mark.parametrize("sample", ["sample.mkv", "Movie-sample.mkv", "Movie.Sample.mkv"])
def test_samples_are_skipped(tmp_path: Path, sample: str) -> None:
    assert names(choose(tmp_path, {"Movie.mkv": 10, sample: 90})) == ["Movie.mkv"]


@pytest.mark.parametrize("trailer", ["Movie-trailer.mkv", "Movie.trailer.mkv", "trailer.mp4", "TRAILER.mkv"])
def test_trailers_are_skipped(tmp_path: Path, trailer: str) -> None:
    assert names(choose(tmp_path, {"Movie.mkv": 10, trailer: 90})) == ["Movie.mkv"]


def test_samples_trailers_and_extras_together_are_never_the_movie(tmp_path: Path) -> None:
    files = {
        "Movie.mkv": 10,
        "sample.mkv": 90,
        "Movie-sample.mkv": 80,
        "Movie.Sample.mkv": 70,
        "Movie-trailer.mkv": 60,
        "trailer.mp4": 50,
        "Movie-behindthescenes.mkv": 40,
    }
    assert names(choose(tmp_path, files)) == ["Movie.mkv"]


@pytest.mark.parametrize(
    "suffix", ["behindthescenes", "deleted", "featurette", "interview", "scene", "short", "other", "extra"]
)
def test_extras_by_suffix_are_skipped(tmp_path: Path, suffix: str) -> None:
    assert names(choose(tmp_path, {"Movie.mkv": 10, f"Movie-{suffix}.mkv": 90})) == ["Movie.mkv"]


def test_extra_words_without_a_dash_are_titles(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"The Big Short.mkv": 90, "notes.mkv": 10})) == ["The Big Short.mkv"]


def test_videos_in_subfolders_are_not_candidates(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie.mkv": 10, "extras/Huge.mkv": 900, "Other Movie/Other.mkv": 900})
    assert names(main) == ["Movie.mkv"]


def test_hidden_files_are_not_candidates(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Movie.mkv": 10, "._Movie.mkv": 90})) == ["Movie.mkv"]


def test_iso_is_an_ordinary_video(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Movie.iso": 90, "Movie.mkv": 10})) == ["Movie.iso"]


def test_stack_with_mixed_separators(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie CD2.avi": 30, "Movie-cd1.avi": 30, "Movie.cd3.avi": 30, "Movie_cd4.avi": 30})
    assert names(main) == ["Movie-cd1.avi", "Movie CD2.avi", "Movie.cd3.avi", "Movie_cd4.avi"]


def test_stack_without_separators(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Moviecd2.avi": 30, "Moviecd1.avi": 30})) == ["Moviecd1.avi", "Moviecd2.avi"]


def test_stack_path_size_and_stem(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie-cd2.avi": 20, "Movie-cd1.avi": 30})
    assert main is not None
    assert main.path == tmp_path / "Movie-cd1.avi" and main.size == 50 and main.disc is None
    assert video_stem(main) == "Movie"


def test_parts_are_ordered_by_number_not_name(tmp_path: Path) -> None:
    files = {"Film.part10.mkv": 10, "Film.part2.mkv": 10, "Film.part1.mkv": 10, "Film.part3.mkv": 10}
    assert names(choose(tmp_path, files)) == ["Film.part1.mkv", "Film.part2.mkv", "Film.part3.mkv", "Film.part10.mkv"]


@pytest.mark.parametrize("marker", ["disc", "disk", "part", "pt", "dvd", "cd"])
def test_part_markers(tmp_path: Path, marker: str) -> None:
    main = choose(tmp_path, {f"Film {marker}2.mkv": 10, f"Film {marker}1.mkv": 10})
    assert names(main) == [f"Film {marker}1.mkv", f"Film {marker}2.mkv"]


def test_a_file_with_another_marker_is_no_part_of_the_stack(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Film.part2.mkv": 10, "Film.part1.mkv": 10, "Film_disc3.mkv": 10})
    assert names(main)[:2] == ["Film.part1.mkv", "Film.part2.mkv"]


def test_parts_need_the_same_extension(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Movie-cd1.avi": 30, "Movie-cd2.mkv": 20})) == ["Movie-cd1.avi"]


def test_parts_need_the_same_base_name(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Movie-cd1.avi": 30, "Other-cd2.avi": 20})) == ["Movie-cd1.avi"]


def test_release_text_after_the_marker(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie.cd2.XviD-GRP.avi": 30, "Movie.cd1.XviD-GRP.avi": 30})
    assert main is not None and names(main) == ["Movie.cd1.XviD-GRP.avi", "Movie.cd2.XviD-GRP.avi"]
    assert video_stem(main) == "Movie"


def test_a_bigger_stack_beats_a_single_file(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Movie-cd1.avi": 40, "Movie-cd2.avi": 40, "Bonus.mkv": 60})) == [
        "Movie-cd1.avi",
        "Movie-cd2.avi",
    ]


def test_a_bigger_single_file_beats_a_stack(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie-cd1.avi": 10, "Movie-cd2.avi": 10, "Movie.Remux.mkv": 100})
    assert main is not None and names(main) == ["Movie.Remux.mkv"] and main.size == 100


def test_a_single_numbered_file_is_not_a_stack(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie-cd1.avi": 10})
    assert main is not None and names(main) == ["Movie-cd1.avi"] and video_stem(main) == "Movie-cd1"


def test_zero_byte_videos_are_not_candidates(tmp_path: Path) -> None:
    assert names(choose(tmp_path, {"Big.mkv": 0, "Small.mkv": 5})) == ["Small.mkv"]


def test_only_zero_byte_videos_is_none(tmp_path: Path) -> None:
    assert choose(tmp_path, {"Empty.mkv": 0, "poster.jpg": 10}) is None
    assert choose(tmp_path / "alone", {"Empty.mkv": 0}) is None


def test_no_video_is_none(tmp_path: Path) -> None:
    assert choose(tmp_path, {"movie.nfo": 10, "extras/clip.mkv": 10}) is None


def test_dvd_folder(tmp_path: Path) -> None:
    movie = tmp_path / "Old Film (1990)"
    main = choose(movie, {"VIDEO_TS/VTS_01_1.VOB": 20, "VIDEO_TS/VIDEO_TS.IFO": 2})
    assert main == MainVideo(path=movie / "VIDEO_TS", parts=(movie / "VIDEO_TS",), disc="dvd")
    assert video_stem(main) == "Old Film (1990)"


def test_bluray_folder(tmp_path: Path) -> None:
    movie = tmp_path / "New Film (2010)"
    main = choose(movie, {"BDMV/STREAM/00001.m2ts": 20, "BDMV/index.bdmv": 2})
    assert main == MainVideo(path=movie / "BDMV", parts=(movie / "BDMV",), disc="bluray")
    assert video_stem(main) == "New Film (2010)"


def test_disc_folder_names_are_case_insensitive(tmp_path: Path) -> None:
    main = choose(tmp_path, {"video_ts/VTS_01_1.VOB": 20})
    assert main is not None and main.disc == "dvd" and main.path == tmp_path / "video_ts"


def test_a_video_file_beats_a_disc_folder(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie.mkv": 5, "VIDEO_TS/VTS_01_1.VOB": 20})
    assert main is not None and main.disc is None and names(main) == ["Movie.mkv"]


def test_disc_folder_with_only_zero_byte_videos(tmp_path: Path) -> None:
    main = choose(tmp_path, {"Movie.mkv": 0, "BDMV/STREAM/00001.m2ts": 20})
    assert main is not None and main.disc == "bluray"


def test_video_stem_of_a_single_file() -> None:
    main = MainVideo(path=Path("/lib/M/The.Movie.2010.mkv"), parts=(Path("/lib/M/The.Movie.2010.mkv"),))
    assert video_stem(main) == "The.Movie.2010"
