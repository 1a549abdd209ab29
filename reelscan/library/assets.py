"""Local artwork, trailers and subtitles of a movie folder (or a series or season folder), by Kodi/Jellyfin naming.

Bare names in the folder ("poster.jpg", "fanart1.jpg") or names after the video ("<video>-poster.jpg"); the
extrafanart/, trailers/ and subs/ subfolders; subtitles "<video>[.<lang>][.forced|.sdh|.cc|.hi|.default].<ext>".
A file is at most one asset; bare names take precedence over names after the video.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from reelscan.library.rules import (
    ASSET_FOLDER_NAMES,
    EXTRAFANART_FOLDERS,
    IMAGE_EXTENSIONS,
    SUBTITLE_EXTENSIONS,
    SUBTITLE_FORCED_WORDS,
    SUBTITLE_LANGUAGE_NAMES,
    SUBTITLE_SDH_WORDS,
    TRAILER_FOLDERS,
    VIDEO_EXTENSIONS,
    is_trailer_name,
)
from reelscan.library.videos import FolderEntry, MainVideo, split_name, video_stem

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
    "thumb",  # an episode's still
)


@dataclass(frozen=True)
class LocalAsset:
    asset_type: str  # one of ASSET_TYPES
    path: Path
    size: int
    mtime_ns: int
    language: str | None = None  # subtitles: code as written, lower-case ("en", "eng", "pt-br")
    forced: bool = False
    sdh: bool = False
    default: bool = False
    format: str = ""  # extension without the dot, lower-case: "jpg", "srt", "mkv"


# Bare image names (lower-case stems); "fanart1", "fanart-2", "backdrop3" by _NUMBERED_FANART_RE.
_BARE_IMAGES: dict[str, str] = {
    "poster": "poster",
    "folder": "poster",
    "cover": "poster",
    "movie": "poster",
    "fanart": "fanart",
    "backdrop": "fanart",
    "background": "fanart",
    "banner": "banner",
    "logo": "clearlogo",
    "clearlogo": "clearlogo",
    "clearart": "clearart",
    "disc": "discart",
    "discart": "discart",
    "cdart": "discart",
    "landscape": "landscape",
    "thumb": "landscape",
    "keyart": "keyart",
}
# Image names after the video: "<video>-<suffix>".
VIDEO_IMAGE_SUFFIXES: dict[str, str] = {
    "poster": "poster",
    "fanart": "fanart",
    "backdrop": "fanart",
    "banner": "banner",
    "clearlogo": "clearlogo",
    "logo": "clearlogo",
    "clearart": "clearart",
    "discart": "discart",
    "disc": "discart",
    "landscape": "landscape",
    "thumb": "landscape",
    "keyart": "keyart",
}
_NUMBERED_FANART_RE = re.compile(r"(?:fanart|backdrop|background)[-_ ]?\d{1,3}")
_VIDEO_SUFFIX_SEPARATORS = "-._"
ASSET_SUBFOLDERS = ASSET_FOLDER_NAMES

# Subtitle name tokens.
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-(?:[a-z]{2}|[a-z]{4}|\d{3}))?")
_SDH_FLAGS = SUBTITLE_SDH_WORDS
_FLAGS = _SDH_FLAGS | SUBTITLE_FORCED_WORDS | {"default"} | SUBTITLE_LANGUAGE_NAMES.keys()
# Short tokens that look like language codes but are not.
_NOT_LANGUAGES = frozenset(
    {"sub", "subs", "srt", "ass", "ssa", "vtt", "idx", "sup", "smi", "the", "and", "web", "dvd", "hd", "uhd", "dl"}
)
_TAG_STRIP = " -_[]()"


def _format(ext: str) -> str:
    return ext[1:]


def list_asset_files(folder: Path) -> list[FolderEntry]:
    """Non-empty regular files of an asset subfolder (symlinks are not followed); [] when it cannot be read."""
    files: list[FolderEntry] = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                try:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if st.st_size > 0:
                    files.append(FolderEntry(entry.name, False, st.st_size, st.st_mtime_ns))
    except OSError:
        return []
    return files


def name_after_video(lowered: str, stems: Sequence[str]) -> str | None:
    """The suffix of "<video>-<suffix>" (lower-case), or None when the name is not after the video."""
    for stem in stems:
        if len(lowered) > len(stem) + 1 and lowered.startswith(stem) and lowered[len(stem)] in _VIDEO_SUFFIX_SEPARATORS:
            return lowered[len(stem) + 1 :]
    return None


def _image_type(lowered: str, stems: Sequence[str]) -> str | None:
    bare = _BARE_IMAGES.get(lowered)
    if bare is not None:
        return bare
    if _NUMBERED_FANART_RE.fullmatch(lowered):
        return "fanart"
    if lowered in stems:
        return "poster"
    suffix = name_after_video(lowered, stems)
    if suffix is None:
        return None
    kind = VIDEO_IMAGE_SUFFIXES.get(suffix)
    if kind is None and _NUMBERED_FANART_RE.fullmatch(suffix):
        return "fanart"
    return kind


def _is_trailer(stem: str) -> bool:
    """A trailer by the rules table: "trailer", "<anything>-trailer", "Movie - trailer 2", "Movie.teaser"."""
    return is_trailer_name(stem)


def _is_tag(word: str) -> bool:
    return word in _FLAGS or (word not in _NOT_LANGUAGES and _LANGUAGE_RE.fullmatch(word) is not None)


def subtitle_asset(path: Path, entry: FolderEntry, ext: str, tokens: Sequence[str]) -> LocalAsset:
    """A subtitle asset from the name tokens after the video name; the last language-like token is the language."""
    language: str | None = None
    forced = sdh = default = False
    for raw in tokens:
        tag = raw.strip(_TAG_STRIP).lower().replace("_", "-")
        if tag in SUBTITLE_FORCED_WORDS:
            forced = True
        elif tag in _SDH_FLAGS:
            sdh = True
        elif tag == "default":
            default = True
        elif tag in SUBTITLE_LANGUAGE_NAMES:  # "English", "Deutsch"
            language = SUBTITLE_LANGUAGE_NAMES[tag]
        elif tag not in _NOT_LANGUAGES and _LANGUAGE_RE.fullmatch(tag):
            language = tag
    return LocalAsset(
        "subtitle",
        path,
        entry.size,
        entry.mtime_ns,
        language=language,
        forced=forced,
        sdh=sdh,
        default=default,
        format=_format(ext),
    )


def _subfolder_subtitle_tokens(name_stem: str, stems: Sequence[str]) -> list[str]:
    """Tags of a subtitle in subs/: after the video name when it starts with it ("Movie.de"), else after the first
    dot-separated word unless that word is itself followed by a tag ("en.forced", "The.Matrix.1999.en")."""
    lowered = name_stem.lower()
    for stem in stems:
        if lowered.startswith(stem):
            return name_stem[len(stem) :].split(".")
    tokens = name_stem.split(".")
    if len(tokens) > 1 and not _is_tag(tokens[1].strip(_TAG_STRIP).lower()):
        return tokens[1:]
    return tokens


def _video_stems(main: MainVideo) -> list[str]:
    """Lower-case names assets may be named after, longest first: the video stem and, for stacks, the first part's."""
    stems = {video_stem(main).lower()}
    if main.disc is None and len(main.parts) > 1:
        stems.add(split_name(main.parts[0].name)[0].lower())
    return sorted(stems, key=len, reverse=True)


def discover_local_assets(directory: Path, entries: Sequence[FolderEntry], main: MainVideo) -> list[LocalAsset]:
    """Artwork, trailers and subtitles of the movie in directory, sorted by (asset_type, path).

    entries are the folder's entries (videos.list_folder); only the extrafanart/, trailers/ and subs/ subfolders are
    read. Zero-byte and hidden files are skipped; the main video is never a trailer.
    """
    main_parts = {part.name for part in main.parts} if main.disc is None else set()
    return discover_assets(directory, entries, _video_stems(main), skip=main_parts)


def discover_assets(
    directory: Path,
    entries: Sequence[FolderEntry],
    stems: Sequence[str],
    *,
    skip: Collection[str] = (),
    subfolders: Collection[str] = ASSET_SUBFOLDERS,
) -> list[LocalAsset]:
    """discover_local_assets for any folder: stems are the lower-case names assets may be named after (none for a
    series or season folder: bare names only), skip names files that are never assets, subfolders limits which
    asset subfolders are read."""
    found: list[LocalAsset] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir:
            folder = name.lower()
            if folder in subfolders:
                found.extend(_subfolder_assets(directory / name, folder, stems))
            continue
        if entry.size <= 0:
            continue
        stem, ext = split_name(name)
        lowered = stem.lower()
        path = directory / name
        if ext in IMAGE_EXTENSIONS:
            kind = _image_type(lowered, stems)
            if kind is not None:
                found.append(LocalAsset(kind, path, entry.size, entry.mtime_ns, format=_format(ext)))
        elif ext in VIDEO_EXTENSIONS:
            if name not in skip and _is_trailer(stem):
                found.append(LocalAsset("trailer", path, entry.size, entry.mtime_ns, format=_format(ext)))
        elif ext in SUBTITLE_EXTENSIONS:
            for video in stems:
                if lowered.startswith(video):
                    found.append(subtitle_asset(path, entry, ext, stem[len(video) :].split(".")))
                    break
    found.sort(key=lambda a: (a.asset_type, a.path))
    return found


def _subfolder_assets(folder: Path, kind: str, stems: Sequence[str]) -> list[LocalAsset]:
    found: list[LocalAsset] = []
    for entry in list_asset_files(folder):
        stem, ext = split_name(entry.name)
        path = folder / entry.name
        if kind in EXTRAFANART_FOLDERS:
            if ext in IMAGE_EXTENSIONS:
                found.append(LocalAsset("fanart", path, entry.size, entry.mtime_ns, format=_format(ext)))
        elif kind in TRAILER_FOLDERS:
            if ext in VIDEO_EXTENSIONS:
                found.append(LocalAsset("trailer", path, entry.size, entry.mtime_ns, format=_format(ext)))
        elif ext in SUBTITLE_EXTENSIONS:
            found.append(subtitle_asset(path, entry, ext, _subfolder_subtitle_tokens(stem, stems)))
    return found
