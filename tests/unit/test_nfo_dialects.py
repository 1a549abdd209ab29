"""NFO fields as Kodi 14-16 and 17+, Emby/Jellyfin, MediaPortal and tinyMediaManager write them, movie and TV.

Each row is an NFO fragment written by hand after each media manager's documented format and the values a person
reads in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library.nfo import NfoError, NotAnNfo, iso_date, parse_nfo
from reelscan.library.tv_nfo import parse_episode_nfo, parse_season_nfo, parse_tvshow_nfo


def write(tmp_path: Path, text: str, name: str = "movie.nfo") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def movie(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, f'<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>\n<movie>{body}</movie>')


@pytest.mark.parametrize(
    ("body", "imdb", "tmdb"),
    [
        ("<tmdbId>603</tmdbId><imdbId>tt0133093</imdbId>", "tt0133093", 603),
        ("<TMDBID>603</TMDBID><IMDBID>tt0133093</IMDBID>", "tt0133093", 603),
        ("<tmdbid>603</tmdbid><imdbid>tt0133093</imdbid>", "tt0133093", 603),  # Emby / Jellyfin
        ("<imdb_id>tt0133093</imdb_id><tmdb_id>603</tmdb_id>", "tt0133093", 603),
        ("<imdb>tt0133093</imdb>", "tt0133093", None),  # MediaPortal
        ("<id>tt0133093</id>", "tt0133093", None),  # Kodi 14-16 with the IMDb scraper
        ("<id>603</id>", None, 603),  # Kodi 14-16 with the TMDB scraper
        ("<uniqueid>tt0133093</uniqueid>", "tt0133093", None),  # Kodi 16: no type
        ("<uniqueid>603</uniqueid>", None, 603),
        ('<uniqueid default="true">603</uniqueid><uniqueid>tt0133093</uniqueid>', "tt0133093", 603),
        ('<uniqueid type="IMDB">tt0133093</uniqueid><uniqueid type="TMDB">603</uniqueid>', "tt0133093", 603),
        ('<uniqueid type="Tmdb" default="true">603</uniqueid>', None, 603),
        ('<UniqueID Type="imdb">tt0133093</UniqueID>', "tt0133093", None),
        ('<UniqueID Type="TMDB">603</UniqueID>', None, 603),
        (
            "<ids><entry><key>tmdb</key><value>603</value></entry><entry><key>imdb</key><value>tt0133093</value>"
            "</entry></ids>",
            "tt0133093",
            603,
        ),  # tinyMediaManager 2
        ("<ids><tmdb>603</tmdb><imdb>tt0133093</imdb></ids>", "tt0133093", 603),
    ],
)
def test_movie_ids_in_every_dialect(tmp_path: Path, body: str, imdb: str | None, tmdb: int | None) -> None:
    nfo = parse_nfo(movie(tmp_path, f"<title>The Matrix</title>{body}"))
    assert (nfo.imdb_id, nfo.tmdb_id) == (imdb, tmdb)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2009-08-19", "2009-08-19"),
        ("2009-08-19 20:00:00", "2009-08-19"),
        ("2009/08/19", "2009-08-19"),
        ("2009.8.19", "2009-08-19"),
        ("19-08-2009", "2009-08-19"),
        ("19.08.2009", "2009-08-19"),
        ("08/19/2009", "2009-08-19"),
        ("19 August 2009", "2009-08-19"),
        ("19 Aug 2009", "2009-08-19"),
        ("August 19, 2009", "2009-08-19"),
        ("Aug. 19 2009", "2009-08-19"),
        ("19. August 2009", "2009-08-19"),
        ("2009", None),
        ("2009-02-30", None),
        ("unknown", None),
    ],
)
def test_date_shapes(text: str, date: str | None) -> None:
    assert iso_date(text) == date


@pytest.mark.parametrize(
    ("body", "premiered", "year"),
    [
        ("<premiered>19-08-2009</premiered>", "2009-08-19", 2009),
        ("<releasedate>2009-08-19</releasedate>", "2009-08-19", 2009),  # Emby
        ("<premiered>2009</premiered>", None, 2009),
        ("<year>2009</year><premiered>2010-01-01</premiered>", "2010-01-01", 2009),
    ],
)
def test_premiered_and_year(tmp_path: Path, body: str, premiered: str | None, year: int) -> None:
    nfo = parse_nfo(movie(tmp_path, body))
    assert (nfo.premiered, nfo.year) == (premiered, year)


@pytest.mark.parametrize(
    ("body", "genres", "countries", "studios"),
    [
        (
            "<genre>Action, Science Fiction</genre><country>USA, Australia</country>"
            "<studio>Warner Bros., Village</studio>",
            ["Action", "Science Fiction"],
            ["USA", "Australia"],
            ["Warner Bros.", "Village"],
        ),
        (
            "<genre>Action / Science Fiction</genre><country>USA / Australia</country>"
            "<studio>Warner / Village</studio>",
            ["Action", "Science Fiction"],
            ["USA", "Australia"],
            ["Warner", "Village"],
        ),
        (
            "<genre>Action/Science Fiction</genre><country>USA|Australia</country><studio>Warner Bros.</studio>",
            ["Action", "Science Fiction"],
            ["USA", "Australia"],
            ["Warner Bros."],
        ),
        (
            "<genre>Action</genre><genre>Science Fiction</genre><country>USA</country><country>Australia</country>",
            ["Action", "Science Fiction"],
            ["USA", "Australia"],
            [],
        ),
        (
            "<genres><genre>Action</genre><genre>Science Fiction</genre></genres>",  # MediaPortal
            ["Action", "Science Fiction"],
            [],
            [],
        ),
        ("<genre>Action, </genre><country> USA ,</country>", ["Action"], ["USA"], []),
    ],
)
def test_joined_lists(tmp_path: Path, body: str, genres: list[str], countries: list[str], studios: list[str]) -> None:
    nfo = parse_nfo(movie(tmp_path, body))
    assert (nfo.genres, nfo.countries, nfo.studios) == (genres, countries, studios)


@pytest.mark.parametrize(
    ("body", "directors", "actors"),
    [
        (
            "<director>Lana Wachowski, Lilly Wachowski</director><actor><name>Keanu Reeves, </name><role>Neo </role>"
            "</actor>",
            ["Lana Wachowski", "Lilly Wachowski"],
            [("Keanu Reeves", "Neo")],
        ),
        (
            "<director>Lana Wachowski / Lilly Wachowski</director><actor><name>Robert Downey, Jr.</name></actor>",
            ["Lana Wachowski", "Lilly Wachowski"],
            [("Robert Downey, Jr.", None)],
        ),
        (
            "<director>Robert Downey, Jr.</director><actor><name>A</name><type>Actor</type></actor>"
            "<actor><name>B</name><type>Director</type></actor>",  # Emby people with a type
            ["Robert Downey, Jr."],
            [("A", None)],
        ),
    ],
)
def test_people(tmp_path: Path, body: str, directors: list[str], actors: list[tuple[str, str | None]]) -> None:
    nfo = parse_nfo(movie(tmp_path, body))
    assert nfo.directors == directors and [(a.name, a.role) for a in nfo.actors] == actors


def test_emby_writer_is_a_credit(tmp_path: Path) -> None:
    assert parse_nfo(movie(tmp_path, "<writer>William Goldman</writer>")).credits == ["William Goldman"]


def test_trailing_spaces_and_commas_in_titles(tmp_path: Path) -> None:
    nfo = parse_nfo(movie(tmp_path, "<title>The Matrix, </title><originaltitle> The Matrix </originaltitle>"))
    assert (nfo.title, nfo.original_title) == ("The Matrix", "The Matrix")


@pytest.mark.parametrize(
    ("body", "ratings"),
    [
        ("<rating>8.7</rating>", [("default", 8.7, True)]),
        ("<rating>8,7</rating>", [("default", 8.7, True)]),
        (
            '<ratings><rating name="imdb" default="true"><value>8.7</value></rating></ratings><rating>7.9</rating>',
            [("imdb", 8.7, True), ("default", 7.9, False)],
        ),
        (
            '<ratings><rating name="themoviedb"><value>8.2</value></rating></ratings><rating>7.9</rating>',
            [("themoviedb", 8.2, False), ("default", 7.9, True)],
        ),
        (
            '<ratings><rating name="imdb" default="true"><value>8.7</value></rating></ratings><rating>8.7</rating>',
            [("imdb", 8.7, True)],
        ),
    ],
)
def test_the_old_rating_is_kept_beside_ratings(
    tmp_path: Path, body: str, ratings: list[tuple[str, float, bool]]
) -> None:
    nfo = parse_nfo(movie(tmp_path, body))
    assert [(r.name, r.value, r.default) for r in nfo.ratings] == ratings


@pytest.mark.parametrize(
    ("body", "sets"),
    [
        ("<set>The Matrix Collection</set>", ["The Matrix Collection"]),
        ("<set><name>The Matrix Collection</name><overview>x</overview></set>", ["The Matrix Collection"]),
        ("<set>The Matrix Collection</set><set>Cyberpunk</set>", ["The Matrix Collection", "Cyberpunk"]),
        ("<set><name>A</name></set><set><name>B</name></set><set><name>A</name></set>", ["A", "B"]),
    ],
)
def test_sets(tmp_path: Path, body: str, sets: list[str]) -> None:
    nfo = parse_nfo(movie(tmp_path, body))
    assert nfo.sets == sets and nfo.set_name == sets[0]


def test_tag_names_in_any_case(tmp_path: Path) -> None:
    nfo = parse_nfo(write(tmp_path, "<Movie><Title>Heat</Title><Year>1995</Year><Plot>Cops.</Plot></Movie>"))
    assert (nfo.title, nfo.year, nfo.plot) == ("Heat", 1995, "Cops.")


@pytest.mark.parametrize(
    ("text", "imdb", "tmdb"),
    [
        (
            "Heat.1995.1080p.BluRay.x264-GRP\n\nRelease notes ... \nIMDb: https://www.imdb.com/title/tt0113277/\n",
            "tt0113277",
            None,
        ),
        ("*** GRP presents ***\n https://www.themoviedb.org/movie/949-heat \n", None, 949),
        ("https://www.themoviedb.org/de/movie/949", None, 949),
        ("https://www.imdb.com/title/tt0078748/\n", "tt0078748", None),
        ("http://www.themoviedb.org/movie/603-the-matrix", None, 603),
    ],
)
def test_urls_in_a_scene_nfo_give_ids(tmp_path: Path, text: str, imdb: str | None, tmdb: int | None) -> None:
    nfo = parse_nfo(write(tmp_path, text))
    assert nfo.url_only and (nfo.imdb_id, nfo.tmdb_id) == (imdb, tmdb)


def test_a_scene_nfo_without_ids_is_a_notice_not_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "  ___  ___ \n |GRP| release\n Size: 4.3 GB\n Source: BluRay\n")
    with pytest.raises(NotAnNfo) as notice:
        parse_nfo(path)
    assert str(path) in str(notice.value)


def test_broken_xml_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(NfoError) as error:
        parse_nfo(write(tmp_path, "<movie><title>Broken</titel></movie>"))
    assert not isinstance(error.value, NotAnNfo)


# TV


def tvshow(tmp_path: Path, text: str) -> Path:
    return write(tmp_path, text, "tvshow.nfo")


@pytest.mark.parametrize(
    ("body", "tvdb", "tmdb", "imdb"),
    [
        ("<uniqueid>81189</uniqueid>", 81189, None, None),  # Kodi 16: a number is the TVDB id of a show
        ("<uniqueid>tt0903747</uniqueid><uniqueid>81189</uniqueid>", 81189, None, "tt0903747"),
        ("<id>81189</id>", 81189, None, None),
        ("<tvdbid>81189</tvdbid><tmdbid>1396</tmdbid><imdb_id>tt0903747</imdb_id>", 81189, 1396, "tt0903747"),
        ("<TVDBID>81189</TVDBID><TmdbId>1396</TmdbId>", 81189, 1396, None),
        (
            '<uniqueid type="TVDB" default="true">81189</uniqueid><uniqueid type="tmdb">1396</uniqueid>',
            81189,
            1396,
            None,
        ),
    ],
)
def test_tvshow_ids_in_every_dialect(
    tmp_path: Path, body: str, tvdb: int | None, tmdb: int | None, imdb: str | None
) -> None:
    ids = parse_tvshow_nfo(tvshow(tmp_path, f"<tvshow><title>Breaking Bad</title>{body}</tvshow>")).ids
    assert (ids.tvdb_id, ids.tmdb_id, ids.imdb_id) == (tvdb, tmdb, imdb)


@pytest.mark.parametrize(
    ("text", "tvdb", "tmdb", "imdb"),
    [
        ("https://thetvdb.com/?tab=series&id=81189\n", 81189, None, None),
        ("http://thetvdb.com/index.php?tab=series&id=81189&lid=7", 81189, None, None),
        ("https://thetvdb.com/dereferrer/series/81189", 81189, None, None),
        ("https://www.themoviedb.org/tv/1396-breaking-bad", None, 1396, None),
        ("https://www.imdb.com/title/tt0903747/", None, None, "tt0903747"),
    ],
)
def test_url_only_tvshow_nfo(tmp_path: Path, text: str, tvdb: int | None, tmdb: int | None, imdb: str | None) -> None:
    nfo = parse_tvshow_nfo(tvshow(tmp_path, text))
    assert nfo.url_only and (nfo.ids.tvdb_id, nfo.ids.tmdb_id, nfo.ids.imdb_id) == (tvdb, tmdb, imdb)


def test_tvshow_xml_with_a_url_after_it(tmp_path: Path) -> None:
    nfo = parse_tvshow_nfo(
        tvshow(tmp_path, "<tvshow><title>BB</title></tvshow>\nhttps://thetvdb.com/?tab=series&id=81189")
    )
    assert (nfo.title, nfo.ids.tvdb_id) == ("BB", 81189)


def test_tvshow_dates_and_lists(tmp_path: Path) -> None:
    text = "<tvshow><premiered>20-01-2008</premiered><genre>Drama, Crime</genre><studio>AMC / Sony</studio></tvshow>"
    nfo = parse_tvshow_nfo(tvshow(tmp_path, text))
    assert (nfo.premiered, nfo.year, nfo.genres, nfo.studios) == (
        "2008-01-20",
        2008,
        ["Drama", "Crime"],
        ["AMC", "Sony"],
    )


def test_tvshow_scene_text_is_a_notice(tmp_path: Path) -> None:
    with pytest.raises(NotAnNfo):
        parse_tvshow_nfo(tvshow(tmp_path, "Show.S01.1080p.BluRay-GRP\nSource: BluRay\n"))


@pytest.mark.parametrize(
    ("body", "aired", "tvdb"),
    [
        ("<aired>2008-01-20</aired><uniqueid>349232</uniqueid>", "2008-01-20", 349232),
        ("<Aired>20.01.2008</Aired><ID>349232</ID>", "2008-01-20", 349232),
        ("<aired>01/20/2008</aired>", "2008-01-20", None),
    ],
)
def test_episode_nfo_dialects(tmp_path: Path, body: str, aired: str, tvdb: int | None) -> None:
    text = f"<episodedetails><title>Pilot</title><season>1</season><episode>1</episode>{body}</episodedetails>"
    [episode] = parse_episode_nfo(write(tmp_path, text, "e.nfo"))
    assert (episode.title, episode.aired, episode.ids.tvdb_id) == ("Pilot", aired, tvdb)


@pytest.mark.parametrize(
    ("text", "season", "title", "plot"),
    [
        (
            "<season><seasonnumber>1</seasonnumber><title>The Beginning</title><plot>It starts.</plot></season>",
            1,
            "The Beginning",
            "It starts.",
        ),
        ("<Season><Title>Specials</Title><Outline>Extras.</Outline></Season>", None, "Specials", "Extras."),
    ],
)
def test_season_nfo(tmp_path: Path, text: str, season: int | None, title: str, plot: str) -> None:
    nfo = parse_season_nfo(write(tmp_path, text, "season.nfo"))
    assert (nfo.season, nfo.title, nfo.plot) == (season, title, plot)


@pytest.mark.parametrize(
    ("guide", "tvdb", "tmdb"),
    [
        ('<episodeguide>{"tvdb": "81189", "tmdb": "1396"}</episodeguide>', 81189, 1396),  # Kodi 20
        (
            '<episodeguide><url cache="81189-en.xml">http://thetvdb.com/api/1D62F2F90030C444/series/81189/all/en.zip'
            "</url></episodeguide>",
            81189,
            None,
        ),  # Kodi 16 and older
        ("<episodeguide>not json</episodeguide>", None, None),
    ],
)
def test_episode_guide_ids(tmp_path: Path, guide: str, tvdb: int | None, tmdb: int | None) -> None:
    ids = parse_tvshow_nfo(tvshow(tmp_path, f"<tvshow><title>BB</title>{guide}</tvshow>")).ids
    assert (ids.tvdb_id, ids.tmdb_id) == (tvdb, tmdb)


def test_named_seasons(tmp_path: Path) -> None:
    text = (
        '<tvshow><namedseason number="1">The Beginning</namedseason><namedseason number="2">End</namedseason></tvshow>'
    )
    assert parse_tvshow_nfo(tvshow(tmp_path, text)).season_names == {1: "The Beginning", 2: "End"}


@pytest.mark.parametrize(
    ("runtime", "minutes"),
    [("136", 136), ("136 min", 136), ("2h 16min", 136), ("2:16:00", 136), ("PT2H16M", 136), ("45 minutes", 45)],
)
def test_runtime_shapes(tmp_path: Path, runtime: str, minutes: int) -> None:
    assert parse_nfo(movie(tmp_path, f"<runtime>{runtime}</runtime>")).runtime == minutes


@pytest.mark.parametrize(("rating", "value"), [("8.7", 8.7), ("8,7", 8.7), ("8.7/10", 8.7), (" 7.9 / 10 ", 7.9)])
def test_rating_shapes(tmp_path: Path, rating: str, value: float) -> None:
    assert [r.value for r in parse_nfo(movie(tmp_path, f"<rating>{rating}</rating>")).ratings] == [value]


# More dialect fields: fallbacks media managers write instead of Kodi's tags


@pytest.mark.parametrize(
    ("body", "imdb", "tmdb"),
    [
        ("<id>https://www.imdb.com/title/tt0133093/</id>", "tt0133093", None),  # a URL where the id goes
        ("<url>https://www.themoviedb.org/movie/603-the-matrix</url>", None, 603),
        ('<uniqueid type="unknown">tt0133093</uniqueid>', "tt0133093", None),  # an untyped IMDb id
        ('<uniqueid type="TheMovieDb">603</uniqueid>', None, 603),  # Emby's name for TMDB
        ("<tmdbid>0</tmdbid><id></id>", None, None),  # an empty id is no id
    ],
)
def test_ids_from_urls_aliases_and_empty_ids(tmp_path: Path, body: str, imdb: str | None, tmdb: int | None) -> None:
    nfo = parse_nfo(movie(tmp_path, f"<title>The Matrix</title>{body}"))
    assert (nfo.imdb_id, nfo.tmdb_id) == (imdb, tmdb)
    assert set(nfo.unique_ids) <= {"imdb", "tmdb"} and "0" not in nfo.unique_ids.values()


def test_id_types_in_one_vocabulary(tmp_path: Path) -> None:
    nfo = parse_nfo(
        movie(
            tmp_path,
            '<uniqueid type="IMDB">tt0133093</uniqueid><uniqueid type="themoviedb">603</uniqueid>'
            '<uniqueid type="TheTVDB">1234</uniqueid>',
        )
    )
    assert nfo.unique_ids == {"imdb": "tt0133093", "tmdb": "603", "tvdb": "1234"}


def test_emby_local_title_certification_and_critic_rating(tmp_path: Path) -> None:
    nfo = parse_nfo(
        movie(
            tmp_path,
            "<localtitle>Matrix</localtitle><certification>US:R</certification><rating>7.8</rating>"
            "<criticrating>87</criticrating>",
        )
    )
    assert (nfo.title, nfo.mpaa) == ("Matrix", "US:R")
    ratings = [(r.name, r.value, r.max) for r in nfo.ratings]
    assert ratings == [("default", 7.8, None), ("tomatometerallcritics", 87, 100)]


def test_runtime_from_the_stream_details_when_no_runtime_tag(tmp_path: Path) -> None:
    body = (
        "<fileinfo><streamdetails><video><durationinseconds>8160</durationinseconds></video></streamdetails></fileinfo>"
    )
    assert parse_nfo(movie(tmp_path, f"<title>X</title>{body}")).runtime == 136
    assert parse_nfo(movie(tmp_path, f"<title>X</title><runtime>120</runtime>{body}")).runtime == 120


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("<showtitle>Breaking Bad</showtitle>", "Breaking Bad"),
        ("<localtitle>Breaking Bad</localtitle>", "Breaking Bad"),
        ("<title>Breaking Bad, </title>", "Breaking Bad"),
    ],
)
def test_tvshow_title_fallbacks_and_trailing_commas(tmp_path: Path, body: str, title: str) -> None:
    assert parse_tvshow_nfo(tvshow(tmp_path, f"<tvshow>{body}</tvshow>")).title == title


def test_episode_premiered_is_its_air_date_and_titles_lose_trailing_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "<episodedetails><title>Pilot,</title><season>1</season><episode>1</episode>"
        "<premiered>20.01.2008</premiered></episodedetails>",
        "ep.nfo",
    )
    (episode,) = parse_episode_nfo(path)
    assert (episode.title, episode.aired) == ("Pilot", "2008-01-20")


def test_tvshow_sort_title_rating_certification_status_and_countries(tmp_path: Path) -> None:
    nfo = parse_tvshow_nfo(
        tvshow(
            tmp_path,
            "<tvshow><title>The Wire</title><sorttitle>Wire</sorttitle><mpaa>TV-MA</mpaa><status>Ended</status>"
            '<ratings><rating name="tvdb" max="10" default="true"><value>9.3</value><votes>500</votes></rating>'
            "</ratings><rating>9.1</rating><country>US, UK,</country></tvshow>",
        )
    )
    assert (nfo.sort_title, nfo.mpaa, nfo.status, nfo.countries) == ("Wire", "TV-MA", "Ended", ["US", "UK"])
    assert [(r.name, r.value, r.votes) for r in nfo.ratings] == [("tvdb", 9.3, 500), ("default", 9.1, None)]


def test_tvshow_certification_when_no_mpaa(tmp_path: Path) -> None:
    nfo = parse_tvshow_nfo(tvshow(tmp_path, "<tvshow><title>X</title><certification>TV-14</certification></tvshow>"))
    assert nfo.mpaa == "TV-14"


def test_episode_runtime_rating_people(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "<episodedetails><title>Pilot</title><season>1</season><episode>1</episode><runtime>58 min</runtime>"
        "<rating>8.4</rating><director>Jane Doe / John Roe</director><credits>Writer A</credits>"
        "<writer>Writer B</writer><actor><name>Guest Star</name><role>Visitor</role></actor></episodedetails>",
        "ep.nfo",
    )
    (episode,) = parse_episode_nfo(path)
    assert (episode.runtime, [r.value for r in episode.ratings]) == (58, [8.4])
    assert (episode.directors, episode.credits) == (["Jane Doe", "John Roe"], ["Writer A", "Writer B"])
    assert [(a.name, a.role) for a in episode.actors] == [("Guest Star", "Visitor")]
