"""Site search (/search/): what is found, in which letters and case; who sees what; the index
kept in step with the records; bad input; the query budget."""

import io
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from activities.models import Article
from search import index
from search.models import SearchDocument
from tests import factories
from tests.access import client_for_fixture
from tests.querycount import assert_constant_queries
from unodc_portal.core.filters import SEARCH_MAX_LENGTH
from unodc_portal.core.roles import DEMO_GROUP

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return unescape(response.content.decode())


def titles(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return [document.title for document in response.context["page_obj"]]


@pytest.fixture
def almaty_event():
    event = factories.EventFactory(
        title="Regional meeting on precursors", city="Almaty", venue="Hotel Kazakhstan",
        country=factories.CountryFactory(code="KZ"), topics="Precursor control; risk profiling",
        description="Officers met to exchange information on controlled deliveries.",
        organiser=factories.OrganisationFactory(
            name="United Nations Office on Drugs and Crime", acronym="UNODC",
        ),
    )
    index.rebuild()
    return event


@pytest.mark.parametrize("q", ["Almaty", "almaty", "ALMATY", "алматы", "Алматы", "Alma"])
def test_the_almaty_event_is_found_by_its_city_in_any_case_and_letters(client, almaty_event, q):
    assert almaty_event.title in titles(client, q)


@pytest.mark.parametrize("q", [
    "Hotel Kazakhstan", "Казахстан", "risk profiling", "controlled deliveries", "UNODC",
    "unodc precursors",
])
def test_an_event_is_found_by_venue_country_topics_description_and_organiser(
    client, almaty_event, q
):
    assert almaty_event.title in titles(client, q)


def test_kyrgyzstan_in_latin_and_cyrillic_finds_the_same_records(client):
    event = factories.EventFactory(title="Border liaison", country=factories.CountryFactory(
        code="KG"), city="")
    other = factories.EventFactory(title="Border liaison too", country=factories.CountryFactory(
        code="TJ"), city="")
    index.rebuild()
    for q in ("kyrgyzstan", "Кыргызстан", "KYRGYZSTAN"):
        found = titles(client, q)
        assert event.title in found and other.title not in found, q


def test_every_kind_of_record_is_found_and_named_by_its_type(client):
    organisation = factories.OrganisationFactory(name="Drug Control Agency", acronym="DCAQ")
    factories.ArticleFactory(title="Heroin seized", kicker="Quetzal kicker",
                             body="Dogs trained in Quetzalburg found it.")
    factories.ProjectFactory(code="XACQ12", title="Container control",
                             description="Port units in Quetzalburg.")
    factories.PersonFactory(name="Ms. Quetzal Adviser", position="Quetzal liaison officer",
                            organisation=organisation)
    factories.SeizureFactory(place="Quetzalburg checkpoint", seizing_agency=organisation)
    factories.DonorFactory(name="Quetzal Foundation", organisation=organisation)
    factories.EventFactory(title="Workshop", venue="Quetzalburg academy")
    index.rebuild()
    page = search(client, "quetzal")
    for label in ("Article", "Project", "Person", "Seizure", "Donor", "Event"):
        assert f">{label}</span>" in page, label
    # An organisation by its acronym, in lower case; a project by its code.
    assert "Drug Control Agency" in titles(client, "dcaq")
    assert "XACQ12 — Container control" in titles(client, "xacq12")
    # The kicker of an article, the position and organisation of a person.
    assert "Heroin seized" in titles(client, "Quetzal kicker")
    assert "Ms. Quetzal Adviser" in titles(client, "liaison DCAQ")


def test_results_link_to_their_records_with_a_snippet(client, almaty_event):
    page = search(client, "deliveries")
    assert f'href="{almaty_event.get_absolute_url()}"' in page
    assert "controlled deliveries" in page


def test_a_long_body_is_cut_around_the_word_found_even_in_other_letters(client):
    factories.EventFactory(
        title="Regional meeting", description="Opening words. " * 40 + "Held in Almaty today.",
    )
    index.rebuild()
    for q in ("almaty", "алматы"):
        response = client.get(URL, {"q": q})
        (document,) = response.context["page_obj"]
        assert "Held in Almaty today." in document.snippet
        assert document.snippet.startswith("…") and len(document.snippet) < 260


def test_the_type_filter_keeps_one_kind(client, almaty_event):
    factories.ArticleFactory(title="Almaty in the news", body="Almaty.")
    index.rebuild()
    assert set(titles(client, "almaty")) == {almaty_event.title, "Almaty in the news"}
    assert titles(client, "almaty", type="article") == ["Almaty in the news"]
    assert titles(client, "almaty", type="event") == [almaty_event.title]


@pytest.mark.parametrize("role", ["anonymous", "officer", "admin"])
def test_participants_are_never_searched(client, request, almaty_event, role):
    factories.ParticipationFactory(
        event=almaty_event, participant=factories.ParticipantFactory(name="Zebulon Marchbanks"),
    )
    index.rebuild()
    assert not SearchDocument.objects.filter(folded__contains="zebulon").exists()
    client = client_for_fixture(role, client, request)
    assert titles(client, "Zebulon") == []
    assert "Marchbanks" not in search(client, "Zebulon")


@pytest.mark.parametrize("role", ["anonymous", "donor", "officer", "admin"])
def test_drafts_only_for_those_who_may_edit_articles(client, request, role):
    factories.ArticleFactory(title="Published okapi", body="okapi")
    factories.ArticleFactory(title="Draft okapi", body="okapi", status=Article.Status.DRAFT)
    index.rebuild()
    found = titles(client_for_fixture(role, client, request), "okapi")
    assert "Published okapi" in found
    assert ("Draft okapi" in found) == (role == "admin")


@pytest.mark.parametrize("demo", [False, True])
def test_demo_records_only_for_demo_accounts(client, roles, demo):
    factories.EventFactory(title="Real okapi workshop")
    factories.EventFactory(title="Demo okapi workshop", is_demo=True)
    factories.OrganisationFactory(name="Demo okapi agency", is_demo=True)
    index.rebuild()
    user = factories.UserFactory()
    if demo:
        user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    client.force_login(user)
    found = titles(client, "okapi")
    assert "Real okapi workshop" in found
    assert ("Demo okapi workshop" in found) == demo
    assert ("Demo okapi agency" in found) == demo


def test_a_saved_record_is_indexed_after_the_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.EventFactory(title="Narwhal seminar", city="Osh")
    assert titles(client, "narwhal") == ["Narwhal seminar"]
    event.title = "Walrus seminar"
    with django_capture_on_commit_callbacks(execute=True):
        event.save()
    assert titles(client, "narwhal") == []
    assert titles(client, "walrus") == ["Walrus seminar"]
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert titles(client, "walrus") == []
    assert not SearchDocument.objects.exists()


def test_nothing_is_indexed_for_a_transaction_rolled_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        factories.EventFactory(title="Narwhal seminar")
    assert callbacks  # the refresh waits for a commit that, here, never comes
    assert not SearchDocument.objects.exists()


def test_renaming_an_organisation_reindexes_what_carries_its_name(
    client, django_capture_on_commit_callbacks
):
    organisation = factories.OrganisationFactory(name="Agency", acronym="OLDACR")
    event = factories.EventFactory(title="Courier course", organiser=organisation)
    person = factories.PersonFactory(name="Trainer Tern", organisation=organisation)
    index.rebuild()
    organisation.acronym = "NEWACR"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
    assert set(titles(client, "newacr")) == {"Agency", event.title, person.name}
    assert titles(client, "oldacr") == []


def test_rebuild_command_repairs_drift(almaty_event):
    SearchDocument.objects.filter(kind="event").delete()
    SearchDocument.objects.create(kind="event", object_id=987654, title="Gone", url="/gone/")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "1 event" in out.getvalue()
    assert list(SearchDocument.objects.filter(kind="event").values_list("object_id", flat=True)) \
        == [almaty_event.pk]


def test_migrate_builds_an_index_that_was_never_built(almaty_event):
    SearchDocument.objects.all().delete()  # as the migration that adds the table leaves it
    call_command("migrate", verbosity=0)
    assert SearchDocument.objects.filter(kind="event", object_id=almaty_event.pk).exists()


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Type one or more words in the search box"),
    ({"q": "   "}, "Type one or more words in the search box"),
    ({"q": "!!! ..."}, "has no letters or digits to search for"),
    ({"q": "x" * (SEARCH_MAX_LENGTH + 1)}, f"at most {SEARCH_MAX_LENGTH} characters"),
    ({"q": "zzzzqqq"}, "Nothing matches “zzzzqqq”"),
    ({"q": "almaty", "type": "participant"}, "Select a valid choice"),
    ({"q": "almaty", "page": "abc", "page_size": "7"}, "Select a valid choice"),
    ({"q": "zq:* & ! ( ' \\ |"}, "Nothing matches"),
])
def test_odd_queries_get_a_clear_message_never_an_error(client, almaty_event, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())


def test_a_nul_in_the_query_is_the_sites_bad_request_page(client):
    response = client.get(URL, {"q": "alm\x00aty"})
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()


def test_a_query_of_many_words_searches_the_first_ten(client, almaty_event):
    page = search(client, "almaty " * 12)
    assert almaty_event.title in page
    assert "Only the first 10 words were searched for" in page


def test_results_are_paged_as_lists_are(client):
    factories.EventFactory.create_batch(12, description="Okapi tracking")
    index.rebuild()
    response = client.get(URL, {"q": "okapi", "page_size": 10, "page": 2})
    assert len(response.context["page_obj"]) == 2
    assert "11\u201312 of 12 results" in unescape(response.content.decode())


def test_the_header_has_a_search_box_on_every_page(client):
    page = client.get(reverse("home")).content.decode()
    assert f'action="{URL}"' in page and 'name="q"' in page and 'role="search"' in page


@pytest.mark.parametrize("role", ["anonymous", "donor", "officer", "admin"])
def test_query_count_is_the_same_at_1_and_30_results(client, request, role):
    client = client_for_fixture(role, client, request)

    def add_rows(n):
        for _ in range(n):
            factories.EventFactory(title="Okapi workshop")
            factories.ArticleFactory(title="Okapi article")
            factories.SeizureFactory(place="Okapi post")
        index.rebuild()

    assert_constant_queries(client, f"{URL}?q=okapi", add_rows, budget=15)


# --------------------------------------------------------------------------------------------
# PostgreSQL: ranking and the GIN index
# --------------------------------------------------------------------------------------------
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking and plans are PostgreSQL's"
)


@postgresql_only
def test_a_title_match_ranks_above_a_names_match_above_a_body_match(client):
    factories.EventFactory(title="Workshop", description="The okapi was mentioned.")
    factories.EventFactory(title="Okapi workshop")
    factories.EventFactory(title="Meeting", venue="Okapi hall")
    index.rebuild()
    assert titles(client, "okapi") == ["Okapi workshop", "Meeting", "Workshop"]


@postgresql_only
def test_stemming_finds_other_forms_of_a_word(client):
    factories.EventFactory(title="Training of trainers")
    index.rebuild()
    assert titles(client, "trainings") == ["Training of trainers"]


@postgresql_only
def test_a_word_of_two_letters_matches_whole_words_only(client):
    factories.EventFactory(title="Border post", city="Osh")
    index.rebuild()
    assert titles(client, "osh") == ["Border post"]
    assert titles(client, "os") == []
    assert titles(client, "bor") == ["Border post"]


@postgresql_only
def test_the_search_reads_the_gin_index_not_the_whole_table(client):
    from django.contrib.auth.models import AnonymousUser

    from search.query import matching

    factories.EventFactory(title="Okapi workshop")
    index.rebuild()
    # Many more documents than match (of events that are not there: the search does not
    # care; their vectors as the index writes them).
    SearchDocument.objects.bulk_create(
        SearchDocument(kind="event", object_id=10**6 + n, title=f"Workshop {n}", url="/x/",
                       names="Bishkek", folded=f"workshop {n} bishkek")
        for n in range(3000)
    )
    SearchDocument.objects.filter(vector__isnull=True).update(vector=index.vector("english"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    documents = matching(SearchDocument.objects.visible_to(AnonymousUser()), "okapi")
    plan = documents.explain()
    assert "search_document_vector_idx" in plan, plan
    assert "Seq Scan on search_searchdocument" not in plan, plan
    assert [d.title for d in documents] == ["Okapi workshop"]


# --------------------------------------------------------------------------------------------
# The page cache (anonymous GETs): a record saved is found by the next anonymous search
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_cached_search_shows_a_record_saved_after_it(settings):
    from django.core.cache import caches

    from tests.portal.test_page_cache import DATABASE_CACHE, anonymous, state, warm

    settings.PAGE_CACHE = True
    settings.CACHES = {"default": DATABASE_CACHE}
    caches["default"].clear()
    url = f"{URL}?q=narwhal"
    assert "Nothing matches “narwhal”" in unescape(warm(url))
    factories.EventFactory(title="Narwhal seminar")  # committed: its document is written
    after = anonymous(url)
    assert state(after) == "miss"
    assert "Narwhal seminar" in after.content.decode()
    caches["default"].clear()
