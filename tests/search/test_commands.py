"""The commands that write records in bulk leave the search index equal to the records:
load_fixtures, seed_demo, remove_demo, seed_scale, restore (the index is not backed up)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from activities.models import Event
from search.documents import SOURCES
from search.models import SearchDocument
from tests import factories

pytestmark = pytest.mark.django_db


def assert_index_exact():
    indexed = set(SearchDocument.objects.values_list("kind", "object_id"))
    records = {
        (kind, pk)
        for kind, source in SOURCES.items()
        for pk in source.model._default_manager.values_list("pk", flat=True)
    }
    assert indexed == records
    assert records  # an empty index of an empty database would prove nothing


def test_loading_fixtures_and_demo_seeding_and_removal_keep_the_index_exact(
    settings, demo_accounts_file, client, roles
):
    settings.DEBUG = True
    call_command("load_fixtures", verbosity=0, stdout=io.StringIO())
    assert_index_exact()
    # The bulletin's Almaty events are found by their city (the issue: "Almaty" found nothing).
    almaty = set(Event.objects.filter(city="Almaty").values_list("title", flat=True))
    assert almaty
    for q in ("Almaty", "алматы"):
        response = client.get("/search/", {"q": q, "type": "event", "page_size": 100})
        assert almaty <= {document.title for document in response.context["page_obj"]}
    call_command("seed_demo", stdout=io.StringIO())
    assert_index_exact()
    assert SearchDocument.objects.filter(kind="event", object_id__in=Event.objects.filter(
        is_demo=True).values("pk")).exists()
    call_command("remove_demo", stdout=io.StringIO())
    assert_index_exact()


def test_seed_scale_leaves_the_index_exact():
    call_command("seed_scale", events=14, participants=40, participations=50, seizures=12,
                 contributions=30, stdout=io.StringIO(), stderr=io.StringIO())
    assert_index_exact()


@pytest.mark.django_db(transaction=True)
def test_the_index_is_not_backed_up_and_a_restore_rebuilds_it(tmp_path):
    factories.EventFactory(title="Okapi workshop", city="Almaty")
    call_command("rebuild_search_index", verbosity=0)
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not SearchDocument.objects.exists()
    call_command("restore", path, verbosity=0)
    assert_index_exact()
    assert SearchDocument.objects.filter(title="Okapi workshop", folded__contains="almaty")\
        .exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_a_rebuild_leaves_the_planner_statistics_of_the_index():
    """Without statistics the planner read every document instead of the GIN index."""
    for _ in range(3):
        factories.EventFactory()
    call_command("rebuild_search_index", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s",
                       [SearchDocument._meta.db_table])
        (estimated,) = cursor.fetchone()
    assert estimated == SearchDocument.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_portal_asks_postgresql_for_no_just_in_time_compilation():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
