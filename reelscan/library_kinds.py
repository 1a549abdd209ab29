"""The kinds of library: movies, TV series, music."""

from __future__ import annotations

from typing import Literal, get_args

LibraryType = Literal["movie", "tv", "music"]
LIBRARY_TYPES: tuple[LibraryType, ...] = get_args(LibraryType)
