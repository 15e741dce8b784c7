"""The query-count helper: a page runs the same number of queries at 1 row and at 30 rows, and
stays within its budget."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, expected_status: int = 200) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == expected_status, (
        f"{url} answered {response.status_code}, expected {expected_status}"
    )
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def assert_constant_queries(
    client, url: str, add_rows: Callable[[int], object], budget: int, expected_status: int = 200
) -> int:
    """Render ``url`` with 1 row and with 30 rows (``add_rows(n)`` adds n rows of every model the
    page shows); the two query counts must be equal and at most ``budget``. Returns the count."""
    add_rows(1)
    client.get(url)  # warm-up: sessions, content types, per-process caches
    at_one, sql_one = count_queries(client, url, expected_status)
    add_rows(29)
    at_thirty, sql_thirty = count_queries(client, url, expected_status)
    assert at_one == at_thirty, (
        f"{url}: {at_one} queries at 1 row but {at_thirty} at 30 rows.\n--- at 1 row:\n"
        + "\n".join(sql_one) + "\n--- at 30 rows:\n" + "\n".join(sql_thirty)
    )
    assert at_thirty <= budget, f"{url}: {at_thirty} queries, budget {budget}.\n" + "\n".join(
        sql_thirty
    )
    return at_thirty
