"""Phase 1's walk: which folders are movies, which are skipped, and that it always ends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reelscan.library.discovery import LibraryRootError, LibraryWalker, ReadAhead
from tests.read_ahead import reading  # noqa: F401  (every test in line and read ahead)


def video(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")


def walk(root: Path, **kwargs: object) -> tuple[list[str], LibraryWalker]:
    walker = LibraryWalker(root, **kwargs)  # type: ignore[arg-type]
    return [d.path for d in walker.walk()], walker


def test_movie_folders_nested_collections_and_natural_order(tmp_path: Path) -> None:
    for name in (
        "Movie 10 (2010)",
        "Movie 2 (2002)",
        "Marvel/Thor (2011)",
        "Marvel/Iron Man (2008)",
        "Movie 2 (2002)/Sequel (2004)",
    ):
        video(tmp_path / name / "movie.mkv")
    found, walker = walk(tmp_path)
    assert found == [
        "Marvel/Iron Man (2008)",
        "Marvel/Thor (2011)",
        "Movie 2 (2002)",
        "Movie 2 (2002)/Sequel (2004)",
        "Movie 10 (2010)",
    ]
    assert walker.stats.found == 5


def test_ignored_folders_are_counted_and_skipped(tmp_path: Path) -> None:
    for name in (
        ".hidden",
        "@eaDir",
        "#recycle",
        "$RECYCLE.BIN",
        "lost+found",
        "System Volume Information",
        "Marked",
        "NoMedia",
        "Movie (2000)/Extras",
        "Movie (2000)/Trailers",
        "Movie (2000)/Sample",
    ):
        video(tmp_path / name / "x.mkv")
    (tmp_path / "Marked" / ".ignore").write_text("")
    (tmp_path / "NoMedia" / ".nomedia").write_text("")
    video(tmp_path / "Movie (2000)" / "movie.mkv")
    found, walker = walk(tmp_path)
    assert found == ["Movie (2000)"]
    assert walker.stats.ignored == 11


def test_disc_folders_make_their_parent_a_movie(tmp_path: Path) -> None:
    video(tmp_path / "DVD (1999)" / "VIDEO_TS" / "VTS_01_1.VOB")
    video(tmp_path / "BD (2010)" / "BDMV" / "STREAM" / "00001.m2ts")
    found, _ = walk(tmp_path)
    assert found == ["BD (2010)", "DVD (1999)"]


def test_each_video_loose_in_the_root_is_a_movie(tmp_path: Path) -> None:
    video(tmp_path / "Heat.1995.1080p.mkv")
    video(tmp_path / "Alien (1979).mp4")
    video(tmp_path / "trailer.mp4")  # an extra, never a movie
    (tmp_path / "Heat.1995.1080p.nfo").write_text("<movie/>")
    video(tmp_path / "Movie (2000)" / "movie.mkv")
    found, walker = walk(tmp_path)
    assert found == ["Alien (1979).mp4", "Heat.1995.1080p.mkv", "Movie (2000)"] and walker.stats.errors == 0


def test_stacked_parts_loose_in_the_root_are_one_movie(tmp_path: Path) -> None:
    video(tmp_path / "Heat-cd2.avi")
    video(tmp_path / "Heat-cd1.avi")
    video(tmp_path / "Alien.part1.mkv")  # one part alone: a movie of its own
    found, walker = walk(tmp_path)
    assert found == ["Alien.part1.mkv", "Heat-cd1.avi"] and walker.stats.found == 2


def test_a_loose_stacks_fingerprint_covers_every_part_and_its_files(tmp_path: Path) -> None:
    video(tmp_path / "Heat-cd1.avi")
    video(tmp_path / "Heat-cd2.avi")
    first = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    (tmp_path / "Heat.nfo").write_text("<movie/>")
    second = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    (tmp_path / "Heat-cd2.avi").write_bytes(b"longer part")
    third = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    assert len({first["Heat-cd1.avi"], second["Heat-cd1.avi"], third["Heat-cd1.avi"]}) == 3


def test_a_loose_videos_fingerprint_changes_with_its_own_files_only(tmp_path: Path) -> None:
    video(tmp_path / "Heat.mkv")
    video(tmp_path / "Alien.mkv")
    before = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    (tmp_path / "Heat-poster.jpg").write_bytes(b"p")
    after = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    assert before["Heat.mkv"] != after["Heat.mkv"] and before["Alien.mkv"] == after["Alien.mkv"]


def test_a_disc_folder_in_the_root_is_a_counted_error(tmp_path: Path) -> None:
    video(tmp_path / "VIDEO_TS" / "VTS_01_1.VOB")
    found, walker = walk(tmp_path)
    assert found == [] and walker.stats.errors == 1
    assert str(tmp_path) in walker.stats.error_messages[0]


def test_symlinks_loop_leave_the_root_or_repeat_are_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "lib", tmp_path / "outside"
    video(root / "A (2000)" / "a.mkv")
    video(root / "B (2001)" / "b.mkv")
    video(outside / "Secret (2000)" / "s.mkv")
    os.symlink("..", root / "A (2000)" / "loop")
    os.symlink(outside, root / "Outside")
    os.symlink(root / "B (2001)", root / "Again")
    os.symlink(outside / "Secret (2000)" / "s.mkv", root / "A (2000)" / "linked.mkv")
    video(root / "Real" / "C (2002)" / "c.mkv")
    os.symlink(root / "Real" / "C (2002)", root / "C link")
    found, walker = walk(root)
    assert sorted(found) == ["A (2000)", "B (2001)", "C link"]
    assert walker.stats.skipped_symlinks >= 3


def test_invalid_utf8_names_are_counted_errors(tmp_path: Path) -> None:
    os.mkdir(os.path.join(os.fsencode(tmp_path), b"Bad \xff Name"))
    video(Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"Bad \xff Name"))) / "m.mkv")
    video(tmp_path / "Good (2000)" / "m.mkv")
    found, walker = walk(tmp_path)
    assert found == ["Good (2000)"]
    assert walker.stats.errors == 1 and "not valid UTF-8" in walker.stats.error_messages[0]


def test_max_directories_stops_early(tmp_path: Path) -> None:
    for i in range(10):
        video(tmp_path / f"M{i}" / "m.mkv")
    found, walker = walk(tmp_path, max_directories=3)
    assert len(found) == 3 and walker.stats.truncated


def test_deep_trees_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    deep = tmp_path
    for level in range(45):
        deep = deep / f"d{level}"
    video(deep / "m.mkv")
    found, _ = walk(tmp_path)
    assert len(found) == 1 and found[0].count("/") == 44


def test_progress_callback_is_called(tmp_path: Path) -> None:
    for i in range(30):
        video(tmp_path / f"M{i}" / "m.mkv")
    calls: list[int] = []
    walk(tmp_path, on_progress=lambda stats: calls.append(stats.found), progress_every=10)
    assert len(calls) >= 3 and calls[-1] == 30


def test_missing_or_wrong_root_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryRootError, match="does not exist"):
        walk(tmp_path / "gone")
    (tmp_path / "file").write_text("x")
    with pytest.raises(LibraryRootError, match="is not a directory"):
        walk(tmp_path / "file")


def test_fingerprint_changes_with_any_entry_and_only_then(tmp_path: Path) -> None:
    movie = tmp_path / "M (2000)"
    video(movie / "m.mkv")
    (movie / "extrafanart").mkdir()

    def current() -> str:
        return next(iter(LibraryWalker(tmp_path).walk())).fingerprint

    first = current()
    assert current() == first
    (movie / "poster.jpg").write_bytes(b"p")
    second = current()
    (movie / "extrafanart" / "f1.jpg").write_bytes(b"f")
    third = current()
    os.utime(movie / "m.mkv", ns=(1, 1))
    assert len({first, second, third, current()}) == 4


def test_a_fast_disk_is_read_in_line_and_a_slow_one_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(40):
        video(tmp_path / f"Movie {n}" / "movie.mkv")
    monkeypatch.setattr(ReadAhead, "SLOW_STAT", 10.0)  # no stat is this slow: the walk never starts threads
    in_line = LibraryWalker(tmp_path)
    assert len(list(in_line.walk())) == 40
    assert in_line._reader._pool is None and not in_line._reader._queued
    monkeypatch.setattr(ReadAhead, "SLOW_STAT", -1.0)  # every stat is slow: the threads read the folders
    ahead = LibraryWalker(tmp_path)
    walked = ahead.walk()
    next(walked)
    assert ahead._reader._pool is not None and ahead._reader._reading
    assert len(list(walked)) == 39
    assert ahead._reader._pool is None  # closed at the end of the walk
