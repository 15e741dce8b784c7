import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def bulletin_data(django_db_setup, django_db_blocker):
    """The real fixtures, loaded once per test module.

    Loaded inside a transaction that is rolled back when the module's tests are done, so no other
    test sees them; each test still runs in its own savepoint (``django_db``).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_fixtures", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
