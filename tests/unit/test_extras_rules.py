"""The rules table: which video names are extras (samples, trailers, featurettes), which folders hold a movie's discs,
and that discovery, the main-video choice and assets read the same words."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library import assets, discovery, rules, videos
from reelscan.library.assets import discover_local_assets
from reelscan.library.videos import choose_main_video, list_folder


@pytest.mark.parametrize(
    ("stem", "kind"),
    [
        ("trailer", "trailer"),
        ("TRAILER", "trailer"),
        ("movie-trailer", "trailer"),
        ("Title-trailer", "trailer"),
        ("Title.trailer", "trailer"),
        ("Title_trailer", "trailer"),
        ("Title - trailer", "trailer"),
        ("Title - Trailer", "trailer"),
        ("Title-trailer2", "trailer"),
        ("Title-trailer-2", "trailer"),
        ("Title - trailer 2", "trailer"),
        ("Title-teaser", "trailer"),
        ("sample", "sample"),
        ("Title-sample", "sample"),
        ("Title.sample", "sample"),
        ("Title.Sample", "sample"),
        ("Title [Sample]", "sample"),
        ("Title (sample)", "sample"),
        ("title.2010.1080p.sample-grp", "sample"),
        ("grp-title-sample", "sample"),
        ("Title-behindthescenes", "behindthescenes"),
        ("Title-deleted", "deleted"),
        ("Title-deletedscene", "deleted"),
        ("Title-featurette", "featurette"),
        ("Title - featurette", "featurette"),
        ("Title-interview", "interview"),
        ("Title-scene", "scene"),
        ("Title-short", "short"),
        ("Title-other", "other"),
        ("Title-extra", "extra"),
        ("Title-clip", "clip"),
    ],
)
def test_extras_by_name(stem: str, kind: str) -> None:
    assert rules.extra_type(stem) == kind


@pytest.mark.parametrize(
    "stem",
    [
        "The DNA Sample",
        "Free Sample",
        "The Big Short",
        "The Trailer Park",
        "The Other Woman",
        "Deleted",
        "Show.S01E01.1080p.WEB-SCENE",  # a release group that looks like an extras word
        "Show.S01E01.720p.HDTV.x264-SHORT",
        "Movie.2010.1080p.BluRay.x264-EXTRA",
        "Movie.2010.PROPER.720p-OTHER",
        "Show S01E02",
    ],
)
def test_names_that_are_no_extras(stem: str) -> None:
    assert rules.extra_type(stem) is None


@pytest.mark.parametrize(
    ("name", "part"),
    [("Disc 1", 1), ("Disc 2", 2), ("disc2", 2), ("CD1", 1), ("CD 2", 2), ("DVD 1", 1), ("Disk-2", 2), ("Part 1", 1)],
)
def test_disc_part_folders(name: str, part: int) -> None:
    assert rules.disc_part_folder(name) == part


@pytest.mark.parametrize("name", ["Discovery", "Disc", "The Disc 1 Movie", "Extras", "CD"])
def test_folders_that_hold_no_disc(name: str) -> None:
    assert rules.disc_part_folder(name) is None


@pytest.mark.parametrize("stem", ["Title-trailer", "Title - featurette", "The DNA Sample", "Show.S01E01.WEB-SCENE"])
def test_the_main_video_choice_reads_the_table(stem: str) -> None:
    assert videos.is_extra_video(stem) == (rules.extra_type(stem) is not None)


def test_assets_and_extras_folders_are_the_tables(tmp_path: Path) -> None:
    assert assets.ASSET_SUBFOLDERS == rules.ASSET_FOLDER_NAMES <= rules.EXTRAS_FOLDER_NAMES
    for folder in sorted(rules.ASSET_FOLDER_NAMES):  # discovery's fingerprint sees inside every asset folder
        write(tmp_path, {f"{folder}/a.bin": 1})
        before = discovery.folder_fingerprint(str(tmp_path))
        write(tmp_path, {f"{folder}/a.bin": 2})
        assert discovery.folder_fingerprint(str(tmp_path)) != before


def write(folder: Path, files: dict[str, int]) -> None:
    for name, size in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)


@pytest.mark.parametrize("trailer", ["Title - trailer.mp4", "Title-trailer2.mkv", "Title.teaser.mp4"])
def test_a_trailer_name_is_never_the_movie_and_is_its_trailer(tmp_path: Path, trailer: str) -> None:
    write(tmp_path, {"Title.mkv": 10, trailer: 90})
    entries = list_folder(tmp_path)
    main = choose_main_video(tmp_path, entries)
    assert main is not None and main.path.name == "Title.mkv"
    found = discover_local_assets(tmp_path, entries, main)
    assert [(a.asset_type, a.path.name) for a in found] == [("trailer", trailer)]


def test_a_title_ending_in_sample_is_the_movie(tmp_path: Path) -> None:
    write(tmp_path, {"The DNA Sample.mp4": 50, "The DNA Sample-sample.mp4": 5})
    main = choose_main_video(tmp_path, list_folder(tmp_path))
    assert main is not None and main.path.name == "The DNA Sample.mp4"


@pytest.mark.parametrize(
    ("name", "belongs"),
    [
        ("Heat.1995.mkv", True),
        ("Heat.1995.nfo", True),
        ("Heat.1995-poster.jpg", True),
        ("Heat.1995.en.srt", True),
        ("Heat.1995-trailer.mkv", True),
        ("Heat.1995 2.mkv", False),  # another movie
        ("Heat.1995.2.mkv", False),
        ("Heat.1995x.jpg", False),
        ("poster.jpg", False),
        ("movie.nfo", False),
    ],
)
def test_files_that_go_with_a_loose_video(name: str, belongs: bool) -> None:
    assert rules.belongs_to_loose_video(name, "Heat.1995.mkv") is belongs


@pytest.mark.parametrize(("name", "movie"), [("Heat.mkv", True), ("trailer.mp4", False), ("Heat-sample.mkv", False)])
def test_which_loose_videos_are_movies(name: str, movie: bool) -> None:
    assert rules.is_loose_movie_name(name) is movie


_ROOT = ["Heat-cd2.avi", "Heat-cd1.avi", "Heat-cd1.mkv", "Alien.part1.mkv", "Alien.part2.mkv", "Solo-cd1.avi"]
_ROOT += ["Heat-cd3-sample.avi", "Alien.part3.mp4"]


@pytest.mark.parametrize(
    ("video", "parts"),
    [
        ("Heat-cd1.avi", ["Heat-cd1.avi", "Heat-cd2.avi"]),  # parts side by side in the root: one movie
        ("Heat-cd2.avi", ["Heat-cd1.avi", "Heat-cd2.avi"]),
        ("Alien.part1.mkv", ["Alien.part1.mkv", "Alien.part2.mkv"]),  # another extension is no part
        ("Heat-cd1.mkv", ["Heat-cd1.mkv"]),
        ("Solo-cd1.avi", ["Solo-cd1.avi"]),  # one part alone
        ("Heat.1995.mkv", ["Heat.1995.mkv"]),
    ],
)
def test_stacks_loose_in_the_root(video: str, parts: list[str]) -> None:
    assert rules.loose_stack(video, _ROOT) == parts


@pytest.mark.parametrize(
    ("name", "belongs"),
    [
        ("Heat-cd1.avi", True),
        ("Heat-cd2.avi", True),
        ("Heat.nfo", True),  # named after the stack's base
        ("Heat-poster.jpg", True),
        ("Heat-cd2.en.srt", True),
        ("Heat-cd1.mkv", False),  # a video of its own
        ("Heat 2.avi", False),
        ("Alien.nfo", False),
    ],
)
def test_files_that_go_with_a_loose_stack(name: str, belongs: bool) -> None:
    assert rules.belongs_to_loose_stack(name, ["Heat-cd1.avi", "Heat-cd2.avi"]) is belongs
