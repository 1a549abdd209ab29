"""How many directories one DirectoryScanWorkflow scans."""

from reelscan.scan_rules import directories_per_child


def test_one_directory_per_child_up_to_a_thousand_directories() -> None:
    assert directories_per_child(0, 1) == 1
    assert directories_per_child(0, 1000) == 1


def test_bigger_libraries_keep_about_a_thousand_children() -> None:
    assert directories_per_child(0, 1001) == 2
    assert directories_per_child(0, 10_000) == 10
    assert directories_per_child(0, 15_500) == 16


def test_runs_never_exceed_twenty_directories() -> None:
    assert directories_per_child(0, 100_000) == 20


def test_a_configured_size_wins() -> None:
    assert directories_per_child(5, 100_000) == 5
    assert directories_per_child(1, 50_000) == 1
