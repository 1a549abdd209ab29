"""Movie titles and years from release-style names, series titles from series folders, years from file names.

Each row is a name as it sits on real disks (scene and P2P release names, Kodi/Jellyfin tidy names) and the title
and year a person reads in it.
"""

from __future__ import annotations

import pytest

from reelscan.library.naming import ParsedName, parse_folder_name, parse_movie_name, parse_series_folder_name


def title_year(name: str) -> tuple[str, int | None]:
    parsed = parse_folder_name(name)
    return parsed.title, parsed.year


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Title.EXTENDED.2013.German.DL.1080p.BluRay.x264-GRP", "Title", 2013),
        ("The.Hobbit.An.Unexpected.Journey.EXTENDED.2012.1080p.BluRay", "The Hobbit An Unexpected Journey", 2012),
        ("Avatar.EXTENDED.CUT.2009.720p.BluRay.x264", "Avatar", 2009),
        ("Aliens.Directors.Cut.1986.1080p.BluRay", "Aliens", 1986),
        ("Blade.Runner.The.Final.Cut.1982.2160p.UHD", "Blade Runner", 1982),
        ("Amadeus.DC.1984.1080p", "Amadeus", 1984),  # DC: the scene word for a director's cut
        ("Amadeus.Directors.Cut.1984", "Amadeus", 1984),
        ("Apocalypse.Now.REDUX.UNRATED.1979.1080p", "Apocalypse Now REDUX", 1979),
        ("Gladiator.REMASTERED.2000.2160p.UHD.BluRay", "Gladiator", 2000),
        ("Dune.IMAX.2021.2160p.WEB-DL", "Dune", 2021),
        ("Tenet.IMAX.Edition.2020.1080p", "Tenet", 2020),
        ("Oppenheimer IMAX 2023 1080p", "Oppenheimer", 2023),
        ("Movie.Title.UNCUT.2010.720p", "Movie Title", 2010),
        ("Das.Boot.German.1981.1080p.BluRay", "Das Boot", 1981),
        ("Les.Intouchables.FRENCH.2011.720p", "Les Intouchables", 2011),
        ("Movie.Name.2015.MULTi.1080p.BluRay.x264-GRP", "Movie Name", 2015),
        ("Film.Title.2019.German.DL.AC3.Dubbed.1080p.WEB.h264", "Film Title", 2019),
        ("Film.Title.2019.iTALiAN.1080p", "Film Title", 2019),
        ("Title.2018.DUAL.2160p.HDR.WEB-DL", "Title", 2018),
    ],
)
def test_edition_and_language_words_around_the_year(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("[Group] Inception (2010)", "Inception", 2010),
        ("[YTS.MX] Inception (2010) [1080p]", "Inception", 2010),
        ("[Group][Other] Spirited Away (2001) [BD 1080p]", "Spirited Away", 2001),
        ("www.site.tld - Inception.2010.720p.BluRay", "Inception", 2010),
        ("www.Torrenting.com - Heat 1995 1080p", "Heat", 1995),
        ("[ www.Speed.cd ] - Dune 2021 1080p", "Dune", 2021),
        ("[site.com] Alien 1979 1080p", "Alien", 1979),
        ("【Group】 Your Name (2016)", "Your Name", 2016),
    ],
)
def test_group_tags_and_site_prefixes_before_the_title(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("[REC] (2007)", "[REC]", 2007),
        ("The Final Cut (2004)", "The Final Cut", 2004),
        ("The.Final.Cut.2004.1080p", "The Final Cut", 2004),
        ("Uncut Gems (2019)", "Uncut Gems", 2019),
        ("Step Up 3D (2010)", "Step Up 3D", 2010),
        ("The Limited (2005)", "The Limited", 2005),
        ("Extended Family (2023)", "Extended Family", 2023),
        ("Dual (2022)", "Dual", 2022),
        ("Multi Facial (1995)", "Multi Facial", 1995),
        ("The German (2008)", "The German", 2008),
        ("French Kiss (1995)", "French Kiss", 1995),
        ("English Vinglish (2012)", "English Vinglish", 2012),
        ("Mr. Robot (2015)", "Mr. Robot", 2015),
        ("Blade Runner 2049 (2017)", "Blade Runner 2049", 2017),
        ("2012.2009.1080p.BluRay", "2012", 2009),
        ("1917.2019.2160p.UHD", "1917", 2019),
    ],
)
def test_title_words_that_look_like_release_words_stay(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Dune (2021) - 1080p", "Dune", 2021),
        ("Dune (2021) - 2160p", "Dune", 2021),
        ("Dune (2021) [2160p HDR]", "Dune", 2021),
        ("Dune (2021) - Director's Cut", "Dune", 2021),
        ("The Matrix (1999) {tmdb-603} - 1080p", "The Matrix", 1999),
        ("Heat.1995.REMASTERED.1080p.BluRay.x264-GRP", "Heat", 1995),
        ("Heat 1995 PROPER 720p", "Heat", 1995),
        ("heat.1995.720p.bluray.x264-grp", "heat", 1995),
        ("Heat_1995_720p", "Heat", 1995),
        ("Alien.Romulus.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-GRP", "Alien Romulus", 2024),
        ("Alien (1979) (Director's Cut) 1080p", "Alien", 1979),
    ],
)
def test_version_labels_and_release_tails(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("folder", "stem", "expected"),
    [
        ("City of God", "City.of.God.2002.2160p.HDR", ParsedName("City of God", 2002)),
        ("Heat", "Heat (1995)", ParsedName("Heat", 1995)),
        ("Heat", "heat.1995.1080p", ParsedName("Heat", 1995)),
        ("Heat (1995)", "Heat.1996.1080p", ParsedName("Heat", 1995)),  # the folder's year wins
        ("Heat", "Other.Movie.1999", ParsedName("Heat")),  # another title's year is not taken
        ("Heat", "Heat [tt0113277]", ParsedName("Heat", imdb_id="tt0113277")),
        ("Heat", None, ParsedName("Heat")),
    ],
)
def test_year_and_ids_from_the_file_name(folder: str, stem: str | None, expected: ParsedName) -> None:
    assert parse_movie_name(folder, stem) == expected


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("The.Show.S01.COMPLETE", "The Show", None),
        ("The.Show.S01.COMPLETE.1080p.BluRay-GRP", "The Show", None),
        ("Show.S02.1080p.BluRay-GRP", "Show", None),
        ("Show S01-S03 1080p", "Show", None),
        ("Show.S01-S05.COMPLETE.720p", "Show", None),
        ("Show (2019) Season 1-3 1080p", "Show", 2019),
        ("Show Season 1", "Show", None),
        ("Show Complete Series", "Show", None),
        ("Show.Complete.Series.720p.WEB", "Show", None),
        ("[Group] Show S01-S03", "Show", None),
        ("Breaking Bad", "Breaking Bad", None),
        ("Doctor Who (2005)", "Doctor Who", 2005),
        ("The Office (US)", "The Office (US)", None),
        ("24 S01", "24", None),
        ("24", "24", None),
        ("Show.Name.2019.S01.1080p", "Show Name", 2019),
        ("Show (2020) [tvdbid-123456]", "Show", 2020),
    ],
)
def test_series_folder_names(name: str, title: str, year: int | None) -> None:
    parsed = parse_series_folder_name(name)
    assert (parsed.title, parsed.year) == (title, year)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Marvel's.Agents.of.S.H.I.E.L.D.", "Marvel's Agents of S.H.I.E.L.D."),
        ("Marvel's Agents of S.H.I.E.L.D.", "Marvel's Agents of S.H.I.E.L.D."),
        ("S.W.A.T.S01.1080p.WEB", "S.W.A.T"),
        ("The.Agency.U.K.S02", "The Agency U.K"),
        ("The_Show_Season_1", "The Show"),
        ("The Show s02e10 720p hdtv", "The Show"),
        ("Show.Name.S03.1080p.WEB-DL.DDP5.1.Atmos.H.264-GRP", "Show Name"),
        ("1923 (2022)", "1923"),
    ],
)
def test_series_folders_with_acronyms_and_packs(name: str, title: str) -> None:
    assert parse_series_folder_name(name).title == title


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Harbor Lights, The", "The Harbor Lights", None),  # the article moved behind a comma goes back
        ("Harbor Lights, The (2010)", "The Harbor Lights", 2010),
        ("The Harbor Lights, The", "The Harbor Lights", None),  # written twice: once
        ("Office, The (US)", "The Office (US)", None),
        ("Harbor Lights, The [tvdbid-123456]", "The Harbor Lights", None),
        ("Harbor Lights, The - Season 1", "The Harbor Lights", None),
        ("Harbor Lights, The (2010) Season 1-3 1080p", "The Harbor Lights", 2010),
        ("Misérables, Les", "Les Misérables", None),
        ("Night Shift, A", "A Night Shift", None),
        ("Crazy, Stupid, Love (2011)", "Crazy, Stupid, Love", 2011),  # commas without an article stay
        ("Him, Her", "Him, Her", None),
        ("Boy, Die - Season 1", "Boy, Die", None),  # an English word after the comma, no article
        ("Good Wife, The (2009) Season 1-7", "The Good Wife", 2009),
        ("Brücke, Die (2011)", "Die Brücke", 2011),
    ],
)
def test_series_folders_with_a_moved_article(name: str, title: str, year: int | None) -> None:
    parsed = parse_series_folder_name(name)
    assert (parsed.title, parsed.year) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("U.S.Marshals.1998.720p.BluRay", "U.S Marshals", 1998),
        ("A.I.Artificial.Intelligence.2001.1080p", "A.I Artificial Intelligence", 2001),
        ("Super movie(2009)", "Super movie", 2009),
        ("My Movie (1997) - Group Name 2019", "My Movie", 1997),
        ("Maximum Ride - 2016 - WEBDL-1080p - x264 AC3", "Maximum Ride", 2016),
        ("Robin Hood [Multi-Subs] [2018]", "Robin Hood", 2018),
        ("3.Days.to.Kill.2014.720p.BluRay.x264.YIFY", "3 Days to Kill", 2014),
        ("Wonder.Woman.1984.2020.1080p", "Wonder Woman 1984", 2020),
    ],
)
def test_acronyms_glued_years_and_group_words(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Big.Fish.(Gran.Pez).(2003).(Special.Edition).CD1.DVDRip.XviD-GRP", "Big Fish", 2003),  # alternative title
        ("El Orfanato (The Orphanage) 2007 [BDRIP][Castellano]", "El Orfanato", 2007),
        ("Heat (BluRay) (1995)", "Heat", 1995),  # release words in brackets before the year
        ("Heat [HDTV 720p English-Spanish]", "Heat", None),
        ("Heat.[Dual-DVDRip].[Spanish-English].[XviD-AC3]", "Heat", None),
        ("Heat DVDRip.XviD-GRP", "Heat", None),  # dots inside a spaced name
        ("Heat 1995.1080p.BluRay", "Heat", 1995),
        ("Heat-1995-TRUEFRENCH-TVRip.Xvid-GRP", "Heat", 1995),
        ("Heat-1995-French-1080p", "Heat", 1995),
        ("HEAT (BD 1080p H264 10bit FLAC) [GRP]", "HEAT", None),  # release words inside brackets
        ("x265 - HEVC Heat Unrated Directors Cut French 1080p DTS", "Heat", None),  # release words first
        ("Heat 1920x1080 Extras", "Heat", None),
        ("Heat.BDMux.720p", "Heat", None),
        ("Heat.CONVERT.720p.HDTV.x264-GRP", "Heat", None),
        ("Heat.STV.NFOFiX.FRENCH.DVDRiP.XviD-GRP", "Heat", None),
        ("Heat THEATRICAL EDITION (1995) [1080p]", "Heat", 1995),
        ("Heat.Colorized.1995.720p", "Heat", 1995),
        ("Spider-Man (2002)", "Spider-Man", 2002),
        ("Ant-Man.and.the.Wasp.2018.1080p", "Ant-Man and the Wasp", 2018),
        ("The Office (US)", "The Office (US)", None),
    ],
)
def test_alternative_titles_bracketed_and_glued_release_words(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Harbor Lights Directors.Cut 2001 2160p WEB-DL", "Harbor Lights", 2001),  # dotted words in a spaced name
        ("Night_Ferry_REMASTERED_German.DL_1998_1080p", "Night Ferry", 1998),
        ("Cold.River.3D.2012.1080p.HSBS-GRP", "Cold River", 2012),  # the 3D release
        ("Cold River 3D 2012 1080p Half-SBS", "Cold River", 2012),
        ("Step Up 3D (2010)", "Step Up 3D", 2010),  # a tidy name keeps a title ending in 3D
        ("Cold.River.2010.PAL.DVDR-GRP", "Cold River", 2010),
        ("Cold.River.2010.NTSC.DVDR", "Cold River", 2010),
        ("Cold.River.2010.TELESYNC", "Cold River", 2010),
        ("Cold.River.2010.WORKPRINT", "Cold River", 2010),
        ("Cold.River.2010.PDVD", "Cold River", 2010),
        ("Cold.River.2010.Custom.DVDR", "Cold River", 2010),
        ("Cold River 2010 Full HD", "Cold River", 2010),
    ],
)
def test_mixed_separators_3d_and_source_words(name: str, title: str, year: int) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("The Long Watch - The Complete Series (2013-2018)", "The Long Watch"),
        ("The Long Watch 1-3 Seasons", "The Long Watch"),
        ("The Long Watch - Complete Series", "The Long Watch"),
    ],
)
def test_series_folders_complete_series_words(name: str, title: str) -> None:
    assert parse_series_folder_name(name).title == title


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Blade.Runner.2049.1080p.BluRay.x265-GRP", "Blade Runner 2049", None),  # no movie is from 2049 yet
        ("Blade Runner 2049 1080p WEB-DL", "Blade Runner 2049", None),
        ("Blade.Runner.2049.2017.1080p", "Blade Runner 2049", 2017),
        ("Film.2099.720p", "Film 2099", None),
    ],
)
def test_a_year_no_movie_has_yet_is_a_title_number(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("The.Office.720.HDTV.x264", "The Office", None),
        ("The.Office.720.HDTV.x264-GRP", "The Office", None),
        ("Breaking.Bad.1080.WEB.h264-GRP", "Breaking Bad", None),
        ("Heat.1080.BluRay.x264", "Heat", None),
        ("Some.Movie.480.DVDRip.XviD", "Some Movie", None),
        ("The.Martian.2160.UHD.HDR", "The Martian", None),
        ("Top.Gun.1080.Remux", "Top Gun", None),
        ("Lost.720.WEB-DL.DD5.1", "Lost", None),
        ("Alien 1080 BluRay", "Alien", None),
        ("The Office - 720 HDTV", "The Office", None),
        ("The.Office.2005.720.HDTV.x264", "The Office", 2005),  # the year before it is the release year
    ],
)
def test_a_resolution_without_its_p_ends_the_title(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)
    parsed = parse_series_folder_name(name)  # series folders and season packs read titles the same way
    assert (parsed.title, parsed.year) == (title, year)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("The.Office.US.S01.720.HDTV.x264-GRP", "The Office US"),
        ("Breaking.Bad.Season.1.1080.BluRay", "Breaking Bad"),
        ("The.Wire.Complete.Series.720.BluRay", "The Wire"),
    ],
)
def test_season_packs_with_a_resolution_without_its_p(name: str, title: str) -> None:
    assert parse_series_folder_name(name).title == title


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("2012.720.BluRay.x264", "2012", None),
        ("2012.2009.1080p.BluRay", "2012", 2009),
        ("1917.1080.WEB-DL.x264", "1917", None),
        ("1917.2019.1080p.WEB", "1917", 2019),
        ("300.720.BluRay.x264", "300", None),
        ("300.1080p.BluRay", "300", None),
        ("Apollo.13.720.BluRay", "Apollo 13", None),
        ("Apollo.13.1995.1080p", "Apollo 13", 1995),
        ("Ocean's.11.720.HDTV", "Ocean's 11", None),
        ("Ocean's 11 (1960)", "Ocean's 11", 1960),
        ("21.Jump.Street.720.BRRip", "21 Jump Street", None),
        ("Fahrenheit.451.720.HDTV", "Fahrenheit 451", None),
        ("Area.51.480.DVDRip", "Area 51", None),
        ("Movie 1080 (2010)", "Movie 1080", 2010),  # no release word after it: a title number
    ],
)
def test_number_titles_stay_beside_a_resolution_without_its_p(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Matrix, The (1999)", "The Matrix", 1999),  # Kodi and media managers sort titles by moving the article
        ("Matrix, The.1999.1080p.BluRay.x264", "The Matrix", 1999),
        ("Beautiful Mind, A (2001)", "A Beautiful Mind", 2001),
        ("Misérables, Les (2012)", "Les Misérables", 2012),
        ("Orfanato, El (2007)", "El Orfanato", 2007),
        ("Postino, Il (1994)", "Il Postino", 1994),
        ("Untergang, Der (2004)", "Der Untergang", 2004),
        ("Boot, Das (1981) [tmdbid-387]", "Das Boot", 1981),
        ("Good, the Bad and the Ugly, The (1966)", "The Good, the Bad and the Ugly", 1966),  # the last comma
        ("Leben der Anderen, Das (2006)", "Das Leben der Anderen", 2006),
        ("Mädchen, Die (2010)", "Die Mädchen", 2010),  # German letters: "Die" is the article
        ("Stadt der Blinden, Die", "Die Stadt der Blinden", None),  # a German word
    ],
)
def test_movie_folders_with_a_moved_article(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("Boy, Die (2023)", "Boy, Die", 2023),  # "Die" is an English word here, not the German article
        ("Boy, Die", "Boy, Die", None),
        ("Die, Monster, Die (1965)", "Die, Monster, Die", 1965),
        ("Die, Monster, Die! (1965)", "Die, Monster, Die!", 1965),
        ("Live, Die, Repeat", "Live, Die, Repeat", None),
        ("Kill, Die (2019)", "Kill, Die", 2019),
        ("Crazy, Stupid, Love. (2011)", "Crazy, Stupid, Love.", 2011),
        ("Hello, Dolly! (1969)", "Hello, Dolly!", 1969),
        ("Love, Simon (2018)", "Love, Simon", 2018),
        ("Sex, Lies, and Videotape (1989)", "Sex, Lies, and Videotape", 1989),
        ("Run, Lola, Run", "Run, Lola, Run", None),
        ("Goodbye, Lenin! (2003)", "Goodbye, Lenin!", 2003),
        ("Lions, As", "Lions, As", None),
    ],
)
def test_comma_titles_stay_as_written(name: str, title: str, year: int | None) -> None:
    assert title_year(name) == (title, year)
    parsed = parse_series_folder_name(name)
    assert (parsed.title, parsed.year) == (title, year)


@pytest.mark.parametrize(
    ("folder", "stem", "title", "year"),
    [
        ("Matrix, The (1999)", "The.Matrix.1999.1080p.BluRay", "The Matrix", 1999),
        ("Matrix, The", "The.Matrix.1999.1080p.BluRay", "The Matrix", 1999),  # the same title: its year counts
        ("Boy, Die", "Boy.Die.2023.1080p.WEB", "Boy, Die", 2023),
    ],
)
def test_a_moved_article_folder_takes_the_year_of_its_file(folder: str, stem: str, title: str, year: int) -> None:
    parsed = parse_movie_name(folder, stem)
    assert (parsed.title, parsed.year) == (title, year)
