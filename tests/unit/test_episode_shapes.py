"""Episode numbers from the name shapes real TV and anime libraries hold, and season numbers from season folders.

Each row is a file stem (and the season its folder names, if any) with the season, episodes, air date or absolute
number a person reads in it.
"""

from __future__ import annotations

import pytest

from reelscan.library.episodes import parse_episode_name, parse_season_folder


def numbers(stem: str, folder_season: int | None = None) -> tuple[int | None, tuple[int, ...]] | None:
    match = parse_episode_name(stem, folder_season)
    return None if match is None else (match.season, match.episodes)


def absolute(stem: str, folder_season: int | None = None) -> int | None:
    match = parse_episode_name(stem, folder_season)
    assert match is not None and not match.episodes
    return match.absolute


def aired(stem: str, folder_season: int | None = None) -> str | None:
    match = parse_episode_name(stem, folder_season)
    return match.air_date if match is not None else None


@pytest.mark.parametrize(
    ("stem", "number"),
    [
        ("[Group] Show - 11 [1080p][ABCD1234]", 11),
        ("[SubsPlease] Show Name - 01 (1080p) [A1B2C3D4]", 1),
        ("[Group] Mob Psycho 100 - 05 [1080p]", 5),
        ("[Group] 86 - 11 (1080p)", 11),
        ("[Group] Show 2 - 03 [720p]", 3),
        ("[Group] Show - 07v2 [1080p]", 7),
        ("[Group] Show - 112 [BD 1080p x265]", 112),
        ("[Group] Show 11 [720p]", 11),
        ("[Group] Show_-_11_[720p]", 11),
        ("Show - 957", 957),
        ("Show - 24 - The Title", 24),
        ("Show EP06", 6),
        ("Show Ep.06 [1080p]", 6),
        ("Show Episode 6", 6),
        ("One Piece #957", 957),
        ("One Piece #1071 - The Title", 1071),
        ("The Simpsons 112", 112),  # a number ending a name with spaces counts episodes
        ("The Simpsons 12", 12),
        ("Show_ep_02", 2),
        ("12", 12),
        ("Show.E576.VOSTFR.720p", 576),  # "E" after a title, no season anywhere
        ("Show_Name-e01-The_Title", 1),
        ("[Group].Show.Name.27.[1280x720].[DC91581A]", 27),
        ("[Group]_Show_Name_14_[DVD][1C98686A]", 14),
        ("[Group] 01 - Show Name [BD][720p][AAC]", 1),  # the number before the title
        ("[Group] 06 Show Name II (720p 8bit AAC)", 6),
        ("Show.Name.07.PDTV-GRP", 7),  # a number between the title and the release words
        ("Show.Name.07v4.PDTV-GRP", 7),
        ("Show.Name.02.FRENCH.LD.DVDRip.XviD-GRP", 2),
        ("Show.Name.14.of.21.The.Title.720p.HDTV", 14),
    ],
)
def test_anime_absolute_numbers(stem: str, number: int) -> None:
    assert absolute(stem) == number


@pytest.mark.parametrize(
    ("stem", "season", "episodes"),
    [
        ("Show S03E01.S03E02", 3, (1, 2)),
        ("Show.S03E01.S03E02.720p", 3, (1, 2)),
        ("Show S07E22 - S07E23", 7, (22, 23)),
        ("Show S07E22-S07E23 1080p", 7, (22, 23)),
        ("Show S01E01+02", 1, (1, 2)),
        ("Show S01E01 + E02", 1, (1, 2)),
        ("Show S01E01&E02", 1, (1, 2)),
        ("Show S01E01-02", 1, (1, 2)),
        ("Show S01E01-03", 1, (1, 2, 3)),
        ("Show S01E01-E03", 1, (1, 2, 3)),
        ("Show S01E01E02E03", 1, (1, 2, 3)),
        ("Show S01E01 E02", 1, (1, 2)),
        ("Show 2x09-2x10", 2, (9, 10)),
        ("Show 2x09 - 2x10 - Title", 2, (9, 10)),
        ("Show 1x02-03", 1, (2, 3)),
        ("Show 3x04x05", 3, (4, 5)),
        ("Show S01E05-2019", 1, (5,)),
        ("Show S01E01 1080p", 1, (1,)),
        ("Show.S01E01.720p.HDTV", 1, (1,)),
        ("Show S02E01 - S03E01", 2, (1,)),  # another season is not one file's run
    ],
)
def test_multi_episode_styles(stem: str, season: int, episodes: tuple[int, ...]) -> None:
    assert numbers(stem) == (season, episodes)


@pytest.mark.parametrize(
    ("stem", "folder_season", "season", "episodes"),
    [
        ("E05-06", 2, 2, (5, 6)),
        ("E05-E06 - Title", 2, 2, (5, 6)),
        ("Show E05", 1, 1, (5,)),
        ("Show EP05", 3, 3, (5,)),
        ("Episode 12 - Title", 1, 1, (12,)),
        ("Show 2x4", None, 2, (4,)),
        ("Show.2x4.Title", None, 2, (4,)),
        ("Show.103", None, 1, (3,)),
        ("Show.103.The.Title.HDTV", None, 1, (3,)),
        ("Show.Name.210.720p", None, 2, (10,)),
        ("Show 103", 1, 1, (3,)),
        ("The Simpsons 12", 1, 1, (12,)),
        ("16 - 12 Angry Men", 2, 2, (16,)),  # the leading number, not the title's
        ("Show S01x02", None, 1, (2,)),
        ("Show S01xE02", None, 1, (2,)),
        ("Show 2009x02", None, 2009, (2,)),
        ("Show S2017E368", None, 2017, (368,)),
        ("Show - S01E23-E24-E26 - Title", None, 1, (23, 24, 26)),  # a list, not a range
        ("Show - 02x03-04-15 - Title", None, 2, (3, 4, 15)),
        ("Show - 02x03 - x04 - x15 - Title", None, 2, (3, 4, 15)),
        ("Show 02x03 - 04 Title", None, 2, (3,)),  # "04 Title" after a spaced dash is the episode's title
        ("02-04 - Title", 2, 2, (2, 3, 4)),
        ("02-03", 1, 1, (2, 3)),
        ("show-s09e14-1080p", None, 9, (14,)),
        ("Show [401] The Title", 4, 4, (1,)),
        ("Show.Name.0307.PDTV-GRP", None, 3, (7,)),
        ("the.100.109.hdtv-grp", None, 1, (9,)),  # the title's number is not the episode
        ("Show - [05x07] - Title", None, 5, (7,)),
        ("Show S16 - E29 - 1280x720", None, 16, (29,)),
        ("Show_Name-s03-e01", None, 3, (1,)),
        ("show-s09e14-720i", None, 9, (14,)),
        ("SHOW_s01e01-e04", None, 1, (1, 2, 3, 4)),
        ("103 - Title", 1, 1, (3,)),
        ("05 - Title", 1, 1, (5,)),
        ("Show S01.Ep06", None, 1, (6,)),
        ("Show S01 Ep06", None, 1, (6,)),
        ("Show S01EP01", None, 1, (1,)),
        ("Show.S01.E01", None, 1, (1,)),
        ("Show S01 Episode 06", None, 1, (6,)),
        ("Show Season 2 Ep 3", None, 2, (3,)),
    ],
)
def test_episode_numbers_without_sxxeyy(
    stem: str, folder_season: int | None, season: int, episodes: tuple[int, ...]
) -> None:
    assert numbers(stem, folder_season) == (season, episodes)


@pytest.mark.parametrize(
    "stem",
    ["Show 720p", "Show.1080p.WEB", "Show x264", "Show 1920x1080", "Show.H.264", "Behind the making of", "E05"],
)
def test_names_without_an_episode(stem: str) -> None:
    assert parse_episode_name(stem) is None


@pytest.mark.parametrize(
    ("stem", "folder_season", "date"),
    [
        ("The Daily Show 2024-03-01", None, "2024-03-01"),
        ("The.Daily.Show.2024.03.01.Guest.Name.720p.WEB", None, "2024-03-01"),
        ("Show 2024_03_01", None, "2024-03-01"),
        ("Show 21.03.2024", None, "2024-03-21"),  # day first with dots
        ("Show 21-03-2024", None, "2024-03-21"),  # the day can only be the first
        ("Show 03-21-2024", None, "2024-03-21"),  # month first
        ("Show 03.21.2024", None, "2024-03-21"),
        ("Show 01.03.2024", None, "2024-03-01"),  # dots: day first
        ("Show 01/03/2024", None, "2024-01-03"),  # slashes: month first
        ("Show 24.03.01", None, "2024-03-01"),  # two-digit year first, the scene order
        ("Show 99.12.31", None, "1999-12-31"),
        ("Show 31.12.99", None, "1999-12-31"),  # only the last can be a year
        ("Show 01.03.24", 2024, "2024-03-01"),  # the year folder decides
    ],
)
def test_daily_show_dates(stem: str, folder_season: int | None, date: str) -> None:
    assert aired(stem, folder_season) == date


@pytest.mark.parametrize(
    ("stem", "date"),
    [
        ("Evening.News.10.03.15", "2010-03-15"),  # dotted release names: year first, the scene order
        ("Evening.News.10.03.15.720p.HDTV.x264-GRP", "2010-03-15"),
        ("Evening_News_10_03_15", "2010-03-15"),
        ("Evening.News.10.15.03", "2003-10-15"),  # no month 15: the year is last, month first
        ("Evening.News.15.03.10", "2015-03-10"),
        ("Evening.News.31.12.09", "2009-12-31"),  # 2031 is years ahead: the year is last, day first
        ("Evening.News.29.12.09.PDTV", "2009-12-29"),
        ("Evening.News.2010.03.15", "2010-03-15"),  # four-digit years as they were
        ("Evening.News.15.03.2010", "2010-03-15"),
    ],
)
def test_two_digit_year_dates_in_release_names(stem: str, date: str) -> None:
    assert aired(stem) == date


@pytest.mark.parametrize("stem", ["Evening.News.1.10.03.15", "Evening.News.10.03.15.16", "Evening.News.10.13.32"])
def test_longer_number_runs_are_no_two_digit_year_dates(stem: str) -> None:
    assert aired(stem) is None


@pytest.mark.parametrize(
    ("name", "season"),
    [
        ("Season 1", 1),
        ("Season 01", 1),
        ("Temporada 1", 1),
        ("Temporada 02", 2),
        ("Stagione 1", 1),
        ("Säsong 1", 1),
        ("Sæson 3", 3),
        ("Sesong 2", 2),
        ("Seizoen 4", 4),
        ("Сезон 1", 1),
        ("Sezon 2", 2),
        ("Kausi 1", 1),
        ("Staffel 3", 3),
        ("3.Staffel", 3),
        ("3. Staffel", 3),
        ("Saison 2", 2),
        ("Series 3", 3),
        ("2nd Season", 2),
        ("2", 2),
        ("02", 2),
        ("S2", 2),
        ("Show.S02.1080p.BluRay-GRP", 2),
        ("Show.Name.S03.720p.HDTV.x264-GRP", 3),
        ("Show S04 Complete", 4),
        ("Show - Season 2", 2),
        ("Show Season 02 1080p", 2),
        ("Season 02 - The Return", 2),
        ("Season 1 (2019)", 1),
        ("Specials", 0),
        ("Special", 0),
        ("Season IV", 4),
        ("Saison VII", 7),
        ("Show Saison IX FRENCH", 9),
        ("Season X (2012)", 10),
        ("season.12", 12),
        ("S01", 1),
        ("Season 0", 0),
        ("Season 2 (2019)", 2),
    ],
)
def test_season_folders(name: str, season: int) -> None:
    assert parse_season_folder(name) == season


@pytest.mark.parametrize(
    "name",
    [
        "Extras",
        "Arc 1",
        "Season",
        "Season 1 2",
        "Show S01E01",
        "Show S01-S03",
        "Show Season 1-3",
        "Featurettes",
        "Season Xmas",
        "Season IIII",
    ],
)
def test_folders_that_are_no_season(name: str) -> None:
    assert parse_season_folder(name) is None


@pytest.mark.parametrize(
    ("stem", "season", "episode"),
    [
        ("[SubsPlease] Mythic Blades S2 - 05 (1080p) [ABCD1234]", 2, 5),
        ("[Fansub] Harbor Lights Season 3 - 07 [720p]", 3, 7),
        ("[Fansub] Harbor Lights Temporada 2 - 11v2 [1080p]", 2, 11),
        ("Harbor Lights S2 - 05", 2, 5),
    ],
)
def test_anime_season_before_the_number(stem: str, season: int, episode: int) -> None:
    assert numbers(stem) == (season, (episode,))


@pytest.mark.parametrize(
    ("stem", "season", "episodes"),
    [
        ("Quiet.Harbor.1002.HDTV.x264", 10, (2,)),  # four digits, not a year: season 10, episode 2
        ("Quiet.Harbor.1815.PDTV", 18, (15,)),
    ],
)
def test_four_digit_season_and_episode_numbers(stem: str, season: int, episodes: tuple[int, ...]) -> None:
    assert numbers(stem) == (season, episodes)


def test_a_year_stays_no_four_digit_episode_number() -> None:
    assert numbers("Quiet.Harbor.1999.HDTV") is None


@pytest.mark.parametrize(("stem", "number"), [("Long Voyage - Part 1 of 6", 1), ("Long Voyage Part 3 of 4", 3)])
def test_part_n_of_m_is_episode_n(stem: str, number: int) -> None:
    assert absolute(stem) == number
    assert numbers(stem, 1) == (1, (number,))


@pytest.mark.parametrize(
    ("name", "season"),
    [
        ("Season One", 1),
        ("Season Twelve", 12),
        ("First Season", 1),
        ("Third Season", 3),
        ("Show Name - Season 2 - 1080p", 2),  # a resolution after a dash is no season range
        ("Show.Name.Season.4.720p.WEB-DL", 4),
    ],
)
def test_spelled_season_numbers_and_release_words_after_a_dash(name: str, season: int) -> None:
    assert parse_season_folder(name) == season


@pytest.mark.parametrize("name", ["Season Something", "Show Season 1-3", "Show Season 2 - 4"])
def test_season_ranges_and_other_words_stay_no_season(name: str) -> None:
    assert parse_season_folder(name) is None


@pytest.mark.parametrize(
    ("stem", "episodes"),
    [
        ("Harbor Lights - 05-06", (5, 6)),  # a dash range after the title, in a season folder
        ("Harbor Lights - 05 ~ 07", (5, 6, 7)),
        ("[Fansub] Harbor Lights - 05-06 [720p]", (5, 6)),
        ("05 & 06 - The Title", (5, 6)),  # two leading numbers
        ("05+07 - The Title", (5, 7)),
    ],
)
def test_two_episodes_in_a_season_folder_without_sxxeyy(stem: str, episodes: tuple[int, ...]) -> None:
    assert numbers(stem, 1) == (1, episodes)


@pytest.mark.parametrize(
    ("stem", "episodes"),
    [
        ("[Fansub] Harbor Lights - 05-06 [720p]", (5, 6)),
        ("[Group] Harbor Lights - 05-06 [1080p][ABCD1234]", (5, 6)),
        ("[Group] Harbor Lights - 11 ~ 12 (BD 1080p)", (11, 12)),
        ("[Group] Harbor Lights 05-06 [1080p]", (5, 6)),  # no dash before the numbers
        ("[Group] Harbor Lights 05-07", (5, 6, 7)),
        ("[Group] Harbor Lights 12 13v2", (12, 13)),
        ("Harbor Lights 05 06", (5, 6)),  # two numbers, the second following the first
    ],
)
def test_an_absolute_range_without_a_season_holds_each_episode(stem: str, episodes: tuple[int, ...]) -> None:
    match = parse_episode_name(stem)
    assert match is not None
    assert (match.season, match.episodes, match.absolute) == (None, episodes, episodes[0])


@pytest.mark.parametrize(
    ("stem", "number"),
    [
        ("Harbor Lights 05 07", 7),  # not consecutive: the last number alone
        ("[Group] Harbor Lights - 12 [1080p]", 12),
        ("Mob Psycho 100 - 05", 5),
    ],
)
def test_not_an_absolute_range(stem: str, number: int) -> None:
    match = parse_episode_name(stem)
    assert match is not None and (match.episodes, match.absolute) == ((), number)


def test_years_are_no_absolute_range() -> None:
    assert parse_episode_name("Harbor Lights 2019-2020") is None


@pytest.mark.parametrize(("stem", "episodes"), [("Show.S01E05xE06", (5, 6)), ("Show S01E05xE06xE07", (5, 6, 7))])
def test_sxxeyy_with_x_before_the_next_episode(stem: str, episodes: tuple[int, ...]) -> None:
    assert numbers(stem) == (1, episodes)


@pytest.mark.parametrize("stem", ["Evening.News.S01E05.2013.03.14.720p", "Evening.News.2013.03.14.S01E05"])
def test_an_air_date_beside_sxxeyy_is_kept(stem: str) -> None:
    match = parse_episode_name(stem)
    assert match is not None and (match.season, match.episodes, match.air_date) == (1, (5,), "2013-03-14")


def test_sxxeyy_without_a_date_has_no_air_date() -> None:
    match = parse_episode_name("Evening.News.S01E05.1080p.x264")
    assert match is not None and match.air_date is None


@pytest.mark.parametrize(
    ("stem", "number"),
    [
        ("[Group] Harbor Lights - 61 [2160p][E4728DDB]", 61),  # a checksum starting with E is no episode
        ("[Group] Harbor Lights - 07 [EABCD123]", 7),
        ("[Group] Harbor Lights [E05]", 5),
    ],
)
def test_checksum_tags_are_no_episode_numbers(stem: str, number: int) -> None:
    assert absolute(stem) == number


@pytest.mark.parametrize(
    ("stem", "folder_season", "expected"),
    [
        ("Quiet.Harbor.1080.HDTV.x264", None, None),  # a resolution without its "p", never season 10 episode 80
        ("Quiet.Harbor.1080.WEB-DL", 2, None),
        ("Quiet.Harbor.720.HDTV.x264", None, None),
        ("Quiet.Harbor.0307.1080.WEB-DL", None, (3, (7,))),
        ("Quiet.Harbor.07.720.HDTV", 1, (1, (7,))),
        ("Quiet.Harbor.S02E05.1080.WEB.h264", None, (2, (5,))),
        ("Quiet.Harbor.102.1080.HDTV", None, (1, (2,))),
    ],
)
def test_a_resolution_without_its_p_is_no_episode_number(
    stem: str, folder_season: int | None, expected: tuple[int | None, tuple[int, ...]] | None
) -> None:
    assert numbers(stem, folder_season) == expected


def test_a_number_before_a_resolution_without_its_p_is_the_episode() -> None:
    assert absolute("Quiet.Harbor.07.720.HDTV") == 7
