"""tvshow.nfo and episode NFOs: the series, several <episodedetails> in one file, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelscan.library.nfo import NfoError
from reelscan.library.tv_nfo import parse_episode_nfo, parse_tvshow_nfo

TVSHOW = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<tvshow>
  <title>Breaking Bad</title>
  <plot>A chemistry teacher.</plot>
  <premiered>2008-01-20</premiered>
  <studio>AMC</studio>
  <genre>Drama</genre><genre>Crime</genre>
  <uniqueid type="tmdb">1396</uniqueid>
  <uniqueid type="tvdb" default="true">81189</uniqueid>
  <uniqueid type="imdb">tt0903747</uniqueid>
  <actor><name>Bryan Cranston</name><role>Walter White</role><order>0</order></actor>
  <actor><name>Aaron Paul</name><role>Jesse Pinkman</role></actor>
</tvshow>
"""
EPISODE = "<episodedetails><title>{title}</title><season>1</season><episode>{n}</episode>{extra}</episodedetails>"


def write(tmp_path: Path, content: str, name: str = "tvshow.nfo") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_tvshow_fields(tmp_path: Path) -> None:
    series = parse_tvshow_nfo(write(tmp_path, TVSHOW))
    assert (series.title, series.plot, series.premiered, series.year) == (
        "Breaking Bad",
        "A chemistry teacher.",
        "2008-01-20",
        2008,
    )
    assert series.studios == ["AMC"] and series.genres == ["Drama", "Crime"]
    assert [(a.name, a.role, a.order) for a in series.actors] == [
        ("Bryan Cranston", "Walter White", 0),
        ("Aaron Paul", "Jesse Pinkman", 1),
    ]


def test_tvshow_unique_ids(tmp_path: Path) -> None:
    ids = parse_tvshow_nfo(write(tmp_path, TVSHOW)).ids
    assert (ids.tmdb_id, ids.tvdb_id, ids.imdb_id) == (1396, 81189, "tt0903747")


def test_tvshow_legacy_id_tags(tmp_path: Path) -> None:
    ids = parse_tvshow_nfo(write(tmp_path, "<tvshow><title>X</title><id>81189</id><tmdbid>1396</tmdbid></tvshow>")).ids
    assert (ids.tvdb_id, ids.tmdb_id, ids.imdb_id) == (81189, 1396, None)


def test_tvshow_with_wrong_root_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<movie><title>X</title></movie>")
    with pytest.raises(NfoError, match="expected <tvshow>") as error:
        parse_tvshow_nfo(path)
    assert str(path) in str(error.value)


def test_tvshow_junk_after_closing_tag_is_ignored(tmp_path: Path) -> None:
    series = parse_tvshow_nfo(write(tmp_path, TVSHOW + "\n== released by GROUP ==\n"))
    assert series.title == "Breaking Bad"


def test_single_episode(tmp_path: Path) -> None:
    extra = '<aired>2008-01-20</aired><plot>Pilot plot.</plot><uniqueid type="tvdb">349232</uniqueid>'
    [episode] = parse_episode_nfo(write(tmp_path, EPISODE.format(title="Pilot", n=1, extra=extra), "e.nfo"))
    assert (episode.title, episode.season, episode.episode) == ("Pilot", 1, 1)
    assert (episode.aired, episode.plot, episode.ids.tvdb_id) == ("2008-01-20", "Pilot plot.", 349232)


def test_multi_episode_file_yields_each_episode(tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(
        EPISODE.format(title=title, n=n, extra="") for n, title in ((2, "Part One"), (3, "Part Two"))
    )
    episodes = parse_episode_nfo(write(tmp_path, text, "e.nfo"))
    assert [(e.title, e.episode) for e in episodes] == [("Part One", 2), ("Part Two", 3)]


def test_specials_season_zero(tmp_path: Path) -> None:
    text = "<episodedetails><title>Special</title><season>0</season><episode>1</episode></episodedetails>"
    assert parse_episode_nfo(write(tmp_path, text, "e.nfo"))[0].season == 0


def test_billion_laughs_in_episode_nfo_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<episodedetails><title>&b;</title></episodedetails>"
    )
    with pytest.raises(NfoError, match="entities"):
        parse_episode_nfo(write(tmp_path, bomb, "e.nfo"))


def test_entities_in_multi_episode_nfo_are_refused(tmp_path: Path) -> None:
    hostile = (
        '<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + EPISODE.format(title="&x;", n=1, extra="")
        + EPISODE.format(title="B", n=2, extra="")
    )
    with pytest.raises(NfoError, match="entities") as error:
        parse_episode_nfo(write(tmp_path, hostile, "e.nfo"))
    assert "root:" not in str(error.value)


def test_entities_in_tvshow_nfo_are_refused(tmp_path: Path) -> None:
    hostile = '<!DOCTYPE t [<!ENTITY x "y">]><tvshow><title>&x;</title></tvshow>'
    with pytest.raises(NfoError, match="entities"):
        parse_tvshow_nfo(write(tmp_path, hostile))


def test_oversized_episode_nfo_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, EPISODE.format(title="x" * 2000, n=1, extra=""), "e.nfo")
    with pytest.raises(NfoError, match="too large"):
        parse_episode_nfo(path, max_bytes=1000)


def test_episode_nfo_that_is_not_xml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NfoError, match="not valid XML"):
        parse_episode_nfo(write(tmp_path, "https://thetvdb.com/episodes/1", "e.nfo"))


def test_latin1_episode_nfo_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "e.nfo"
    path.write_bytes(EPISODE.format(title="Café", n=1, extra="").encode("cp1252"))
    assert parse_episode_nfo(path)[0].title == "Café"
