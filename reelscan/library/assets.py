"""Local artwork, trailers and subtitles of a movie folder, by Kodi/Jellyfin naming.

Bare names in the folder ("poster.jpg") or names after the video ("<video>-poster.jpg"); extrafanart/,
trailers/ and subs/ subfolders; subtitles "<video>[.<lang>][.forced|.sdh|.default].<ext>".
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.rules import IMAGE_EXTENSIONS, SUBTITLE_EXTENSIONS, is_video_name
from reelscan.library.videos import FolderEntry, MainVideo, video_stem

ASSET_TYPES = (
    "poster",
    "fanart",
    "banner",
    "clearlogo",
    "clearart",
    "discart",
    "landscape",
    "keyart",
    "trailer",
    "subtitle",
)

# Bare image names (without extension, lower-case) per type; "fanart1".."fanartN" and "backdropN" by pattern.
_BARE_IMAGES = {
    "poster": ("poster", "folder", "cover", "movie"),
    "fanart": ("fanart", "backdrop", "background"),
    "banner": ("banner",),
    "clearlogo": ("clearlogo", "logo"),
    "clearart": ("clearart",),
    "discart": ("disc", "discart", "cdart"),
    "landscape": ("landscape", "thumb"),
    "keyart": ("keyart",),
}
_BY_BARE_NAME = {name: kind for kind, names in _BARE_IMAGES.items() for name in names}
# "<video>-<suffix>" image names.
_SUFFIXES = {
    "poster": "poster",
    "fanart": "fanart",
    "backdrop": "fanart",
    "banner": "banner",
    "clearlogo": "clearlogo",
    "logo": "clearlogo",
    "clearart": "clearart",
    "disc": "discart",
    "discart": "discart",
    "landscape": "landscape",
    "thumb": "landscape",
    "keyart": "keyart",
}
_NUMBERED_FANART_RE = re.compile(r"^(?:fanart|backdrop)[-_ ]?\d{1,3}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z]{2,4})?$", re.IGNORECASE)
_SDH_FLAGS = frozenset({"sdh", "cc", "hi"})
_NOT_LANGUAGES = frozenset({"forced", "default", "sdh", "cc", "hi", "full", "sub", "subs", "eng-forced"})


@dataclass(frozen=True)
class LocalAsset:
    asset_type: str
    path: Path
    size: int
    mtime_ns: int
    language: str | None = None
    forced: bool = False
    sdh: bool = False
    default: bool = False
    format: str = ""


def _split(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    return (name[:dot], name[dot:].lower()) if dot > 0 else (name, "")


def _scan_subfolder(directory: Path, name: str) -> list[FolderEntry]:
    entries: list[FolderEntry] = []
    try:
        with os.scandir(directory / name) as it:
            for entry in it:
                try:
                    if entry.is_file():
                        st = entry.stat()
                        entries.append(FolderEntry(entry.name, False, st.st_size, st.st_mtime_ns))
                except OSError:
                    continue
    except OSError:
        return []
    return sorted(entries, key=lambda e: e.name)


def _image_type(stem: str, video: str) -> str | None:
    lowered = stem.lower()
    if lowered in _BY_BARE_NAME:
        return _BY_BARE_NAME[lowered]
    if _NUMBERED_FANART_RE.match(lowered):
        return "fanart"
    if lowered == video:
        return "poster"
    if lowered.startswith(video) and len(lowered) > len(video) and lowered[len(video)] in "-._":
        return _SUFFIXES.get(lowered[len(video) + 1 :])
    return None


def _subtitle(path: Path, entry: FolderEntry, tokens: list[str]) -> LocalAsset:
    language = None
    forced = sdh = default = False
    for token in tokens:
        lowered = token.lower()
        if lowered == "forced":
            forced = True
        elif lowered in _SDH_FLAGS:
            sdh = True
        elif lowered == "default":
            default = True
        elif language is None and lowered not in _NOT_LANGUAGES and _LANGUAGE_RE.match(lowered):
            language = lowered
    return LocalAsset(
        "subtitle", path, entry.size, entry.mtime_ns, language, forced, sdh, default, _split(entry.name)[1].lstrip(".")
    )


def discover_local_assets(directory: Path, entries: Sequence[FolderEntry], main: MainVideo) -> list[LocalAsset]:
    video = video_stem(main).lower()
    main_parts = {p.name for p in main.parts}
    found: list[LocalAsset] = []
    for entry in entries:
        if entry.is_dir:
            folder = entry.name.lower()
            if folder == "extrafanart":
                for image in _scan_subfolder(directory, entry.name):
                    if image.size and _split(image.name)[1] in IMAGE_EXTENSIONS:
                        found.append(
                            LocalAsset(
                                "fanart",
                                directory / entry.name / image.name,
                                image.size,
                                image.mtime_ns,
                                format=_split(image.name)[1][1:],
                            )
                        )
            elif folder in ("trailers", "trailer"):  # rules.ASSET_FOLDER_NAMES
                for clip in _scan_subfolder(directory, entry.name):
                    if clip.size and is_video_name(clip.name):
                        found.append(
                            LocalAsset(
                                "trailer",
                                directory / entry.name / clip.name,
                                clip.size,
                                clip.mtime_ns,
                                format=_split(clip.name)[1][1:],
                            )
                        )
            elif folder in ("subs", "subtitles"):
                for sub in _scan_subfolder(directory, entry.name):
                    stem, ext = _split(sub.name)
                    if sub.size and ext in SUBTITLE_EXTENSIONS:
                        found.append(_subtitle(directory / entry.name / sub.name, sub, re.split(r"[._\s-]+", stem)))
            continue
        if entry.size == 0 or entry.name in main_parts:
            continue
        stem, ext = _split(entry.name)
        lowered = stem.lower()
        path = directory / entry.name
        if ext in IMAGE_EXTENSIONS:
            kind = _image_type(stem, video)
            if kind:
                found.append(LocalAsset(kind, path, entry.size, entry.mtime_ns, format=ext[1:]))
        elif is_video_name(entry.name):
            if lowered in ("trailer", "movie-trailer") or lowered in (f"{video}-trailer", f"{video}.trailer"):
                found.append(LocalAsset("trailer", path, entry.size, entry.mtime_ns, format=ext[1:]))
        elif ext in SUBTITLE_EXTENSIONS and lowered.startswith(video):
            rest = stem[len(video) :].strip("._- ")
            tokens = [t for t in rest.split(".") if t] if rest else []
            found.append(_subtitle(path, entry, tokens))
    found.sort(key=lambda a: (a.asset_type, str(a.path)))
    return found
