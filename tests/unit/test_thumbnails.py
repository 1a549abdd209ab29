"""Poster thumbnails: made once into <cache>/thumbs/, never larger than the original, only of cached files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from reelscan.thumbnails import ThumbnailError, ensure_thumbnail, thumbnail_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "media"


def cached(cache: Path, name: str, size: tuple[int, int]) -> str:
    relative = f"movie/1/{name}"
    (cache / "movie" / "1").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 40, 40)).save(cache / relative)
    return relative


def test_a_thumbnail_is_made_once_at_the_asked_width_keeping_the_shape(tmp_path: Path) -> None:
    relative = cached(tmp_path, "poster_abc.jpg", (1000, 1500))
    made = ensure_thumbnail(tmp_path, relative, 160)
    assert made == tmp_path / "thumbs" / "160" / "movie" / "1" / "poster_abc.jpg.jpg"
    with Image.open(made) as image:
        assert image.size == (160, 240)
    first = made.stat().st_mtime_ns
    assert ensure_thumbnail(tmp_path, relative, 160).stat().st_mtime_ns == first
    assert not [p for p in made.parent.iterdir() if p.name.startswith(".tmp-")]


def test_a_small_poster_is_never_enlarged(tmp_path: Path) -> None:
    (tmp_path / "movie" / "2").mkdir(parents=True)
    shutil.copy(FIXTURES / "poster.jpg", tmp_path / "movie" / "2" / "poster_x.jpg")
    with Image.open(ensure_thumbnail(tmp_path, "movie/2/poster_x.jpg", 320)) as image:
        assert image.size == (68, 100)


def test_only_cached_images_at_known_widths(tmp_path: Path) -> None:
    relative = cached(tmp_path, "poster_png.png", (300, 450))
    (tmp_path / "movie" / "1" / "notes.jpg").write_text("not an image")
    for path, width, message in [
        (relative, 100, "not 100"),
        ("../secret.jpg", 160, "not a cached file's path"),
        ("/etc/passwd", 160, "not a cached file's path"),
        ("thumbs/160/movie/1/x.jpg", 160, "not a cached file's path"),
        ("movie/1/absent.jpg", 160, "is not in the cache"),
        ("movie/1/notes.jpg", 160, "cannot be read as an image"),
    ]:
        with pytest.raises(ThumbnailError, match=message):
            ensure_thumbnail(tmp_path, path, width)
    assert not thumbnail_path(tmp_path, "movie/1/notes.jpg", 160).exists()
