"""The kinds of library, movies, TV series and music, and what differs between them, decided here once: the rest
of the code asks a library's kind (`library_kind(library.type)`) rather than testing its type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

LibraryType = Literal["movie", "tv", "music"]
LIBRARY_TYPES: tuple[LibraryType, ...] = get_args(LibraryType)


@dataclass(frozen=True)
class LibraryKind:
    type: LibraryType
    items: str  # what its scan finds, in words: "movies", "series", "albums"
    directory: str  # what one of its directories holds: "movie", "series", "album"
    asset_owners: str  # whose assets a cache batch caches: "movies", "series", "album folders"
    provider: str  # who enriches it

    @property
    def movie(self) -> bool:
        """Movie folders, one movie each."""
        return self.type == "movie"

    @property
    def tv(self) -> bool:
        """Series folders with seasons and episodes."""
        return self.type == "tv"

    @property
    def music(self) -> bool:
        """Album folders with tracks and artists."""
        return self.type == "music"


MOVIES = LibraryKind("movie", items="movies", directory="movie", asset_owners="movies", provider="TMDB")
TV = LibraryKind("tv", items="series", directory="series", asset_owners="series", provider="TMDB")
MUSIC = LibraryKind("music", items="albums", directory="album", asset_owners="album folders", provider="MusicBrainz")
KINDS: dict[str, LibraryKind] = {kind.type: kind for kind in (MOVIES, TV, MUSIC)}


def library_kind(library_type: str) -> LibraryKind:
    """The kind of a library type; a movie library for anything else, as a library is by default."""
    return KINDS.get(library_type, MOVIES)
