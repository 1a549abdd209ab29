"""What naming costs: parses a few thousand varied generated names and prints microseconds per name.

    python -m reelscan.library.naming_cost [--names 5000]

The names are built from the shapes the parsers read (release names, tidy names, anime, multi-episode, daily shows,
season folders, season packs), from a fixed seed, so two runs parse the same names. `measure` returns the figures
for a benchmark to print.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from reelscan.library.episodes import parse_episode_name, parse_season_folder
from reelscan.library.naming import parse_folder_name, parse_series_folder_name
from reelscan.library.rules import extra_type

_TITLES = (
    "The Matrix",
    "Blade Runner 2049",
    "2001 A Space Odyssey",
    "Amélie",
    "Mad Max Fury Road",
    "The Final Cut",
    "City of God",
    "Mob Psycho 100",
    "Step Up 3D",
    "Mr. Robot",
)
_TAGS = ("1080p.BluRay.x264-GRP", "2160p.UHD.HDR.HEVC", "720p.WEB-DL.DDP5.1", "German.DL.1080p", "MULTi.2160p")
_EDITIONS = ("EXTENDED", "IMAX", "Directors.Cut", "REMASTERED", "")


def _movie(rng: random.Random) -> str:
    title, year = rng.choice(_TITLES), rng.randint(1950, 2024)
    dotted = title.replace(" ", ".")
    shapes = (
        f"{title} ({year})",
        f"{dotted}.{year}.{rng.choice(_TAGS)}",
        f"{dotted}.{rng.choice(_EDITIONS)}.{year}.{rng.choice(_TAGS)}".replace("..", "."),
        f"[Group] {title} ({year}) [1080p]",
        f"www.site.tld - {dotted}.{year}.{rng.choice(_TAGS)}",
        f"{title} ({year}) [tmdbid-{rng.randint(1, 99999)}]",
        f"{title} ({year}) - {rng.choice(('1080p', '2160p', 'Directors Cut'))}",
    )
    return rng.choice(shapes)


def _episode(rng: random.Random) -> str:
    title, season, episode = rng.choice(_TITLES), rng.randint(1, 12), rng.randint(1, 24)
    dotted = title.replace(" ", ".")
    shapes = (
        f"{dotted}.S{season:02d}E{episode:02d}.{rng.choice(_TAGS)}",
        f"{title} - S{season:02d}E{episode:02d}-E{episode + 1:02d} - Title",
        f"{title} {season}x{episode:02d}",
        f"[Group] {title} - {rng.randint(1, 1100)} [1080p][ABCD1234]",
        f"{dotted}.{rng.randint(2000, 2024)}.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}.Guest.720p",
        f"{title} S{season:02d}.Ep{episode:02d}",
        f"{dotted}.{season}{episode:02d}.HDTV",
        f"{episode:02d} - The Title",
    )
    return rng.choice(shapes)


def _season_folder(rng: random.Random) -> str:
    number = rng.randint(1, 20)
    word = rng.choice(("Season", "Temporada", "Stagione", "Staffel", "Saison", "Сезон"))
    return rng.choice((f"{word} {number}", f"S{number:02d}", str(number), f"Show.S{number:02d}.1080p.BluRay-GRP"))


def _series_folder(rng: random.Random) -> str:
    title = rng.choice(_TITLES).replace(" ", ".")
    return rng.choice((f"{title}.S01.COMPLETE", f"{title} ({rng.randint(1990, 2024)})", f"{title}.S01-S03.720p"))


def measure(count: int = 5000, seed: int = 7, rounds: int = 5) -> dict[str, float]:
    """Microseconds per name for each parser (each on count generated names) and over all of them: the best of
    rounds passes, in this thread's CPU time: other work on a shared machine only ever adds to it."""
    rng = random.Random(seed)
    movies = [_movie(rng) for _ in range(count)]
    episodes = [_episode(rng) for _ in range(count)]
    seasons = [_season_folder(rng) for _ in range(count)]
    series = [_series_folder(rng) for _ in range(count)]
    cases: list[tuple[str, Callable[[str], object], list[str]]] = [
        ("movie folder", parse_folder_name, movies),
        ("episode file", lambda stem: parse_episode_name(stem, 1), episodes),
        ("extras check", extra_type, episodes),
        ("season folder", parse_season_folder, seasons),
        ("series folder", parse_series_folder_name, series),
    ]
    figures: dict[str, float] = {}
    total_seconds, total_names = 0.0, 0
    for label, parse, names in cases:
        elapsed = float("inf")
        for _ in range(rounds):
            started = time.thread_time()
            for name in names:
                parse(name)
            elapsed = min(elapsed, time.thread_time() - started)
        figures[label] = elapsed / len(names) * 1e6
        total_seconds += elapsed
        total_names += len(names)
    figures["all"] = total_seconds / total_names * 1e6
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--names", type=int, default=5000, help="names per parser (default 5000)")
    parser.add_argument("--rounds", type=int, default=5, help="passes; the best counts (default 5)")
    args = parser.parse_args()
    for label, micros in measure(args.names, rounds=args.rounds).items():
        print(f"{label:>14}: {micros:8.1f} µs/name")


if __name__ == "__main__":
    main()
