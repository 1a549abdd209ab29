"""Library rules: what counts as a movie, its video, NFO, assets and media info. No Temporal here."""
