"""The naming rules table: every part of the library code that needs to know what a name means reads it here.

Discovery (what a movie folder, an extras folder, an ignored folder is and which subfolders enter a fingerprint),
the main-video choice (samples, trailers, extras, stacks, discs), assets (artwork folders, trailers, subtitles),
episodes and seasons (season folder words, specials) and the release-name parser (words that are never titles)
all take their words from these tables, so they cannot drift apart. The model is Jellyfin's NamingOptions: data
first, small parsers that read it. Sources: the Kodi wiki (naming video files, NFO files), Jellyfin's naming
documentation and the scene naming rules.
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

# Asset subfolders of a movie, series or season folder, by the kind of asset they hold.
EXTRAFANART_FOLDERS: frozenset[str] = frozenset({"extrafanart"})
TRAILER_FOLDERS: frozenset[str] = frozenset({"trailers", "trailer"})
SUBTITLE_FOLDERS: frozenset[str] = frozenset({"subs", "subtitles"})
# Their contents belong to the folder above them (and to its fingerprint).
ASSET_FOLDER_NAMES: frozenset[str] = EXTRAFANART_FOLDERS | TRAILER_FOLDERS | SUBTITLE_FOLDERS

# Extras folders belong to the movie or series above them; they are never movies or seasons themselves
# (Jellyfin's extras folders, Kodi's extrathumbs, and the asset folders).
EXTRAS_FOLDER_NAMES: frozenset[str] = ASSET_FOLDER_NAMES | frozenset(
    {
        "extras",
        "extra",
        "featurettes",
        "featurette",
        "behind the scenes",
        "deleted scenes",
        "interviews",
        "scenes",
        "shorts",
        "sample",
        "samples",
        "extrathumbs",
        "other",
        "others",
        "clips",
        "bonus",
        "backdrops",
        "theme-music",
    }
)

# Extras kept next to the video, by the word after the video name (Jellyfin's suffix rules), and the separators
# that may introduce that word. A trailer may be numbered ("-trailer2", " - trailer 2").
EXTRA_SUFFIXES: dict[str, str] = {
    "trailer": "trailer",
    "teaser": "trailer",
    "sample": "sample",
    "behindthescenes": "behindthescenes",
    "deleted": "deleted",
    "deletedscene": "deleted",
    "featurette": "featurette",
    "interview": "interview",
    "scene": "scene",
    "short": "short",
    "other": "other",
    "extra": "extra",
    "clip": "clip",
}
# Names that are extras on their own ("trailer.mp4", "sample.mkv").
EXTRA_FILE_NAMES: dict[str, str] = {"trailer": "trailer", "movie-trailer": "trailer", "sample": "sample"}
# Which separators introduce which suffix: "Movie.trailer", "Movie_trailer" and "Movie - trailer" name trailers;
# "Movie.sample", "Movie-sample", "Movie [Sample]" samples, never "The DNA Sample"; the other words only after a
# dash ("The Big Short.mkv" is a movie).
_TRAILER_SEPARATORS = r"(?:\s*-\s*|[._])"
_SAMPLE_SEPARATORS = r"(?:\s*-\s*|[._])"
_DASH = r"\s*-\s*"

# Multi-part markers (Kodi's stacking words): "cd1", "part 2", "disc3", "pt1".
STACK_WORDS: tuple[str, ...] = ("cd", "dvd", "part", "pt", "disc", "disk")
# A movie split into disc folders: "Disc 1", "CD2", "DVD 1", "Disk-2", "Part 1".
_DISC_PART_FOLDER_RE = re.compile(rf"^(?:{'|'.join(STACK_WORDS)})[\s._-]*(\d{{1,2}})$", re.IGNORECASE)

# Season folder words (Kodi, Jellyfin, and the usual translations) and the names of the specials folder.
SEASON_WORDS: tuple[str, ...] = (
    "season",
    "series",
    "staffel",
    "saison",
    "temporada",
    "stagione",
    "säsong",
    "sæson",
    "sesong",
    "seizoen",
    "sezon",
    "sezona",
    "kausi",
    "évad",
    "série",
    "serie",
    "сезон",
    "сезона",
    "temp",
)
SPECIALS_FOLDER_NAMES: frozenset[str] = frozenset(
    {"specials", "special", "season specials", "extras specials", "speciale", "especiales", "specials season"}
)

# Release-name words. Strong: never part of a title, they end it wherever they stand ("Alien.1080p.BluRay").
RELEASE_STRONG_WORDS = (
    r"480p|576p|720p|1080[pi]|2160p|4320p|4k|8k|uhd|blu-?ray|bdrip|brrip|bdremux|bd25|bd50|remux|web-?dl|web-?rip|"
    r"webhd|hdtv|hdrip|dvdrip|dvdscr|hddvd|x26[45]|h[ .]?26[45]|hevc|xvid|divx|aac(?:[ .]?\d(?:[ .]\d)?)?|e?ac3|"
    r"dts(?:-?hd(?:[ .]?ma)?|-?x)?|truehd|atmos|ddp?[ .+]?\d[ .]\d|dd\+?|flac|10bit|8bit|hdr(?:10)?(?:\+|plus)?|"
    r"dolby[ .]?vision|amzn|nf|dsnp|hmax|atvp|pcok"
)
# Edition words: part of the release, not of the title, when they stand between the title and the year or at the
# end of a release name ("Title.EXTENDED.2013", "Title.IMAX.2018").
RELEASE_EDITION_WORDS = (
    r"extended(?:[ .]cut|[ .]edition)?|unrated|uncut|uncensored|remastered|imax(?:[ .]edition)?|"
    r"directors?[ .]?cut|director'?s[ .]?cut|theatrical(?:[ .]cut)?|final[ .]cut|criterion(?:[ .]collection)?|"
    r"special[ .]edition|collectors?[ .]edition|anniversary[ .]edition|\d{2,3}th[ .]anniversary(?:[ .]edition)?|"
    r"ultimate[ .]edition|limited|open[ .]matte|restored|proper|repack|rerip|internal|readnfo|nfofix"
)
# Audio and subtitle language words of release names.
RELEASE_LANGUAGE_WORDS = (
    r"german|deutsch|french|truefrench|vostfr|vff|vf|italian|ita|spanish|castellano|latino|english|eng|nordic|"
    r"swedish|danish|norwegian|finnish|dutch|flemish|russian|rus|ukr|polish|pl|czech|hungarian|hindi|tamil|telugu|"
    r"japanese|jap|korean|kor|chinese|chs|cht|portuguese|brazilian|turkish|multi|multi-?subs?|dual(?:[ .]audio)?|"
    r"dl|subbed|dubbed|ml|md|ld"
)
# Weak: release words right after a year or an edition word, title words elsewhere ("Old DVD", "Charlotte's Web").
RELEASE_WEAK_WORDS = (
    rf"dvd(?:r|5|9)?|web|complete|avc|sdr|dv|hdcam|cam|hdts|ts|tc|r5|sample|3d|h-?sbs|half-sbs|sbs|h-?ou|"
    rf"{RELEASE_EDITION_WORDS}|"
    rf"{RELEASE_LANGUAGE_WORDS}"
)

_BEFORE = r"(?<![\w'])"
_AFTER = r"(?![\w'])"
_EXTRA_SUFFIX_RE = re.compile(
    rf"(?:{_TRAILER_SEPARATORS}(?P<trailer>trailer|teaser)(?:[\s._-]?\d{{1,2}})?"
    rf"|(?:{_SAMPLE_SEPARATORS}|\s*[\[(]\s*)(?P<sample>sample)(?:\s*[\])])?"
    rf"|{_DASH}(?P<word>{'|'.join(w for w in EXTRA_SUFFIXES if w not in ('trailer', 'teaser', 'sample'))})"
    rf"(?:[\s._-]?\d{{1,2}})?)$",
    re.IGNORECASE,
)
# A sample inside a release name: "Movie.2010.1080p.sample-GRP", "grp-movie-sample".
_RELEASE_SAMPLE_RE = re.compile(r"[._-]sample[._-]", re.IGNORECASE)
# The word before an extras suffix that makes the suffix a release group: "Show.S01E01.1080p.WEB-SCENE".
_RELEASE_TAIL_RE = re.compile(
    rf"{_BEFORE}(?:{RELEASE_STRONG_WORDS}|{RELEASE_WEAK_WORDS}|s\d{{1,4}}e\d{{1,4}})$", re.IGNORECASE
)


def is_video_name(name: str) -> bool:
    """True when a file name has a video extension (case-insensitive)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in VIDEO_EXTENSIONS


def extra_type(stem: str) -> str | None:
    """The extras kind of a video by its stem ("trailer", "sample", "featurette", ...), or None for a movie or an
    episode. "Movie-trailer", "Movie - trailer 2", "Movie.sample", "Movie [Sample]", "Movie-featurette" are extras;
    "The DNA Sample", "The Big Short" and "Show.S01E01.1080p.WEB-SCENE" (a release group) are not."""
    lowered = stem.strip().lower()
    named = EXTRA_FILE_NAMES.get(lowered)
    if named is not None:
        return named
    match = _EXTRA_SUFFIX_RE.search(stem)
    if match is not None:
        kind = match.lastgroup or ""
        word = match.group(kind).lower()
        head = stem[: match.start()].rstrip(" ._-[(")
        if not head:
            return EXTRA_SUFFIXES[word]
        if kind == "word" and stem[match.start() :].lstrip(" -").isupper() and _RELEASE_TAIL_RE.search(head):
            return None  # "-SCENE" after release words is the group that made the release
        return EXTRA_SUFFIXES[word]
    if _RELEASE_SAMPLE_RE.search(stem):
        return "sample"
    return None


def is_sample_name(stem: str) -> bool:
    """True when a file stem marks a sample clip ("movie-sample", "sample.mkv", "Movie [Sample]")."""
    return extra_type(stem) == "sample"


def is_trailer_name(stem: str) -> bool:
    """True for "trailer", "movie-trailer", "Movie.trailer", "Movie - trailer", "Movie-trailer2", "Movie-teaser"."""
    return extra_type(stem) == "trailer"


def is_ignored_folder_name(name: str) -> bool:
    """Dot folders and NAS/OS system folders."""
    return name.startswith(".") or name.lower() in IGNORED_FOLDER_NAMES


def is_extras_folder_name(name: str) -> bool:
    return name.lower() in EXTRAS_FOLDER_NAMES


def disc_part_folder(name: str) -> int | None:
    """The part number of a folder that holds one disc of a movie ("Disc 1", "CD2", "DVD 1"), else None."""
    match = _DISC_PART_FOLDER_RE.match(name.strip())
    return int(match.group(1)) if match else None


def is_valid_utf8(name: str) -> bool:
    """File names come from the filesystem as bytes; the database stores text. Undecodable names are reported."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
