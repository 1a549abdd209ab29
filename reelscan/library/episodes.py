"""Season and episode numbers from TV file and folder names (Kodi/Jellyfin/Sonarr naming).

Rules, first match wins: "S01E02" (with "e03"/"-e03" for more episodes, "E01-E03" for a range), "Season 1 Episode
2", "1x02", an air date "2024-03-01", "E05"/"Episode 5" in a season folder, an absolute number "Show - 112"
(anime), a leading number "05 - Title" in a season folder. A name matching none is unmatched (None).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# Longest run of episodes one file may claim; longer ranges are typos ("E01-E99").
MAX_EPISODES_PER_FILE = 20

_SEP = r"[\s._-]*"
_SXXEXX_RE = re.compile(
    rf"(?<![a-z0-9])s(\d{{1,4}}){_SEP}e(\d{{1,4}})(?P<more>(?:(?:-?e|[-_ ]?e|-)\d{{1,4}}(?![\dp]))*)",
    re.IGNORECASE,
)
_MORE_RE = re.compile(r"(-?)e?(\d{1,4})", re.IGNORECASE)
_SEASON_EPISODE_RE = re.compile(rf"season{_SEP}(\d{{1,4}}){_SEP}episode{_SEP}(\d{{1,4}})", re.IGNORECASE)
# "1x02"; the digits around it keep resolutions ("1920x1080") out.
_CROSS_RE = re.compile(r"(?<!\d)(\d{1,2})x(\d{2,3})(?P<more>(?:[x-]\d{2,3})*)(?![\dp])", re.IGNORECASE)
_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-._ ](\d{2})[-._ ](\d{2})(?!\d)")
_EPISODE_ONLY_RE = re.compile(rf"(?<![a-z0-9])(?:episode|ep|e){_SEP}(\d{{1,4}})(?![\dp])", re.IGNORECASE)
# "[Group] Show - 112 [1080p]", "Show - 07v2": a number alone after " - ".
_ABSOLUTE_RE = re.compile(r"\S\s+-\s+(\d{1,4})(?:v\d)?(?=$|[\s.\[(_-])", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
_LEADING_RE = re.compile(r"^(\d{1,3})(?=$|[\s._-])")

_SEASON_FOLDER_RE = re.compile(r"^(?:season|series|staffel|saison)[\s._-]*(\d{1,4})(?:[\s._-]+\D.*)?$", re.IGNORECASE)
_SHORT_SEASON_FOLDER_RE = re.compile(r"^s(\d{1,4})$", re.IGNORECASE)
_SPECIALS_FOLDER_NAMES = frozenset({"specials", "special", "season specials", "extras specials"})


@dataclass(frozen=True)
class EpisodeMatch:
    season: int | None  # None when neither the name nor the folder says (air dates, absolute numbers)
    episodes: tuple[int, ...] = ()  # several for multi-episode files; empty for air dates and absolute numbers
    air_date: str | None = None  # "YYYY-MM-DD"
    absolute: int | None = None
    rule: str = ""  # which rule matched: "sxxexx", "season-episode", "cross", "date", "episode", "absolute", "leading"


def parse_season_folder(name: str) -> int | None:
    """0 for "Specials", N for "Season N", "Season 0N", "S0N" (and "Season 1 (2019)"); None for any other name."""
    lowered = name.strip().lower()
    if lowered in _SPECIALS_FOLDER_NAMES:
        return 0
    match = _SEASON_FOLDER_RE.match(lowered) or _SHORT_SEASON_FOLDER_RE.match(lowered)
    return int(match.group(1)) if match else None


def _following(first: int, more: str) -> tuple[int, ...]:
    """Episode numbers after the first: "e03" / "-e03" list one more, "-03" / "-e03" after a dash end a range."""
    numbers = [first]
    for dash, digits in _MORE_RE.findall(more):
        number = int(digits)
        previous = numbers[-1]
        if number <= previous or number - first >= MAX_EPISODES_PER_FILE:
            break  # "S01E05-2019" is a year, not 2,015 episodes
        numbers.extend(range(previous + 1, number + 1) if dash else (number,))
    return tuple(numbers)


def _air_date(text: str) -> str | None:
    for match in _DATE_RE.finditer(text):
        try:
            return datetime.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            continue
    return None


def parse_episode_name(stem: str, folder_season: int | None = None) -> EpisodeMatch | None:
    """Season, episodes, air date or absolute number of an episode file stem; None when no rule matches.

    folder_season (parse_season_folder of the containing folder) fills in the season for names without one.
    """
    match = _SXXEXX_RE.search(stem)
    if match:
        first = int(match.group(2))
        return EpisodeMatch(int(match.group(1)), _following(first, match.group("more")), rule="sxxexx")
    match = _SEASON_EPISODE_RE.search(stem)
    if match:
        return EpisodeMatch(int(match.group(1)), (int(match.group(2)),), rule="season-episode")
    match = _CROSS_RE.search(stem)
    if match:
        first = int(match.group(2))
        return EpisodeMatch(int(match.group(1)), _following(first, match.group("more").replace("x", "e")), rule="cross")
    aired = _air_date(stem)
    if aired:
        return EpisodeMatch(folder_season, air_date=aired, rule="date")
    match = _EPISODE_ONLY_RE.search(stem)
    if match and folder_season is not None:
        return EpisodeMatch(folder_season, (int(match.group(1)),), rule="episode")
    match = _ABSOLUTE_RE.search(stem)
    if match and not _YEAR_RE.fullmatch(match.group(1)):
        return EpisodeMatch(folder_season, absolute=int(match.group(1)), rule="absolute")
    match = _LEADING_RE.match(stem)
    if match and folder_season is not None:
        return EpisodeMatch(folder_season, (int(match.group(1)),), rule="leading")
    return None
