"""Tests whose answer does not depend on the database engine run once.

CI runs the whole suite twice, on SQLite and then on PostgreSQL (.ci/run). A test that reads no
database, or reads one only to draw pages, templates, files or catalogues that are the same
whatever engine holds the rows, would pass or fail alike on both: it runs in the SQLite pass
only. Mark it with ``@sqlite_only("why the engine does not matter")``; the reason is shown in
the PostgreSQL pass's skip list.

Whatever touches the engine — queries, constraints, transactions, locks, ordering and collation,
full-text search, migrations, concurrency — runs in both passes.
"""

import pytest
from django.db import connection


def sqlite_only(why: str):
    """A mark that skips the test unless the suite runs on SQLite, saying ``why`` the other
    engine would give the same answer."""
    return pytest.mark.skipif(
        connection.vendor != "sqlite", reason=f"runs in the SQLite pass: {why}"
    )


def postgresql_only(why: str):
    """A mark that skips the test unless the suite runs on PostgreSQL: for tests that use a
    PostgreSQL database of their own whatever the suite's engine, so they run once."""
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason=f"runs in the PostgreSQL pass: {why}"
    )
