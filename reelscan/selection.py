"""Asset selection: which artwork and trailer represent a movie.

Scoring, per candidate of one asset type (each part in 0..1, weighted):
- resolution (0.30): pixels against the type's ideal size, capped at 1; unknown (local files) counts 0.5;
- aspect ratio (0.20): 1 minus the relative distance to the type's ideal ratio; unknown counts 0.5;
- language (0.30): preferred language 1.0 > textless 0.75 > English 0.5 > any other 0.1; trailers the same;
- votes (0.20): the vote average weighted by how many voted, (avg * n + 5 * 5) / (n + 5) / 10, so a 10/10 with
  one vote does not beat an 8/10 with a thousand;
- local files get +1 when local files come first (the default), so a user's own artwork always wins.
Per type the best N are kept (poster 3, fanart 4, one of everything else), exact duplicates (same SHA-256) are
dropped keeping the better one, ties break on source, then id (deterministic). A locked choice is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

IDEAL: dict[str, tuple[int, int]] = {
    "poster": (1000, 1500),
    "keyart": (1000, 1500),
    "fanart": (1920, 1080),
    "landscape": (1000, 562),
    "clearlogo": (800, 310),
    "clearart": (1000, 562),
    "discart": (1000, 1000),
    "banner": (1000, 185),
}
DEFAULT_KEEP: dict[str, int] = {
    "poster": 3,
    "fanart": 4,
    "clearlogo": 1,
    "clearart": 1,
    "landscape": 1,
    "keyart": 1,
    "discart": 1,
    "banner": 1,
    "trailer": 1,
}
WEIGHTS = {"resolution": 0.3, "aspect": 0.2, "language": 0.3, "votes": 0.2}


@dataclass(frozen=True)
class Candidate:
    id: int
    asset_type: str
    source: str  # local | tmdb
    width: int | None = None
    height: int | None = None
    language: str | None = None
    vote_average: float | None = None
    vote_count: int | None = None
    sha256: str | None = None


def language_score(language: str | None, preferred: str) -> float:
    if language is None or language in ("", "xx", "null"):
        return 0.75
    code = language.lower().split("-")[0]
    if code == preferred.lower().split("-")[0]:
        return 1.0
    return 0.5 if code == "en" else 0.1


def score(candidate: Candidate, preferred_language: str = "en", local_first: bool = True) -> float:
    ideal = IDEAL.get(candidate.asset_type)
    if ideal and candidate.width and candidate.height:
        resolution = min(1.0, (candidate.width * candidate.height) / (ideal[0] * ideal[1]))
        ideal_ratio = ideal[0] / ideal[1]
        aspect = max(0.0, 1 - abs(candidate.width / candidate.height - ideal_ratio) / ideal_ratio)
    else:
        resolution = aspect = 0.5
    votes = candidate.vote_count or 0
    weighted_votes = ((candidate.vote_average or 0) * votes + 5 * 5) / (votes + 5) / 10
    total = (
        WEIGHTS["resolution"] * resolution
        + WEIGHTS["aspect"] * aspect
        + WEIGHTS["language"] * language_score(candidate.language, preferred_language)
        + WEIGHTS["votes"] * weighted_votes
    )
    if local_first and candidate.source == "local":
        total += 1.0
    return round(total, 6)


def select(
    candidates: list[Candidate],
    *,
    preferred_language: str = "en",
    local_first: bool = True,
    keep: dict[str, int] | None = None,
) -> dict[str, list[tuple[Candidate, float]]]:
    """The kept candidates per asset type, best first, with their scores."""
    limits = keep or DEFAULT_KEEP
    chosen: dict[str, list[tuple[Candidate, float]]] = {}
    by_type: dict[str, list[tuple[Candidate, float]]] = {}
    for candidate in candidates:
        by_type.setdefault(candidate.asset_type, []).append(
            (candidate, score(candidate, preferred_language, local_first))
        )
    for asset_type, scored in by_type.items():
        scored.sort(key=lambda pair: (-pair[1], pair[0].source != "local", pair[0].id))
        seen_hashes: set[str] = set()
        kept: list[tuple[Candidate, float]] = []
        for candidate, value in scored:
            if candidate.sha256 and candidate.sha256 in seen_hashes:
                continue
            if candidate.sha256:
                seen_hashes.add(candidate.sha256)
            kept.append((candidate, value))
            if len(kept) >= limits.get(asset_type, 1):
                break
        chosen[asset_type] = kept
    return chosen
