"""The allowed values of payload fields that are words, shared by the payload modules."""

from __future__ import annotations

from typing import Literal

# What one folder's scan did to its movie (or the series of a TV library, the album of a music library).
FolderOutcome = Literal["new", "updated", "unchanged", "error"]
# Which part of the walk a discovery activity stores: the first folders (so scanning starts), the rest, or all.
DiscoveryStage = Literal["all", "head", "rest"]
# Phase 4 for one target: everything, or metadata only (no artwork candidates, downloads or selection).
EnrichmentMode = Literal["full", "metadata-only"]
# How the provider id was found: the NFO (or folder) id, a /find lookup by TVDB or IMDb id, a title search; none.
IdMatch = Literal["nfo", "tvdb", "imdb", "search", "none"]
# How an album's MusicBrainz release was found: the tracks' tags, or a search.
ReleaseMatch = Literal["tags", "search"]
# What the parent is told of one target's enrichment.
EnrichmentOutcome = Literal["enriched", "unmatched", "failed"]
# The state recorded on a movie's or series' row when it was not enriched; an album records "enriched" the same way.
NotEnriched = Literal["unmatched", "enrichment_failed"]
AlbumState = Literal["enriched", "unmatched", "enrichment_failed"]
# The external id a series is looked up by in one /find call.
FindSource = Literal["tvdb_id", "imdb_id"]
