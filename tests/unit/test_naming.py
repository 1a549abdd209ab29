"""Title, year and ids from movie folder names."""

from __future__ import annotations

import pytest

from reelscan.library.naming import ParsedName, parse_folder_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Matrix (1999)", ParsedName("The Matrix", 1999)),  # title and year in parentheses
        ("The.Matrix.1999.1080p.BluRay.x264-GROUP", ParsedName("The Matrix", 1999)),  # release name with dots and junk
        ("The Matrix [1999]", ParsedName("The Matrix", 1999)),  # year in square brackets
        # year in the title is kept when a later year follows
        ("Blade Runner 2049 (2017)", ParsedName("Blade Runner 2049", 2017)),
        # year in a release name title is kept
        ("Blade.Runner.2049.2017.1080p.WEB-DL", ParsedName("Blade Runner 2049", 2017)),
        ("2001 A Space Odyssey (1968)", ParsedName("2001 A Space Odyssey", 1968)),  # title starting with a year
        ("1917 (2019)", ParsedName("1917", 2019)),  # title that is a year
        ("1917", ParsedName("1917")),  # title that is a year without a year
        ("Alien", ParsedName("Alien")),  # no year
        ("Alien.1080p.BluRay", ParsedName("Alien")),  # no year release junk is cut
        ("Amélie (2001)", ParsedName("Amélie", 2001)),  # non ascii title
        ("Old DVD (1995)", ParsedName("Old DVD", 1995)),  # junk words before the year stay in the title
        ("Charlotte's Web", ParsedName("Charlotte's Web")),  # ambiguous words are not cut without a year
        ("The_Thing_1982", ParsedName("The Thing", 1982)),  # underscores become spaces
        ("Mr. Robot (2015)", ParsedName("Mr. Robot", 2015)),  # dots are kept when the name has spaces
        ("(500) Days of Summer (2009)", ParsedName("(500) Days of Summer", 2009)),  # parentheses in the title are kept
        ("Mad.Max.1979.Something.1080p", ParsedName("Mad Max", 1979)),  # year followed by unknown words before junk
        ("The Matrix (1999) [tmdbid-603]", ParsedName("The Matrix", 1999, tmdb_id=603)),  # tmdbid in square brackets
        ("The Matrix (1999) {tmdb-603}", ParsedName("The Matrix", 1999, tmdb_id=603)),  # tmdb in braces
        # imdbid in square brackets
        ("The Matrix (1999) [imdbid-tt0133093]", ParsedName("The Matrix", 1999, imdb_id="tt0133093")),
        ("The Matrix (1999) {imdb-tt0133093}", ParsedName("The Matrix", 1999, imdb_id="tt0133093")),  # imdb in braces
        ("The Matrix [tt0133093]", ParsedName("The Matrix", imdb_id="tt0133093")),  # bare imdb id in brackets
        # both ids in a release name
        (
            "The.Matrix.1999.tt0133093.720p[tmdbid-603]",
            ParsedName("The Matrix", 1999, imdb_id="tt0133093", tmdb_id=603),
        ),
        ("  The   Matrix  -  (1999) ", ParsedName("The Matrix", 1999)),  # whitespace is collapsed
        ("[tmdbid-603]", ParsedName("[tmdbid-603]", tmdb_id=603)),  # falls back to the raw name when nothing is left
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
