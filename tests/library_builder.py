"""Builds realistic movie and TV libraries on disk from the committed tiny media fixtures, with what a scan must find.

    python -m tests.library_builder DIR/demo-library      # the `make demo` movie library (DIR: the data dir)
    python -m tests.library_builder --tv DIR/demo-tv      # the `make demo` TV library

Every case the scanner must handle has a folder here; `build_library` and `build_tv_library` return the expectations
the tests assert.
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MEDIA = Path(__file__).parent / "fixtures" / "media"


@dataclass
class ExpectedMovie:
    directory: str
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    main_video: str | None = None
    parts: int = 1
    assets: dict[str, int] = field(default_factory=dict)  # asset type -> count
    errors: int = 0
    title_source: str = "folder"
    disc: str | None = None
    video_codec: str | None = None


@dataclass
class LibraryManifest:
    root: Path
    movies: dict[str, ExpectedMovie] = field(default_factory=dict)  # by directory
    error_directories: list[str] = field(default_factory=list)  # directories that become errors, not movies
    ignored: int = 0
    outside: Path | None = None

    @property
    def directories_total(self) -> int:
        return len(self.movies) + len(self.error_directories)

    @property
    def errors_count(self) -> int:
        return len(self.error_directories) + sum(m.errors for m in self.movies.values())

    @property
    def assets_total(self) -> int:
        return sum(sum(m.assets.values()) for m in self.movies.values())


FULL_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<movie>
  <title>The Matrix</title>
  <originaltitle>The Matrix</originaltitle>
  <sorttitle>Matrix 1</sorttitle>
  <year>1999</year>
  <premiered>1999-03-31</premiered>
  <plot>A hacker learns the truth about his reality.</plot>
  <outline>Neo wakes up.</outline>
  <tagline>Welcome to the Real World.</tagline>
  <runtime>136</runtime>
  <mpaa>R</mpaa>
  <ratings>
    <rating name="imdb" max="10" default="true"><value>8.7</value><votes>1900000</votes></rating>
    <rating name="themoviedb" max="10"><value>8.2</value><votes>24000</votes></rating>
  </ratings>
  <uniqueid type="imdb" default="true">tt0133093</uniqueid>
  <uniqueid type="tmdb">603</uniqueid>
  <genre>Action</genre>
  <genre>Science Fiction</genre>
  <studio>Warner Bros.</studio>
  <country>United States of America</country>
  <director>Lana Wachowski</director>
  <director>Lilly Wachowski</director>
  <credits>Lana Wachowski</credits>
  <actor><name>Keanu Reeves</name><role>Neo</role><order>0</order></actor>
  <actor><name>Carrie-Anne Moss</name><role>Trinity</role><order>1</order></actor>
  <set><name>The Matrix Collection</name></set>
</movie>
"""

NAME_ONLY = [
    ("Blade Runner 2049 (2017)", "Blade Runner 2049", 2017),
    ("The.Godfather.1972.1080p.BluRay.x264-GRP", "The Godfather", 1972),
    ("Amélie (2001)", "Amélie", 2001),
    ("2001 A Space Odyssey (1968)", "2001 A Space Odyssey", 1968),
    ("1917 (2019)", "1917", 2019),
    ("Casablanca (1942)", "Casablanca", 1942),
    ("Spirited Away (2001)", "Spirited Away", 2001),
    ("Seven Samurai (1954)", "Seven Samurai", 1954),
    ("Whiplash [2014]", "Whiplash", 2014),
    ("Mad.Max.Fury.Road.2015.2160p.WEB-DL", "Mad Max Fury Road", 2015),
    ("Her (2013)", "Her", 2013),
    ("Up (2009)", "Up", 2009),
    ("Memento (2000)", "Memento", 2000),
    ("Oldboy (2003)", "Oldboy", 2003),
    ("Rear Window (1954)", "Rear Window", 1954),
    ("Vertigo (1958)", "Vertigo", 1958),
    ("Metropolis (1927)", "Metropolis", 1927),
    ("Heat 2 (2026)", "Heat 2", 2026),
    ("Alien", "Alien", None),
    ("The_Thing_1982", "The Thing", 1982),
]


def _copy(fixture: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MEDIA / fixture, target)


def _write(target: Path, text: str | bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")


def build_library(root: Path, *, hostile: bool = True) -> LibraryManifest:
    """Create the library under root (which must not exist yet) and return what a scan must find."""
    root.mkdir(parents=True)
    m = LibraryManifest(root=root.resolve())

    def movie(directory: str, **kwargs: object) -> ExpectedMovie:
        expected = ExpectedMovie(directory=directory, **kwargs)  # type: ignore[arg-type]
        m.movies[directory] = expected
        return expected

    # Full Kodi NFO, every artwork type, trailer, subtitles with languages and flags, extrafanart.
    d = root / "The Matrix (1999)"
    _copy("h264_aac_2audio_subs.mkv", d / "The.Matrix.1999.mkv")
    _write(d / "movie.nfo", FULL_NFO)
    for name, fixture in [
        ("poster.jpg", "poster.jpg"),
        ("fanart.jpg", "fanart.jpg"),
        ("banner.jpg", "fanart.jpg"),
        ("clearlogo.png", "logo.png"),
        ("clearart.png", "clearart.png"),
        ("disc.png", "disc.png"),
        ("landscape.jpg", "fanart.jpg"),
        ("keyart.jpg", "poster.jpg"),
        ("extrafanart/fanart1.jpg", "fanart.jpg"),
        ("extrafanart/fanart2.jpg", "poster.jpg"),
        ("The.Matrix.1999-trailer.mp4", "trailer.mp4"),
        ("The.Matrix.1999.en.srt", "subtitle.en.srt"),
        ("The.Matrix.1999.fr.forced.ass", "subtitle.fr.ass"),
        ("The.Matrix.1999.de.sdh.srt", "subtitle.en.srt"),
    ]:
        _copy(fixture, d / name)
    movie(
        "The Matrix (1999)",
        title="The Matrix",
        year=1999,
        imdb_id="tt0133093",
        tmdb_id=603,
        main_video="The Matrix (1999)/The.Matrix.1999.mkv",
        title_source="nfo",
        video_codec="h264",
        assets={
            "poster": 1,
            "fanart": 3,
            "banner": 1,
            "clearlogo": 1,
            "clearart": 1,
            "discart": 1,
            "landscape": 1,
            "keyart": 1,
            "trailer": 1,
            "subtitle": 3,
        },
    )
    m.ignored += 1  # extrafanart/ is an extras folder: its images belong to the movie, it is not a movie

    # <video>.nfo and <video>-poster naming.
    d = root / "Inception (2010)"
    _copy("h264_aac.mp4", d / "Inception.mp4")
    _write(
        d / "Inception.nfo",
        '<movie><title>Inception</title><year>2010</year><uniqueid type="tmdb">27205</uniqueid></movie>',
    )
    _copy("poster.jpg", d / "Inception-poster.jpg")
    _copy("fanart.jpg", d / "Inception-fanart.jpg")
    movie(
        "Inception (2010)",
        title="Inception",
        year=2010,
        tmdb_id=27205,
        main_video="Inception (2010)/Inception.mp4",
        title_source="nfo",
        assets={"poster": 1, "fanart": 1},
    )

    # URL-only NFO: the IMDb id is kept, the title comes from the folder.
    d = root / "Alien (1979)"
    _copy("mpeg4_mp3.avi", d / "alien.avi")
    _write(d / "movie.nfo", "https://www.imdb.com/title/tt0078748/\n")
    movie(
        "Alien (1979)",
        title="Alien",
        year=1979,
        imdb_id="tt0078748",
        main_video="Alien (1979)/alien.avi",
        video_codec="mpeg4",
    )

    # Junk after the closing tag (a scraper's URL line): the XML wins, the id in the junk is kept too.
    d = root / "Heat (1995)"
    _copy("vp9_opus.webm", d / "Heat.webm")
    _write(
        d / "movie.nfo",
        "<movie><title>Heat</title><year>1995</year></movie>\nhttps://www.themoviedb.org/movie/949-heat\n",
    )
    movie(
        "Heat (1995)",
        title="Heat",
        year=1995,
        tmdb_id=949,
        main_video="Heat (1995)/Heat.webm",
        title_source="nfo",
        video_codec="vp9",
    )

    # Invalid XML: a counted error, the movie is still recorded from its folder name.
    d = root / "Broken Nfo (2001)"
    _copy("h264_aac.mp4", d / "Broken.mp4")
    _write(d / "movie.nfo", "<movie><title>Broken</titel></movie>")
    movie("Broken Nfo (2001)", title="Broken Nfo", year=2001, main_video="Broken Nfo (2001)/Broken.mp4", errors=1)

    # Ids written in folder names.
    named_ids = [
        ("Arrival (2016) [tmdbid-329865]", "Arrival", 2016, None, 329865),
        ("Parasite (2019) {imdb-tt6751668}", "Parasite", 2019, "tt6751668", None),
    ]
    for folder, title, named_year, imdb, tmdb in named_ids:
        _copy("h264_aac.mp4", root / folder / f"{title}.mp4")
        movie(folder, title=title, year=named_year, imdb_id=imdb, tmdb_id=tmdb, main_video=f"{folder}/{title}.mp4")

    # Name-only folders.
    for folder, title, name_year in NAME_ONLY:
        _copy("h264_aac.mp4", root / folder / "movie.mp4")
        movie(folder, title=title, year=name_year, main_video=f"{folder}/movie.mp4")

    # Multi-part files stack into one movie.
    d = root / "Kill Bill (2003)"
    _copy("mpeg4_mp3.avi", d / "Kill.Bill-cd1.avi")
    _copy("mpeg4_mp3.avi", d / "Kill.Bill-cd2.avi")
    movie("Kill Bill (2003)", title="Kill Bill", year=2003, main_video="Kill Bill (2003)/Kill.Bill-cd1.avi", parts=2)

    # A sample file bigger than the movie is still not the movie; a Sample folder is an extras folder.
    d = root / "Dune (2021)"
    _copy("h264_aac.mp4", d / "Dune.2021.mp4")
    _copy("hevc_10bit_hdr10.mkv", d / "Dune.2021-sample.mkv")
    _copy("h264_aac_2audio_subs.mkv", d / "Sample" / "sample.mkv")
    movie("Dune (2021)", title="Dune", year=2021, main_video="Dune (2021)/Dune.2021.mp4")
    m.ignored += 1

    # Extras folders belong to the movie; a trailers/ folder gives trailer assets.
    d = root / "Jaws (1975)"
    _copy("h264_aac_2audio_subs.mkv", d / "Jaws.mkv")
    _copy("h264_aac.mp4", d / "Extras" / "making-of.mp4")
    _copy("h264_aac.mp4", d / "Featurettes" / "shark.mp4")
    _copy("h264_aac.mp4", d / "Behind The Scenes" / "set.mp4")
    _copy("trailer.mp4", d / "Trailers" / "teaser.mp4")
    _copy("poster.jpg", d / "folder.jpg")
    movie("Jaws (1975)", title="Jaws", year=1975, main_video="Jaws (1975)/Jaws.mkv", assets={"trailer": 1, "poster": 1})
    m.ignored += 4

    # HDR10 HEVC.
    d = root / "Dune Part Two (2024)"
    _copy("hevc_10bit_hdr10.mkv", d / "Dune.Part.Two.2024.2160p.mkv")
    movie(
        "Dune Part Two (2024)",
        title="Dune Part Two",
        year=2024,
        main_video="Dune Part Two (2024)/Dune.Part.Two.2024.2160p.mkv",
        video_codec="hevc",
    )

    # A collection folder holds movies; it is not a movie itself.
    for sub in ("Iron Man (2008)", "Thor (2011)"):
        _copy("h264_aac.mp4", root / "Marvel" / sub / "movie.mp4")
        movie(f"Marvel/{sub}", title=sub.split(" (")[0], year=int(sub[-5:-1]), main_video=f"Marvel/{sub}/movie.mp4")

    # A DVD rip: the disc folder's parent is the movie.
    d = root / "Old DVD (1995)"
    _copy("tiny.mpg", d / "VIDEO_TS" / "VTS_01_1.VOB")
    _write(d / "VIDEO_TS" / "VIDEO_TS.IFO", b"DVDVIDEO-VMG")
    movie("Old DVD (1995)", title="Old DVD", year=1995, main_video="Old DVD (1995)/VIDEO_TS", disc="dvd")

    # A text file named .mkv: the movie is recorded, its media info is a counted error.
    _write(root / "Fake (2020)" / "Fake.mkv", "this is not a video\n")
    movie("Fake (2020)", title="Fake", year=2020, main_video="Fake (2020)/Fake.mkv", errors=1)

    # A zero-byte video: a counted error, no movie.
    _write(root / "Empty (2010)" / "Empty.mkv", b"")
    m.error_directories.append("Empty (2010)")

    # Ignored: a marker file, a dot folder, NAS system folders.
    _copy("h264_aac.mp4", root / "Ignored (2000)" / "movie.mp4")
    _write(root / "Ignored (2000)" / ".ignore", "")
    _copy("h264_aac.mp4", root / ".hidden (2000)" / "movie.mp4")
    _copy("poster.jpg", root / "@eaDir" / "thumb.jpg")
    m.ignored += 3

    # A symlink loop inside a movie folder: never followed forever.
    d = root / "Loop (2000)"
    _copy("h264_aac.mp4", d / "Loop.mp4")
    os.symlink("..", d / "again")
    movie("Loop (2000)", title="Loop", year=2000, main_video="Loop (2000)/Loop.mp4")

    if hostile:
        # A symlink that leaves the root: never followed.
        outside = root.parent / f"{root.name}-outside"
        _copy("h264_aac.mp4", outside / "Secret (2000)" / "movie.mp4")
        os.symlink(outside, root / "Outside")
        m.outside = outside

        # An unreadable folder: an error when the OS enforces it (as root it does not, so it is a movie).
        d = root / "Locked (2005)"
        _copy("h264_aac.mp4", d / "Locked.mp4")
        d.chmod(0)
        try:
            os.listdir(d)
        except PermissionError:
            m.error_directories.append("Locked (2005)")
        else:
            movie("Locked (2005)", title="Locked", year=2005, main_video="Locked (2005)/Locked.mp4")
    return m


def build_bulk_library(root: Path, count: int, *, with_assets: bool = True) -> list[str]:
    """`count` simple movie folders sharing one tiny video by hard link (fast to make, real to scan)."""
    root.mkdir(parents=True, exist_ok=True)
    video = root.parent / f".{root.name}-video.mp4"
    poster = root.parent / f".{root.name}-poster.jpg"
    _copy("h264_aac.mp4", video)
    _copy("poster.jpg", poster)
    directories = []
    for i in range(count):
        directory = root / f"Movie {i:05d} ({1950 + i % 70})"
        directory.mkdir()
        os.link(video, directory / "movie.mp4")
        if with_assets:
            os.link(poster, directory / "poster.jpg")
        directories.append(directory.name)
    return directories


def build_library_with_bulk(root: Path, count: int, folder: str = "More") -> LibraryManifest:
    """build_library's movies under root, and `count` bulk movies in its subfolder `folder` (for a scan that lasts)."""
    library = build_library(root)
    build_bulk_library(root / folder, count)
    return library


@dataclass
class ExpectedSeries:
    directory: str
    title: str
    year: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    title_source: str = "folder"
    seasons: dict[int, int] = field(default_factory=dict)  # season number -> episodes in it
    unnumbered: int = 0  # episodes without a season (air dates, absolute numbers)
    files: int = 0  # episode video files (a multi-episode file is one)
    unmatched: list[str] = field(default_factory=list)  # video files no episode rule matches, relative to the root
    assets: dict[str, int] = field(default_factory=dict)  # asset type -> count (series, seasons and episodes)

    @property
    def episodes(self) -> int:
        return sum(self.seasons.values()) + self.unnumbered


@dataclass
class TvLibraryManifest:
    root: Path
    series: dict[str, ExpectedSeries] = field(default_factory=dict)  # by directory
    ignored_files: int = 0  # sample videos: neither episodes nor unmatched

    @property
    def series_total(self) -> int:
        return len(self.series)

    @property
    def episodes_total(self) -> int:
        return sum(s.episodes for s in self.series.values())

    @property
    def episode_files(self) -> int:
        return sum(s.files for s in self.series.values())

    @property
    def unmatched(self) -> list[str]:
        return [path for s in self.series.values() for path in s.unmatched]

    @property
    def assets_total(self) -> int:
        return sum(sum(s.assets.values()) for s in self.series.values())


TVSHOW_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<tvshow>
  <title>Breaking Code</title>
  <year>2019</year>
  <premiered>2019-09-12</premiered>
  <plot>Two programmers ship a product nobody asked for.</plot>
  <genre>Comedy</genre>
  <studio>Demo Network</studio>
  <uniqueid type="tmdb" default="true">4242</uniqueid>
  <uniqueid type="tvdb">424242</uniqueid>
  <actor><name>Ada Example</name><role>Lead</role></actor>
</tvshow>
"""

EPISODE_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<episodedetails>
  <title>Hello, World</title>
  <season>1</season>
  <episode>1</episode>
  <aired>2019-09-12</aired>
  <plot>The first commit.</plot>
</episodedetails>
"""


def build_tv_library(root: Path) -> TvLibraryManifest:
    """Create a TV library under root (which must not exist yet) and return what a scan must find."""
    root.mkdir(parents=True)
    m = TvLibraryManifest(root=root.resolve())

    # Season folders and Specials, tvshow.nfo with TMDB and TVDB ids, series and season art, an episode NFO,
    # a multi-episode file, an episode thumb and subtitle, a sample clip and a video no rule matches.
    show = "Breaking Code (2019)"
    d = root / show
    _write(d / "tvshow.nfo", TVSHOW_NFO)
    for name, fixture in [
        ("poster.jpg", "poster.jpg"),
        ("fanart.jpg", "fanart.jpg"),
        ("banner.jpg", "fanart.jpg"),
        ("season01-poster.jpg", "poster.jpg"),
        ("season-specials-poster.jpg", "poster.jpg"),
        ("Season 01/Breaking Code S01E01.mkv", "h264_aac_2audio_subs.mkv"),
        ("Season 01/Breaking Code S01E01-thumb.jpg", "fanart.jpg"),
        ("Season 01/Breaking Code S01E01.en.srt", "subtitle.en.srt"),
        ("Season 01/Breaking Code S01E01-sample.mkv", "h264_aac.mp4"),
        ("Season 01/Breaking Code S01E02.mp4", "h264_aac.mp4"),
        ("Season 01/Breaking Code S01E03E04.mp4", "h264_aac.mp4"),
        ("Season 02/Breaking Code S02E01.mkv", "hevc_10bit_hdr10.mkv"),
        ("Season 02/Breaking Code S02E02.mp4", "h264_aac.mp4"),
        ("Season 02/outtakes reel.mp4", "h264_aac.mp4"),
        ("Specials/Breaking Code S00E01.mp4", "h264_aac.mp4"),
    ]:
        _copy(fixture, d / name)
    _write(d / "Season 01" / "Breaking Code S01E01.nfo", EPISODE_NFO)
    m.series[show] = ExpectedSeries(
        show,
        "Breaking Code",
        2019,
        tmdb_id=4242,
        tvdb_id=424242,
        title_source="nfo",
        seasons={0: 1, 1: 4, 2: 2},
        files=6,
        unmatched=[f"{show}/Season 02/outtakes reel.mp4"],
        assets={"poster": 3, "fanart": 1, "banner": 1, "thumb": 1, "subtitle": 1},
    )
    m.ignored_files += 1

    # Episodes directly in the series folder, "1x01" naming, no NFO: the series is found by a title search.
    show = "Quiet Harbor (2021)"
    _copy("h264_aac.mp4", root / show / "Quiet Harbor 1x01.mp4")
    _copy("vp9_opus.webm", root / show / "Quiet Harbor 1x02.webm")
    m.series[show] = ExpectedSeries(show, "Quiet Harbor", 2021, seasons={1: 2}, files=2)

    # Anime: absolute episode numbers, no season.
    show = "Star Drifters"
    _copy("h264_aac.mp4", root / show / "Star Drifters - 101.mkv")
    _copy("h264_aac.mp4", root / show / "Star Drifters - 102.mkv")
    m.series[show] = ExpectedSeries(show, "Star Drifters", unnumbered=2, files=2)

    # A daily show: episodes by air date.
    show = "The Late Hour"
    _copy("h264_aac.mp4", root / show / "The Late Hour 2024-03-01.mp4")
    _copy("h264_aac.mp4", root / show / "The Late Hour 2024-03-04.mp4")
    m.series[show] = ExpectedSeries(show, "The Late Hour", unnumbered=2, files=2)
    return m


def _build_once(target: Path, build: Callable[[Path], str]) -> None:
    """Build a library at target unless something is there already; build says what it created."""
    if target.exists():
        print(f"{target} already exists; using it as it is")
        return
    print(f"created {build(target)} under {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Create a sample movie and/or TV library from the test fixtures.")
    parser.add_argument("target", type=Path, nargs="?", help="the movie library to create")
    parser.add_argument("--tv", type=Path, metavar="TARGET", help="the TV library to create")
    args = parser.parse_args()
    if args.target is None and args.tv is None:
        parser.error("give a TARGET for a movie library and/or --tv TARGET for a TV library")
    if args.target is not None:
        _build_once(args.target, lambda root: f"{len(build_library(root, hostile=False).movies)} movie folders")
    if args.tv is not None:
        _build_once(args.tv, _describe_tv_library)


def _describe_tv_library(root: Path) -> str:
    m = build_tv_library(root)
    return f"{m.series_total} series ({m.episodes_total} episodes, {len(m.unmatched)} unmatched file)"


if __name__ == "__main__":
    main()
