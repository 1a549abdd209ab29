"""Music library layout rules: album folder names, disc folders, track file names, artwork names, compilations.

Tags come first; these rules are what a scan falls back on when tags are missing (and how it tells an album's
artwork and disc folders). Pure functions, unit tested.
"""

from __future__ import annotations

import re
import unicodedata

# "Disc 2", "CD1", "Disk 03", "CD 2 - Live", "Disc2"
_DISC_FOLDER_RE = re.compile(r"^(?:cd|disc|disk)[\s._-]*0*(\d{1,3})(?:\b|[\s._-].*)?$", re.IGNORECASE)
# "Album (1997)", "Album [1997]", "1997 - Album", "[1997] Album", "(1997) Album", "Album - 1997"
_YEAR_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s*[\(\[](?P<year>\d{4})[\)\]]\s*(?:[\(\[].*)?$")
_YEAR_PREFIX_RE = re.compile(r"^[\(\[]?(?P<year>\d{4})[\)\]]?\s*(?:-|\u2013|\.|_)?\s*(?P<title>.+)$")
_YEAR_DASH_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s+-\s+(?P<year>\d{4})$")
# "1-03 Title", "1.03 - Title", "103 - Title" (a disc digit and two track digits), "03 - Title", "03. Title",
# "03 Title", "Track 03"; optionally "Artist - " after the number.
_DISC_TRACK_RE = re.compile(r"^(?P<disc>\d{1,2})[-.](?P<track>\d{1,3})(?:\s*[-._]\s*|\s+)(?P<rest>.+)$")
_TRACK_RE = re.compile(r"^(?:track\s*)?(?P<track>\d{1,3})(?:\s*[-._)]\s*|\s+)(?P<rest>.+)$", re.IGNORECASE)
_TRACK_ONLY_RE = re.compile(r"^(?:track\s*)?(?P<track>\d{1,3})$", re.IGNORECASE)
VARIOUS_ARTISTS = "Various Artists"
_VARIOUS_NAMES = frozenset({"various artists", "various", "va", "v.a.", "v/a", "compilations", "soundtracks"})
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
# Album artwork by file stem (lower case): Kodi's and Jellyfin's names.
_ALBUM_IMAGES = {"cover": "cover", "folder": "cover", "front": "cover", "albumart": "cover", "album": "cover",
                 "back": "back", "disc": "discart", "cd": "discart", "cdart": "discart"}  # fmt: skip
# Artist artwork: in the artist's folder, or beside an album's tracks.
_ARTIST_IMAGES = {"artist": "artist", "fanart": "fanart", "backdrop": "fanart", "logo": "logo",
                  "clearlogo": "logo", "banner": "banner"}  # fmt: skip


def disc_folder_number(name: str) -> int | None:
    """The disc number of a disc subfolder of an album ("CD1", "Disc 2 - Live"), else None."""
    match = _DISC_FOLDER_RE.match(name.strip())
    return int(match.group(1)) if match else None


def parse_album_folder(name: str) -> tuple[str, int | None]:
    """An album folder's title and year: "OK Computer (1997)", "1997 - OK Computer", "[1997] OK Computer"."""
    text = " ".join(name.replace("_", " ").split())
    for pattern in (_YEAR_SUFFIX_RE, _YEAR_DASH_SUFFIX_RE, _YEAR_PREFIX_RE):
        match = pattern.match(text)
        if match and 1000 <= int(match.group("year")) <= 2999 and match.group("title").strip(" -"):
            return match.group("title").strip(" -"), int(match.group("year"))
    return text.strip() or name, None


def parse_track_name(stem: str) -> tuple[int | None, int | None, str | None, str]:
    """(disc, track, artist, title) from a track's file name without its extension: "03 - Title",
    "1-03 Title", "103 - Title", "03 - Artist - Title", "Artist - Title". Unknown parts are None; the title is
    the whole stem when nothing else matches."""
    text = " ".join(stem.replace("_", " ").split())
    disc = track = None
    rest = text
    match = _DISC_TRACK_RE.match(text)
    if match:
        disc, track, rest = int(match.group("disc")), int(match.group("track")), match.group("rest")
    else:
        match = _TRACK_RE.match(text)
        if match:
            track, rest = int(match.group("track")), match.group("rest")
            if track >= 100 and len(match.group("track")) == 3:  # "103 - Title": disc 1, track 3
                disc, track = track // 100, track % 100
        elif _TRACK_ONLY_RE.match(text):
            return None, int(_TRACK_ONLY_RE.match(text).group("track")), None, text  # type: ignore[union-attr]
    artist = None
    if " - " in rest:
        head, tail = rest.split(" - ", 1)
        if head.strip() and tail.strip():
            artist, rest = head.strip(), tail.strip()
    return disc, track or None, artist, rest.strip() or text


def is_various_artists(name: str | None) -> bool:
    return bool(name) and " ".join(str(name).lower().split()) in _VARIOUS_NAMES


def name_key(name: str) -> str:
    """A name as the key that finds it again: case, accents' composition and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def album_asset_type(name: str) -> str | None:
    """ "cover.jpg", "folder.jpg", "front.png", "albumart_{...}_large.jpg", "disc.png", "cd1.png" -> the type."""
    stem, ext = _split(name)
    if ext not in IMAGE_EXTENSIONS:
        return None
    if stem.startswith("albumart"):
        return "cover"
    if re.fullmatch(r"(?:cd|disc)\d{1,2}", stem):
        return "discart"
    return _ALBUM_IMAGES.get(stem)


def artist_asset_type(name: str) -> str | None:
    """ "artist.jpg", "fanart.jpg", "logo.png", "banner.jpg" -> the type; "folder.jpg" in an artist's own folder
    is the artist's picture too (see artist_folder_asset_type)."""
    stem, ext = _split(name)
    if ext not in IMAGE_EXTENSIONS:
        return None
    return _ARTIST_IMAGES.get(stem)


def artist_folder_asset_type(name: str) -> str | None:
    """Artwork in an artist's folder (above the album folders): its own names, and folder.jpg as its picture."""
    stem, ext = _split(name)
    if ext in IMAGE_EXTENSIONS and stem in ("folder", "cover"):
        return "artist"
    return artist_asset_type(name)


def _split(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    if dot <= 0:
        return name.lower(), ""
    return name[:dot].lower(), name[dot:].lower()
