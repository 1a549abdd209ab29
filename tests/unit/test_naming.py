"""Title, year and ids from movie folder names."""

from __future__ import annotations

import pytest

from reelscan.library.naming import ParsedName, parse_folder_name


def test_title_and_year_in_parentheses() -> None:
    assert parse_folder_name("The Matrix (1999)") == ParsedName("The Matrix", 1999)


def test_release_name_with_dots_and_junk() -> None:
    assert parse_folder_name("The.Matrix.1999.1080p.BluRay.x264-GROUP") == ParsedName("The Matrix", 1999)


def test_year_in_square_brackets() -> None:
    assert parse_folder_name("The Matrix [1999]") == ParsedName("The Matrix", 1999)


def test_year_in_the_title_is_kept_when_a_later_year_follows() -> None:
    assert parse_folder_name("Blade Runner 2049 (2017)") == ParsedName("Blade Runner 2049", 2017)


def test_year_in_a_release_name_title_is_kept() -> None:
    assert parse_folder_name("Blade.Runner.2049.2017.1080p.WEB-DL") == ParsedName("Blade Runner 2049", 2017)


def test_title_starting_with_a_year() -> None:
    assert parse_folder_name("2001 A Space Odyssey (1968)") == ParsedName("2001 A Space Odyssey", 1968)


def test_title_that_is_a_year() -> None:
    assert parse_folder_name("1917 (2019)") == ParsedName("1917", 2019)


def test_title_that_is_a_year_without_a_year() -> None:
    assert parse_folder_name("1917") == ParsedName("1917")


def test_no_year() -> None:
    assert parse_folder_name("Alien") == ParsedName("Alien")


def test_no_year_release_junk_is_cut() -> None:
    assert parse_folder_name("Alien.1080p.BluRay") == ParsedName("Alien")


def test_non_ascii_title() -> None:
    assert parse_folder_name("Amélie (2001)") == ParsedName("Amélie", 2001)


def test_junk_words_before_the_year_stay_in_the_title() -> None:
    assert parse_folder_name("Old DVD (1995)") == ParsedName("Old DVD", 1995)


def test_ambiguous_words_are_not_cut_without_a_year() -> None:
    assert parse_folder_name("Charlotte's Web") == ParsedName("Charlotte's Web")


def test_underscores_become_spaces() -> None:
    assert parse_folder_name("The_Thing_1982") == ParsedName("The Thing", 1982)


def test_dots_are_kept_when_the_name_has_spaces() -> None:
    assert parse_folder_name("Mr. Robot (2015)") == ParsedName("Mr. Robot", 2015)


def test_parentheses_in_the_title_are_kept() -> None:
    assert parse_folder_name("(500) Days of Summer (2009)") == ParsedName("(500) Days of Summer", 2009)


@pytest.mark.parametrize(
    "name",
    [
        "Mad.Max.1979.2160p.WEB-DL.DDP5.1.HEVC",
        "Mad.Max.1979.720p.WEBRip.x265",
        "Mad.Max.1979.HDTV.H.264.AAC",
        "Mad.Max.1979.DVDRip.XviD",
        "Mad.Max.1979.REMUX.DTS",
        "Mad.Max.1979.PROPER.REPACK.4K",
        "Mad Max 1979 EXTENDED",
        "Mad Max 1979 Director's Cut",
        "Mad.Max.1979-GROUP",
        "Mad Max 1979",
    ],
)
def test_release_junk_after_the_year_is_cut(name: str) -> None:
    assert parse_folder_name(name) == ParsedName("Mad Max", 1979)


def test_year_followed_by_unknown_words_before_junk() -> None:
    assert parse_folder_name("Mad.Max.1979.Something.1080p") == ParsedName("Mad Max", 1979)


def test_tmdbid_in_square_brackets() -> None:
    assert parse_folder_name("The Matrix (1999) [tmdbid-603]") == ParsedName("The Matrix", 1999, tmdb_id=603)


def test_tmdb_in_braces() -> None:
    assert parse_folder_name("The Matrix (1999) {tmdb-603}") == ParsedName("The Matrix", 1999, tmdb_id=603)


def test_imdbid_in_square_brackets() -> None:
    expected = ParsedName("The Matrix", 1999, imdb_id="tt0133093")
    assert parse_folder_name("The Matrix (1999) [imdbid-tt0133093]") == expected


def test_imdb_in_braces() -> None:
    expected = ParsedName("The Matrix", 1999, imdb_id="tt0133093")
    assert parse_folder_name("The Matrix (1999) {imdb-tt0133093}") == expected


def test_bare_imdb_id_in_brackets() -> None:
    assert parse_folder_name("The Matrix [tt0133093]") == ParsedName("The Matrix", imdb_id="tt0133093")


def test_both_ids_in_a_release_name() -> None:
    expected = ParsedName("The Matrix", 1999, imdb_id="tt0133093", tmdb_id=603)
    assert parse_folder_name("The.Matrix.1999.tt0133093.720p[tmdbid-603]") == expected


def test_whitespace_is_collapsed() -> None:
    assert parse_folder_name("  The   Matrix  -  (1999) ") == ParsedName("The Matrix", 1999)


def test_falls_back_to_the_raw_name_when_nothing_is_left() -> None:
    assert parse_folder_name("[tmdbid-603]") == ParsedName("[tmdbid-603]", tmdb_id=603)


# The same shapes as one table


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Matrix (1999)", ParsedName("The Matrix", 1999)),
        ("The.Matrix.1999.1080p.BluRay.x264-GROUP", ParsedName("The Matrix", 1999)),
        ("The Matrix [1999]", ParsedName("The Matrix", 1999)),
        ("Blade Runner 2049 (2017)", ParsedName("Blade Runner 2049", 2017)),
        ("2001 A Space Odyssey (1968)", ParsedName("2001 A Space Odyssey", 1968)),
        ("1917 (2019)", ParsedName("1917", 2019)),
        ("Alien", ParsedName("Alien", None)),
        ("Alien.1080p.BluRay", ParsedName("Alien", None)),
        ("Amélie (2001)", ParsedName("Amélie", 2001)),
        ("Old DVD (1995)", ParsedName("Old DVD", 1995)),
        ("The_Thing_1982", ParsedName("The Thing", 1982)),
        ("Mad.Max.Fury.Road.2015.2160p.WEB-DL", ParsedName("Mad Max Fury Road", 2015)),
        ("The Matrix (1999) [tmdbid-603]", ParsedName("The Matrix", 1999, tmdb_id=603)),
        ("The Matrix (1999) {tmdb-603}", ParsedName("The Matrix", 1999, tmdb_id=603)),
        ("The Matrix (1999) [imdbid-tt0133093]", ParsedName("The Matrix", 1999, imdb_id="tt0133093")),
        ("The Matrix (1999) {imdb-tt0133093}", ParsedName("The Matrix", 1999, imdb_id="tt0133093")),
        ("The Matrix [tt0133093]", ParsedName("The Matrix", None, imdb_id="tt0133093")),
    ],
)
def test_folder_names_table(name: str, expected: ParsedName) -> None:
    assert parse_folder_name(name) == expected
