"""A small generated music library: the tiny audio fixtures copied and tagged with mutagen into the usual layouts.

`build_music_library(root)` returns a MusicLibraryManifest with the exact counts a scan must report.
`python -m tests.music_builder DIR` builds one (make demo); `--albums N` builds N albums for the benchmark.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from tests.music_tagging import MEDIA, TrackSpec, copy_fixture, tag_file

# MusicBrainz ids the fake MusicBrainz knows (tests/fake_musicbrainz.py).
OK_COMPUTER_RELEASE = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
OK_COMPUTER_GROUP = "b1392450-e666-3926-a536-22c65f834433"
RADIOHEAD = "a74b1b7f-71a5-4011-9441-d0b5e4122711"
KID_A_RELEASE = "1a3c16fb-9a8b-4f5b-bc0e-24c1f7a0f0f1"


@dataclass
class MusicLibraryManifest:
    root: Path
    album_folders: list[str] = field(default_factory=list)  # relative paths: the scan's directories
    albums: dict[str, int] = field(default_factory=dict)  # "Album artist / Album" -> tracks
    artists: set[str] = field(default_factory=set)
    untagged: int = 0
    errors: int = 0  # errors the scan counts (each names its file)
    sidecar_album_assets: int = 0
    artist_assets: int = 0
    embedded_covers: int = 0  # albums whose tracks embed a cover (one cached file per album)

    @property
    def tracks(self) -> int:
        return sum(self.albums.values())

    @property
    def assets(self) -> int:
        return self.sidecar_album_assets + self.artist_assets + self.embedded_covers


def _album(
    manifest: MusicLibraryManifest,
    folder: str,
    tracks: list[tuple[str, str, TrackSpec]],  # (relative file name inside the folder, format, spec)
    *,
    key: str,
    artist: str,
) -> None:
    root = manifest.root
    for name, fmt, spec in tracks:
        path = copy_fixture(fmt, root / folder / f"{name}.{fmt}")
        tag_file(path, spec)
    if folder not in manifest.album_folders:
        manifest.album_folders.append(folder)
    manifest.albums[key] = manifest.albums.get(key, 0) + len(tracks)
    manifest.artists.add(artist)


def _image(target: Path, source: str = "poster.jpg") -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((MEDIA / source).read_bytes())


def build_music_library(root: Path) -> MusicLibraryManifest:
    m = MusicLibraryManifest(root=root)
    cover = MEDIA / "poster.jpg"

    # Artist/Album (Year)/NN - Title: full tags, MusicBrainz ids, the same embedded cover in every track, cover.jpg.
    ok = "Radiohead/OK Computer (1997)"
    common = {"artist": "Radiohead", "album": "OK Computer", "album_artist": "Radiohead", "date": "1997-05-21",
              "genre": "Alternative Rock", "release_id": OK_COMPUTER_RELEASE, "release_group_id": OK_COMPUTER_GROUP,
              "artist_id": RADIOHEAD, "track_gain": "-7.10 dB"}  # fmt: skip
    titles = ["Airbag", "Paranoid Android", "Subterranean Homesick Alien"]
    _album(
        m,
        ok,
        [
            (f"{i:02d} - {t}", "mp3", TrackSpec(title=t, track=f"{i}/3", cover=cover, **common))  # type: ignore[arg-type]
            for i, t in enumerate(titles, 1)
        ],
        key="Radiohead / OK Computer",
        artist="Radiohead",
    )
    _image(root / ok / "cover.jpg", "fanart.jpg")
    m.sidecar_album_assets += 1
    m.embedded_covers += 1
    # The artist's folder: its picture and logo, recorded once (by its first album folder).
    _image(root / "Radiohead" / "artist.jpg")
    _image(root / "Radiohead" / "logo.png", "logo.png")
    m.artist_assets += 2

    # FLAC with a release MBID, folder.jpg and disc art; no embedded picture.
    kid = "Radiohead/Kid A (2000)"
    _album(
        m,
        kid,
        [
            (
                f"{i:02d} - {t}",
                "flac",
                TrackSpec(
                    title=t,
                    track=str(i),
                    artist="Radiohead",
                    album="Kid A",
                    album_artist="Radiohead",
                    date="2000",
                    release_id=KID_A_RELEASE,
                ),
            )
            for i, t in enumerate(["Everything in Its Right Place", "Kid A"], 1)
        ],
        key="Radiohead / Kid A",
        artist="Radiohead",
    )
    _image(root / kid / "folder.jpg")
    _image(root / kid / "disc.png", "disc.png")
    m.sidecar_album_assets += 2

    # A multi-disc album in CD1/CD2 folders (M4A), disc numbers from tags and folders; found by a search.
    wall = "Pink Floyd/The Wall (1979)"
    _album(
        m,
        wall,
        [
            (
                f"CD{d}/{t:02d} - Track {d}-{t}",
                "m4a",
                TrackSpec(
                    title=f"Wall {d}-{t}",
                    track=f"{t}/2",
                    disc=f"{d}/2",
                    artist="Pink Floyd",
                    album="The Wall",
                    date="1979",
                ),
            )
            for d in (1, 2)
            for t in (1, 2)
        ],
        key="Pink Floyd / The Wall",
        artist="Pink Floyd",
    )
    _image(root / wall / "front.jpg")
    m.sidecar_album_assets += 1

    # A compilation: different artists, album artist "Various Artists" on one track only, compilation flag (Ogg).
    now = "Various Artists/Now Thats Music 42 (1999)"
    _album(
        m,
        now,
        [
            (
                f"{i:02d} - {a} - Song {i}",
                "ogg",
                TrackSpec(
                    title=f"Song {i}",
                    artist=a,
                    album="Now Thats Music 42",
                    track=str(i),
                    compilation=True,
                    date="1999",
                    album_artist="Various Artists" if i == 1 else None,
                ),
            )
            for i, a in enumerate(["Blur", "Oasis", "Pulp"], 1)
        ],
        key="Various Artists / Now Thats Music 42",
        artist="Various Artists",
    )

    # An artist folder holding only singles (Opus): an album per single, with one embedded cover between them.
    for i, single in enumerate(["First Single", "Second Single"], 1):
        _album(
            m,
            "Solo Artist",
            [
                (
                    f"Solo Artist - {single}",
                    "opus",
                    TrackSpec(
                        title=single,
                        artist="Solo Artist",
                        album=single,
                        track="1",
                        date=f"202{i}",
                        cover=cover if i == 1 else None,
                    ),
                )
            ],
            key=f"Solo Artist / {single}",
            artist="Solo Artist",
        )
    m.embedded_covers += 1

    # Untagged files: named by their file names and folder, counted as untagged.
    demo = "Untagged Band/Demo Tape (1995)"
    for i, t in enumerate(["Intro", "Noise"], 1):
        copy_fixture("mp3", root / demo / f"{i:02d} - {t}.mp3")
    m.album_folders.append(demo)
    m.albums["Untagged Band / Demo Tape"] = 2
    m.artists.add("Untagged Band")
    m.untagged += 2

    # A loose track in the library root.
    loose = copy_fixture("flac", root / "Loose Song.flac")
    tag_file(loose, TrackSpec(title="Loose Song", artist="Wanderer", album="Loose Song", track="1"))
    m.album_folders.insert(0, "")
    m.albums["Wanderer / Loose Song"] = 1
    m.artists.add("Wanderer")

    # Hostile input: a zero-byte track and a broken file (each an error naming it), Latin-1 ID3v2.3 tags.
    bad = "Broken Tags/Odd Album (2004)"
    copy_fixture("mp3", root / bad / "01 - Fine.mp3")
    fine = TrackSpec(title="Café Crème", artist="Broken Tags", album="Odd Album", track="1")
    tag_file(root / bad / "01 - Fine.mp3", fine, id3_version=3, latin1=True)
    (root / bad / "02 - Empty.mp3").write_bytes(b"")
    (root / bad / "03 - Garbage.flac").write_bytes(b"fLaC\x00\x00\x00\x22" + b"\x07" * 64)
    m.album_folders.append(bad)
    m.albums["Broken Tags / Odd Album"] = 2  # the garbage file is a track named by its file name
    m.artists.add("Broken Tags")
    m.errors += 2
    m.untagged += 1

    # Skipped: hidden, NAS and ignored folders.
    copy_fixture("mp3", root / ".hidden" / "Secret" / "01 - x.mp3")
    copy_fixture("mp3", root / "@eaDir" / "x.mp3")
    copy_fixture("mp3", root / "Ignored Artist" / "Album" / "01 - y.mp3")
    (root / "Ignored Artist" / ".ignore").write_text("")
    m.album_folders.sort(key=_natural)
    return m


def _natural(path: str) -> list[object]:
    import re

    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", path)]


def build_many_albums(root: Path, albums: int, tracks_per_album: int = 3) -> int:
    """A big library for the benchmark: `albums` album folders of tagged MP3s under 1 artist per 10 albums."""
    fixture = root / ".fixture.mp3"
    copy_fixture("mp3", fixture)
    for n in range(albums):
        artist = f"Artist {n // 10:04d}"
        folder = root / artist / f"Album {n:05d} ({1960 + n % 60})"
        folder.mkdir(parents=True, exist_ok=True)
        for t in range(1, tracks_per_album + 1):
            target = folder / f"{t:02d} - Song {t}.mp3"
            target.write_bytes(fixture.read_bytes())
            tag_file(target, TrackSpec(title=f"Song {t}", artist=artist, album=f"Album {n:05d}", track=str(t)))
        if n % 2 == 0:
            _image(folder / "cover.jpg")
    fixture.unlink()
    return albums


def main() -> None:
    parser = argparse.ArgumentParser(description="Build a small tagged music library.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--albums", type=int, help="build this many generated albums instead")
    args = parser.parse_args()
    if args.albums:
        build_many_albums(args.root, args.albums)
        print(f"{args.albums} albums in {args.root}")
        return
    manifest = build_music_library(args.root)
    print(
        f"music library in {manifest.root}: {len(manifest.album_folders)} album folders, {len(manifest.albums)} albums,"
        f" {manifest.tracks} tracks, {len(manifest.artists)} artists"
    )


if __name__ == "__main__":
    main()
