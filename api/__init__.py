"""The HTTP query API: libraries, scans, movies, scan errors, a WebSocket progress stream and the web page."""
