"""Poster thumbnails for the page's poster wall: made once from a cached image, kept in the cache under thumbs/.

`<cache>/thumbs/<width>/<cache path>.jpg`: the cached file's name holds its content hash, so a changed poster gets
a new thumbnail and an existing one is never stale. Written atomically (temp file, then rename) and never larger
than the original.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from reelscan.cache_store import TEMP_PREFIX

THUMB_WIDTHS = (160, 320)  # CSS width of a grid poster, and twice that for high-density screens
THUMBS = "thumbs"
QUALITY = 82


class ThumbnailError(Exception):
    """No thumbnail can be made: the message says why (unknown file, not an image)."""


def _relative(cache_path: str) -> PurePosixPath:
    relative = PurePosixPath(cache_path)
    if (
        not cache_path
        or relative.is_absolute()
        or ".." in relative.parts
        or "\\" in cache_path
        or "\x00" in cache_path
        or relative.parts[0] == THUMBS
    ):
        raise ThumbnailError(f"{cache_path!r} is not a cached file's path")
    return relative


def thumbnail_path(cache_root: Path, cache_path: str, width: int) -> Path:
    if width not in THUMB_WIDTHS:
        raise ThumbnailError(f"thumbnails are {' or '.join(map(str, THUMB_WIDTHS))} pixels wide, not {width}")
    return cache_root / THUMBS / str(width) / f"{_relative(cache_path)}.jpg"


def ensure_thumbnail(cache_root: Path, cache_path: str, width: int) -> Path:
    """The thumbnail of a cached image at this width, made now if it is not there yet."""
    target = thumbnail_path(cache_root, cache_path, width)
    if target.is_file():
        return target
    source = cache_root / _relative(cache_path)
    if not source.is_file():
        raise ThumbnailError(f"{cache_path} is not in the cache")
    try:
        with Image.open(source) as image:
            image.draft("RGB", (width, width * 3))  # JPEG: decode at a reduced scale, much faster for large posters
            small = image.convert("RGB")
            small.thumbnail((width, width * 3), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ThumbnailError(f"{cache_path} cannot be read as an image: {exc}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f"{TEMP_PREFIX}thumb-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        small.save(temp, "JPEG", quality=QUALITY, optimize=True)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
