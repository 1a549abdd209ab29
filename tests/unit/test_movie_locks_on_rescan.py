"""A rescan of a changed movie folder keeps the fields a user edited (locked), like enrichment does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from reelscan.db.models import Movie
from reelscan.db.session import session_scope
from reelscan.settings import Settings
from tests.movie_folders import HEAT_NFO, heat_folder, record_movie_folder


def test_a_rescan_keeps_locked_fields_and_updates_the_rest(sqlite_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    folder = heat_folder(root)
    assert record_movie_folder(sqlite_settings, root, "Heat (1995)") == "new"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        session.execute(update(Movie).values(title="Heat (Director's Cut)", title_locked=True))

    (folder / "movie.nfo").write_text(HEAT_NFO.replace("From the NFO.", "A newer plot."))
    assert record_movie_folder(sqlite_settings, root, "Heat (1995)") == "updated"

    with session_scope(sqlite_settings.resolved_database_url) as session:
        movie = session.scalars(select(Movie)).one()
        assert (movie.title, movie.plot) == ("Heat (Director's Cut)", "A newer plot.")
