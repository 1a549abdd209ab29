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
from collections.abc import Sequence

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
# Season numbers spelled out in season folder names ("Season One", "First Season").
SEASON_NUMBER_WORDS: dict[str, int] = {
    **dict(
        zip(
            ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
            range(1, 13),
            strict=True,
        )
    ),
    **dict(
        zip(
            ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"),
            range(1, 11),
            strict=True,
        )
    ),
}
SPECIALS_FOLDER_NAMES: frozenset[str] = frozenset(
    {"specials", "special", "season specials", "extras specials", "speciale", "especiales", "specials season"}
)

# Subtitle languages written as names ("Movie.English.srt", "Movie (Deutsch).srt"), to their ISO 639-1 codes.
SUBTITLE_LANGUAGE_NAMES: dict[str, str] = {
    **{"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "portuguese": "pt"},
    **{"dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi", "polish": "pl"},
    **{"russian": "ru", "czech": "cs", "hungarian": "hu", "greek": "el", "turkish": "tr", "hebrew": "he"},
    **{"arabic": "ar", "hindi": "hi", "japanese": "ja", "korean": "ko", "chinese": "zh", "thai": "th"},
    **{"vietnamese": "vi", "indonesian": "id", "romanian": "ro", "bulgarian": "bg", "croatian": "hr"},
    **{"serbian": "sr", "slovak": "sk", "slovenian": "sl", "ukrainian": "uk", "persian": "fa", "icelandic": "is"},
    **{"deutsch": "de", "français": "fr", "francais": "fr", "español": "es", "espanol": "es", "italiano": "it"},
    **{"português": "pt", "portugues": "pt", "nederlands": "nl", "svenska": "sv", "dansk": "da", "norsk": "no"},
    **{"suomi": "fi", "polski": "pl", "русский": "ru", "castellano": "es", "latino": "es-419"},
    **{"brazilian": "pt-br", "portuguese-br": "pt-br", "simplified": "zh-hans", "traditional": "zh-hant"},
}
# Subtitle flags by the words media managers use for them: forced ("foreign" parts only), SDH, default.
SUBTITLE_FORCED_WORDS: frozenset[str] = frozenset({"forced", "foreign"})
SUBTITLE_SDH_WORDS: frozenset[str] = frozenset({"sdh", "cc", "hi"})

# Release-name words, one word each as they stand between separators (lower case). Strong: never part of a title,
# they end it wherever they stand ("Alien.1080p.BluRay").
RELEASE_STRONG_TOKENS: frozenset[str] = frozenset(
    {
        *("480p", "576p", "720p", "1080p", "1080i", "2160p", "4320p", "4k", "8k", "uhd", "fhd"),
        *("bluray", "blu-ray", "bdrip", "brrip", "bdremux", "bd25", "bd50", "remux", "hddvd", "dvdrip", "dvdscr"),
        *("web-dl", "webdl", "webrip", "web-rip", "webhd", "hdtv", "hdrip", "pdtv", "sdtv", "tvrip", "hdtvrip"),
        *("x264", "x265", "h264", "h265", "h.264", "h.265", "hevc", "xvid", "divx", "avc1", "vc-1", "av1", "vp9"),
        *("aac", "ac3", "eac3", "e-ac3", "dts", "dts-hd", "dtshd", "dts-x", "dtsx", "dts-ma", "truehd", "atmos"),
        *("flac", "mp3", "opus", "lpcm", "dd", "dd+", "ddp", "10bit", "8bit", "12bit", "hdr", "hdr10", "hdr10+"),
        *("hdr10plus", "dovi", "dolbyvision", "amzn", "nf", "dsnp", "hmax", "atvp", "pcok", "hulu", "itunes"),
        *("bdmux", "brmux", "bdripmux", "brripmux", "webmux", "dvdmux", "dvdivx", "vhsrip", "tvriphd", "hdlight"),
        *("telesync", "telecine", "workprint", "pdvd", "predvd", "screener", "dvdscreener", "bdscr", "hdtc"),
        *("fullhd", "webdlrip", "web-dlrip", "dvdr", "dvd-r", "bd-rip", "br-rip", "hd-rip", "hdtv-rip"),
    }
)
# Word shapes of strong words with numbers in them ("ddp5.1", "aac2.0", "dd5.1", "h.264").
RELEASE_STRONG_SHAPES = (
    r"(?:ddp?|aac|dts|e?ac3|truehd|flac|opus|lpcm)[+.]?\d(?:[ .]\d)?|h\.?26[45]|x26[45]|\d{3,4}x\d{3,4}|\d{3,4}[pi]"
)
# Resolutions written without their "p" ("The.Office.720.HDTV"): release words only before another release word,
# so a title number stays ("300", "Apollo 13") and a lone number ending a name is left to the title.
BARE_RESOLUTIONS: frozenset[str] = frozenset({"480", "540", "576", "720", "1080", "1440", "2160", "4320"})
# Two words that are one strong word: "H 264", "DDP5 1", "Dolby Vision", "DTS-HD MA", "WEB DL".
RELEASE_STRONG_PAIRS: frozenset[str] = frozenset(
    {"full hd", "h 264", "h 265", "dolby vision", "dts-hd ma", "dts hd", "web dl", "blu ray", "web rip", "dts ma"}
)
# Edition words: release words, not title words, between the title and the year or at the end of a release name
# ("Title.EXTENDED.2013", "Title.IMAX.2018").
RELEASE_EDITION_TOKENS: frozenset[str] = frozenset(
    {
        *("extended", "unrated", "uncut", "uncensored", "remastered", "imax", "limited", "restored", "proper"),
        *("repack", "rerip", "internal", "readnfo", "nfofix", "criterion", "directorscut", "directorcut", "dc"),
        *("theatrical", "remaster", "dubbed", "subbed", "convert", "stv", "colorized", "festival", "docu"),
        "3d",  # "Title.3D.2012.1080p.HSBS": the 3D release of a title
    }
)
# Domain endings of the sites that prefix release names without "www." ("site.tld - Title", "[site.com] Title").
SITE_SUFFIXES: tuple[str, ...] = (
    *("com", "org", "net", "to", "cd", "tv", "me", "info", "ws", "cc", "io", "ru", "se", "nl", "lol", "xyz"),
    *("club", "tld", "mx", "ag", "pw", "ch"),
)
# How many years after this one a release year may be (announced titles); later "years" are title numbers
# ("Blade.Runner.2049.1080p").
YEARS_AHEAD = 2
# Leading articles of titles: never a title alone, and the one before an edition goes with it
# ("Blade.Runner.The.Final.Cut", "Show - The Complete Series").
TITLE_ARTICLES: frozenset[str] = frozenset({"the", "a", "an", "le", "la", "les", "der", "die", "das", "el", "il"})
# Articles that are also English words ("Boy, Die", "Die, Monster, Die", "Lions, As"): behind a title's last comma
# they are its article moved there only when the title shows the article's language, by a letter or a small word of
# it ("Mädchen, Die", "Stadt der Blinden, Die"); with no such sign the comma title stays as written.
_GERMAN_HINTS = (
    frozenset({"der", "die", "das", "des", "dem", "den", "und", "von", "vom", "zum", "zur", "im", "ein", "eine"})
    | frozenset({"einer", "eines", "mit", "für", "auf", "aus", "nach", "über", "unter", "ist", "nicht", "ich"}),
    "äöüß",
)
_NORDIC_HINTS = (
    frozenset({"och", "og", "av", "på", "med", "til", "från", "det", "en", "ett", "som", "af", "fra", "ur"}),
    "åäöæø",
)
_PORTUGUESE_HINTS = (
    frozenset({"da", "dos", "das", "de", "e", "em", "na", "um", "uma", "os", "com", "por", "para", "sem"}),
    "ãõçáéêíóúâ",
)
_ITALIAN_HINTS = (
    frozenset({"di", "del", "della", "dei", "delle", "e", "il", "la", "nel", "con", "un", "una", "gli", "che"}),
    "àèéìòù",
)
_SPANISH_HINTS = (frozenset({"de", "del", "la", "el", "los", "las", "y", "que", "un", "una", "con", "por"}), "ñáéíóú")
ARTICLE_LANGUAGE_HINTS: dict[str, tuple[frozenset[str], str]] = {
    "die": _GERMAN_HINTS,
    "den": (_GERMAN_HINTS[0] | _NORDIC_HINTS[0], _GERMAN_HINTS[1] + _NORDIC_HINTS[1]),
    "as": _PORTUGUESE_HINTS,
    "o": _PORTUGUESE_HINTS,
    "um": _PORTUGUESE_HINTS,
    "i": _ITALIAN_HINTS,
    "lo": (_ITALIAN_HINTS[0] | _SPANISH_HINTS[0], _ITALIAN_HINTS[1] + _SPANISH_HINTS[1]),
}
_HINT_SPLIT_RE = re.compile(r"[\W_]+")


def is_moved_article(article: str, rest: str) -> bool:
    """Whether an article behind a title's last comma was moved there from the front ("Matrix, The", "Untergang,
    Der"): always for articles that are no English words, for the others only with a sign of their language in the
    rest ("Boy, Die" and "Die, Monster, Die" are titles as written). The caller knows the word is an article."""
    lowered = article.casefold()
    hints = ARTICLE_LANGUAGE_HINTS.get(lowered)
    if hints is None:
        return True
    words, letters = hints
    text = rest.casefold()
    if any(letter in text for letter in letters):
        return True
    return any(word in words and word != lowered for word in _HINT_SPLIT_RE.split(text))


# Edition words that are also the end of real titles ("Step Up 3D (2010)"): release words in release names only.
TITLE_EDITION_TOKENS: frozenset[str] = frozenset({"3d"})
# Edition phrases of two or three words ("Directors Cut", "Special Edition", "25th Anniversary Edition").
RELEASE_EDITION_PHRASES: frozenset[str] = frozenset(
    {
        *("directors cut", "director's cut", "director cut", "extended cut", "extended edition", "final cut"),
        *("theatrical cut", "special edition", "collectors edition", "collector's edition", "anniversary edition"),
        *("ultimate edition", "imax edition", "open matte", "criterion collection", "ultimate cut", "uncut version"),
        *("remastered edition", "limited edition", "extended version", "unrated version", "dual audio"),
        *("theatrical edition", "alternative cut", "collector edition", "criterion edition", "director cut"),
    }
)
# Audio and subtitle language words of release names.
RELEASE_LANGUAGE_TOKENS: frozenset[str] = frozenset(
    {
        *("german", "deutsch", "french", "truefrench", "vostfr", "vff", "vf", "italian", "ita", "spanish"),
        *("castellano", "latino", "english", "eng", "nordic", "swedish", "danish", "norwegian", "finnish"),
        *("dutch", "flemish", "russian", "rus", "ukr", "polish", "pl", "czech", "hungarian", "hindi", "tamil"),
        *("telugu", "japanese", "jap", "korean", "kor", "chinese", "chs", "cht", "portuguese", "brazilian"),
        *("turkish", "multi", "multisubs", "multi-subs", "multisub", "dual", "dl", "ml", "md", "ld", "subs"),
    }
)
# Weak: release words right after a year or an edition word, title words elsewhere ("Old DVD", "Charlotte's Web").
RELEASE_WEAK_TOKENS: frozenset[str] = (
    frozenset(
        {
            *("dvd", "dvdr", "dvd5", "dvd9", "web", "complete", "avc", "sdr", "dv", "hdcam", "cam", "hdts", "ts"),
            *("tc", "r5", "sample", "3d", "hsbs", "h-sbs", "half-sbs", "sbs", "hou", "h-ou", "hdr", "rarbg"),
            *("pal", "ntsc", "secam", "custom", "ws", "fs", "hc", "hq", "rus", "esub", "esubs", "workprint"),
        }
    )
    | RELEASE_EDITION_TOKENS
    | RELEASE_LANGUAGE_TOKENS
)
# The words an edition or language phrase can end with: the cheap first test of a title's last word.
TAIL_WORDS: frozenset[str] = (
    RELEASE_EDITION_TOKENS
    | RELEASE_LANGUAGE_TOKENS
    | frozenset(phrase.rsplit(" ", 1)[-1] for phrase in RELEASE_EDITION_PHRASES)
    | {"edition"}
)
_STRONG_SHAPE_RE = re.compile(RELEASE_STRONG_SHAPES)
_PAIR_FIRST_WORDS = frozenset(pair.split(" ", 1)[0] for pair in RELEASE_STRONG_PAIRS)
_ANNIVERSARY_RE = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
_BRACKET_CHARS = "()[]{}"


def is_strong_release_word(word: str, following: str = "") -> bool:
    """True when a lower-case word (or it and the next) is a strong release word: "1080p", "x264-grp", "ddp5.1"."""
    if word in RELEASE_STRONG_TOKENS:
        return True
    if word.isalpha():  # most title words: only a pair can make them release words ("dolby vision")
        return (
            bool(following)
            and word in _PAIR_FIRST_WORDS
            and f"{word} {following.strip(_BRACKET_CHARS)}" in (RELEASE_STRONG_PAIRS)
        )
    word = word.strip(_BRACKET_CHARS)
    if word in RELEASE_STRONG_TOKENS:
        return True
    if word.isdigit():  # years, episode numbers, title numbers; a bare resolution before release words
        return word in BARE_RESOLUTIONS and bool(following) and is_release_word(following.lower())
    if "-" in word and any(part in RELEASE_STRONG_TOKENS for part in word.split("-")):
        return True  # "x264-GRP", "Dual-DVDRip", "WEBDL-1080p"
    if following and word in _PAIR_FIRST_WORDS and f"{word} {following.strip(_BRACKET_CHARS)}" in RELEASE_STRONG_PAIRS:
        return True
    return word[:1] in "0123456789adefhlotx" and _STRONG_SHAPE_RE.fullmatch(word) is not None


def edition_length(words: list[str], start: int) -> int:
    """How many lower-case words from start form an edition or language phrase ("directors cut", "german"); 0 for
    none. "25th Anniversary Edition" is three."""
    first = words[start].strip(_BRACKET_CHARS)
    if start + 2 < len(words) and _ANNIVERSARY_RE.fullmatch(first):
        phrase = f"{words[start + 1]} {words[start + 2]}".strip(_BRACKET_CHARS)
        if phrase == "anniversary edition":
            return 3
    if start + 1 < len(words) and f"{first} {words[start + 1].strip(_BRACKET_CHARS)}" in RELEASE_EDITION_PHRASES:
        return 2
    return 1 if first in RELEASE_EDITION_TOKENS or first in RELEASE_LANGUAGE_TOKENS else 0


def is_release_word(word: str, following: str = "") -> bool:
    """True for strong and weak release words, and edition phrases starting here."""
    bare = word.strip(_BRACKET_CHARS)
    if bare in RELEASE_WEAK_TOKENS or is_strong_release_word(bare, following):
        return True
    pair = f"{bare} {following.strip(_BRACKET_CHARS)}"
    return bool(following) and pair in RELEASE_EDITION_PHRASES


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
_EPISODE_TAG_RE = re.compile(r"s\d{1,4}e\d{1,4}")
_WORD_SPLIT_RE = re.compile(r"[\s._]+")


def _ends_with_release_word(head: str) -> bool:
    words = _WORD_SPLIT_RE.split(head.lower())
    last = words[-1] if words else ""
    return is_release_word(last) or _EPISODE_TAG_RE.fullmatch(last) is not None


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
        if kind == "word" and stem[match.start() :].lstrip(" -").isupper() and _ends_with_release_word(head):
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


def is_loose_movie_name(name: str) -> bool:
    """True for a video directly in the library root that media servers take for a movie of its own: any video
    except extras ("trailer.mp4", "Movie-sample.mkv")."""
    if not is_video_name(name) or name.startswith("."):
        return False
    return extra_type(name[: name.rfind(".")]) is None


def belongs_to_loose_video(name: str, video: str) -> bool:
    """Whether a file in the library root goes with a loose video there: the video itself and the files named after
    it ("Movie.nfo", "Movie-poster.jpg", "Movie.en.srt", "Movie-trailer.mkv"), never another movie ("Movie 2.mkv")."""
    if name == video:
        return True
    stem = video[: video.rfind(".")]
    if not name.startswith(stem) or name[len(stem) : len(stem) + 1] not in (".", "-", "_", " ") or name == stem:
        return False
    return not is_video_name(name) or extra_type(name[: name.rfind(".")]) is not None


# Multi-part files: "Movie-cd1.avi", "Movie CD2.avi", "Movie.part1.mkv", "Movie_disc2.mkv", "Movie pt1.mkv",
# "Moviecd1.avi", "Movie-cd1-GROUP.avi". The base is greedy so the last marker counts ("Script 2 cd1").
_STACK_RE = re.compile(
    rf"^(?P<base>.*)(?:{'|'.join(STACK_WORDS)})[\s._-]*(?P<n>\d{{1,3}})(?P<rest>[\s._-].*)?$",
    re.IGNORECASE,
)
_STACK_SEPARATORS = " ._-"


def stack_part(stem: str) -> tuple[str, str, int] | None:
    """(base, text after the marker, part number) of a multi-part file stem, or None."""
    match = _STACK_RE.match(stem)
    if match is None:
        return None
    base = match.group("base").strip(_STACK_SEPARATORS)
    if not base:
        return None
    return base, match.group("rest") or "", int(match.group("n"))


def loose_stack(video: str, names: Sequence[str]) -> list[str]:
    """The videos loose in the library root that are parts of one movie with video ("Movie-cd1.avi" beside
    "Movie-cd2.avi", same base, same text after the marker, same extension), in part order; [video] when it is no
    part of a stack of two or more."""
    dot = video.rfind(".")
    part = stack_part(video[:dot]) if dot > 0 else None
    if part is None:
        return [video]
    key = (part[0].lower(), part[1].lower(), video[dot:].lower())
    parts: list[tuple[int, str]] = []
    for name in names:
        dot = name.rfind(".")
        other = stack_part(name[:dot]) if dot > 0 and is_loose_movie_name(name) else None
        if other is not None and (other[0].lower(), other[1].lower(), name[dot:].lower()) == key:
            parts.append((other[2], name))
    return [name for _, name in sorted(parts)] if len(parts) > 1 else [video]


def belongs_to_loose_stack(name: str, parts: Sequence[str]) -> bool:
    """Whether a file in the library root goes with a loose movie of these parts (loose_stack): the parts, the files
    named after one ("Movie-cd1.en.srt") and, for a stack, those named after its base ("Movie.nfo",
    "Movie-poster.jpg")."""
    if any(belongs_to_loose_video(name, part) for part in parts):
        return True
    if len(parts) < 2:
        return False
    dot = parts[0].rfind(".")
    part = stack_part(parts[0][:dot])
    return part is not None and belongs_to_loose_video(name, part[0] + parts[0][dot:])


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
