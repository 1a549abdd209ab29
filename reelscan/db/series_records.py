"""Recording one series folder: its series (keyed by library + directory), seasons, episodes (by natural key),
streams and assets, once per (scan, folder); season folders a rescan did not read keep what they recorded."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from reelscan.db import scanned_rows
from reelscan.db.models import Episode, EpisodeStream, Season, Series, TvAsset, is_locked, utcnow
from reelscan.db.scanned_rows import CacheCheck
from reelscan.db.work_list import RecordedDirectory, recorded_directory, scan_directory_row
from reelscan.library.assets import LocalAsset
from reelscan.library.series_rules import (
    EpisodeKey,
    EpisodeRow,
    episode_key,
    episode_rows,
    kept_errors,
    unmatched_errors,
)
from reelscan.library.series_scanner import EpisodeScan, FolderError, SeriesScan
from reelscan.library.tv_nfo import EpisodeNfo


def recorded_errors(scan_errors: list[Any] | None) -> list[FolderError]:
    """A series' scan_errors as its last scan recorded them ({"folder", "message"} objects); the plain strings of a
    row recorded before errors named their folder are errors of no known folder."""
    return [
        FolderError(e.get("folder"), str(e["message"])) if isinstance(e, dict) else FolderError(None, str(e))
        for e in scan_errors or []
    ]


def _stored_errors(errors: Iterable[FolderError]) -> list[dict[str, str | None]]:
    return [{"folder": e.folder, "message": e.message} for e in errors]


def episodes_signature(directory: str, files: Iterable[tuple[str, int | None]]) -> str | None:
    """What identifies a series folder wherever it goes: its episode files' names inside it and their sizes."""
    inside = sorted(
        {(path[len(directory) + 1 :], size or 0) for path, size in files if path.startswith(directory + "/")}
    )
    if not inside:
        return None
    return f"{len(inside)}:" + scanned_rows.content_hash(inside)[:64]


def _claim_moved_series(session: Session, library_id: int, scan: SeriesScan) -> tuple[Series | None, str | None]:
    """The series of a folder renamed or moved to this one: the same episode files (names and sizes) and its old
    folder gone. Its paths (folder, NFO, seasons, episodes, assets) move here; the scan then updates it as usual,
    keeping its id, locked fields, episodes and cached artwork."""
    new = scan.relative_dir
    files = [(e.relative_path, scanned_rows.media_values(e.media, e.size)["file_size"]) for e in scan.episodes]
    signature = episodes_signature(new, files)
    if signature is None:
        return None, None
    series, old = scanned_rows.claim_gone(session, Series, library_id, signature, new, scan.root)
    if series is not None and old is not None:
        series.nfo_path = scanned_rows.rebased(series.nfo_path, old, new)
        for season in session.scalars(select(Season).where(Season.series_id == series.id)):
            season.folder = scanned_rows.rebased(season.folder, old, new)
        for episode in session.scalars(select(Episode).where(Episode.series_id == series.id)):
            episode.file_path = scanned_rows.rebased(episode.file_path, old, new) or episode.file_path
            episode.nfo_path = scanned_rows.rebased(episode.nfo_path, old, new)
        for asset in session.scalars(select(TvAsset).where(TvAsset.series_id == series.id)):
            asset.source_path = scanned_rows.rebased(asset.source_path, old, new) or asset.source_path
        session.flush()
    return series, old


@dataclass(frozen=True)
class _WantedEpisode:
    """One episode row a series scan found: its natural key, values, streams and the file's assets."""

    key: EpisodeKey
    values: dict[str, Any]
    streams: list[dict[str, Any]]
    assets: list[LocalAsset]  # the file's thumb and subtitles, on the file's first episode row only
    content_hash: str


def _episode_nfo(episode: EpisodeScan, index: int, number: int | None) -> EpisodeNfo | None:
    """The <episodedetails> of one episode of a file: the one with its number, else the one in its position."""
    for nfo in episode.nfo:
        if number is not None and nfo.episode == number and nfo.season in (None, episode.season):
            return nfo
    return episode.nfo[index] if index < len(episode.nfo) else None


def _episode_values(scan: SeriesScan, episode: EpisodeScan, index: int, number: int | None) -> dict[str, Any]:
    nfo = _episode_nfo(episode, index, number)
    return {
        "season_number": episode.season,
        "episode_number": number,
        "file_path": episode.relative_path,
        "file_episodes": list(episode.episodes),
        "air_date": (nfo.aired if nfo else None) or episode.air_date,
        # A file of absolute episodes ("Show - 05-06", no season) numbers each row by its own absolute number.
        "absolute_number": number if episode.season is None and episode.absolute and number else episode.absolute,
        "title": nfo.title if nfo else None,
        "plot": nfo.plot if nfo else None,
        "runtime": nfo.runtime if nfo else None,
        "ratings": scanned_rows.ratings(nfo.ratings if nfo else []),
        "directors": list(nfo.directors) if nfo else [],
        "credits": list(nfo.credits) if nfo else [],
        "actors": scanned_rows.actors(nfo.actors if nfo else []),
        "unique_ids": dict(nfo.ids.unique_ids) if nfo else {},
        "nfo_path": scan.relative(episode.nfo_path) if episode.nfo_path else None,
        **scanned_rows.media_values(episode.media, episode.size),
    }


def _wanted_episodes(scan: SeriesScan, rows: list[EpisodeRow]) -> list[_WantedEpisode]:
    """The values, streams and assets of the episode rows the scan decided on."""
    wanted: list[_WantedEpisode] = []
    for row in rows:
        file = row.file
        streams = file.media.stream_rows() if file.media else []
        assets = [a for a in (file.thumb, *file.subtitles) if a is not None] if row.first_of_file else []
        values = _episode_values(scan, file, row.index, row.number)
        content_hash = scanned_rows.content_hash(values, streams, [scanned_rows.asset_key(scan, a) for a in assets])
        wanted.append(_WantedEpisode(row.key, values, streams, assets, content_hash))
    return wanted


def _series_values(scan: SeriesScan) -> dict[str, Any]:
    nfo = scan.nfo
    return {
        **scanned_rows.title_values(scan),
        "mpaa": nfo.mpaa if nfo else None,
        "status": nfo.status if nfo else None,
        "ratings": scanned_rows.ratings(nfo.ratings if nfo else []),
        "countries": list(nfo.countries) if nfo else [],
        "tvdb_id": scan.tvdb_id,
        "unique_ids": dict(nfo.ids.unique_ids) if nfo else {},
    }


def _sync_seasons(session: Session, series: Series, scan: SeriesScan) -> dict[int, int]:
    """Upsert the scanned seasons by number (seasons no longer seen are kept); their ids by number."""
    seasons = {row.number: row for row in session.scalars(select(Season).where(Season.series_id == series.id))}
    for scanned in scan.seasons:
        season = seasons.get(scanned.number)
        if season is None:
            season = seasons[scanned.number] = Season(series_id=series.id, number=scanned.number)
            session.add(season)
        season.folder, season.fingerprint = scanned.folder, scanned.fingerprint
        # Titles, plots and premiere dates from season.nfo (titles also from tvshow.nfo's <namedseason>); a user's
        # locked edit stays.
        premiered = scanned.nfo.premiered if scanned.nfo else None
        for field, value in (("title", scanned.title), ("plot", scanned.plot), ("premiered", premiered)):
            if value and not is_locked(season, field):
                setattr(season, field, value)
        if scanned.nfo and scanned.nfo.ids.unique_ids:
            season.unique_ids = dict(scanned.nfo.ids.unique_ids)
    session.flush()
    return {number: season.id for number, season in seasons.items()}


@dataclass
class _EpisodeCounts:
    new: int = 0
    updated: int = 0
    missing: int = 0


def _episodes_by_key(session: Session, series: Series | None) -> dict[EpisodeKey, Episode]:
    """The recorded episodes of a series by natural key (none for a new series)."""
    if series is None:
        return {}
    return {
        episode_key(row.season_number, row.episode_number, row.file_path): row
        for row in session.scalars(select(Episode).where(Episode.series_id == series.id))
    }


def _untouched_episodes(
    existing: dict[EpisodeKey, Episode], unchanged_folders: Collection[str]
) -> dict[EpisodeKey, Episode]:
    """The episodes on disk in the season folders a scan did not read (taken out of existing): kept as they are."""
    keys = [
        key
        for key, row in existing.items()
        if row.state != "missing" and row.file_path.rpartition("/")[0] in unchanged_folders
    ]
    return {key: existing.pop(key) for key in keys}


def _sync_episodes(
    session: Session,
    series: Series,
    wanted: list[_WantedEpisode],
    existing: dict[EpisodeKey, Episode],
    scan_job_id: int,
) -> tuple[dict[EpisodeKey, int], _EpisodeCounts]:
    """Upsert the episodes by natural key over the existing ones (those of unchanged season folders left out),
    replace the streams of changed ones, mark the ones gone as missing. Returns the episode ids by key and the
    counts."""
    existing = dict(existing)
    counts = _EpisodeCounts()
    changed: list[tuple[Episode, _WantedEpisode]] = []
    kept: dict[EpisodeKey, Episode] = {}
    for episode in wanted:
        found = existing.pop(episode.key, None)
        keys = {"series_id": series.id}
        row, outcome = scanned_rows.upsert_scanned(session, Episode, found, keys, episode.values, episode.content_hash)
        row.last_scan_job_id = scan_job_id
        kept[episode.key] = row
        if outcome != "unchanged":
            changed.append((row, episode))
            counts.new += outcome == "new"
            counts.updated += outcome == "updated"
    for row in existing.values():
        if row.state != "missing":
            row.state, row.updated_at = "missing", utcnow()
            counts.missing += 1
    session.flush()
    if changed:
        session.execute(delete(EpisodeStream).where(EpisodeStream.episode_id.in_([row.id for row, _ in changed])))
        streams = [
            {"episode_id": row.id, "position": i, **scanned_rows.stream_columns(s)}
            for row, episode in changed
            for i, s in enumerate(episode.streams)
        ]
        if streams:
            session.execute(insert(EpisodeStream), streams)
    return {key: row.id for key, row in kept.items()}, counts


def _sync_tv_assets(
    session: Session,
    series: Series,
    wanted: dict[str, tuple[int | None, int | None, LocalAsset]],
    cache_exists: CacheCheck,
    kept_episodes: Collection[int] = (),
) -> int:
    """Upsert a series folder's assets by source path (owners by season and episode id); return how many need
    caching. The assets of kept_episodes (episodes of unchanged season folders, not read) stay as they are."""
    existing = {row.source_path: row for row in session.scalars(select(TvAsset).where(TvAsset.series_id == series.id))}
    to_cache = 0
    for source_path, old in existing.items():
        if source_path not in wanted and old.episode_id not in kept_episodes:
            session.delete(old)
    for source_path, (season_id, episode_id, asset) in wanted.items():
        row = existing.get(source_path)
        if row is None:
            row = TvAsset(series_id=series.id, source_path=source_path, file_size=asset.size, mtime_ns=asset.mtime_ns)
            session.add(row)
        row.season_id, row.episode_id, row.asset_type = season_id, episode_id, asset.asset_type
        scanned_rows.set_subtitle_columns(row, asset)
        to_cache += scanned_rows.needs_caching(row, asset, cache_exists)
    return to_cache


def known_season_fingerprints(session: Session, library_id: int, directory: str) -> dict[str, str]:
    """The recorded fingerprints of a series folder's season folders, by folder (relative to the root); none when
    the series is new or was missing, or when its errors were recorded without their folders."""
    series = session.execute(
        select(Series.id, Series.scan_errors).where(
            Series.library_id == library_id, Series.directory == directory, Series.state != "missing"
        )
    ).one_or_none()
    # Errors recorded before errors named their folder could not be kept for the folders not read: every season
    # folder is read once, and the errors are recorded with their folders.
    if series is None or any(e.folder is None for e in recorded_errors(series.scan_errors)):
        return {}
    rows = session.execute(
        select(Season.folder, Season.fingerprint).where(
            Season.series_id == series.id, Season.folder.is_not(None), Season.fingerprint.is_not(None)
        )
    )
    return {folder: fingerprint for folder, fingerprint in rows if folder and fingerprint}


def record_series_scan(
    session: Session,
    *,
    scan_job_id: int,
    seq: int,
    library_id: int,
    scan: SeriesScan,
    cache_exists: CacheCheck,
) -> RecordedDirectory:
    """Upsert the series of one series folder (keyed by library + directory), its seasons (by number), episodes
    (by natural key, see Episode; gone ones marked missing), their streams and every asset of the folder.

    Once per (scan_job_id, seq) like record_directory_scan: a retry returns what the first attempt stored.
    Unmatched video files are recorded as errors ("unmatched episode file: <path>"). Locked fields are kept.

    The episodes of the season folders the scan did not read (scan.unchanged_folders) are kept as recorded, with
    their assets and the series' errors about those folders; they count in episodes_found, and the series' content
    hash takes their recorded hashes, so the outcome and the counts are those of a full scan.
    """
    row = scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return recorded_directory(row)

    found = session.scalars(
        select(Series).where(Series.library_id == library_id, Series.directory == scan.relative_dir)
    ).one_or_none()
    moved_from = None
    if found is None:
        found, moved_from = _claim_moved_series(session, library_id, scan)
    counted_missing = found is not None and found.state == "missing" and found.last_scan_job_id == scan_job_id
    skipped = scan.unchanged_folders
    existing = _episodes_by_key(session, found)
    untouched = _untouched_episodes(existing, skipped)
    decided = episode_rows(scan.episodes, {key: e.file_path for key, e in untouched.items()})
    errors = [*scan.errors, *unmatched_errors(scan.unmatched), *decided.errors]
    episodes = _wanted_episodes(scan, decided.rows)
    values = _series_values(scan)
    seasons = [{"number": s.number, "folder": s.folder} for s in scan.seasons]
    folder_assets = [
        scanned_rows.asset_key(scan, a) for a in [*scan.assets, *(a for season in scan.seasons for a in season.assets)]
    ]
    episode_hashes = sorted([*(e.content_hash for e in episodes), *(e.content_hash or "" for e in untouched.values())])
    content_hash = scanned_rows.content_hash(values, seasons, folder_assets, episode_hashes, scan.unmatched)
    # Errors about the folders not read (their NFOs, media info) stay the series' until those folders are read again.
    kept = kept_errors(recorded_errors(found.scan_errors) if found else [], skipped, errors)

    keys = {"library_id": library_id, "directory": scan.relative_dir}
    series, outcome = scanned_rows.upsert_scanned(session, Series, found, keys, values, content_hash)
    session.flush()

    season_ids = _sync_seasons(session, series, scan)
    episode_ids, counts = _sync_episodes(session, series, episodes, existing, scan_job_id)
    wanted_assets: dict[str, tuple[int | None, int | None, LocalAsset]] = {}
    for asset in scan.assets:
        wanted_assets.setdefault(scan.relative(asset.path), (None, None, asset))
    for season in scan.seasons:
        for asset in season.assets:
            wanted_assets.setdefault(scan.relative(asset.path), (season_ids[season.number], None, asset))
    for episode in episodes:
        for asset in episode.assets:
            wanted_assets.setdefault(scan.relative(asset.path), (None, episode_ids[episode.key], asset))
    to_cache = _sync_tv_assets(session, series, wanted_assets, cache_exists, {e.id for e in untouched.values()})
    series.scan_errors = _stored_errors([*errors, *kept])
    series.last_scan_job_id = scan_job_id
    series.fingerprint = row.fingerprint
    series.video_signature = episodes_signature(
        scan.relative_dir,
        [(e.values["file_path"], e.values["file_size"]) for e in episodes]
        + [(e.file_path, e.file_size) for e in untouched.values()],
    )

    row.outcome = outcome
    row.series_id = series.id
    row.moved_from = moved_from if counted_missing else None
    row.assets_queued = to_cache
    row.errors = [e.message for e in errors] or None
    row.episodes_found = len(episodes) + len(untouched)
    row.episodes_new, row.episodes_updated, row.episodes_missing = counts.new, counts.updated, counts.missing
    row.unmatched = len(scan.unmatched)
    return recorded_directory(row)
