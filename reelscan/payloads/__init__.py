"""What travels through Temporal: workflow and activity inputs and results, and the state a workflow hands on
across continue-as-new, as small pydantic models. Their JSON (field names and shapes) is what recorded histories
hold, so a field is renamed only with its history in mind.

Rule: nothing here grows with the library. Lists are bounded pages; big data stays in the database.
Secrets never appear here. Rules that decide something live with the rules (reelscan/scan_rules.py,
reelscan/watch_rules.py); the database layer returns rows, and activities turn them into these.
"""
