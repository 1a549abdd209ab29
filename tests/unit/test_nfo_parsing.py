"""Kodi NFO parsing: every variant a NAS library holds, and hostile files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reelscan.library.nfo import NfoError, find_nfo, parse_nfo
from tests.library_builder import FULL_NFO


def write(tmp_path: Path, content: str | bytes, name: str = "movie.nfo") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_full_kodi_nfo(tmp_path: Path) -> None:
    nfo = parse_nfo(write(tmp_path, FULL_NFO))
    assert (nfo.title, nfo.original_title, nfo.sort_title, nfo.year) == ("The Matrix", "The Matrix", "Matrix 1", 1999)
    assert (nfo.premiered, nfo.runtime, nfo.mpaa) == ("1999-03-31", 136, "R")
    assert (nfo.imdb_id, nfo.tmdb_id) == ("tt0133093", 603)
    assert nfo.genres == ["Action", "Science Fiction"]
    assert nfo.directors == ["Lana Wachowski", "Lilly Wachowski"]
    assert [(a.name, a.role, a.order) for a in nfo.actors] == [
        ("Keanu Reeves", "Neo", 0),
        ("Carrie-Anne Moss", "Trinity", 1),
    ]
    assert nfo.ratings[0].name == "imdb" and nfo.ratings[0].value == 8.7 and nfo.ratings[0].votes == 1900000
    assert nfo.ratings[0].default and not nfo.ratings[1].default
    assert nfo.set_name == "The Matrix Collection"
    assert nfo.tagline == "Welcome to the Real World."


def test_legacy_ids_rating_and_set(tmp_path: Path) -> None:
    nfo = parse_nfo(
        write(
            tmp_path,
            "<movie><title>X</title><id>tt0111161</id><tmdbid>278</tmdbid>"
            "<rating>9.3</rating><votes>2,800,000</votes><set>Legacy Set</set>"
            "<genre>Crime / Drama</genre><runtime>142 min</runtime></movie>",
        )
    )
    assert (nfo.imdb_id, nfo.tmdb_id) == ("tt0111161", 278)
    assert nfo.ratings[0].value == 9.3 and nfo.ratings[0].votes == 2800000
    assert nfo.set_name == "Legacy Set"
    assert nfo.genres == ["Crime", "Drama"]
    assert nfo.runtime == 142


def test_junk_after_closing_tag_keeps_xml_and_ids_from_the_junk(tmp_path: Path) -> None:
    nfo = parse_nfo(write(tmp_path, "<movie><title>Heat</title></movie>\nhttps://www.themoviedb.org/movie/949-heat\n"))
    assert nfo.title == "Heat" and nfo.tmdb_id == 949


def test_invalid_xml_is_an_error_naming_the_file_with_ids_recovered(tmp_path: Path) -> None:
    path = write(tmp_path, "<movie><title>Broken</titel><uniqueid type='imdb'>tt0133093</uniqueid></movie>")
    with pytest.raises(NfoError) as error:
        parse_nfo(path)
    assert str(path) in str(error.value) and "not valid XML" in str(error.value)
    assert error.value.recovered is not None and error.value.recovered.imdb_id == "tt0133093"


def test_text_without_xml_or_ids_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "just some notes about this movie")
    with pytest.raises(NfoError, match="holds no IMDb or TMDB id") as error:
        parse_nfo(path)
    assert str(path) in str(error.value)


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1 if i else "lol"}' for i in range(0))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + "]><movie><title>&lol9;</title></movie>"
        + entities
    )
    path = write(tmp_path, bomb)
    started = time.perf_counter()
    with pytest.raises(NfoError, match="entities") as error:
        parse_nfo(path)
    assert time.perf_counter() - started < 1
    assert str(path) in str(error.value)


def test_external_entity_never_reads_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><movie><title>&x;</title></movie>',
    )
    with pytest.raises(NfoError, match="entities") as error:
        parse_nfo(path)
    assert "root:" not in str(error.value)


def test_doctype_with_url_is_parsed_without_network(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '<?xml version="1.0"?><!DOCTYPE movie SYSTEM "http://example.invalid/movie.dtd">'
        "<movie><title>Offline</title></movie>",
    )
    started = time.perf_counter()
    assert parse_nfo(path).title == "Offline"
    assert time.perf_counter() - started < 1


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path, '<?xml version="1.0" encoding="UTF-16"?><movie><title>Amélie</title></movie>'.encode("utf-16")
    )
    assert parse_nfo(path).title == "Amélie"


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252"])
def test_declared_legacy_encodings(tmp_path: Path, encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?><movie><title>Amélie</title><plot>Café</plot></movie>'
    nfo = parse_nfo(write(tmp_path, text.encode("cp1252")))
    assert (nfo.title, nfo.plot) == ("Amélie", "Café")


def test_undeclared_windows_1252_bytes(tmp_path: Path) -> None:
    nfo = parse_nfo(write(tmp_path, "<movie><title>Café \u2013 Noir</title></movie>".encode("cp1252")))
    assert nfo.title == "Café \u2013 Noir"


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "movie.nfo"
    with path.open("wb") as handle:
        handle.write(b"<movie><title>x</title>")
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(NfoError, match="too large") as error:
        parse_nfo(path)
    assert "52,428,800" in str(error.value) and str(path) in str(error.value)


def test_binary_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(NfoError, match="not a text file"):
        parse_nfo(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.nfo"))
    with pytest.raises(NfoError, match="is empty"):
        parse_nfo(write(tmp_path, b"", "empty.nfo"))


def test_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    depth = 100_000
    path = write(tmp_path, "<movie><title>Deep</title>" + "<a>" * depth + "</a>" * depth + "</movie>")
    try:
        assert parse_nfo(path).title == "Deep"
    except NfoError as error:
        assert str(path) in str(error)


def test_other_root_element_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NfoError, match="expected <movie>"):
        parse_nfo(write(tmp_path, "<tvshow><title>Show</title></tvshow>"))


def test_find_nfo_precedence(tmp_path: Path) -> None:
    (tmp_path / "VIDEO_TS").mkdir()
    (tmp_path / "VIDEO_TS" / "VIDEO_TS.nfo").write_text("<movie/>")
    assert find_nfo(tmp_path, ["The.Film"]) == tmp_path / "VIDEO_TS" / "VIDEO_TS.nfo"
    (tmp_path / "MOVIE.NFO").write_text("<movie/>")
    assert find_nfo(tmp_path, ["The.Film"]) == tmp_path / "MOVIE.NFO"
    (tmp_path / "the.film.NFO").write_text("<movie/>")
    assert find_nfo(tmp_path, ["The.Film"]) == tmp_path / "the.film.NFO"
