"""Metadata providers (TMDB). No Temporal here; secrets stay inside the client."""
