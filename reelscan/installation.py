"""The installation id: made once per database and read once per process.

It goes into the default workflow ids and task queue names, so two databases that share one Temporal server
(two data dirs on one machine, say) never pick up each other's scans.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from sqlalchemy.exc import IntegrityError

from reelscan.db.models import Installation
from reelscan.db.session import session_scope

SHORT_LENGTH = 8


@lru_cache(maxsize=16)
def installation_id(database_url: str) -> str:
    """This database's installation id, created on first use (the schema must be migrated)."""
    with session_scope(database_url) as session:
        row = session.get(Installation, 1)
        if row is not None:
            return row.installation_id
    try:
        with session_scope(database_url) as session:
            session.add(Installation(id=1, installation_id=uuid.uuid4().hex))
    except IntegrityError:
        pass  # another process made it first: theirs is the one
    with session_scope(database_url) as session:
        created = session.get(Installation, 1)
        assert created is not None
        return created.installation_id


def short_id(full_id: str) -> str:
    """The part that goes into names: enough to tell installations apart, short enough to read."""
    return full_id[:SHORT_LENGTH]
