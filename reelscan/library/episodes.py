"""Season and episode numbers from TV file and folder names (Kodi, Jellyfin, Sonarr and scene naming).

Rules, first match wins:
- "S01E02", "S01EP02", "S01.Ep06", "S1 E2"; more episodes as "S01E02E03", "S01E01-E03" / "E01-03" (a range),
  "S01E01+02", "S03E01.S03E02", "S07E22 - S07E23";
- "Season 1 Episode 2";
- "1x02", "2x4", "3x04x05", "2x09-2x10";
- an air date: "2024-03-01", "2024.03.01", day-first "01.03.2024", month-first "03-21-2024" (when the day tells),
  two-digit years "24.03.01" (year first) and "01.03.24";
- in a season folder "E05", "EP06", "Episode 5", "E05-06"; without one, "EP06", "Episode 6" and "#957" are
  absolute numbers;
- anime absolute numbers: "[Group] Show - 11 [1080p][ABCD1234]", "Show - 07v2", "[Group] Show 11 [720p]", also
  when the title holds numbers ("Mob Psycho 100 - 05");
- "103" after the title (season 1, episode 3);
- a leading number "05 - Title" in a season folder.
A name matching none is unmatched (None).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from reelscan.library.rules import (
    BARE_RESOLUTIONS,
    SEASON_NUMBER_WORDS,
    SEASON_WORDS,
    SPECIALS_FOLDER_NAMES,
    YEARS_AHEAD,
    is_release_word,
)

# The latest year an air date may have (announced episodes).
_LATEST_YEAR = datetime.date.today().year + YEARS_AHEAD
# Longest run of episodes one file may claim; longer ranges are typos ("E01-E99").
MAX_EPISODES_PER_FILE = 20

_SEP = r"[\s._-]*"
_SXXEXX_RE = re.compile(
    rf"(?<![a-z0-9])s(\d{{1,4}})(?:{_SEP}e(?:p|pisode)?{_SEP}|{_SEP}xe?(?!26[45](?!\d)))(\d{{1,4}})(?![\d])",
    re.IGNORECASE,
)
# What may follow the first episode: another "E03" (listed), "-E03" / "-03" (a range end), "+02" / "&02"
# (listed), "S03E02" / " - S03E02" (the same season, listed or a range end).
_MORE_SXXEXX_RE = re.compile(
    r"^(?P<sep>[\s._]*(?P<op>[-+&~])?[\s._]*)(?:(?P<s>s\d{1,4})[\s._-]*)?(?P<e>x?e(?:p)?)?(?P<n>\d{1,4})(?![\dpi])",
    re.IGNORECASE,
)
_SEASON_EPISODE_RE = re.compile(rf"season{_SEP}(\d{{1,4}}){_SEP}(?:episode|ep){_SEP}(\d{{1,4}})", re.IGNORECASE)
# "1x02"; the digits around it keep resolutions ("1920x1080") out.
_CROSS_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,2}|(?:19|20)\d{2})x(\d{1,3})(?![\dp])", re.IGNORECASE)
_MORE_CROSS_RE = re.compile(
    r"^(?P<sep>[\s._]*(?P<op>[-+&])?[\s._]*)(?:(?P<s>\d{1,4})x|(?P<e>x|e))?(?P<n>\d{1,3})(?![\dp])", re.IGNORECASE
)
# A cheap first look for a full date beside other numbers ("Show.2013.03.14.S01E05").
_HAS_DATE_RE = re.compile(
    r"(?:19|20)\d{2}[-._ /]\d{1,2}[-._ /]\d{1,2}(?!\d)|\d{1,2}[-._ /]\d{1,2}[-._ /](?:19|20)\d{2}"
)
_DATE_YMD_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-._ /])(\d{1,2})\2(\d{1,2})(?!\d)")
_DATE_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})([-._ /])(\d{1,2})\2((?:19|20)\d{2})(?!\d)")
# Two-digit years, also in dotted release names ("Show.10.03.15"); never inside longer number runs ("1.10.03.15").
_DATE_SHORT_RE = re.compile(r"(?<!\d)(?<!\d[-._])(\d{2})([-._])(\d{2})\2(\d{2})(?!\d)(?![-._]\d{1,2}(?:$|[-._ ]))")
# "E05", "EP06", "Episode 5"; never the start of a checksum tag ("[E4728DDB]").
_EPISODE_ONLY_RE = re.compile(
    rf"(?<![a-z0-9])(?P<word>episode|ep|e){_SEP}(?P<n>\d{{1,4}})(?![\dp])(?![a-f\d]+\])(?:{_SEP}-{_SEP}(?:e|ep)?(?P<end>\d{{1,4}})(?![\dp]))?",
    re.IGNORECASE,
)
# A season before an anime number: "[Group] Show S2 - 05 (1080p)", "[Group] Show Season 2 - 05 [720p]".
_SEASON_DASH_NUMBER_RE = re.compile(
    rf"(?<![a-z0-9])(?:s|(?:{'|'.join(SEASON_WORDS)})[\s._]*)(\d{{1,2}})[\s._]+-[\s._]+(\d{{1,4}})(?:v\d)?(?=$|[\s.\[(_-])",
    re.IGNORECASE,
)
_HASH_NUMBER_RE = re.compile(r"(?:^|\s)#(\d{1,4})(?!\d)")
# Anime names: bracketed tags ("[Group]", "[1080p]", "[ABCD1234]", "(BD 1080p)") come off before the number is read.
_BRACKETS_RE = re.compile(r"\[[^\]]*\]|\([^)]*\)|【[^】]*】|\{[^}]*\}")
# "Show - 112", "Show - 07v2", "Show - 11 - Title": a number alone after " - ".
# "Show - 05-06", "Show - 05 ~ 06": two episodes in one file (the second group).
_ABSOLUTE_RE = re.compile(
    r"\S\s+-\s+(\d{1,4})(?:v\d)?(?:(?:-|\s*~\s*)(\d{1,4})(?:v\d)?)?(?=$|[\s.\[(_-])", re.IGNORECASE
)
# "[Group] Show 11" (the number ends the name once the tags are off).
_TRAILING_NUMBER_RE = re.compile(r"[^\s._][\s._]+(\d{1,4})(?:v\d)?[\s._]*$", re.IGNORECASE)
# "[Group] Show 05-06", "Show 05 06": two numbers ending the name, a range after a dash, two episodes after a space
# (only when the second follows the first).
_TRAILING_RANGE_RE = re.compile(
    r"[^\s._\d][\s._]+(\d{1,4})(?:v\d)?(?:\s*(-|~)\s*|[\s._]+)(\d{1,4})(?:v\d)?[\s._]*$", re.IGNORECASE
)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
# "Show.103.Title", "Show 210": season digit and two episode digits after the title (never a resolution or codec).
_THREE_DIGITS_RE = re.compile(r"(?<=[\s._\-\[(])([1-9])(\d{2})(?=$|[\s._\-\])])")
_NOT_EPISODE_NUMBERS = frozenset({"264", "265", "480", "576", "720"})
_LEADING_NUMBER_RE = re.compile(r"^(\d{1,4})(?:v\d)?(?=$|[\s._-])")
_EPISODE_OF_RE = re.compile(r"(?<![\da-z])(\d{1,3})[\s._]*of[\s._]*\d{1,3}(?!\d)", re.IGNORECASE)
_WORDS_RE = re.compile(r"[._]+")
_RELEASE_NUMBER_RE = re.compile(r"(\d{1,2}|0\d{3}|1[0-8]\d{2})(?:v\d)?")
_LEADING_RE = re.compile(r"^(\d{1,4})(?:-(\d{1,3})|\s*[&+]\s*(\d{1,3}))?(?=$|[\s._-])")

_SEASON_WORDS = "|".join(SEASON_WORDS)
_SEASON_FOLDER_RE = re.compile(rf"^(?:{_SEASON_WORDS})[\s._-]*(\d{{1,4}})(?:[\s._-]+\D.*|\s*\(.*)?$", re.IGNORECASE)
# "3.Staffel", "2nd Season", "Season 3" after a title ("Show - Season 2", "Show Season 02 1080p").
_NUMBER_FIRST_FOLDER_RE = re.compile(
    rf"^(\d{{1,3}})(?:\.|st|nd|rd|th|ª|a|º)?[\s._-]*(?:{_SEASON_WORDS})$", re.IGNORECASE
)
_TITLED_SEASON_FOLDER_RE = re.compile(
    rf"\S[\s._-]+(?:{_SEASON_WORDS})[\s._-]*(\d{{1,3}})(?=$|[\s._\-\[(])(?![\s._-]*[-&][\s._-]*\d{{1,3}}(?![\dpi]))",
    re.IGNORECASE,
)
_SHORT_SEASON_FOLDER_RE = re.compile(r"^s(\d{1,4})$", re.IGNORECASE)
# Season packs: "Show.S02.1080p.BluRay-GRP", "Show S02 Complete"; never "Show S01E01" or "Show S01-S03".
_PACK_SEASON_RE = re.compile(r"(?<![a-z0-9])s(\d{1,3})(?=$|[\s._\[(]|-[a-z])(?![\s._]*-[\s._]*s?\d)", re.IGNORECASE)
# The end of a season range before a pack marker: "S01-S03" is no season.
_RANGE_BEFORE_RE = re.compile(r"s\d{1,3}[\s._]*-[\s._]*$", re.IGNORECASE)
_BARE_NUMBER_RE = re.compile(r"^\d{1,3}$")
_ROMAN_SEASON_RE = re.compile(
    rf"^(?:.*\S[\s._-]+)?(?:{_SEASON_WORDS})[\s._-]+([ivx]{{1,6}})(?=$|[\s._\-(\[])", re.IGNORECASE
)
_NUMBER_WORDS = "|".join(SEASON_NUMBER_WORDS)
_SPELLED_SEASON_RE = re.compile(
    rf"^(?:(?:{_SEASON_WORDS})[\s._-]+({_NUMBER_WORDS})|({_NUMBER_WORDS})[\s._-]+(?:{_SEASON_WORDS}))$", re.IGNORECASE
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman(numeral: str) -> int | None:
    """The value of a Roman numeral up to 39 ("iv" -> 4), None when it is not one written the usual way."""
    total, previous = 0, 0
    for char in reversed(numeral.lower()):
        value = _ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total if total > 0 and _to_roman(total) == numeral.lower() else None


def _to_roman(number: int) -> str:
    tens, rest = divmod(number, 10)
    ones = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")
    return "x" * tens + ones[rest]


@dataclass(frozen=True)
class EpisodeMatch:
    season: int | None  # None when neither the name nor the folder says (air dates, absolute numbers)
    # Several for multi-episode files; empty for air dates and single absolute numbers. With no season and an
    # absolute number, the absolute episodes the file holds ("Show - 05-06": 5 and 6).
    episodes: tuple[int, ...] = ()
    air_date: str | None = None  # "YYYY-MM-DD"
    absolute: int | None = None
    rule: str = ""  # which rule matched: "sxxexx", "season-episode", "cross", "date", "episode", "absolute", "leading"


def parse_season_folder(name: str) -> int | None:
    """The season a folder holds, else None.

    0 for "Specials"; N for "Season N", "Season 0N", "S0N", "Season 1 (2019)", "Temporada 1", "Stagione 1",
    "Säsong 1", "Сезон 1", "Saison 2", "3.Staffel", "Season IV", "Season One", "First Season", a bare "2", and
    season packs ("Show.S02.1080p.BluRay-GRP", "Show - Season 2").
    """
    lowered = name.strip().lower()
    if lowered in SPECIALS_FOLDER_NAMES:
        return 0
    match = (
        _SEASON_FOLDER_RE.match(lowered)
        or _SHORT_SEASON_FOLDER_RE.match(lowered)
        or _NUMBER_FIRST_FOLDER_RE.match(lowered)
        or _BARE_NUMBER_RE.match(lowered)
    )
    if match is not None:
        return int(match.group(1) if match.groups() else match.group(0))
    spelled = _SPELLED_SEASON_RE.match(lowered)
    if spelled is not None:  # "Season One", "First Season", "Staffel Zwei"
        return SEASON_NUMBER_WORDS[spelled.group(1) or spelled.group(2)]
    roman = _ROMAN_SEASON_RE.match(lowered)
    if roman is not None:  # "Season IV", "Saison VII"
        return _roman(roman.group(1))
    if _SXXEXX_RE.search(lowered) is not None:
        return None
    titled = _TITLED_SEASON_FOLDER_RE.search(lowered)
    if titled is None:
        titled = next(
            (m for m in _PACK_SEASON_RE.finditer(lowered) if not _RANGE_BEFORE_RE.search(lowered, 0, m.start())), None
        )
    return int(titled.group(1)) if titled is not None and _has_title(lowered, titled.start()) else None


def _has_title(text: str, start: int) -> bool:
    return bool(text[: start + 1].strip(" ._-[]()"))


def _add(numbers: list[int], first: int, number: int, is_range: bool) -> bool:
    """Adds a following episode; False when it cannot follow (lower, or too far: "S01E05-2019" is a year)."""
    previous = numbers[-1]
    if number <= previous or number - first >= MAX_EPISODES_PER_FILE:
        return False
    numbers.extend(range(previous + 1, number + 1) if is_range else (number,))
    return True


def _following(text: str, season: int, first: int, more: re.Pattern[str], season_marker: str) -> tuple[int, ...]:
    """The episodes of a multi-episode name after its first one (text: what follows it).

    One number after a dash ends a range ("E01-E03", "E01-03"); several following numbers are a list ("E23-E24-E26",
    "02x03-04-15", "E01E02E03").
    """
    following: list[tuple[str | None, int]] = []
    while True:
        match = more.match(text)
        if match is None:
            break
        op, marker, season_text = match.group("op"), match.group("e"), match.group("s")
        if season_text is not None:
            if int(season_text.lower().lstrip(season_marker).rstrip("x")) != season:
                break
        elif marker is None and (op is None or " " in match.group("sep")):
            break  # a bare number after a space ("02x03 - 04 Title") is a title word or a resolution
        following.append((op, int(match.group("n"))))
        text = text[match.end() :]
    numbers = [first]
    is_range = len(following) == 1 and following[0][0] in ("-", "~")
    for _, number in following:
        if not _add(numbers, first, number, is_range):
            break
    return tuple(numbers)


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _air_date(text: str, folder_season: int | None) -> str | None:
    for match in _DATE_YMD_RE.finditer(text):
        aired = _date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if aired:
            return aired
    for match in _DATE_DMY_RE.finditer(text):
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        # Month first when the day says so ("03-21-2024") or with slashes and dashes (US style); else day first.
        month_first = second > 12 or (match.group(2) in "/-" and first <= 12)
        aired = _date(year, first, second) if month_first else _date(year, second, first)
        if aired:
            return aired
    for match in _DATE_SHORT_RE.finditer(text):
        aired = _short_date(int(match.group(1)), int(match.group(3)), int(match.group(4)), folder_season)
        if aired:
            return aired
    return None


def _century(year: int) -> int:
    return 2000 + year if year < 70 else 1900 + year


def _short_date(first: int, second: int, third: int, folder_year: int | None) -> str | None:
    """A date with a two-digit year. Kodi and Jellyfin document four-digit years only ("2024.03.01",
    "01.03.2024"); two-digit ones follow the scene order, year first ("24.03.01", "Show.10.03.15", as guessit reads
    them too), unless that is no date ("10.15.03": no month 15) or one years ahead of today ("31.12.09"): then the
    year is last ("01.03.24" as day first, or month first when the day says so). A year folder ("2024/") decides."""
    year_first = _date(_century(first), second, third)
    year_last = _date(_century(third), first, second) if second > 12 else _date(_century(third), second, first)
    if year_first is not None and _century(first) > _LATEST_YEAR:
        year_first = None
    if year_last is not None and _century(third) > _LATEST_YEAR:
        year_last = None
    if folder_year is not None and folder_year >= 1900:
        for aired in (year_first, year_last):
            if aired is not None and int(aired[:4]) == folder_year:
                return aired
    if first > 31 or third <= 31:
        return year_first or year_last
    return year_last or year_first


def _trailing_range(text: str) -> tuple[int, int] | None:
    """The two numbers ending "Show 05-06" (a range) or "Show 05 06" (two episodes when the second follows the
    first); never years ("Show 2019-2020") nor a count down."""
    match = _TRAILING_RANGE_RE.search(text)
    if match is None or _YEAR_RE.fullmatch(match.group(1)) or _YEAR_RE.fullmatch(match.group(3)):
        return None
    first, last = int(match.group(1)), int(match.group(3))
    if last <= first or last - first >= MAX_EPISODES_PER_FILE or (match.group(2) is None and last != first + 1):
        return None
    return first, last


def _anime_number(stem: str) -> tuple[int, int | None] | None:
    """The absolute number of an anime-style name and, for "Show - 05-06", the last episode the file holds; None."""
    text = stem.replace("_", " ")
    match = _ABSOLUTE_RE.search(text)
    if match is not None and not _YEAR_RE.fullmatch(match.group(1)):
        return int(match.group(1)), int(match.group(2)) if match.group(2) else None
    if not text.lstrip().startswith(("[", "【")):
        return None
    bare = _BRACKETS_RE.sub(" ", text).strip(" .-")
    match = _ABSOLUTE_RE.search(bare)
    if match is not None and not _YEAR_RE.fullmatch(match.group(1)):
        return int(match.group(1)), int(match.group(2)) if match.group(2) else None
    pair = _trailing_range(bare)
    if pair is not None:  # "[Group] Show 05-06 [1080p]"
        return pair
    match = _TRAILING_NUMBER_RE.search(bare) or _LEADING_NUMBER_RE.match(bare)
    if match is not None and not _YEAR_RE.fullmatch(match.group(1)):
        return int(match.group(1)), None  # "[Group] Show - 12", "[Group] Show 06 (720p)", "[Group] 01 - Show [BD]"
    return None


def parse_episode_name(stem: str, folder_season: int | None = None) -> EpisodeMatch | None:
    """Season, episodes, air date or absolute number of an episode file stem; None when no rule matches.

    folder_season (parse_season_folder of the containing folder) fills in the season for names without one.
    """
    match = _SXXEXX_RE.search(stem)
    if match:
        season, first = int(match.group(1)), int(match.group(2))
        episodes = _following(stem[match.end() :], season, first, _MORE_SXXEXX_RE, "s")
        aired = _air_date(stem, None) if _HAS_DATE_RE.search(stem) else None  # "Show.S01E05.2013.03.14"
        return EpisodeMatch(season, episodes, air_date=aired, rule="sxxexx")
    match = _SEASON_EPISODE_RE.search(stem)
    if match:
        return EpisodeMatch(int(match.group(1)), (int(match.group(2)),), rule="season-episode")
    match = _CROSS_RE.search(stem)
    if match:
        season, first = int(match.group(1)), int(match.group(2))
        return EpisodeMatch(season, _following(stem[match.end() :], season, first, _MORE_CROSS_RE, ""), rule="cross")
    match = _SEASON_DASH_NUMBER_RE.search(stem)
    if match and _has_title(stem, match.start() - 1):
        return EpisodeMatch(int(match.group(1)), (int(match.group(2)),), rule="season-number")
    aired = _air_date(stem, folder_season)
    if aired:
        return EpisodeMatch(folder_season, air_date=aired, rule="date")
    match = _EPISODE_ONLY_RE.search(stem)
    if match:
        first = int(match.group("n"))
        if folder_season is not None:
            numbers = [first]
            if match.group("end") is not None:
                _add(numbers, first, int(match.group("end")), is_range=True)
            return EpisodeMatch(folder_season, tuple(numbers), rule="episode")
        if match.group("word").lower() != "e" or _has_title(stem, match.start() - 1):  # "EP06", "Show.E576"
            return EpisodeMatch(None, absolute=first, rule="absolute")
    match = _HASH_NUMBER_RE.search(stem)
    if match:
        return EpisodeMatch(folder_season, absolute=int(match.group(1)), rule="absolute")
    if folder_season is not None:  # "16 - 12 Angry Men" in a season folder is its episode 16
        match = _LEADING_RE.match(stem)
        if match:
            found = _leading(int(match.group(1)), folder_season)
            last = match.group(2) or match.group(3)
            if last is not None and len(found.episodes) == 1:  # "02-04 - Title": a range; "05 & 06 - Title"
                numbers = list(found.episodes)
                _add(numbers, numbers[0], int(last), is_range=match.group(2) is not None)
                found = EpisodeMatch(folder_season, tuple(numbers), rule="leading")
            return found
    anime = _anime_number(stem)
    if anime is not None:
        absolute, last = anime
        if last is not None:
            numbers = [absolute]
            _add(numbers, absolute, last, is_range=True)
            if folder_season is not None:  # "Show - 05-06" in a season folder: two episodes
                return EpisodeMatch(folder_season, tuple(numbers), rule="number")
            if len(numbers) > 1:  # without one: absolute episodes 5 and 6
                return EpisodeMatch(None, tuple(numbers), absolute=absolute, rule="absolute")
        return EpisodeMatch(folder_season, absolute=absolute, rule="absolute")
    return _plain_number(stem, folder_season)


def _plain_number(stem: str, folder_season: int | None) -> EpisodeMatch | None:
    """A number with nothing to say what it is. "Show.Name.103.HDTV" (a release name) is season 1, episode 3; a
    number ending a name written with spaces ("The Simpsons 112") or alone ("12") counts episodes: the folder
    season's episode, else an absolute number."""
    numbers = [
        m
        for m in _THREE_DIGITS_RE.finditer(stem)
        if m.group(0) not in _NOT_EPISODE_NUMBERS and _has_title(stem, m.start() - 1)
    ]
    three = numbers[-1] if numbers else None  # "the.100.109.hdtv": the title may hold a number too
    if three is not None and folder_season is not None and int(three.group(1)) == folder_season:
        return EpisodeMatch(folder_season, (int(three.group(2)),), rule="number")
    text = stem.replace("_", " ").strip()
    of = _EPISODE_OF_RE.search(stem)
    if of is not None and _has_title(stem, of.start()):  # "Show - Part 1 of 6": episode 1, not 6
        return _release_number(stem, folder_season)
    pair = _trailing_range(text) if " " in text else None
    if pair is not None:  # "Show 05 06", "Show 05-06": two episodes
        held = tuple(range(pair[0], pair[1] + 1))
        if folder_season is not None:
            return EpisodeMatch(folder_season, held, rule="number")
        return EpisodeMatch(None, held, absolute=pair[0], rule="absolute")
    trailing = _TRAILING_NUMBER_RE.search(text) if " " in text else None
    if trailing is not None and not _YEAR_RE.fullmatch(trailing.group(1)):
        number = int(trailing.group(1))
        if folder_season is not None:
            return EpisodeMatch(folder_season, (number,), rule="number")
        return EpisodeMatch(None, absolute=number, rule="absolute")
    if three is not None and folder_season is None:
        return EpisodeMatch(int(three.group(1)), (int(three.group(2)),), rule="number")
    if folder_season is None and text.isdigit() and len(text) <= 4:
        return EpisodeMatch(None, absolute=int(text), rule="absolute")
    return _release_number(stem, folder_season)


def _release_number(stem: str, folder_season: int | None) -> EpisodeMatch | None:
    """A number standing between the title and the release words of a dotted name: "Show.07.PDTV-GRP",
    "Show.07v2.HDTV" (an episode), "Show.0307.PDTV" (season 3, episode 7), "Show.1002.HDTV" (season 10),
    "Show.14.of.21.Title" (episode 14)."""
    of = _EPISODE_OF_RE.search(stem)
    if of is not None and _has_title(stem, of.start()):
        number = int(of.group(1))
        return (
            EpisodeMatch(folder_season, (number,), rule="number")
            if folder_season is not None
            else (EpisodeMatch(None, absolute=number, rule="absolute"))
        )
    if " " in stem.strip():
        return None
    words = _WORDS_RE.split(stem.lower())
    for index in range(1, len(words)):
        match = _RELEASE_NUMBER_RE.fullmatch(words[index])
        if match is None:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        after = words[index + 2] if index + 2 < len(words) else ""
        if following and not is_release_word(following.split("-", 1)[0], after) and not is_release_word(following):
            continue
        digits = match.group(1)
        if digits in BARE_RESOLUTIONS:  # "Show.1080.HDTV": a resolution without its "p"
            continue
        if len(digits) == 4:  # "0307", "1002" (season 10, episode 2; never a year)
            return EpisodeMatch(int(digits[:2]), (int(digits[2:]),), rule="number")
        if len(digits) <= 2:
            number = int(digits)
            if folder_season is not None:
                return EpisodeMatch(folder_season, (number,), rule="number")
            return EpisodeMatch(None, absolute=number, rule="absolute")
    return None


def _leading(number: int, folder_season: int) -> EpisodeMatch:
    """ "05 - Title" is episode 5 of the folder's season; "103 - Title" in season 1 is its episode 3."""
    if number >= 100 and number // 100 == folder_season:
        return EpisodeMatch(folder_season, (number % 100,), rule="leading")
    return EpisodeMatch(folder_season, (number,), rule="leading")
