"""Which episode row each scanned file gets, and the errors of numbers claimed twice (no files, no database)."""

from __future__ import annotations

from reelscan.library.series_rules import EpisodeRows, episode_key, episode_rows, kept_errors, unmatched_errors
from reelscan.library.series_scanner import EpisodeScan, FolderError

SEASON_01 = "Show/Season 01"
SEASON_02 = "Show/Season 02"


def file(
    path: str, season: int | None, *numbers: int, air_date: str | None = None, absolute: int | None = None
) -> EpisodeScan:
    return EpisodeScan(path, season, numbers, air_date=air_date, absolute=absolute)


def rows_of(decided: EpisodeRows) -> list[tuple[tuple[object, ...], str, int, int | None, bool]]:
    return [(r.key, r.file.relative_path, r.index, r.number, r.first_of_file) for r in decided.rows]


def test_a_number_claimed_twice_is_the_first_files_and_an_error_of_the_second_files_folder() -> None:
    first = file(f"{SEASON_01}/Show S01E02.mkv", 1, 2)
    again = file("Show/Show S01E02 720p.mp4", 1, 2)
    decided = episode_rows([first, again], {})
    assert rows_of(decided) == [(("number", 1, 2), first.relative_path, 0, 2, True)]
    assert decided.errors == [
        FolderError("Show", f"duplicate episode S01E02: Show/Show S01E02 720p.mp4 (also {SEASON_01}/Show S01E02.mkv)")
    ]


def test_a_number_an_episode_of_a_folder_not_read_holds_is_taken() -> None:
    taken = {episode_key(1, 1, f"{SEASON_01}/Show S01E01.mkv"): f"{SEASON_01}/Show S01E01.mkv"}
    decided = episode_rows(
        [file(f"{SEASON_02}/Show S01E01.mkv", 1, 1), file(f"{SEASON_02}/Show S02E01.mkv", 2, 1)], taken
    )
    assert [r.key for r in decided.rows] == [("number", 2, 1)]
    assert decided.errors == [
        FolderError(
            SEASON_02, f"duplicate episode S01E01: {SEASON_02}/Show S01E01.mkv (also {SEASON_01}/Show S01E01.mkv)"
        )
    ]


def test_a_multi_episode_file_is_a_row_per_number_its_assets_on_the_first_it_gets() -> None:
    double = file(f"{SEASON_01}/Show S01E02E03.mkv", 1, 2, 3)
    assert rows_of(episode_rows([double], {})) == [
        (("number", 1, 2), double.relative_path, 0, 2, True),
        (("number", 1, 3), double.relative_path, 1, 3, False),
    ]

    # Its first number claimed already: the second is its row, with its assets.
    decided = episode_rows([file(f"{SEASON_01}/Show S01E02.mkv", 1, 2), double], {})
    assert rows_of(decided)[1:] == [(("number", 1, 3), double.relative_path, 1, 3, True)]
    assert [e.message for e in decided.errors] == [
        f"duplicate episode S01E02: {double.relative_path} (also {SEASON_01}/Show S01E02.mkv)"
    ]


def test_air_date_and_absolute_episodes_are_keyed_by_their_path() -> None:
    files = [
        file("Show/Show 2024-03-01.mkv", None, air_date="2024-03-01"),
        file("Show/Show 2024-03-01 repack.mkv", None, air_date="2024-03-01"),
        file("Show/[Grp] Show - 112.mkv", None, absolute=112),
    ]
    decided = episode_rows(files, {("file", "Show/Other 2024-03-02.mkv"): "Show/Other 2024-03-02.mkv"})
    assert rows_of(decided) == [(("file", f.relative_path), f.relative_path, 0, None, True) for f in files]
    assert decided.errors == []


def test_a_season_less_number_claimed_twice_is_labelled_by_its_number() -> None:
    decided = episode_rows([file("Show/Show - E05.mkv", None, 5), file("Show/Extra/Show - E05.mkv", None, 5)], {})
    assert decided.errors == [
        FolderError("Show/Extra", "duplicate episode E05: Show/Extra/Show - E05.mkv (also Show/Show - E05.mkv)")
    ]


def test_unmatched_files_are_errors_of_their_folder() -> None:
    assert unmatched_errors([f"{SEASON_01}/random clip.mkv", "Show/notes.mkv"]) == [
        FolderError(SEASON_01, f"unmatched episode file: {SEASON_01}/random clip.mkv"),
        FolderError("Show", "unmatched episode file: Show/notes.mkv"),
    ]


def test_a_rescan_keeps_the_earlier_errors_of_the_folders_it_did_not_read() -> None:
    nfo = FolderError(SEASON_01, "NFO Show/Season 01/Show S01E02.nfo is not valid XML")
    found_again = FolderError(SEASON_01, "skipped 'Show/Season 01/x.mkv': zero-byte video file")
    reread = FolderError(SEASON_02, f"duplicate episode S01E01: {SEASON_02}/a.mkv (also {SEASON_01}/b.mkv)")
    older = FolderError(None, "NFO Show/Season 01/Show S01E03.nfo is not valid XML")  # names no folder
    assert kept_errors([nfo, found_again, reread, older], {SEASON_01}, [found_again]) == [nfo]
