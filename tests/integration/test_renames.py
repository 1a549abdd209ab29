"""A renamed or moved movie folder is the same movie: its id, locked fields, enrichment and cached artwork stay."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select, update
from temporalio.client import Client

from reelscan.db.models import Episode, Image, Movie, Series, TvAsset, is_locked, utcnow
from reelscan.db.session import session_scope
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from tests.integration.scanning import running_workers, scan, scan_library, scanned_tv_library
from tests.library_builder import MEDIA

NFO = "<movie><title>Heat</title><year>1995</year><plot>From the NFO.</plot></movie>"


def build(root: Path) -> None:
    heat = root / "Heat (1995)"
    heat.mkdir(parents=True)
    shutil.copyfile(MEDIA / "h264_aac.mp4", heat / "Heat.mp4")
    shutil.copyfile(MEDIA / "poster.jpg", heat / "poster.jpg")
    (heat / "movie.nfo").write_text(NFO)
    alien = root / "Alien (1979)"
    alien.mkdir()
    shutil.copyfile(MEDIA / "vp9_opus.webm", alien / "Alien.webm")


def edit_and_enrich(settings: Settings) -> int:
    """What a user and phase 4 did to Heat before its folder moved."""
    with session_scope(settings.resolved_database_url) as session:
        heat = session.scalars(select(Movie).where(Movie.directory == "Heat (1995)")).one()
        session.execute(
            update(Movie)
            .where(Movie.id == heat.id)
            .values(
                title="Heat (Director's Cut)",
                title_locked=True,
                tagline="A Los Angeles crime saga",
                tmdb_id=949,
                state="enriched",
                enriched_at=utcnow(),
                provider_match="nfo",
            )
        )
        return heat.id


def heat_now(settings: Settings) -> tuple[list[Movie], list[Image]]:
    with session_scope(settings.resolved_database_url) as session:
        movies = list(session.scalars(select(Movie).where(Movie.title.like("Heat%"))))
        images = list(session.scalars(select(Image).where(Image.movie_id.in_([m.id for m in movies]))))
        for row in (*movies, *images):
            session.expunge(row)
        return movies, images


async def test_a_renamed_folder_keeps_its_movie_in_a_full_scan(
    client: Client, any_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build(root)
    first = await scan(client, any_settings, root)
    assert first["phase"] == "completed" and first["stats"]["assetsCached"] == 1
    heat_id = edit_and_enrich(any_settings)
    (_, [poster]) = heat_now(any_settings)

    (root / "Heat (1995)").rename(root / "Heat (1995) [1080p]")
    message = await scan(client, any_settings, root)

    assert message["phase"] == "completed", message.get("lastError")
    stats = message["stats"]
    assert (stats["moviesFound"], stats["moviesNew"], stats["moviesUpdated"]) == (2, 0, 1)
    assert stats["moviesMissing"] == 0  # moved, not gone
    assert message["progress"]["caching"]["queued"] == 0  # the artwork stays cached: nothing to copy again
    [heat], [image] = heat_now(any_settings)
    assert heat.id == heat_id
    assert heat.directory == "Heat (1995) [1080p]"
    assert heat.main_video == "Heat (1995) [1080p]/Heat.mp4"
    assert heat.nfo_path == "Heat (1995) [1080p]/movie.nfo"
    assert (heat.title, is_locked(heat, "title"), heat.tagline, heat.tmdb_id) == (
        "Heat (Director's Cut)",
        True,
        "A Los Angeles crime saga",
        949,
    )
    assert heat.state == "enriched"
    assert (image.id, image.cache_path, image.sha256) == (poster.id, poster.cache_path, poster.sha256)
    assert image.source_path == "Heat (1995) [1080p]/poster.jpg"


async def test_a_folder_moved_into_another_keeps_its_movie_in_a_targeted_scan(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "Movies"
    build(root)
    await scan(client, sqlite_settings, root)
    heat_id = edit_and_enrich(sqlite_settings)
    (root / "Crime").mkdir()
    (root / "Heat (1995)").rename(root / "Crime" / "Heat (1995)")

    # What the watcher sends for a move: the folder it left and the one it went to.
    message = await scan(client, sqlite_settings, root, ScanOptions(paths=["Heat (1995)", "Crime"]))

    assert message["phase"] == "completed", message.get("lastError")
    assert (message["stats"]["moviesNew"], message["stats"]["moviesUpdated"], message["stats"]["moviesMissing"]) == (
        0,
        1,
        0,
    )
    [heat], [image] = heat_now(sqlite_settings)
    assert (heat.id, heat.directory, heat.title, heat.state) == (
        heat_id,
        "Crime/Heat (1995)",
        "Heat (Director's Cut)",
        "enriched",
    )
    assert image.cache_path is not None


async def test_a_copy_is_a_new_movie_not_a_move(client: Client, sqlite_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    build(root)
    await scan(client, sqlite_settings, root)
    shutil.copytree(root / "Heat (1995)", root / "Heat (1995) copy")

    message = await scan(client, sqlite_settings, root)

    assert message["stats"]["moviesNew"] == 1
    movies, _ = heat_now(sqlite_settings)
    assert sorted(m.directory for m in movies) == ["Heat (1995)", "Heat (1995) copy"]


async def test_a_renamed_series_folder_keeps_its_series_episodes_and_artwork(
    client: Client, sqlite_settings: Settings, tmp_path: Path
) -> None:
    options = ScanOptions(enable_enrichment=False)
    async with running_workers(client, sqlite_settings):
        library, library_id = await scanned_tv_library(client, sqlite_settings, tmp_path, options)
        target = next(s for s in library.series.values() if s.assets)
        before = series_rows(sqlite_settings, target.directory)
        with session_scope(sqlite_settings.resolved_database_url) as session:
            session.execute(
                update(Series).where(Series.id == before[0]).values(title="Renamed by me", title_locked=True)
            )
        renamed = f"{target.directory} (renamed)"
        (library.root / target.directory).rename(library.root / renamed)
        message = await scan_library(client, sqlite_settings, library_id, options)

    assert message["phase"] == "completed", message.get("lastError")
    assert (message["stats"]["seriesNew"], message["stats"]["seriesMissing"]) == (0, 0)
    after = series_rows(sqlite_settings, renamed)
    assert after[0] == before[0]  # the series id
    assert after[1] == before[1]  # episode ids by episode
    assert after[2] == before[2] and "None" not in before[2]  # cached artwork, not copied again
    with session_scope(sqlite_settings.resolved_database_url) as session:
        series = session.get(Series, after[0])
        assert series is not None and (series.title, series.directory) == ("Renamed by me", renamed)


def series_rows(
    settings: Settings, directory: str
) -> tuple[int, dict[tuple[int | None, int | None, str], int], list[str]]:
    with session_scope(settings.resolved_database_url) as session:
        series = session.scalars(select(Series).where(Series.directory == directory)).one()
        episodes = {
            (e.season_number, e.episode_number, e.file_path.rsplit("/", 1)[-1]): e.id
            for e in session.scalars(select(Episode).where(Episode.series_id == series.id))
        }
        cached = sorted(
            str(a.cache_path) for a in session.scalars(select(TvAsset).where(TvAsset.series_id == series.id))
        )
        return series.id, episodes, cached
