"""How phase 4 finds a target's TMDB id when its NFO or folder name gives none, for movies and series alike: each
external id the provider can look up (a series' TVDB id, then its IMDb id; a movie's IMDb id), then the title in
its year, then the title in any year. One rate-limited call per try, in this order, stopping at the first that
finds an id; a title with no sure match is recorded as "no match", never guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reelscan.payloads.values import FindSource


@dataclass(frozen=True)
class FindById:
    """One /find call by an external id."""

    source: FindSource
    value: str


@dataclass(frozen=True)
class SearchTitle:
    """One title search: only that year (filter_by_year) or all years."""

    title: str
    year: int | None
    filter_by_year: bool = False


Lookup = FindById | SearchTitle


def lookup_plan(
    title: str, year: int | None, external_ids: Sequence[tuple[FindSource, str | int | None]] = ()
) -> list[Lookup]:
    """The tries in order: the external ids that are set, then that year first (when known), then any year."""
    plan: list[Lookup] = [FindById(source, str(value)) for source, value in external_ids if value]
    if year is not None:
        plan.append(SearchTitle(title, year, filter_by_year=True))
    plan.append(SearchTitle(title, year))
    return plan
