"""How often the project's name parsers agree with guessit, and how often each is right, on generated names.

    python -m bench.name_agreement [--names 3000] [--seed 11] [--show 20] [--kind movie|episode|series|season]

The names are built here from the documented conventions (Kodi and Jellyfin naming pages, scene naming rules):
a title from a list, then a shape (tidy, dotted release name, group tags, site prefixes, editions and languages
before the year, anime absolute numbers, multi-episode styles, daily shows, season packs, season folders in other
languages). Each name carries the values it was built from, so both parsers are scored against the truth, and
against each other. guessit is a dev-only comparison tool (pinned in the dev extras); without it only the
project's own accuracy is printed. --show prints the project's misses of each kind.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reelscan.library.episodes import parse_episode_name, parse_season_folder
from reelscan.library.naming import parse_folder_name, parse_series_folder_name

_TITLES = (
    "The Matrix",
    "Blade Runner",
    "Amélie",
    "Mad Max Fury Road",
    "City of God",
    "The Big Short",
    "Inside Out",
    "Arrival",
    "The Grand Budapest Hotel",
    "No Country for Old Men",
    "Crouching Tiger Hidden Dragon",
    "Oceans Eleven",
    "Pans Labyrinth",
    "Spider-Man Homecoming",
    "The Lord of the Rings The Two Towers",
    "A Quiet Place",
    "Up",
    "Heat",
    "Her",
    "Parasite",
    "Der Untergang",
    "La Haine",
    "The Last Samurai",
    "Back to the Future",
    "Mission Impossible Fallout",
    "Knives Out",
    "The Secret Life of Pets",
    "Leon The Professional",
    "Night Watch",
    "Das Boot",
    "Die Hard",
    "Fast Five",
    "Seven Samurai",
    "Twelve Monkeys",
    "Toy Story",
    "Zodiac",
    "Moonlight",
    "The Dark Knight Rises",
    "Casino Royale",
    "Cold Mountain",
)
_NUMBERED_TITLES = ("Blade Runner 2049", "2001 A Space Odyssey", "Apollo 13", "Ocean's 8", "Toy Story 3", "1917")
_SERIES = (
    "Breaking Bad",
    "The Office",
    "Dark",
    "Stranger Things",
    "The Expanse",
    "Better Call Saul",
    "Mad Men",
    "The Wire",
    "Band of Brothers",
    "Fargo",
    "Succession",
    "The Crown",
    "Black Mirror",
    "True Detective",
    "Game of Thrones",
    "Sherlock",
    "Doctor Who",
    "House of the Dragon",
    "Twin Peaks",
    "The Mandalorian",
)
_ANIME = ("One Piece", "Naruto Shippuden", "Attack on Titan", "Cowboy Bebop", "Bleach", "Fullmetal Alchemist")
_DAILY = ("The Daily Show", "Conan", "The Late Show", "Jimmy Kimmel Live", "Last Week Tonight")
_RESOLUTIONS = ("720p", "1080p", "2160p", "480p", "1080i")
_SOURCES = ("BluRay", "WEB-DL", "WEBRip", "HDTV", "BDRip", "DVDRip", "REMUX", "AMZN.WEB-DL", "NF.WEBRip", "UHD.BluRay")
_CODECS = ("x264", "x265", "H.264", "HEVC", "XviD", "AVC", "H264", "10bit.x265")
_AUDIO = ("DTS", "AC3", "AAC2.0", "DDP5.1", "TrueHD.Atmos", "DTS-HD.MA.5.1", "FLAC", "")
_GROUPS = ("GRP", "SPARKS", "YIFY", "NTb", "FGT", "AMIABLE", "CtrlHD", "DON", "EVO", "RARBG", "TEPES", "playWEB")
_EDITIONS = ("EXTENDED", "UNRATED", "IMAX", "REMASTERED", "Directors.Cut", "THEATRICAL", "PROPER", "REPACK", "")
_LANGUAGES = ("German", "FRENCH", "MULTi", "iTALiAN", "German.DL", "TRUEFRENCH", "SPANISH", "")
_SITES = ("www.site.tld", "www.Torrent.com", "[ www.example.org ]", "www.films.net")
_FANSUBS = ("HorribleSubs", "SubsPlease", "Erai-raws", "Judas", "EMBER")
_SEASON_WORDS = ("Season", "Temporada", "Stagione", "Staffel", "Saison", "Säsong", "Сезон", "Seizoen", "Sezon")


@dataclass(frozen=True)
class Case:
    kind: str  # "movie", "episode", "series", "season"
    name: str
    title: str | None = None
    year: int | None = None
    season: int | None = None
    episodes: tuple[int, ...] = ()
    absolute: int | None = None
    date: str | None = None
    folder_season: int | None = None


def _tags(rng: random.Random) -> list[str]:
    parts = [rng.choice(_RESOLUTIONS), rng.choice(_SOURCES), rng.choice(_AUDIO), rng.choice(_CODECS)]
    rng.shuffle(parts[1:3])
    return [part for part in parts if part]


def _release(rng: random.Random, words: list[str]) -> str:
    sep = rng.choice((".", ".", ".", " ", "_"))
    text = sep.join(word.replace(" ", sep) for word in words if word)
    return f"{text}-{rng.choice(_GROUPS)}" if rng.random() < 0.8 else text


def _movie(rng: random.Random) -> Case:
    title = rng.choice(_NUMBERED_TITLES) if rng.random() < 0.15 else rng.choice(_TITLES)
    year = rng.randint(1950, 2025)
    shape = rng.randrange(20)
    if shape == 11:
        return Case("movie", _release(rng, [title, *_tags(rng)]), title=title)
    names: dict[int, Callable[[], str]] = {
        0: lambda: f"{title} ({year})",
        1: lambda: _release(rng, [title, str(year), *_tags(rng)]),
        2: lambda: _release(rng, [title, rng.choice(_EDITIONS), rng.choice(_LANGUAGES), str(year), *_tags(rng)]),
        3: lambda: _release(rng, [title, str(year), rng.choice(_EDITIONS), rng.choice(_LANGUAGES), *_tags(rng)]),
        4: lambda: f"[{rng.choice(_GROUPS)}] {title} ({year}) [{rng.choice(_RESOLUTIONS)}]",
        5: lambda: f"{rng.choice(_SITES)} - {_release(rng, [title, str(year), *_tags(rng)])}",
        6: lambda: f"{title} ({year}) [{rng.choice(_RESOLUTIONS)} {rng.choice(_SOURCES)}]",
        7: lambda: f"{title} {year} {rng.choice(_RESOLUTIONS)} {rng.choice(_SOURCES)} {rng.choice(_CODECS)}",
        8: lambda: f"{title} ({year}) - {rng.choice(('1080p', '2160p', 'Directors Cut', 'Extended Edition', '4K'))}",
        9: lambda: f"{title} [{year}] {rng.choice(_LANGUAGES).replace('.', ' ')} {rng.choice(_RESOLUTIONS)}".strip(),
        10: lambda: _release(rng, [title.lower(), str(year), *(tag.lower() for tag in _tags(rng))]),
        12: lambda: f"{title} [{rng.choice(_RESOLUTIONS)}] ({year})",
        13: lambda: f"{title} ({year}) {{edition-{rng.choice(('Extended', 'Directors Cut', 'Theatrical'))}}}",
        14: lambda: _release(rng, [title.upper(), str(year), "DVDRip", "XviD"]),
        15: lambda: _release(rng, [title, "3D", str(year), "1080p", rng.choice(("HSBS", "Half-SBS", "BluRay"))]),
        16: lambda: _release(rng, [title, str(year), "DVDRip", "XviD", rng.choice(("CD1", "cd2", "Part1"))]),
        17: lambda: (
            f"{title} ({year}) ({rng.choice(_RESOLUTIONS)} BluRay x265 HEVC 10bit AAC 5.1 {rng.choice(_GROUPS)})"
        ),
        18: lambda: f"{title} ({year}) [imdbid-tt{rng.randint(1000000, 9999999)}] - {rng.choice(_RESOLUTIONS)}",
        19: lambda: (
            f"{title.replace(' ', '.')}.{year}.{rng.choice(_LANGUAGES) or 'MULTi'}.{rng.choice(_RESOLUTIONS)}.WEB"
        ),
    }
    name = names[shape]()
    return Case("movie", name, title=title, year=year)


def _episode(rng: random.Random) -> Case:
    title = rng.choice(_SERIES)
    season, episode = rng.randint(1, 12), rng.randint(1, 22)
    tags = _tags(rng)
    shape = rng.randrange(36)
    dotted = title.replace(" ", ".")
    if shape == 32:  # an anime range without a season: absolute episodes
        number = rng.randint(1, 200)
        name = f"[{rng.choice(_FANSUBS)}] {rng.choice(_ANIME)} - {number:02d}-{number + 1:02d} [1080p]"
        return Case("episode", name, absolute=number, episodes=(number, number + 1))
    if shape == 33:  # a two-digit year, year first
        y, m, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
        name = _release(rng, [rng.choice(_DAILY), f"{y % 100:02d}.{m:02d}.{d:02d}", *tags[:2]])
        return Case("episode", name, date=f"{y}-{m:02d}-{d:02d}")
    if shape == 19:
        year = rng.randint(2010, 2024)
        name = f"{dotted}.S{year}E{episode + 100:03d}.1080p.WEB"
        return Case("episode", name, season=year, episodes=(episode + 100,))
    if shape == 20:
        number = rng.randint(100, 999)
        return Case("episode", f"{rng.choice(_ANIME)} - {number}", absolute=number)
    if shape == 30:
        y, m, d = rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(13, 28)
        name = f"{rng.choice(_DAILY)} {m:02d}-{d:02d}-{y}"
        return Case("episode", name, date=f"{y}-{m:02d}-{d:02d}")
    if shape == 12:
        number = rng.randint(1, 1100)
        group, anime = rng.choice(_FANSUBS), rng.choice(_ANIME)
        crc = "".join(rng.choice("0123456789ABCDEF") for _ in range(8))
        form = rng.randrange(3)
        if form == 0:
            name = f"[{group}] {anime} - {number:02d} [{rng.choice(_RESOLUTIONS)}][{crc}]"
        elif form == 1:
            name = f"[{group}] {anime} - {number:03d}v2 ({rng.choice(_RESOLUTIONS)})"
        else:
            name = f"[{group}]_{anime.replace(' ', '_')}_-_{number:02d}_[{crc}]"
        return Case("episode", name, absolute=number)
    if shape == 13:
        show = rng.choice(_DAILY)
        y, m, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
        form = rng.randrange(3)
        if form == 0:
            name = _release(rng, [show, f"{y}.{m:02d}.{d:02d}", "Guest", "Name", *tags[:2]])
        elif form == 1:
            name = f"{show} - {y}-{m:02d}-{d:02d} - Guest"
        else:
            name = f"{show} {d:02d}.{m:02d}.{y}"
        return Case("episode", name, date=f"{y}-{m:02d}-{d:02d}")
    one, two, three = (episode,), (episode, episode + 1), (episode, episode + 1, episode + 2)
    # The other shapes name the season (or leave it to the folder) and these episodes.
    names: dict[int, tuple[Callable[[], str], tuple[int, ...]]] = {
        0: (lambda: _release(rng, [title, f"S{season:02d}E{episode:02d}", *tags]), one),
        1: (lambda: f"{title} - S{season:02d}E{episode:02d}-E{episode + 1:02d} - Episode Name", two),
        2: (lambda: f"{title} {season}x{episode:02d} - Pilot", one),
        3: (
            lambda: _release(rng, [title, f"S{season:02d}E{episode:02d}", f"S{season:02d}E{episode + 1:02d}", *tags]),
            two,
        ),
        4: (lambda: f"{title} - S{season:02d}E{episode:02d} - S{season:02d}E{episode + 1:02d} - Name", two),
        5: (lambda: _release(rng, [title, f"S{season:02d}E{episode:02d}+{episode + 1:02d}", *tags]), two),
        6: (lambda: f"{title} {season}x{episode:02d}-{season}x{episode + 1:02d}", two),
        7: (lambda: _release(rng, [title, f"S{season:02d}EP{episode:02d}", *tags]), one),
        8: (lambda: _release(rng, [title, f"S{season:02d}", f"Ep{episode:02d}", *tags]), one),
        10: (lambda: f"E{episode:02d} - The Episode Name", one),
        11: (lambda: f"{title} E{episode:02d}-{episode + 1:02d}", two),
        14: (lambda: f"{episode:02d} - The Title of It", one),
        16: (lambda: f"{dotted.lower()}.s{season:02d}e{episode:02d}.{rng.choice(_RESOLUTIONS)}.hdtv.x264-grp", one),
        17: (lambda: f"{title} - s{season}e{episode} - The Name", one),
        18: (lambda: f"{title.replace(' ', '_')}_{season}x{episode:02d}_The_Name", one),
        21: (lambda: f"{dotted}.{rng.randint(2000, 2024)}.E{episode:02d}.V2.WEB-DL.1080p.H264.AAC-GRP", one),
        22: (
            lambda: (
                f"{title} ({rng.randint(2000, 2024)}) {season}x{episode:02d} [WEBDL-720p][EAC3 5.1][h264][-GRP]"
                " - The Name"
            ),
            one,
        ),
        23: (lambda: f"{title} S{season:02d} E{episode:02d}", one),
        24: (lambda: f"{dotted}.S{season:02d}E{episode:02d}E{episode + 1:02d}E{episode + 2:02d}.720p", three),
        25: (lambda: f"{dotted}.S{season:02d}E{episode:02d}-{episode + 2:02d}.720p.HDTV", three),
        26: (
            lambda: f"[{rng.choice(_FANSUBS)}] {rng.choice(_ANIME)} S{season} - {episode:02d} (1080p) [ABCD1234]",
            one,
        ),
        27: (lambda: f"[{rng.choice(_FANSUBS)}] {rng.choice(_ANIME)} Season {season} - {episode:02d} [720p]", one),
        28: (lambda: f"{title} - Episode {episode}", one),
        29: (
            lambda: f"{dotted}.S{season:02d}E{episode:02d}.The.{rng.choice(('2', '3', '100', '1000'))}.Words.720p",
            one,
        ),
        31: (lambda: f"{title} {season:02d}x{episode:02d}", one),
        34: (lambda: f"{dotted}.S{season:02d}E{episode:02d}xE{episode + 1:02d}.720p", two),
    }
    if shape == 9 and season < 10:  # "205" for S02E05; a season of two digits would not read so
        names[9] = (lambda: _release(rng, [title, f"{season}{episode:02d}", "HDTV", rng.choice(_CODECS)]), one)
    name_of, episodes = names.get(shape, (lambda: f"{title} Season {season} Episode {episode}", one))
    in_folder = shape in (10, 11, 14, 21, 28)  # the season is the folder's only
    return Case("episode", name_of(), season=season, episodes=episodes, folder_season=season if in_folder else None)


def _series(rng: random.Random) -> Case:
    title = rng.choice(_SERIES)
    year = rng.randint(1990, 2024)
    dotted = title.replace(" ", ".")
    shape = rng.randrange(15)
    if shape == 0:
        return Case("series", f"{title} ({year})", title=title, year=year)
    if shape == 14:  # the article moved behind a comma
        article, base = title.split(" ", 1) if title.startswith(("The ", "A ")) else (rng.choice(("The", "A")), title)
        return Case("series", f"{base}, {article} ({year})", title=f"{article} {base}", year=year)
    # The other shapes give the title only (a year in them is a range's, or not read).
    names: dict[int, Callable[[], str]] = {
        1: lambda: f"{dotted}.S01.COMPLETE",
        2: lambda: f"{dotted}.S01-S03.{rng.choice(_RESOLUTIONS)}.{rng.choice(_SOURCES)}",
        3: lambda: f"{title} Season 1-3 {rng.choice(_RESOLUTIONS)}",
        4: lambda: f"{title} - Complete Series",
        5: lambda: _release(rng, [title, f"S{rng.randint(1, 9):02d}", *_tags(rng)]),
        6: lambda: f"{title} [tvdbid-{rng.randint(70000, 400000)}]",
        8: lambda: f"{dotted}.{year}.S01.1080p.WEB-DL-GRP",
        9: lambda: f"{title} S01-S05 Complete",
        10: lambda: f"[{rng.choice(_FANSUBS)}] {title} ({year}) Season 1-3",
        11: lambda: f"{title} - The Complete Series ({year}-{year + 5})",
        12: lambda: f"{title} Season 2 Complete 720p",
        13: lambda: f"{dotted}.Season.2.1080p.WEB-DL",
    }
    return Case("series", names.get(shape, lambda: title)(), title=title)


def _season(rng: random.Random) -> Case:
    number = rng.randint(1, 20)
    shape = rng.randrange(14)
    names: dict[int, Callable[[], str]] = {
        0: lambda: f"{rng.choice(_SEASON_WORDS)} {number}",
        1: lambda: f"Season {number:02d}",
        2: lambda: f"S{number:02d}",
        3: lambda: str(number),
        4: lambda: f"{number}.Staffel",
        5: lambda: _release(rng, [rng.choice(_SERIES), f"S{number:02d}", *_tags(rng)]),
        7: lambda: f"Season.{number}",
        8: lambda: f"Season_{number:02d}",
        9: lambda: f"Season {number} ({rng.randint(1990, 2024)})",
        10: lambda: f"Series {number}",
        11: lambda: f"{rng.choice(_SERIES)} Season {number} Complete 720p",
        12: lambda: f"{rng.choice(_SERIES).replace(' ', '.')}.Season.{number}.1080p.WEB-DL",
        13: lambda: f"S{number}",
    }
    name = names.get(shape, lambda: f"{rng.choice(_SERIES)} - Season {number}")()
    return Case("season", name, season=number)


_GENERATORS: dict[str, Callable[[random.Random], Case]] = {
    "movie": _movie,
    "episode": _episode,
    "series": _series,
    "season": _season,
}


def cases(count: int, seed: int) -> list[Case]:
    """count names of each kind, the same ones for a seed."""
    rng = random.Random(seed)
    return [generate(rng) for generate in _GENERATORS.values() for _ in range(count)]


def _key(title: str | None) -> str:
    return "".join(ch for ch in (title or "").casefold() if ch.isalnum())


def project_answer(case: Case) -> tuple[Any, ...]:
    if case.kind == "movie":
        parsed = parse_folder_name(case.name)
        return (_key(parsed.title), parsed.year)
    if case.kind == "series":
        return (_key(parse_series_folder_name(case.name).title),)
    if case.kind == "season":
        return (parse_season_folder(case.name),)
    found = parse_episode_name(case.name, case.folder_season)
    if found is None:
        return (None,)
    if case.date is not None:
        return (found.air_date,)
    if case.absolute is not None and case.episodes:
        return (found.absolute, found.episodes)
    if case.absolute is not None:
        return (found.absolute if found.absolute is not None else (found.episodes[:1] or (None,))[0],)
    return (found.season if found.season is not None else case.folder_season, found.episodes)


def truth(case: Case) -> tuple[Any, ...]:
    if case.kind == "movie":
        return (_key(case.title), case.year)
    if case.kind == "series":
        return (_key(case.title),)
    if case.kind == "episode":
        if case.date is not None:
            return (case.date,)
        if case.absolute is not None:
            return (case.absolute, case.episodes) if case.episodes else (case.absolute,)
        return (case.season, case.episodes)
    return (case.season,)


def _as_ints(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(int(v) for v in value)
    return (int(value),)


def guessit_answer(case: Case, guess: Callable[..., Any]) -> tuple[Any, ...]:
    kind = "movie" if case.kind == "movie" else "episode"
    found = dict(guess(case.name, {"type": kind}))
    if case.kind == "movie":
        return (_key(found.get("title")), found.get("year"))
    if case.kind == "series":
        return (_key(found.get("title")),)
    if case.kind == "season":
        seasons = _as_ints(found.get("season"))
        return (seasons[0] if seasons else None,)
    if case.date is not None:
        date = found.get("date")
        return (date.isoformat() if date is not None else None,)
    episodes = _as_ints(found.get("episode"))
    if case.absolute is not None:
        absolute = _as_ints(found.get("absolute_episode")) or episodes
        if case.episodes:
            return (absolute[0] if absolute else None, absolute)
        return (absolute[0] if absolute else None,)
    seasons = _as_ints(found.get("season"))
    return (seasons[0] if seasons else case.folder_season, episodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--names", type=int, default=750, help="names of each kind (default 750)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=0, help="print this many misses of each kind")
    parser.add_argument("--kind", choices=sorted(_GENERATORS), help="only this kind")
    args = parser.parse_args()
    guess: Callable[..., Any] | None
    try:
        from guessit import guessit as guess
    except ImportError:
        guess = None
    all_cases = [case for case in cases(args.names, args.seed) if args.kind in (None, case.kind)]
    print(f"{'kind':>8} {'names':>6} {'project':>8} {'guessit':>8} {'agree':>8}")
    for kind in _GENERATORS:
        chosen = [case for case in all_cases if case.kind == kind]
        if not chosen:
            continue
        ours = [project_answer(case) for case in chosen]
        right = [truth(case) for case in chosen]
        ok = sum(a == b for a, b in zip(ours, right, strict=True))
        line = f"{kind:>8} {len(chosen):>6} {ok / len(chosen):>8.1%}"
        theirs: list[tuple[Any, ...]] = []
        if guess is not None:
            theirs = [guessit_answer(case, guess) for case in chosen]
            their_ok = sum(a == b for a, b in zip(theirs, right, strict=True))
            agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
            line += f" {their_ok / len(chosen):>8.1%} {agree / len(chosen):>8.1%}"
        print(line)
        shown = 0
        for index, case in enumerate(chosen):
            if shown >= args.show:
                break
            if ours[index] != right[index]:
                shown += 1
                extra = f" guessit={theirs[index]}" if theirs else ""
                print(f"    {case.name!r} folder={case.folder_season} want={right[index]} got={ours[index]}{extra}")


if __name__ == "__main__":
    main()
