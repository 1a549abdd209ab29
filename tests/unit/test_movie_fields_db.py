"""Provider fields as stored on a scanned movie: the shown certification by language, unique ids in one
vocabulary, no rating without votes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from reelscan.db import enrichment
from reelscan.db.models import Movie
from reelscan.db.session import session_scope
from reelscan.providers.tmdb import parse_movie_details
from reelscan.settings import Settings
from tests.fake_tmdb import sample_movie
from tests.movie_folders import heat_folder, record_movie_folder


@pytest.mark.parametrize(
    ("language", "mpaa"),
    [("en-US", "R"), ("de-DE", "16"), ("fr-FR", "R"), ("en", "R")],
)
def test_applied_details_show_the_users_certification_and_one_id_vocabulary(
    sqlite_settings: Settings, tmp_path: Path, language: str, mpaa: str
) -> None:
    root = tmp_path / "Movies"
    heat_folder(root)
    assert record_movie_folder(sqlite_settings, root, "Heat (1995)") == "new"
    url = sqlite_settings.resolved_database_url
    with session_scope(url) as session:
        movie = session.scalars(select(Movie)).one()
        session.execute(update(Movie).values(unique_ids={"imdb_id": "tt0113277", "custom": "x"}))
        details = {**sample_movie(949, "Heat", 1995, "tt0113277"), "vote_average": 0.0, "vote_count": 0}
        enrichment.store_provider_details(session, movie.id, 949, details)
        enrichment.apply_metadata(session, movie.id, parse_movie_details(details), "search", language=language)

    with session_scope(url) as session:
        movie = session.scalars(select(Movie)).one()
        assert movie.mpaa == mpaa and movie.certifications == {"US": "R", "DE": "16"}
        assert movie.unique_ids == {"imdb": "tt0113277", "custom": "x", "wikidata": "Q949", "tmdb": "949"}
        assert not [r for r in movie.ratings or [] if r.get("name") == "themoviedb"]
        assert (movie.provider_match, movie.tmdb_id) == ("search", 949)
