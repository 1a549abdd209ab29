"""Naming rules shared by discovery, main-video choice and asset discovery.

Kept in one place so the walker and the directory scanner never disagree about
what a video, an extras folder or an ignored folder is.
"""

from __future__ import annotations

import re

VIDEO_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".mkv",
        ".mp4",
        ".m4v",
        ".avi",
        ".mov",
        ".ts",
        ".m2ts",
        ".mts",
        ".wmv",
        ".webm",
        ".mpg",
        ".mpeg",
        ".iso",
        ".vob",
        ".divx",
        ".flv",
        ".ogm",
        ".ogv",
        ".3gp",
        ".rmvb",
        ".img",
    }
)

IMAGE_EXTENSIONS: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tbn", ".gif", ".bmp"})
SUBTITLE_EXTENSIONS: frozenset[str] = frozenset({".srt", ".ass", ".ssa", ".sub", ".vtt", ".idx", ".sup", ".smi"})

# Disc structures: a folder holding one of these is one movie (the disc's parent folder).
DISC_FOLDERS: dict[str, str] = {"video_ts": "dvd", "bdmv": "bluray"}

# Folders never scanned and counted as ignored (NAS system folders, recycle bins).
IGNORED_FOLDER_NAMES: frozenset[str] = frozenset(
    {"@eadir", "#recycle", "$recycle.bin", "system volume information", "lost+found", "#snapshot", "@recycle", ".trash"}
)

# A folder containing one of these files is skipped with everything below it.
IGNORE_MARKER_FILES: frozenset[str] = frozenset({".ignore", ".nomedia", ".plexignore"})

# Extras folders belong to the movie above them; they are never movies themselves.
EXTRAS_FOLDER_NAMES: frozenset[str] = frozenset(
    {
        "extras",
        "extra",
        "trailers",
        "trailer",
        "featurettes",
        "featurette",
        "behind the scenes",
        "deleted scenes",
        "interviews",
        "scenes",
        "shorts",
        "sample",
        "samples",
        "subs",
        "subtitles",
        "extrafanart",
        "extrathumbs",
        "other",
        "others",
        "clips",
        "bonus",
    }
)

# Asset subfolders of a movie folder: their contents belong to the movie (and to its fingerprint).
ASSET_FOLDER_NAMES: frozenset[str] = frozenset({"extrafanart", "trailers", "trailer", "subs", "subtitles"})

_SAMPLE_RE = re.compile(r"(?:^|[\s._\-\[\(])sample(?:$|[\s._\-\]\)])", re.IGNORECASE)


def is_video_name(name: str) -> bool:
    """True when a file name has a video extension (case-insensitive)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in VIDEO_EXTENSIONS


def is_sample_name(stem: str) -> bool:
    """True when a file stem marks a sample clip ("movie-sample", "sample.mkv", "Movie [Sample]")."""
    return bool(_SAMPLE_RE.search(stem))


def is_ignored_folder_name(name: str) -> bool:
    """Dot folders and NAS/OS system folders."""
    return name.startswith(".") or name.lower() in IGNORED_FOLDER_NAMES


def is_extras_folder_name(name: str) -> bool:
    return name.lower() in EXTRAS_FOLDER_NAMES


def is_valid_utf8(name: str) -> bool:
    """File names come from the filesystem as bytes; the database stores text. Undecodable names are reported."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
