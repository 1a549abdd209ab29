"""Versions, stacks and discs of movies and episodes, on real folders of the committed tiny media files; and that a
rescan whose parse changed updates the movie it recorded rather than adding another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from reelscan.db.models import Movie, Season
from reelscan.db.session import session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.library.media_info import read_media_info
from reelscan.library.scanner import DirectoryError, scan_movie_directory
from reelscan.library.series_scanner import scan_series_directory
from reelscan.settings import Settings
from tests.library_builder import MEDIA
from tests.movie_folders import record_movie_folder, record_series_folder


def put(path: Path, fixture: str = "h264_aac.mp4", *, repeat: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (MEDIA / fixture).read_bytes()
    if repeat == 1:
        shutil.copyfile(MEDIA / fixture, path)
    else:  # a bigger file of the same kind: the fixture followed by padding
        path.write_bytes(data + b"\0" * len(data) * (repeat - 1))
    return path


def names(paths: tuple[Path, ...]) -> list[str]:
    return [p.name for p in paths]


def test_versions_of_a_movie_are_known_and_the_largest_is_the_main_video(tmp_path: Path) -> None:
    folder = tmp_path / "Dune (2021)"
    put(folder / "Dune (2021) - 1080p.mp4")
    put(folder / "Dune (2021) - 2160p.mp4", repeat=3)
    put(folder / "Dune (2021) - trailer.mp4", "trailer.mp4")
    scan = scan_movie_directory(tmp_path, "Dune (2021)", read_media=False)
    assert scan.main.path.name == "Dune (2021) - 2160p.mp4"
    assert names(scan.main.versions) == ["Dune (2021) - 1080p.mp4"]
    assert (scan.title, scan.year) == ("Dune", 2021)
    assert [(a.asset_type, a.path.name) for a in scan.assets] == [("trailer", "Dune (2021) - trailer.mp4")]


def test_other_movies_in_a_folder_are_no_versions(tmp_path: Path) -> None:
    folder = tmp_path / "Mixed"
    put(folder / "Heat.1995.mp4", repeat=2)
    put(folder / "Alien.1979.mp4")
    scan = scan_movie_directory(tmp_path, "Mixed", read_media=False)
    assert scan.main.path.name == "Heat.1995.mp4" and scan.main.versions == ()


def test_a_stacked_movie_reports_the_duration_and_size_of_all_parts(tmp_path: Path) -> None:
    folder = tmp_path / "Heat (1995)"
    first = put(folder / "Heat-cd1.mp4")
    put(folder / "Heat-cd2.mp4")
    single = read_media_info(first)
    scan = scan_movie_directory(tmp_path, "Heat (1995)")
    assert names(scan.main.parts) == ["Heat-cd1.mp4", "Heat-cd2.mp4"]
    assert scan.media is not None and single.duration_seconds is not None and single.file_size is not None
    assert scan.media.duration_seconds == round(2 * single.duration_seconds, 3)
    assert scan.media.file_size == 2 * single.file_size == scan.main.size


def test_a_year_only_in_the_file_name(tmp_path: Path) -> None:
    put(tmp_path / "City of God" / "City.of.God.2002.2160p.HDR.mp4")
    scan = scan_movie_directory(tmp_path, "City of God", read_media=False)
    assert (scan.title, scan.year) == ("City of God", 2002)


def test_a_dvd_split_into_disc_folders_is_one_movie(tmp_path: Path) -> None:
    movie = tmp_path / "Movies" / "Lawrence of Arabia (1962)"
    put(movie / "Disc 1" / "VIDEO_TS" / "VTS_01_1.VOB", "tiny.mpg")
    put(movie / "Disc 2" / "VIDEO_TS" / "VTS_01_1.VOB", "tiny.mpg")
    put(tmp_path / "Movies" / "Heat (1995)" / "Heat.mp4")
    found = [d.path for d in LibraryWalker(tmp_path / "Movies").walk()]
    assert found == ["Heat (1995)", "Lawrence of Arabia (1962)"]
    scan = scan_movie_directory(tmp_path / "Movies", "Lawrence of Arabia (1962)")
    assert scan.main.disc == "dvd"
    assert [scan.relative(p) for p in scan.main.parts] == [
        "Lawrence of Arabia (1962)/Disc 1/VIDEO_TS",
        "Lawrence of Arabia (1962)/Disc 2/VIDEO_TS",
    ]
    single = read_media_info(movie / "Disc 1" / "VIDEO_TS")
    assert scan.media is not None and single.duration_seconds is not None
    assert scan.media.duration_seconds == round(2 * single.duration_seconds, 3)
    assert (scan.title, scan.year) == ("Lawrence of Arabia", 1962)


def test_disc_folders_change_the_movie_fingerprint(tmp_path: Path) -> None:
    movie = tmp_path / "Movie (2000)"
    put(movie / "CD1" / "movie.avi", "mpeg4_mp3.avi")
    put(movie / "CD2" / "movie.avi", "mpeg4_mp3.avi")
    [before] = LibraryWalker(tmp_path).walk()
    put(movie / "CD2" / "movie.avi", "mpeg4_mp3.avi", repeat=2)
    [after] = LibraryWalker(tmp_path).walk()
    assert before.path == after.path == "Movie (2000)" and before.fingerprint != after.fingerprint
    scan = scan_movie_directory(tmp_path, "Movie (2000)", read_media=False)
    assert [scan.relative(p) for p in scan.main.parts] == ["Movie (2000)/CD1/movie.avi", "Movie (2000)/CD2/movie.avi"]


def test_a_scene_nfo_is_a_notice_and_its_urls_give_ids(tmp_path: Path) -> None:
    folder = tmp_path / "Heat.1995.1080p.BluRay.x264-GRP"
    put(folder / "heat.1995.1080p.bluray.x264-grp.mp4")
    (folder / "heat.1995.1080p.bluray.x264-grp.nfo").write_text("GRP presents\nSource: BluRay\n")
    scan = scan_movie_directory(tmp_path, folder.name, read_media=False)
    assert scan.errors == [] and len(scan.notices) == 1 and scan.nfo is None
    assert (scan.title, scan.year) == ("Heat", 1995)
    (folder / "heat.1995.1080p.bluray.x264-grp.nfo").write_text("GRP\nhttps://www.imdb.com/title/tt0113277/\n")
    scan = scan_movie_directory(tmp_path, folder.name, read_media=False)
    assert scan.errors == [] and scan.imdb_id == "tt0113277"


def test_copies_and_parts_of_an_episode_are_one_episode(tmp_path: Path) -> None:
    season = tmp_path / "Show (2020)" / "Season 1"
    put(season / "Show S01E01 1080p.mp4", repeat=2)
    put(season / "Show S01E01 720p.mp4")
    put(season / "Show S01E02 cd1.mp4")
    put(season / "Show S01E02 cd2.mp4")
    put(season / "Show S01E03.1080p.WEB-SCENE.mp4")  # the group's name is no extras word
    scan = scan_series_directory(tmp_path, "Show (2020)")
    episodes = {e.episodes: e for e in scan.episodes}
    assert sorted(episodes) == [(1,), (2,), (3,)] and scan.errors == [] and scan.unmatched == []
    assert episodes[(1,)].relative_path.endswith("Show S01E01 1080p.mp4")
    assert episodes[(1,)].versions == ("Show (2020)/Season 1/Show S01E01 720p.mp4",)
    assert episodes[(2,)].parts == (
        "Show (2020)/Season 1/Show S01E02 cd1.mp4",
        "Show (2020)/Season 1/Show S01E02 cd2.mp4",
    )
    single = read_media_info(season / "Show S01E02 cd1.mp4")
    media = episodes[(2,)].media
    assert media is not None and single.duration_seconds is not None
    assert media.duration_seconds == round(2 * single.duration_seconds, 3)
    assert episodes[(2,)].size == 2 * (season / "Show S01E02 cd1.mp4").stat().st_size


def test_series_title_from_a_season_pack_folder_and_season_nfo(tmp_path: Path) -> None:
    show = tmp_path / "The.Show.S01.COMPLETE"
    put(show / "Stagione 1" / "The.Show.S01E01.mp4")
    (show / "Stagione 1" / "season.nfo").write_text("<season><title>First</title><plot>It starts.</plot></season>")
    scan = scan_series_directory(tmp_path, show.name, read_media=False)
    assert scan.title == "The Show"
    [season] = scan.seasons
    assert (season.number, season.title, season.plot) == (1, "First", "It starts.")


def test_season_titles_from_tvshow_nfo(tmp_path: Path) -> None:
    show = tmp_path / "Show (2020)"
    put(show / "Season 1" / "Show S01E01.mp4")
    put(show / "Season 2" / "Show S02E01.mp4")
    (show / "Season 2" / "season.nfo").write_text("<season><title>Own Title</title></season>")
    (show / "tvshow.nfo").write_text(
        '<tvshow><title>Show</title><namedseason number="1">One</namedseason>'
        '<namedseason number="2">Two</namedseason></tvshow>'
    )
    scan = scan_series_directory(tmp_path, show.name, read_media=False)
    assert [(s.number, s.title) for s in scan.seasons] == [(1, "One"), (2, "Own Title")]


def test_a_rescan_with_a_changed_parse_updates_the_recorded_movie(sqlite_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    put(root / "City of God" / "City.of.God.2002.2160p.HDR.mp4")
    assert record_movie_folder(sqlite_settings, root, "City of God", read_media=False) == "new"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        # What the earlier rules recorded: no year (it was only in the file name).
        session.execute(update(Movie).values(year=None, content_hash="recorded-by-earlier-rules"))

    assert record_movie_folder(sqlite_settings, root, "City of God", read_media=False) == "updated"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        assert session.scalar(select(func.count()).select_from(Movie)) == 1
        movie = session.scalars(select(Movie)).one()
        assert (movie.directory, movie.title, movie.year) == ("City of God", "City of God", 2002)


@pytest.mark.parametrize(
    ("folder", "files", "main", "versions"),
    [
        ("Iron Man", ["Iron Man.mkv", "Iron Man - 720p.mkv", "Iron Man [3D].mkv"], "Iron Man.mkv", 2),
        ("Iron Man", ["Iron Man.mkv", "Iron Man_bluray.mkv", "Iron Man-test.mkv"], "Iron Man.mkv", 2),
        (
            "Phantom (1925)",
            ["Phantom (1925) - 1925 version.mkv", "Phantom (1925) - 1929 version.mkv"],
            "Phantom (1925) - 1925 version.mkv",
            1,
        ),
        (
            "Blade Runner (1982)",
            ["Blade Runner (1982) [Final Cut] [1080p].mkv", "Blade Runner (1982) [Workprint] [480p].mkv"],
            "Blade Runner (1982) [Final Cut] [1080p].mkv",
            1,
        ),
        ("Iron Man", ["Iron Man (2008).mkv", "Iron Man (2010).mkv"], "Iron Man (2008).mkv", 0),  # two movies
        ("Collection", ["Alien.mkv", "Aliens.mkv"], "Alien.mkv", 0),
    ],
)
def test_which_videos_are_versions(tmp_path: Path, folder: str, files: list[str], main: str, versions: int) -> None:
    for position, name in enumerate(files):
        put(tmp_path / folder / name, repeat=len(files) - position)  # the first is the largest
    scan = scan_movie_directory(tmp_path, folder, read_media=False)
    assert scan.main.path.name == main and len(scan.main.versions) == versions


def test_a_movie_read_in_its_disc_folder_is_named_by_the_folder_above(tmp_path: Path) -> None:
    put(tmp_path / "Heat (1995)" / "Disc 1" / "heat.mp4")
    scan = scan_movie_directory(tmp_path, "Heat (1995)/Disc 1", read_media=False)
    assert (scan.title, scan.year) == ("Heat", 1995)


DUNE_NFO = "<movie><title>Dune</title><year>2021</year><set>Dune Saga</set><set><name>Villeneuve</name></set></movie>"


def dune_folder(root: Path) -> Path:
    """Dune (2021) in two versions (the 2160p one the bigger) and an NFO of its sets; returns the library root."""
    put(root / "Dune (2021)" / "Dune (2021) - 2160p.mp4", repeat=2)
    put(root / "Dune (2021)" / "Dune (2021) - 1080p.mp4")
    (root / "Dune (2021)" / "movie.nfo").write_text(DUNE_NFO)
    return root


def test_versions_and_sets_are_recorded(sqlite_settings: Settings, tmp_path: Path) -> None:
    root = dune_folder(tmp_path / "Movies")
    assert record_movie_folder(sqlite_settings, root, "Dune (2021)", read_media=False) == "new"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        movie = session.scalars(select(Movie)).one()
        assert movie.main_video == "Dune (2021)/Dune (2021) - 2160p.mp4"
        assert movie.video_versions == ["Dune (2021)/Dune (2021) - 1080p.mp4"]
        assert (movie.set_name, movie.sets) == ("Dune Saga", ["Dune Saga", "Villeneuve"])


def test_a_rescan_of_a_movie_recorded_by_the_old_rules_updates_it_and_keeps_locked_fields(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = dune_folder(tmp_path / "Movies")
    assert record_movie_folder(sqlite_settings, root, "Dune (2021)", read_media=False) == "new"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        # What the earlier rules recorded: no versions, no sets; the user renamed and locked the title and set.
        session.execute(
            update(Movie).values(
                video_versions=[],
                sets=[],
                title="Dune: Part One",
                title_locked=True,
                set_name="My Set",
                set_name_locked=True,
                content_hash="recorded-by-earlier-rules",
            )
        )

    assert record_movie_folder(sqlite_settings, root, "Dune (2021)", read_media=False) == "updated"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        assert session.scalar(select(func.count()).select_from(Movie)) == 1
        movie = session.scalars(select(Movie)).one()
        assert movie.video_versions == ["Dune (2021)/Dune (2021) - 1080p.mp4"]
        assert (movie.title, movie.set_name, movie.sets) == ("Dune: Part One", "My Set", [])  # locked: kept


def test_season_titles_are_recorded_and_a_locked_one_is_kept(sqlite_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Shows"
    show = root / "Show (2020)"
    put(show / "Season 1" / "Show S01E01.mp4")
    put(show / "Season 2" / "Show S02E01.mp4")
    (show / "Season 2" / "season.nfo").write_text("<season><title>Own Title</title><plot>Later.</plot></season>")
    (show / "tvshow.nfo").write_text('<tvshow><title>Show</title><namedseason number="1">One</namedseason></tvshow>')
    record_series_folder(sqlite_settings, root, show.name, read_media=False)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        seasons = {s.number: s for s in session.scalars(select(Season))}
        assert [(n, s.title, s.plot) for n, s in sorted(seasons.items())] == [
            (1, "One", None),
            (2, "Own Title", "Later."),
        ]
        session.execute(update(Season).where(Season.number == 1).values(title="Mine", title_locked=True))

    (show / "tvshow.nfo").write_text(
        '<tvshow><title>Show</title><namedseason number="1">Renamed</namedseason></tvshow>'
    )
    record_series_folder(sqlite_settings, root, show.name, read_media=False)
    with session_scope(sqlite_settings.resolved_database_url) as session:
        assert [s.title for s in session.scalars(select(Season).order_by(Season.number))] == ["Mine", "Own Title"]


def test_a_video_loose_in_the_root_is_scanned_with_the_files_named_after_it(tmp_path: Path) -> None:
    put(tmp_path / "City.of.God.2002.1080p.BluRay.mp4", repeat=2)
    put(tmp_path / "City.of.God.2002.1080p.BluRay-trailer.mp4")
    put(tmp_path / "Other Movie.mp4", repeat=3)  # another loose movie, bigger: not this one's
    (tmp_path / "City.of.God.2002.1080p.BluRay.nfo").write_text("<movie><tmdbid>598</tmdbid></movie>")
    (tmp_path / "movie.nfo").write_text("<movie><title>Nobody's</title></movie>")
    (tmp_path / "City.of.God.2002.1080p.BluRay-poster.jpg").write_bytes(b"p")
    (tmp_path / "poster.jpg").write_bytes(b"p")
    scan = scan_movie_directory(tmp_path, "City.of.God.2002.1080p.BluRay.mp4", read_media=False)
    assert (scan.title, scan.year, scan.tmdb_id) == ("City of God", 2002, 598)
    assert scan.main.path.name == "City.of.God.2002.1080p.BluRay.mp4" and not scan.main.versions
    assert sorted((a.asset_type, a.path.name) for a in scan.assets) == [
        ("poster", "City.of.God.2002.1080p.BluRay-poster.jpg"),
        ("trailer", "City.of.God.2002.1080p.BluRay-trailer.mp4"),
    ]


def test_stacked_parts_loose_in_the_root_are_scanned_as_one_movie(tmp_path: Path) -> None:
    put(tmp_path / "City.of.God.2002-cd1.mp4")
    put(tmp_path / "City.of.God.2002-cd2.mp4")
    put(tmp_path / "Other Movie.mp4", repeat=3)  # another loose movie, bigger: not a part
    (tmp_path / "City.of.God.2002.nfo").write_text("<movie><tmdbid>598</tmdbid></movie>")
    (tmp_path / "City.of.God.2002-poster.jpg").write_bytes(b"p")
    scan = scan_movie_directory(tmp_path, "City.of.God.2002-cd1.mp4", read_media=False)
    assert (scan.title, scan.year, scan.tmdb_id) == ("City of God", 2002, 598)
    assert [p.name for p in scan.main.parts] == ["City.of.God.2002-cd1.mp4", "City.of.God.2002-cd2.mp4"]
    assert scan.main.size == sum((tmp_path / p.name).stat().st_size for p in scan.main.parts)
    assert [(a.asset_type, a.path.name) for a in scan.assets] == [("poster", "City.of.God.2002-poster.jpg")]


def test_a_zero_byte_video_loose_in_the_root_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "loose.mkv").write_bytes(b"")
    with pytest.raises(DirectoryError, match=r"loose\.mkv is a zero-byte video file in the library root"):
        scan_movie_directory(tmp_path, "loose.mkv", read_media=False)
