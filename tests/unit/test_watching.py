"""What a file-system event means, folder snapshots, the polling diff, and the mount-type rule."""

from __future__ import annotations

import os
from pathlib import Path

from reelscan.library.discovery import DiscoveredDirectory, LibraryWalker
from reelscan.watching import (
    GONE,
    changed_folders,
    choose_watch_mode,
    event_folder,
    folder_snapshot,
    mount_of,
    parse_mountinfo,
    poll_pass,
)

MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
25 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:35 / /srv/nas rw,relatime shared:20 - nfs4 nas:/export/media rw,vers=4.2
41 40 0:36 / /srv/nas/local\040disk rw,relatime shared:21 - xfs /dev/sdb1 rw
42 22 0:37 / /mnt/smb rw,relatime shared:22 - cifs //nas/films rw,vers=3.0
43 22 0:38 / /mnt/fuse rw,nosuid,nodev,relatime shared:23 - fuse.sshfs user@host:/media rw
44 22 0:39 / /data rw,relatime shared:24 - btrfs /dev/sdc1 rw
garbage line without separator
"""


def test_mountinfo_is_parsed_with_escaped_spaces() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    assert [m.fs_type for m in mounts] == ["ext4", "proc", "nfs4", "xfs", "cifs", "fuse.sshfs", "btrfs"]
    assert mounts[3].mount_point == "/srv/nas/local disk"
    assert mounts[2].source == "nas:/export/media"


def test_the_longest_mount_point_wins() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    found = mount_of("/srv/nas/local disk/Movies", mounts)
    assert found is not None and found.fs_type == "xfs"
    found = mount_of("/srv/nas/Movies", mounts)
    assert found is not None and found.fs_type == "nfs4"
    found = mount_of("/srv/nasty", mounts)
    assert found is not None and found.fs_type == "ext4"


def test_auto_polls_network_and_fuse_mounts_and_uses_events_on_local_ones() -> None:
    assert choose_watch_mode("auto", "/srv/nas/Movies", MOUNTINFO) == (
        "poll",
        "nfs4 at /srv/nas: network and FUSE mounts deliver no change events",
    )
    assert choose_watch_mode("auto", "/mnt/smb/Films", MOUNTINFO)[0] == "poll"
    assert choose_watch_mode("auto", "/mnt/fuse/x", MOUNTINFO)[0] == "poll"
    assert choose_watch_mode("auto", "/data/Movies", MOUNTINFO) == ("events", "btrfs at /data: local file system")
    assert choose_watch_mode("auto", "/home/me/Movies", MOUNTINFO)[0] == "events"
    assert choose_watch_mode("auto", "/x", None)[0] == "poll"
    assert choose_watch_mode("poll", "/data/Movies", MOUNTINFO) == ("poll", "set to polling")
    assert choose_watch_mode("off", "/data/Movies", MOUNTINFO)[0] == "off"


def test_event_paths_map_to_their_top_level_folder(tmp_path: Path) -> None:
    root = str(tmp_path)
    (tmp_path / "Heat (1995)" / "Subs").mkdir(parents=True)
    (tmp_path / "Marked").mkdir()
    (tmp_path / "Marked" / ".nomedia").write_text("")
    (tmp_path / "loose.mkv").write_bytes(b"x")
    assert event_folder(root, f"{root}/Heat (1995)/Subs/en.srt") == "Heat (1995)"
    assert event_folder(root, f"{root}/Heat (1995)") == "Heat (1995)"
    assert event_folder(root, f"{root}/Gone (2001)/movie.mkv") == "Gone (2001)"  # deleted: still reported
    assert event_folder(root, root) is None
    assert event_folder(root, "/elsewhere/movie.mkv") is None
    assert event_folder(root, f"{root}/.hidden/movie.mkv") is None
    assert event_folder(root, f"{root}/@eaDir/thumb.jpg") is None
    assert event_folder(root, f"{root}/Extras/clip.mkv") is None
    assert event_folder(root, f"{root}/Marked/movie.mkv") is None
    assert event_folder(root, f"{root}/loose.mkv") is None


def test_files_loose_in_a_movie_library_root_map_to_their_movie(tmp_path: Path) -> None:
    root = str(tmp_path)
    for name in ["Heat.1995.1080p.BluRay.mkv", "Heat.1995.1080p.BluRay.nfo", "Heat.1995.1080p.BluRay-poster.jpg"]:
        (tmp_path / name).write_bytes(b"x")
    for name in ["Movie-cd1.avi", "Movie-cd2.avi", "Movie.nfo", "Movie-cd1.en.srt", "notes.txt", "Alien-trailer.mkv"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "Dune (2021)").mkdir()

    def folder(name: str) -> str | None:
        return event_folder(root, f"{root}/{name}", loose_videos=True)

    assert folder("Heat.1995.1080p.BluRay.mkv") == "Heat.1995.1080p.BluRay.mkv"
    assert folder("Heat.1995.1080p.BluRay.nfo") == "Heat.1995.1080p.BluRay.mkv"  # a file named after it
    assert folder("Heat.1995.1080p.BluRay-poster.jpg") == "Heat.1995.1080p.BluRay.mkv"
    assert folder("Movie-cd2.avi") == "Movie-cd1.avi"  # a stack is one movie, at its first part
    assert folder("Movie.nfo") == "Movie-cd1.avi"
    assert folder("Movie-cd1.en.srt") == "Movie-cd1.avi"
    assert folder("Gone.2001.mkv") == "Gone.2001.mkv"  # deleted: its movie is rescanned and found missing
    assert folder("Dune (2021)") == "Dune (2021)"
    assert folder("Removed (2001)") == "Removed (2001)"  # a deleted folder
    assert folder("notes.txt") is None
    assert folder("Alien-trailer.mkv") is None  # an extra of no movie here
    assert folder("Heat.1995.1080p.BluRay.mkv.part") == "Heat.1995.1080p.BluRay.mkv"  # in its fingerprint too
    # Series and music libraries take no loose videos.
    assert event_folder(root, f"{root}/Heat.1995.1080p.BluRay.mkv") is None


def test_a_loose_video_that_was_the_first_part_of_a_stack_names_that_path(tmp_path: Path) -> None:
    (tmp_path / "Movie-cd2.avi").write_bytes(b"x")
    assert event_folder(str(tmp_path), f"{tmp_path}/Movie-cd1.avi", loose_videos=True) == "Movie-cd1.avi"
    assert event_folder(str(tmp_path), f"{tmp_path}/Movie-cd3.avi", loose_videos=True) == "Movie-cd2.avi"


def test_a_loose_video_snapshot_covers_its_own_files_only(tmp_path: Path) -> None:
    video = tmp_path / "Heat.1995.mkv"
    video.write_bytes(b"x")
    first = folder_snapshot(str(tmp_path), "Heat.1995.mkv")
    assert first != GONE
    (tmp_path / "Alien.1979.mkv").write_bytes(b"other movie")
    (tmp_path / "notes.txt").write_text("x")
    assert folder_snapshot(str(tmp_path), "Heat.1995.mkv") == first
    (tmp_path / "Heat.1995.en.srt").write_text("1")
    with_subtitle = folder_snapshot(str(tmp_path), "Heat.1995.mkv")
    assert with_subtitle != first
    with video.open("ab") as out:
        out.write(b"more")
    os.utime(video, ns=(0, 10**9))
    assert folder_snapshot(str(tmp_path), "Heat.1995.mkv") != with_subtitle
    video.unlink()
    assert folder_snapshot(str(tmp_path), "Heat.1995.mkv") == GONE


def test_a_snapshot_changes_while_a_file_grows_and_not_otherwise(tmp_path: Path) -> None:
    folder = tmp_path / "Heat"
    (folder / "subs").mkdir(parents=True)
    video = folder / "Heat.mkv"
    video.write_bytes(b"a" * 10)
    first = folder_snapshot(str(tmp_path), "Heat")
    assert folder_snapshot(str(tmp_path), "Heat") == first
    with video.open("ab") as out:
        out.write(b"b")
    os.utime(video, ns=(0, 0))
    grown = folder_snapshot(str(tmp_path), "Heat")
    assert grown != first
    (folder / "subs" / "en.srt").write_text("1")
    assert folder_snapshot(str(tmp_path), "Heat") != grown
    assert folder_snapshot(str(tmp_path), "Nothing") == GONE


def test_polling_finds_changed_new_and_vanished_folders() -> None:
    known = {"A": "fa", "B": "fb", "Set/C": "fc", "Gone": "fg"}
    found = [
        DiscoveredDirectory("A", "fa"),
        DiscoveredDirectory("B", "fb-changed"),
        DiscoveredDirectory("Set/C", "fc"),
        DiscoveredDirectory("Set/New", "fn"),
        DiscoveredDirectory("Fresh", "ff"),
    ]
    assert changed_folders(found, known, vanished_too=True) == {"B", "Set", "Fresh", "Gone"}
    assert changed_folders(found, known, vanished_too=False) == {"B", "Set", "Fresh"}
    # A folder the walk could not read hides nothing that is gone.
    assert changed_folders(found, known, vanished_too=True, unchecked={"Gone"}) == {"B", "Set", "Fresh"}


def test_a_folder_whose_scan_failed_is_polled_again_only_once_it_changes() -> None:
    found = [DiscoveredDirectory("Broken", "fb"), DiscoveredDirectory("Fixed", "new")]
    failed = {"Broken": "fb", "Fixed": "old"}
    assert changed_folders(found, {}, vanished_too=True, failed=failed) == {"Fixed"}


def test_a_poll_reports_a_new_or_changed_loose_video_by_the_path_its_snapshot_reads(tmp_path: Path) -> None:
    (tmp_path / "Heat.1995.mkv").write_bytes(b"x")
    (tmp_path / "Dune (2021)").mkdir()
    (tmp_path / "Dune (2021)" / "movie.mkv").write_bytes(b"x")
    first = poll_pass(tmp_path, {})
    assert first.changed == ["Dune (2021)", "Heat.1995.mkv"]
    snapshot = folder_snapshot(str(tmp_path), "Heat.1995.mkv")
    assert snapshot != GONE
    known = {d.path: d.fingerprint for d in LibraryWalker(tmp_path).walk()}
    assert poll_pass(tmp_path, known).changed == []
    (tmp_path / "Heat.1995.nfo").write_text("<movie><title>Heat</title></movie>")
    assert poll_pass(tmp_path, known).changed == ["Heat.1995.mkv"]
    assert folder_snapshot(str(tmp_path), "Heat.1995.mkv") != snapshot
