"""Title, year and ids from folder names."""

from __future__ import annotations

import pytest

from reelscan.library.naming import ParsedName, parse_folder_name


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
def test_folder_names(name: str, expected: ParsedName) -> None:
    assert parse_folder_name(name) == expected
