"""Title, year and ids from movie folder names."""

from __future__ import annotations

import pytest

from reelscan.library.naming import ParsedName, parse_folder_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("The Matrix (1999)", ParsedName("The Matrix", 1999), id="title_and_year_in_parentheses"),
        pytest.param(
            "The.Matrix.1999.1080p.BluRay.x264-GROUP",
            ParsedName("The Matrix", 1999),
            id="release_name_with_dots_and_junk",
        ),
        pytest.param("The Matrix [1999]", ParsedName("The Matrix", 1999), id="year_in_square_brackets"),
        pytest.param(
            "Blade Runner 2049 (2017)",
            ParsedName("Blade Runner 2049", 2017),
            id="year_in_the_title_is_kept_when_a_later_year_follows",
        ),
        pytest.param(
            "Blade.Runner.2049.2017.1080p.WEB-DL",
            ParsedName("Blade Runner 2049", 2017),
            id="year_in_a_release_name_title_is_kept",
        ),
        pytest.param(
            "2001 A Space Odyssey (1968)", ParsedName("2001 A Space Odyssey", 1968), id="title_starting_with_a_year"
        ),
        pytest.param("1917 (2019)", ParsedName("1917", 2019), id="title_that_is_a_year"),
        pytest.param("1917", ParsedName("1917"), id="title_that_is_a_year_without_a_year"),
        pytest.param("Alien", ParsedName("Alien"), id="no_year"),
        pytest.param("Alien.1080p.BluRay", ParsedName("Alien"), id="no_year_release_junk_is_cut"),
        pytest.param("Amélie (2001)", ParsedName("Amélie", 2001), id="non_ascii_title"),
        pytest.param("Old DVD (1995)", ParsedName("Old DVD", 1995), id="junk_words_before_the_year_stay_in_the_title"),
        pytest.param("Charlotte's Web", ParsedName("Charlotte's Web"), id="ambiguous_words_are_not_cut_without_a_year"),
        pytest.param("The_Thing_1982", ParsedName("The Thing", 1982), id="underscores_become_spaces"),
        pytest.param("Mr. Robot (2015)", ParsedName("Mr. Robot", 2015), id="dots_are_kept_when_the_name_has_spaces"),
        pytest.param(
            "(500) Days of Summer (2009)",
            ParsedName("(500) Days of Summer", 2009),
            id="parentheses_in_the_title_are_kept",
        ),
        pytest.param(
            "Mad.Max.1979.Something.1080p", ParsedName("Mad Max", 1979), id="year_followed_by_unknown_words_before_junk"
        ),
        pytest.param(
            "The Matrix (1999) [tmdbid-603]",
            ParsedName("The Matrix", 1999, tmdb_id=603),
            id="tmdbid_in_square_brackets",
        ),
        pytest.param("The Matrix (1999) {tmdb-603}", ParsedName("The Matrix", 1999, tmdb_id=603), id="tmdb_in_braces"),
        pytest.param(
            "The Matrix (1999) [imdbid-tt0133093]",
            ParsedName("The Matrix", 1999, imdb_id="tt0133093"),
            id="imdbid_in_square_brackets",
        ),
        pytest.param(
            "The Matrix (1999) {imdb-tt0133093}",
            ParsedName("The Matrix", 1999, imdb_id="tt0133093"),
            id="imdb_in_braces",
        ),
        pytest.param(
            "The Matrix [tt0133093]", ParsedName("The Matrix", imdb_id="tt0133093"), id="bare_imdb_id_in_brackets"
        ),
        pytest.param(
            "The.Matrix.1999.tt0133093.720p[tmdbid-603]",
            ParsedName("The Matrix", 1999, imdb_id="tt0133093", tmdb_id=603),
            id="both_ids_in_a_release_name",
        ),
        pytest.param("  The   Matrix  -  (1999) ", ParsedName("The Matrix", 1999), id="whitespace_is_collapsed"),
        pytest.param(
            "[tmdbid-603]",
            ParsedName("[tmdbid-603]", tmdb_id=603),
            id="falls_back_to_the_raw_name_when_nothing_is_left",
        ),
        ("Mad.Max.Fury.Road.2015.2160p.WEB-DL", ParsedName("Mad Max Fury Road", 2015)),
    ],
)
def test_folder_name(name: str, expected: ParsedName) -> None:
    assert parse_folder_name(name) == expected


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
