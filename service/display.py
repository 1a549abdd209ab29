"""The spec's progress displays rendered with rich, from a ScanProgressMessage."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from reelscan.library_kinds import library_kind

HEADINGS = {
    "discovering": "🔍 Discovering directories...",
    "scanning": "📊 Scanning movies...",
    "caching": "💾 Caching assets...",
    "enriching": "🌐 Enriching metadata...",
    "completed": "✅ Scan completed successfully!",
    "cancelled": "⏹  Scan cancelled",
    "failed": "❌ Scan failed",
}
ASSET_LABELS = (
    ("poster", "Posters"),
    ("fanart", "Fanart"),
    ("trailer", "Trailers"),
    ("cover", "Album covers"),
    ("subtitle", "Subtitles"),
    ("other", "Other art"),
)


def _bar(done: int, total: int, pct: int) -> Table:
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1)
    grid.add_column(justify="right", width=6)
    grid.add_row(ProgressBar(total=max(total, 1), completed=min(done, max(total, 1))), f"{pct}%")
    return grid


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def items_line(stats: dict[str, Any], tv: bool, music: bool = False) -> str:
    """What a scan found: movies, (TV libraries) series, their episodes and the files no episode rule matched, or
    (music libraries) artists, albums and tracks, the untagged ones apart."""
    if music:
        untagged = stats.get("tracksUntagged") or 0
        updated = f", {stats['tracksUpdated']:,} updated" if stats.get("tracksUpdated") else ""
        missing = f", {stats['albumsMissing']:,} missing" if stats.get("albumsMissing") else ""
        artists, albums = (
            _plural(stats.get("artistsFound") or 0, "artist"),
            _plural(stats.get("albumsFound") or 0, "album"),
        )
        tracks = _plural(stats.get("tracksFound") or 0, "track")
        return f"{artists}, {albums}{missing}, {tracks} ({stats.get('tracksNew') or 0:,} new{updated})" + (
            f", {untagged:,} untagged" if untagged else ""
        )
    if not tv:
        return (
            f"Movies: {stats.get('moviesFound', 0):,} found ({stats.get('moviesNew', 0):,} new, "
            f"{stats.get('moviesUpdated', 0):,} updated)"
        )
    updated = f", {stats['episodesUpdated']:,} updated" if stats.get("episodesUpdated") else ""
    unmatched = stats.get("episodesUnmatched") or 0
    return (
        f"{stats.get('seriesFound') or 0:,} series, {_plural(stats.get('episodesFound') or 0, 'episode')} "
        f"({stats.get('episodesNew') or 0:,} new{updated})"
        + (f", {_plural(unmatched, 'unmatched file')}" if unmatched else "")
    )


def render(message: dict[str, Any]) -> Panel:
    phase = str(message.get("phase", "?"))
    progress: dict[str, Any] = message.get("progress") or {}
    stats: dict[str, Any] = message.get("stats") or {}
    kind = library_kind(str(message.get("libraryType")))
    tv, music = kind.tv, kind.music
    heading = "📊 Scanning series..." if tv and phase == "scanning" else HEADINGS.get(phase, phase)
    if music and phase == "scanning":
        heading = f"📊 {message.get('summary') or 'Scanning albums...'}"  # "Scanning albums... 120/800 (15%), ..."
    rows: list[Any] = [Text(heading, style="bold")]
    if phase in ("caching", "enriching", "completed"):
        rows.insert(0, Text("✅ Scanning complete! Library is ready to use!", style="green"))

    discovering = progress.get("discovering") or {}
    scanning = progress.get("scanning")
    caching = progress.get("caching")
    enriching = progress.get("enriching")
    if phase == "discovering":
        found = discovering.get("directoriesFound", 0)
        found_line = (
            _plural(found, "series folder")
            if tv
            else _plural(found, "album folder")
            if music
            else _plural(found, "movie directory", "movie directories")
        )
        rows.append(Text(f"Found: {found_line}"))
        rows.append(Text(f"Ignored: {discovering.get('directoriesIgnored', 0):,} (matching ignore patterns)"))
    if scanning and phase in ("scanning", "cancelled", "failed"):
        rows.append(Text(f"Progress: {scanning['scanned']:,} / {scanning['total']:,} ({scanning['percentage']}%)"))
        rows.append(_bar(scanning["scanned"], scanning["total"], scanning["percentage"]))
    if stats and phase != "discovering":
        rows.append(Text(items_line(stats, tv, music)))
    if caching:
        rows.append(
            Text(
                f"Assets: {caching['cached']:,} / {caching['queued']:,} cached ({caching['percentage']}%)"
                + (f", {caching['failed']:,} failed" if caching.get("failed") else "")
            )
        )
        by_type = caching.get("byType") or {}
        for key, label in ASSET_LABELS:
            if by_type.get(key):
                rows.append(Text(f"  - {label}: {by_type[key]:,} cached"))
        if phase == "caching":
            rows.append(_bar(caching["cached"] + caching.get("failed", 0), caching["queued"], caching["percentage"]))
    if enriching:
        failed = f", {enriching['failed']:,} failed" if enriching.get("failed") else ""
        items = "series" if tv else "albums" if music else "movies"
        rows.append(Text(f"Enrichment: {enriching['completed']:,} / {enriching['queued']:,} {items}{failed}"))
        rate = f" - rate limited ({enriching['rateLimit']})" if enriching.get("rateLimit") else ""
        rows.append(Text(f"  - Fetching from {enriching.get('provider', 'TMDB')}{rate}", style="dim"))
        if enriching.get("pausedUntil"):
            rows.append(Text(f"  - Provider unavailable: waiting until {enriching['pausedUntil']}", style="yellow"))
        if phase == "enriching":
            rows.append(Text("Library is ready to use! Enrichment continues in the background.", style="green"))
        if phase == "enriching":
            rows.append(_bar(enriching["completed"], enriching["queued"], enriching["percentage"]))
    health = message.get("health") or {}
    if health.get("stalled"):
        rows.append(Text(f"Stalled: {health.get('waitingOn')}", style="bold yellow"))
    rows.append(Text(f"Errors: {stats.get('errorsCount', 0):,}", style="red" if stats.get("errorsCount") else ""))
    if message.get("lastError"):
        rows.append(Text(f"Last error: {message['lastError']}", style="red"))
    if message.get("notice"):
        rows.append(Text(f"Note: {message['notice']}", style="yellow"))
    if phase not in ("completed", "cancelled", "failed"):
        if message.get("currentOperation"):
            rows.append(Text(f"Currently: {message['currentOperation']}", style="dim"))
        if message.get("estimatedTimeRemaining"):
            rows.append(Text(f"Estimated time remaining: {message['estimatedTimeRemaining']}", style="dim"))
    else:
        completed_at = (message.get("phaseTimestamps") or {}).get("completedAt")
        if completed_at:
            rows.append(Text(f"Finished at: {completed_at}", style="dim"))
    title = f'Library Scan: "{message.get("libraryName", "?")}" (scan {message.get("scanJobId", "?")})'
    return Panel(Group(*rows), title=title, title_align="left", width=72)
