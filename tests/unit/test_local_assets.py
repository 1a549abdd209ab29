"""Local artwork, trailers and subtitles by Kodi/Jellyfin naming."""

from __future__ import annotations

from pathlib import Path

from reelscan.library.assets import LocalAsset, discover_local_assets
from reelscan.library.videos import choose_main_video, list_folder


def assets(folder: Path, names: list[str], video: str = "Movie.mkv") -> list[LocalAsset]:
    folder.mkdir(exist_ok=True)
    (folder / video).write_bytes(b"v" * 100)
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a")
    entries = list_folder(folder)
    main = choose_main_video(folder, entries)
    assert main is not None
    return discover_local_assets(folder, entries, main)


def kinds(found: list[LocalAsset]) -> dict[str, str]:
    return {a.path.name: a.asset_type for a in found}


def test_bare_names_of_every_type(tmp_path: Path) -> None:
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
    assert kinds(assets(tmp_path, names)) == {
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
    assert kinds(assets(tmp_path, names)) == {
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
    assert kinds(assets(tmp_path, names)) == {
        "Movie.jpg": "poster",
        "Movie-fanart.jpg": "fanart",
        "Movie-landscape.jpg": "landscape",
        "Movie-trailer.mkv": "trailer",
    }


def test_subfolders(tmp_path: Path) -> None:
    found = assets(tmp_path, ["extrafanart/a.jpg", "extrafanart/b.png", "trailers/teaser.mp4", "subs/Movie.de.srt"])
    assert sorted((a.asset_type, a.path.name) for a in found) == [
        ("fanart", "a.jpg"),
        ("fanart", "b.png"),
        ("subtitle", "Movie.de.srt"),
        ("trailer", "teaser.mp4"),
    ]


def test_subtitle_languages_and_flags(tmp_path: Path) -> None:
    names = [
        "Movie.srt",
        "Movie.en.srt",
        "Movie.fr.forced.srt",
        "Movie.eng.sdh.srt",
        "Movie.pt-BR.srt",
        "Movie.default.de.ass",
        "Movie.es.hi.vtt",
    ]
    found = {a.path.name: (a.language, a.forced, a.sdh, a.default, a.format) for a in assets(tmp_path, names)}
    assert found == {
        "Movie.srt": (None, False, False, False, "srt"),
        "Movie.en.srt": ("en", False, False, False, "srt"),
        "Movie.fr.forced.srt": ("fr", True, False, False, "srt"),
        "Movie.eng.sdh.srt": ("eng", False, True, False, "srt"),
        "Movie.pt-BR.srt": ("pt-br", False, False, False, "srt"),
        "Movie.default.de.ass": ("de", False, False, True, "ass"),
        "Movie.es.hi.vtt": ("es", False, True, False, "vtt"),
    }


def test_zero_byte_assets_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "fanart.jpg").write_bytes(b"")
    assert kinds(assets(tmp_path, ["poster.jpg"])) == {"poster.jpg": "poster"}


def test_stacked_movies_match_on_the_base_name(tmp_path: Path) -> None:
    (tmp_path / "Film-cd2.avi").write_bytes(b"v" * 100)
    found = assets(tmp_path, ["Film-poster.jpg", "Film.en.srt"], video="Film-cd1.avi")
    assert kinds(found) == {"Film-poster.jpg": "poster", "Film.en.srt": "subtitle"}
