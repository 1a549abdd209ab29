"""Targeted scans: which folders may be asked for, which the walk reads, and what the summary line says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from reelscan.library.discovery import LibraryWalker
from reelscan.library.tv_discovery import SeriesWalker
from reelscan.progress import ScanState, summary_line
from reelscan.scan_options import MAX_TARGETED_PATHS, ScanOptions


def test_paths_are_relative_folders_inside_the_root() -> None:
    options = ScanOptions.model_validate({"paths": ["The Matrix (1999)/", "./Alien", "Alien", "A//B"]})
    assert options.paths == ["The Matrix (1999)", "Alien", "A/B"]
    for bad in ["/srv/movies/Alien", "../elsewhere", "Alien/../../x", "", "."]:
        with pytest.raises(ValidationError):
            ScanOptions(paths=[bad])


def test_paths_are_bounded() -> None:
    ScanOptions(paths=[f"Movie {i}" for i in range(MAX_TARGETED_PATHS)])
    with pytest.raises(ValidationError):
        ScanOptions(paths=[f"Movie {i}" for i in range(MAX_TARGETED_PATHS + 1)])


def _video(folder: Path, name: str = "movie.mkv") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"x")


def test_walk_reads_only_the_targeted_folders(tmp_path: Path) -> None:
    folders = ["Alien (1979)", "Heat (1995)", "Collections/Aliens (1986)", "Collections/Prometheus (2012)", ".hidden"]
    for name in folders:
        _video(tmp_path / name)
    _video(tmp_path / "Marked/Inside (2001)")
    (tmp_path / "Marked/.ignore").write_text("")

    walker = LibraryWalker(
        tmp_path,
        only=[
            "Heat (1995)",
            "Collections",
            "Collections/Aliens (1986)",
            "Gone (2000)",
            ".hidden",
            "Marked/Inside (2001)",
        ],
    )
    found = [d.path for d in walker.walk()]

    assert found == ["Collections/Aliens (1986)", "Collections/Prometheus (2012)", "Heat (1995)"]
    assert walker.stats.gone == ["Gone (2000)"]
    assert walker.stats.ignored == 2  # the dot folder and the folder under an ignore marker
    assert walker.stats.errors == 0


def test_walk_reads_targeted_videos_loose_in_the_root(tmp_path: Path) -> None:
    for name in ["Heat.1995.1080p.BluRay.mkv", "Heat.1995.1080p.BluRay.nfo", "Alien (1979).mp4", "Movie-cd1.avi"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "Movie-cd2.avi").write_bytes(b"x")
    _video(tmp_path / "Dune (2021)")
    full = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}

    walker = LibraryWalker(
        tmp_path, only=["Heat.1995.1080p.BluRay.mkv", "Movie-cd2.avi", "Gone.2001.mkv", "Dune (2021)"]
    )
    found = {d.path: d.fingerprint for d in walker.walk()}

    # As the full walk finds them: a stack at its first part, the fingerprints the same; the others not read.
    assert sorted(found) == ["Dune (2021)", "Heat.1995.1080p.BluRay.mkv", "Movie-cd1.avi"]
    assert all(found[path] == full[path] for path in found)
    assert walker.stats.gone == ["Gone.2001.mkv"]
    assert walker.stats.errors == 0


def test_a_loose_file_of_no_movie_is_no_target(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "Heat-trailer.mkv").write_bytes(b"x")  # an extra, never a movie of its own
    walker = LibraryWalker(tmp_path, only=["notes.txt", "Heat-trailer.mkv"])
    assert list(walker.walk()) == []
    assert (walker.stats.gone, walker.stats.errors) == ([], 0)


def test_tv_walk_reads_only_the_targeted_series(tmp_path: Path) -> None:
    _video(tmp_path / "Lost/Season 1", "Lost S01E01.mkv")
    _video(tmp_path / "Dark/Season 1", "Dark S01E01.mkv")
    walker = SeriesWalker(tmp_path, only=["Dark", "Gone"])
    assert [s.path for s in walker.walk()] == ["Dark"]
    assert walker.stats.gone == ["Gone"]


def test_summary_line_of_a_targeted_scan() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    state = ScanState(scan_job_id=1, library_id=1, library_name="Movies", started_at=now, targeted_folders=3)
    assert summary_line(state) == "Updating 3 folders... Reading them"
    state.phase = "scanning"
    state.counters.directories_total = 2
    state.counters.directories_scanned = 1
    assert summary_line(state).startswith("Updating 3 folders... 1/2 (50%)")


def test_cli_takes_repeated_paths() -> None:
    import starter

    args = starter.build_parser().parse_args(["scan", "--library", "1", "--path", "The Matrix (1999)", "--path", "Up"])
    assert starter._options(args).paths == ["The Matrix (1999)", "Up"]
    bad = starter.build_parser().parse_args(["scan", "--library", "1", "--path", "../x"])
    with pytest.raises(starter.UsageError, match="leaves the library root"):
        starter._options(bad)
