"""Glue that starts and talks to the moving parts (Temporal, the worker): used by the CLI and the API."""
