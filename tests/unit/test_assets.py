"""Local artwork, trailers and subtitles by Kodi/Jellyfin naming."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library.assets import ASSET_TYPES, LocalAsset, discover_local_assets
from reelscan.library.videos import choose_main_video, list_folder


def discover(folder: Path, files: list[str], videos: tuple[str, ...] = ("Movie.mkv",)) -> list[LocalAsset]:
    folder.mkdir(parents=True, exist_ok=True)
    for video in videos:
        (folder / video).write_bytes(b"v" * 100)
    for name in files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a")
    entries = list_folder(folder)
    main = choose_main_video(folder, entries)
    assert main is not None
    return discover_local_assets(folder, entries, main)


def kinds(found: list[LocalAsset], folder: Path) -> dict[str, str]:
    return {a.path.relative_to(folder).as_posix(): a.asset_type for a in found}


def by_name(found: list[LocalAsset]) -> dict[str, str]:
    return {a.path.name: a.asset_type for a in found}


def kind_of(tmp_path: Path, name: str, videos: tuple[str, ...] = ("Movie.mkv",)) -> str | None:
    found = [a for a in discover(tmp_path, [name], videos) if a.path == tmp_path / name]
    assert len(found) <= 1
    return found[0].asset_type if found else None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("poster.jpg", "poster"),
        ("folder.jpg", "poster"),
        ("cover.png", "poster"),
        ("movie.jpg", "poster"),
        ("fanart.jpg", "fanart"),
        ("fanart1.jpg", "fanart"),
        ("fanart12.jpg", "fanart"),
        ("fanart-1.jpg", "fanart"),
        ("backdrop.jpg", "fanart"),
        ("backdrop2.jpg", "fanart"),
        ("background.jpg", "fanart"),
        ("banner.jpg", "banner"),
        ("logo.png", "clearlogo"),
        ("clearlogo.png", "clearlogo"),
        ("clearart.png", "clearart"),
        ("disc.png", "discart"),
        ("discart.png", "discart"),
        ("cdart.png", "discart"),
        ("landscape.jpg", "landscape"),
        ("thumb.jpg", "landscape"),
        ("keyart.jpg", "keyart"),
        ("POSTER.JPG", "poster"),
    ],
)
def test_bare_image_names(tmp_path: Path, name: str, kind: str) -> None:
    assert kind_of(tmp_path, name) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Movie.jpg", "poster"),
        ("Movie-poster.jpg", "poster"),
        ("Movie-fanart.jpg", "fanart"),
        ("Movie-banner.jpg", "banner"),
        ("Movie-clearlogo.png", "clearlogo"),
        ("Movie-logo.png", "clearlogo"),
        ("Movie-landscape.jpg", "landscape"),
        ("Movie-thumb.jpg", "landscape"),
        ("Movie-keyart.jpg", "keyart"),
        ("movie-POSTER.jpg", "poster"),
    ],
)
def test_images_named_after_the_video(tmp_path: Path, name: str, kind: str) -> None:
    assert kind_of(tmp_path, name) == kind


@pytest.mark.parametrize("name", ["Other-poster.jpg", "random.jpg", "Movie-unknown.jpg", "poster.txt"])
def test_unrelated_files_are_not_assets(tmp_path: Path, name: str) -> None:
    assert kind_of(tmp_path, name) is None


def test_image_named_like_the_video_is_the_poster(tmp_path: Path) -> None:
    assert kind_of(tmp_path, "The.Film.2010.jpg", videos=("The.Film.2010.mkv",)) == "poster"


def test_bare_names_win_over_names_after_the_video(tmp_path: Path) -> None:
    # The video is called "fanart": "fanart.jpg" is still the bare fanart name, not the poster.
    assert kind_of(tmp_path, "fanart.jpg", videos=("fanart.mkv",)) == "fanart"


@pytest.mark.parametrize("name", ["Movie-trailer.mkv", "Movie.trailer.mp4", "trailer.mp4", "movie-trailer.mkv"])
def test_trailer_names(tmp_path: Path, name: str) -> None:
    found = discover(tmp_path, [name])
    assert [(a.asset_type, a.path.name, a.format) for a in found] == [("trailer", name, name.rsplit(".", 1)[1])]


def test_movie_trailer_is_a_trailer_whatever_the_video_is_called(tmp_path: Path) -> None:
    assert kind_of(tmp_path, "movie-trailer.mkv", videos=("Film.mkv",)) == "trailer"


def test_the_main_video_is_never_a_trailer(tmp_path: Path) -> None:
    assert discover(tmp_path, [], videos=("Movie.mkv",)) == []


def test_other_videos_are_not_trailers(tmp_path: Path) -> None:
    assert discover(tmp_path, ["Movie-sample.mkv", "Movie-featurette.mkv", "Other.mkv"]) == []


def test_extrafanart_subfolder(tmp_path: Path) -> None:
    found = discover(tmp_path, ["extrafanart/a.jpg", "extrafanart/b.png", "extrafanart/notes.txt"])
    assert kinds(found, tmp_path) == {"extrafanart/a.jpg": "fanart", "extrafanart/b.png": "fanart"}


def test_trailers_subfolder(tmp_path: Path) -> None:
    found = discover(tmp_path, ["trailers/teaser.mp4", "trailers/Final Trailer.mkv", "trailers/info.txt"])
    assert kinds(found, tmp_path) == {"trailers/Final Trailer.mkv": "trailer", "trailers/teaser.mp4": "trailer"}


def test_other_subfolders_are_not_read(tmp_path: Path) -> None:
    assert discover(tmp_path, ["extras/poster.jpg", "extras/trailer.mp4", "featurettes/Movie.en.srt"]) == []


def test_subfolder_names_are_case_insensitive(tmp_path: Path) -> None:
    assert kinds(discover(tmp_path, ["ExtraFanart/a.jpg"]), tmp_path) == {"ExtraFanart/a.jpg": "fanart"}


def test_asset_fields(tmp_path: Path) -> None:
    (found,) = discover(tmp_path, ["poster.JPG"])
    stat = (tmp_path / "poster.JPG").stat()
    assert found == LocalAsset("poster", tmp_path / "poster.JPG", 1, stat.st_mtime_ns, format="jpg")


def subtitle(tmp_path: Path, name: str) -> tuple[str | None, bool, bool, bool, str]:
    (found,) = discover(tmp_path, [name])
    assert found.asset_type == "subtitle" and found.path == tmp_path / name
    return found.language, found.forced, found.sdh, found.default, found.format


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Movie.srt", (None, False, False, False, "srt")),
        ("Movie.en.srt", ("en", False, False, False, "srt")),
        ("Movie.eng.srt", ("eng", False, False, False, "srt")),
        ("Movie.pt-BR.srt", ("pt-br", False, False, False, "srt")),
        ("Movie.en.forced.srt", ("en", True, False, False, "srt")),
        ("Movie.forced.en.srt", ("en", True, False, False, "srt")),
        ("Movie.eng.sdh.srt", ("eng", False, True, False, "srt")),
        ("Movie.en.cc.srt", ("en", False, True, False, "srt")),
        ("Movie.es.hi.vtt", ("es", False, True, False, "vtt")),
        ("Movie.default.de.ass", ("de", False, False, True, "ass")),
        ("Movie.fr.default.forced.SRT", ("fr", True, False, True, "srt")),
        ("Movie.English.srt", ("en", False, False, False, "srt")),  # a language name: its ISO 639-1 code
        ("Movie.English.Forced.srt", ("en", True, False, False, "srt")),
        ("Movie.Deutsch.srt", ("de", False, False, False, "srt")),
        ("Movie (Français).srt", ("fr", False, False, False, "srt")),
        ("Movie.[eng].srt", ("eng", False, False, False, "srt")),  # a bracketed code
        ("Movie.pt_BR.srt", ("pt-br", False, False, False, "srt")),  # an underscore for the dash
        ("Movie.en.foreign.srt", ("en", True, False, False, "srt")),  # foreign parts only: forced
        ("Movie.Brazilian.srt", ("pt-br", False, False, False, "srt")),
        ("Movie.1080p.BluRay.en.srt", ("en", False, False, False, "srt")),
    ],
)
def test_subtitle_languages_and_flags(tmp_path: Path, name: str, expected: tuple[object, ...]) -> None:
    assert subtitle(tmp_path, name) == expected


def test_subtitles_not_named_after_the_video_are_skipped(tmp_path: Path) -> None:
    assert discover(tmp_path, ["Other.en.srt"]) == []


def test_subtitles_subfolder(tmp_path: Path) -> None:
    found = discover(tmp_path, ["subs/Movie.de.srt", "subs/en.forced.srt", "Subtitles/The.Movie.2010.fr.sdh.srt"])
    assert {a.path.name: (a.asset_type, a.language, a.forced, a.sdh) for a in found} == {
        "Movie.de.srt": ("subtitle", "de", False, False),
        "en.forced.srt": ("subtitle", "en", True, False),
        "The.Movie.2010.fr.sdh.srt": ("subtitle", "fr", False, True),
    }


def test_subtitles_subfolder_name_without_language(tmp_path: Path) -> None:
    (found,) = discover(tmp_path, ["subs/2_English.srt"])
    assert found.asset_type == "subtitle" and found.language is None


def test_zero_byte_assets_are_skipped(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    for name in ["fanart.jpg", "Movie.en.srt", "trailer.mp4", "extrafanart/a.jpg"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert kinds(discover(tmp_path, ["poster.jpg"]), tmp_path) == {"poster.jpg": "poster"}


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    assert discover(tmp_path, ["._poster.jpg", ".fanart.jpg"]) == []


def test_stacked_movies_match_on_the_base_name(tmp_path: Path) -> None:
    found = discover(
        tmp_path,
        ["Film.jpg", "Film-fanart.jpg", "Film.en.srt", "Film-trailer.mkv"],
        videos=("Film-cd1.avi", "Film-cd2.avi"),
    )
    assert {a.path.name: a.asset_type for a in found} == {
        "Film.jpg": "poster",
        "Film-fanart.jpg": "fanart",
        "Film.en.srt": "subtitle",
        "Film-trailer.mkv": "trailer",
    }


def test_stacked_parts_are_not_assets(tmp_path: Path) -> None:
    assert discover(tmp_path, [], videos=("Film-cd1.avi", "Film-cd2.avi")) == []


def test_disc_movies_match_on_the_folder_name(tmp_path: Path) -> None:
    movie = tmp_path / "Old Film (1990)"
    (movie / "VIDEO_TS").mkdir(parents=True)
    (movie / "VIDEO_TS" / "VTS_01_1.VOB").write_bytes(b"v" * 10)
    found = discover(movie, ["Old Film (1990)-poster.jpg", "Old Film (1990).en.srt", "fanart.jpg"], videos=())
    assert {a.path.name: a.asset_type for a in found} == {
        "Old Film (1990)-poster.jpg": "poster",
        "Old Film (1990).en.srt": "subtitle",
        "fanart.jpg": "fanart",
    }


def test_results_are_sorted_by_type_and_path(tmp_path: Path) -> None:
    found = discover(tmp_path, ["trailer.mp4", "poster.jpg", "fanart2.jpg", "fanart1.jpg", "Movie.en.srt", "logo.png"])
    assert [(a.asset_type, a.path.name) for a in found] == [
        ("clearlogo", "logo.png"),
        ("fanart", "fanart1.jpg"),
        ("fanart", "fanart2.jpg"),
        ("poster", "poster.jpg"),
        ("subtitle", "Movie.en.srt"),
        ("trailer", "trailer.mp4"),
    ]
    assert all(a.asset_type in ASSET_TYPES for a in found)


# Whole folders: every kind of name at once


def test_bare_names_of_every_type_in_one_folder(tmp_path: Path) -> None:
    names = [
        "poster.jpg",
        "fanart.jpg",
        "banner.jpg",
        "logo.png",
        "clearart.png",
        "disc.png",
        "landscape.jpg",
        "keyart.jpg",
        "trailer.mp4",
    ]
    assert by_name(discover(tmp_path, names)) == {
        "poster.jpg": "poster",
        "fanart.jpg": "fanart",
        "banner.jpg": "banner",
        "logo.png": "clearlogo",
        "clearart.png": "clearart",
        "disc.png": "discart",
        "landscape.jpg": "landscape",
        "keyart.jpg": "keyart",
        "trailer.mp4": "trailer",
    }


def test_aliases_and_numbered_fanart(tmp_path: Path) -> None:
    names = ["folder.jpg", "backdrop.jpg", "fanart1.jpg", "fanart-2.jpg", "cdart.png", "thumb.jpg", "clearlogo.png"]
    assert by_name(discover(tmp_path, names)) == {
        "folder.jpg": "poster",
        "backdrop.jpg": "fanart",
        "fanart1.jpg": "fanart",
        "fanart-2.jpg": "fanart",
        "cdart.png": "discart",
        "thumb.jpg": "landscape",
        "clearlogo.png": "clearlogo",
    }


def test_names_after_the_video(tmp_path: Path) -> None:
    names = ["Movie.jpg", "Movie-fanart.jpg", "Movie-landscape.jpg", "Movie-trailer.mkv", "Other-poster.jpg"]
    assert by_name(discover(tmp_path, names)) == {
        "Movie.jpg": "poster",
        "Movie-fanart.jpg": "fanart",
        "Movie-landscape.jpg": "landscape",
        "Movie-trailer.mkv": "trailer",
    }


def test_asset_subfolders_together(tmp_path: Path) -> None:
    found = discover(tmp_path, ["extrafanart/a.jpg", "extrafanart/b.png", "trailers/teaser.mp4", "subs/Movie.de.srt"])
    assert sorted((a.asset_type, a.path.name) for a in found) == [
        ("fanart", "a.jpg"),
        ("fanart", "b.png"),
        ("subtitle", "Movie.de.srt"),
        ("trailer", "teaser.mp4"),
    ]


def test_subtitle_languages_and_flags_in_one_folder(tmp_path: Path) -> None:
    names = [
        "Movie.srt",
        "Movie.en.srt",
        "Movie.fr.forced.srt",
        "Movie.eng.sdh.srt",
        "Movie.pt-BR.srt",
        "Movie.default.de.ass",
        "Movie.es.hi.vtt",
    ]
    found = {a.path.name: (a.language, a.forced, a.sdh, a.default, a.format) for a in discover(tmp_path, names)}
    assert found == {
        "Movie.srt": (None, False, False, False, "srt"),
        "Movie.en.srt": ("en", False, False, False, "srt"),
        "Movie.fr.forced.srt": ("fr", True, False, False, "srt"),
        "Movie.eng.sdh.srt": ("eng", False, True, False, "srt"),
        "Movie.pt-BR.srt": ("pt-br", False, False, False, "srt"),
        "Movie.default.de.ass": ("de", False, False, True, "ass"),
        "Movie.es.hi.vtt": ("es", False, True, False, "vtt"),
    }


def test_a_zero_byte_fanart_beside_a_poster_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "fanart.jpg").write_bytes(b"")
    assert by_name(discover(tmp_path, ["poster.jpg"])) == {"poster.jpg": "poster"}


def test_stacked_movies_match_posters_and_subtitles_on_the_base_name(tmp_path: Path) -> None:
    (tmp_path / "Film-cd2.avi").write_bytes(b"v" * 100)
    found = discover(tmp_path, ["Film-poster.jpg", "Film.en.srt"], videos=("Film-cd1.avi",))
    assert by_name(found) == {"Film-poster.jpg": "poster", "Film.en.srt": "subtitle"}
