"""Title comparison as media servers do it: moved articles, punctuation, accents, '&', and shorter titles."""

from __future__ import annotations

from typing import Any

import pytest

from reelscan.providers.tmdb import (
    NO_YEAR_SIMILARITY,
    SAME_YEAR_SIMILARITY,
    SUBSET_SIMILARITY,
    TV_SEARCH,
    best_match,
    normalise_title,
    restore_article,
    title_similarity,
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Matrix, The", "The Matrix"),
        ("Misérables, Les", "Les Misérables"),
        ("Untergang, Der", "Der Untergang"),
        ("Leben der Anderen, Das", "Das Leben der Anderen"),
        ("Orfanato, El", "El Orfanato"),
        ("Postino, Il", "Il Postino"),
        ("Auberge espagnole, L'", "L'Auberge espagnole"),
        ("Lord of the Rings, The: The Two Towers", "The Lord of the Rings: The Two Towers"),
        ("Beautiful Mind, A", "A Beautiful Mind"),
        ("Crouching Tiger, Hidden Dragon", "Crouching Tiger, Hidden Dragon"),
        ("Good, the Bad and the Ugly", "Good, the Bad and the Ugly"),
        ("Sex, Lies, and Videotape", "Sex, Lies, and Videotape"),
        ("The Matrix", "The Matrix"),
        ("Mädchen, Die", "Die Mädchen"),
        ("Boy, Die", "Boy, Die"),  # an English word, not the German article
        ("Die, Monster, Die", "Die, Monster, Die"),
        ("Live, Die, Repeat", "Live, Die, Repeat"),
    ],
)
def test_a_moved_article_is_put_back(title: str, expected: str) -> None:
    assert restore_article(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Matrix, The", "the matrix"),
        ("Amélie", "amelie"),
        ("Schindler's List", "schindlers list"),
        ("Schindler\u2019s List", "schindlers list"),
        ("Fast & Furious", "fast and furious"),
        ("Spider-Man: No Way Home", "spider man no way home"),
        ("L'Auberge espagnole", "l auberge espagnole"),
        ("Kærlighed", "kaerlighed"),
        ("Die Straße", "die strasse"),
        ("  WALL·E  ", "wall e"),
    ],
)
def test_normalised_titles(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


@pytest.mark.parametrize(
    ("on_disk", "at_provider"),
    [
        ("Matrix, The", "The Matrix"),
        ("Matrix", "The Matrix"),
        ("Misérables, Les", "Les Misérables"),
        ("Intouchables", "Les Intouchables"),
        ("Untergang, Der", "Der Untergang"),
        ("Orfanato", "El orfanato"),
        ("Auberge espagnole", "L'Auberge espagnole"),
        ("Amelie", "Amélie"),
        ("Schindlers List", "Schindler's List"),
        ("Spiderman", "Spider-Man"),
        ("Fast and Furious", "Fast & Furious"),
        ("Fast Furious", "Fast & Furious"),
        ("Mission Impossible", "Mission: Impossible"),
        ("Lord of the Rings, The - The Two Towers", "The Lord of the Rings: The Two Towers"),
    ],
)
def test_the_same_title_written_differently_is_the_same(on_disk: str, at_provider: str) -> None:
    assert title_similarity(on_disk, at_provider) == pytest.approx(1.0)
    assert title_similarity(at_provider, on_disk) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("on_disk", "at_provider"),
    [
        ("Star Wars Episode IV - A New Hope", "Star Wars"),
        ("Star Wars", "Star Wars: Episode IV - A New Hope"),
        ("Star Wars A New Hope", "Star Wars: Episode IV - A New Hope"),
        ("Borat", "Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan"),
        ("Dr. Strangelove", "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"),
    ],
)
def test_a_shorter_title_inside_the_other_is_enough_in_the_same_year_only(on_disk: str, at_provider: str) -> None:
    similarity = title_similarity(on_disk, at_provider)
    assert SAME_YEAR_SIMILARITY <= similarity < NO_YEAR_SIMILARITY
    assert similarity >= SUBSET_SIMILARITY


@pytest.mark.parametrize(
    ("on_disk", "at_provider"),
    [
        ("Ali", "Alien"),
        ("Wars Star", "Star Wars: Episode IV - A New Hope"),  # not in order
        ("Heat", "Kiss Me Heat"),
        ("Hope", "Star Wars: Episode IV - A New Hope"),  # one word, not at the start
        ("Zzyzx", "The Matrix"),
        ("", "The Matrix"),
    ],
)
def test_different_titles_stay_apart(on_disk: str, at_provider: str) -> None:
    assert title_similarity(on_disk, at_provider) < SUBSET_SIMILARITY


def movie(tmdb_id: int, title: str, date: str, popularity: float = 1.0, original: str | None = None) -> dict[str, Any]:
    return {
        "id": tmdb_id,
        "title": title,
        "original_title": original or title,
        "release_date": date,
        "popularity": popularity,
    }


STAR_WARS = movie(11, "Star Wars", "1977-05-25", 80.0)
STAR_WARS_DOC = movie(12, "Star Wars: The Legacy Revealed", "2007-05-28", 2.0)
MATRIX = movie(603, "The Matrix", "1999-03-31", 60.0)
MATRIX_DOC = movie(604, "The Matrix Revisited", "2001-11-20", 3.0)
THING = movie(1091, "The Thing", "1982-06-25", 30.0)
THING_REMAKE = movie(60935, "The Thing", "2011-10-14", 20.0)
AMELIE = movie(
    194, "Die fabelhafte Welt der Amélie", "2001-04-25", 20.0, original="Le Fabuleux Destin d'Amélie Poulain"
)
INTOUCHABLES = movie(77338, "Ziemlich beste Freunde", "2011-11-02", 30.0, original="Intouchables")
WELLE = movie(7735, "Die Welle", "2008-03-13", 10.0)
MONSTER = movie(28682, "Die, Monster, Die!", "1965-10-27", 2.0)


@pytest.mark.parametrize(
    ("title", "year", "results", "expected"),
    [
        ("Matrix, The", 1999, [MATRIX, MATRIX_DOC], 603),
        ("Matrix, The", None, [MATRIX, MATRIX_DOC], 603),
        ("Matrix", 1999, [MATRIX_DOC, MATRIX], 603),
        ("Star Wars Episode IV - A New Hope", 1977, [STAR_WARS, STAR_WARS_DOC], 11),
        ("Star Wars Episode IV - A New Hope", None, [STAR_WARS, STAR_WARS_DOC], None),  # a subset needs the year
        ("Star Wars Episode IV - A New Hope", 1978, [STAR_WARS], None),  # ... and the same year
        ("Thing, The", 1982, [THING_REMAKE, THING], 1091),
        ("Thing, The", 2011, [THING, THING_REMAKE], 60935),
        ("Fabuleux Destin d'Amelie Poulain, Le", 2001, [AMELIE], 194),  # by the original title
        ("Les Intouchables", 2011, [INTOUCHABLES], 77338),
        ("Ziemlich beste Freunde", 2011, [INTOUCHABLES], 77338),
        ("Zzyzx Qwerty", 1999, [MATRIX, MATRIX_DOC], None),
        ("Welle, Die", 2008, [WELLE], 7735),  # "Die" without German letters: both readings are compared
        ("Die, Monster, Die", 1965, [WELLE, MONSTER], 28682),
        ("Die Monster Die", 1965, [MONSTER], 28682),
    ],
)
def test_best_match(title: str, year: int | None, results: list[dict[str, Any]], expected: int | None) -> None:
    match = best_match(title, year, results)
    assert (match.tmdb_id if match else None) == expected


def test_an_exact_title_beats_a_longer_one_in_the_same_year() -> None:
    heat = movie(949, "Heat", "1995-12-15", 1.0)
    heat_wave = movie(5000, "Heat Wave", "1995-01-01", 90.0)
    match = best_match("Heat", 1995, [heat_wave, heat])
    assert match is not None and match.tmdb_id == 949 and match.score == 1.0
    only_longer = best_match("Heat", 1995, [heat_wave])
    assert only_longer is not None and only_longer.score == SUBSET_SIMILARITY


def test_series_names_are_compared_the_same_way() -> None:
    office = {"id": 2316, "name": "The Office", "original_name": "The Office", "first_air_date": "2005-03-24"}
    match = best_match("Office, The (US)", 2005, [office], kind=TV_SEARCH)
    assert match is not None and match.tmdb_id == 2316


def test_alternative_titles_count_as_the_results_titles() -> None:
    results = [{"id": 671, "title": "Harry Potter and the Philosopher's Stone", "release_date": "2001-11-16"}]
    german = "Harry Potter und der Stein der Weisen"
    assert best_match(german, 2001, results) is None
    match = best_match(german, 2001, results, alternatives={671: [german]})
    assert match is not None and match.tmdb_id == 671 and match.title == "Harry Potter and the Philosopher's Stone"


def test_a_series_alternative_titles_count_as_its_names() -> None:
    money_heist = {"id": 71446, "name": "Money Heist", "original_name": "La casa de papel"}
    results = [{**money_heist, "first_air_date": "2017-05-02"}]
    german = "Haus des Geldes"
    assert best_match(german, 2017, results, kind=TV_SEARCH) is None
    match = best_match(german, 2017, results, kind=TV_SEARCH, alternatives={71446: [german, "La Casa de Papel"]})
    assert match is not None and (match.tmdb_id, match.title) == (71446, "Money Heist")
    # An alternative title does not lift the first-air year rules.
    assert best_match(german, 2010, results, kind=TV_SEARCH, alternatives={71446: [german]}) is None
