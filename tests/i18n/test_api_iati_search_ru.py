"""Russian in the open data and the search: the API answers in the language of Accept-Language
(labels translated, codes and field names in English, Content-Language and Vary), the IATI file
adds Russian narratives where Russian content exists and stays valid, and the search finds
records by their Russian text and shows the Russian title on Russian pages (English where there
is none). Run on SQLite and PostgreSQL."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import etree

from activities.models import Event, Participant
from search import index
from search.models import SearchDocument
from tests import factories
from tests.iati import fetch, load_schema
from tests.pages import register
from unodc_portal.site import iati

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[\u0400-\u04ff]")
RU_NARRATIVE = '{http://www.w3.org/XML/1998/namespace}lang'


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """Each test begins in English: a request to a /ru/ page leaves Russian active in the thread
    (LocaleMiddleware sets no language back), and with Russian active django-modeltranslation
    would write a factory's ``title`` into ``title_ru``."""
    with translation.override("en-gb"):
        yield


def api(name, *args):
    return reverse(f"opendata:{name}", args=args)


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
@pytest.fixture
def workshop(db):
    return factories.EventFactory(
        slug="precursor-workshop", title="Workshop on precursors",
        title_ru="Семинар по прекурсорам", kind=Event.Kind.WORKSHOP,
    )


def test_accept_language_ru_gives_russian_labels_and_english_keys_and_codes(client, workshop):
    english = client.get(api("event-detail", workshop.slug))
    russian = client.get(api("event-detail", workshop.slug), HTTP_ACCEPT_LANGUAGE="ru")
    assert english.status_code == russian.status_code == 200
    en, ru = english.json(), russian.json()
    # The same keys, the same codes.
    assert list(en) == list(ru)
    assert en["kind"] == ru["kind"] == "workshop"
    assert en["slug"] == ru["slug"] == "precursor-workshop"
    # The label beside the code, in the language asked for.
    assert en["kind_label"] == "Workshop"
    with translation.override("ru"):
        assert ru["kind_label"] == str(Event.Kind.WORKSHOP.label)
    assert CYRILLIC.search(ru["kind_label"]), ru["kind_label"]
    # Translated content, English without the header.
    assert en["title"] == "Workshop on precursors"
    assert ru["title"] == "Семинар по прекурсорам"
    # Said so in the headers.
    assert english["Content-Language"] == "en-gb"
    assert russian["Content-Language"] == "ru"
    for response in (english, russian):
        assert "accept-language" in response["Vary"].lower()


@pytest.mark.parametrize("header, language", [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
    ("fr-FR, ru;q=0.5", "ru"),
    ("en-US,en;q=0.9", "en-gb"),
    ("de", "en-gb"),
    ("", "en-gb"),
    ("*", "en-gb"),
])
def test_the_language_is_the_first_of_the_header_the_portal_speaks(client, workshop, header,
                                                                    language):
    response = client.get(api("event-list"), HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == language


def test_the_language_cookie_and_the_address_do_not_choose_the_api_language(client, workshop,
                                                                          settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get(api("event-detail", workshop.slug))
    assert response["Content-Language"] == "en-gb"
    assert response.json()["title"] == "Workshop on precursors"


def test_an_error_is_explained_in_the_language_asked_for(client, workshop):
    response = client.get(api("seizure-list"), {"year_min": "abc"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    # The key is the parameter's name; the message is Russian.
    (message,) = response.json()["year_min"]
    assert CYRILLIC.search(message), message
    page = client.get(api("event-list"), {"page": "x"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert CYRILLIC.search(page["page"][0]), page


def test_every_list_labels_its_choices_in_the_language_asked_for(client, workshop):
    project = factories.ProjectFactory(code="RUXX01")
    factories.ArticleFactory(slug="ru-article")
    factories.SeizureFactory(project=project)
    factories.ContributionFactory(project=project)
    for name, fields in {
        "project": ("kind_label", "status_label"),
        "event": ("kind_label",),
        "seizure": ("kind_label", "unit_label", "qualifier_label"),
        "article": ("section_label", "status_label"),
        "donor": ("kind_label",),
        "contribution": ("kind_label", "status_label"),
    }.items():
        english = client.get(api(f"{name}-list")).json()["results"][0]
        russian = client.get(api(f"{name}-list"), HTTP_ACCEPT_LANGUAGE="ru").json()["results"][0]
        assert set(english) == set(russian), name
        for field in fields:
            code = field.removesuffix("_label")
            assert english[code] == russian[code], (name, code)
            if english[field]:
                assert CYRILLIC.search(russian[field]), (name, field, russian[field])


def test_the_api_leaves_the_language_of_the_caller_as_it_was(client, workshop):
    with translation.override("en-gb"):
        client.get(api("event-list"), HTTP_ACCEPT_LANGUAGE="ru")
        assert translation.get_language() == "en-gb"


def test_the_schema_labels_choices_in_the_language_asked_for(client):
    response = client.get(api("schema"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"


# --------------------------------------------------------------------------------------------
# IATI
# --------------------------------------------------------------------------------------------
@pytest.fixture
def unodc(db):
    return factories.OrganisationFactory(
        slug="unodc", name="United Nations Office on Drugs and Crime", acronym="UNODC",
        name_ru="Управление ООН по наркотикам и преступности",  # noqa: RUF001
    )


def narratives_by_language(element, path):
    return {n.get(RU_NARRATIVE, "en"): n.text for n in element.iterfind(f"{path}/narrative")}


def test_iati_adds_russian_narratives_where_russian_content_exists(client, unodc):
    translated = factories.ProjectFactory(
        code="RUIATI1", title="Precursor control", title_ru="Контроль над прекурсорами",
        description="Training of customs officers.",
        description_ru="Обучение сотрудников таможни.",
    )
    beneficiary = factories.OrganisationFactory(
        name="Drug Control Agency", acronym="DCA", name_ru="Агентство по контролю за наркотиками",
    )
    english_only = factories.ProjectFactory(code="ENIATI1", title="Border liaison offices")
    for project in (translated, english_only):
        project.implementers.add(unodc)
        project.beneficiaries.add(beneficiary if project is translated else
                                  factories.OrganisationFactory(name="Customs", acronym=""))

    activities = fetch(client, load_schema())  # validates against the IATI 2.03 schema
    ru = activities["XM-DAC-41114-RUIATI1"]
    assert narratives_by_language(ru, "title") == {
        "en": "Precursor control", "ru": "Контроль над прекурсорами",
    }
    assert narratives_by_language(ru, "description[@type='1']") == {
        "en": "Training of customs officers.", "ru": "Обучение сотрудников таможни.",
    }
    beneficiaries = narratives_by_language(ru, "description[@type='3']")
    assert beneficiaries["en"] == "Beneficiary agencies: Drug Control Agency (DCA)."
    assert "Агентство по контролю за наркотиками (DCA)" in beneficiaries["ru"]
    links = ru.findall("document-link")
    assert len(links) == 2
    assert links[1].find("language").get("code") == "ru"
    assert "/ru/" in links[1].get("url")

    en = activities["XM-DAC-41114-ENIATI1"]
    assert not [n for n in en.iter("narrative") if n.get(RU_NARRATIVE)]
    assert len(en.findall("document-link")) == 1


def test_iati_is_english_whatever_language_is_active(unodc):
    project = factories.ProjectFactory(code="RUIATI2", title="Prison reform",
                                       title_ru="Реформа пенитенциарной системы")
    project.implementers.add(unodc)
    with translation.override("ru"):
        document = etree.fromstring(iati.activities_document())
    (activity,) = document.iter("iati-activity")
    assert narratives_by_language(activity, "title") == {
        "en": "Prison reform", "ru": "Реформа пенитенциарной системы",
    }
    assert load_schema().validate(document)


# --------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------
def search_titles(client, q, prefix=""):
    with translation.override("en-gb"):  # the unprefixed address, whatever a test left active
        url = prefix + reverse("search:search")
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return [(d.title, d.url) for d in response.context["page_obj"]]


@pytest.fixture
def translated_records(db):
    article = factories.ArticleFactory(
        slug="precursors-seized", title="Chemicals seized at the border",
        title_ru="Изъяты прекурсоры на границе",
    )
    event = factories.EventFactory(slug="ru-course", title="Regional course",
                                   title_ru="Региональный курс по контролю прекурсоров")
    english_only = factories.EventFactory(slug="en-course", title="Precursor risk profiling")
    index.rebuild()
    return article, event, english_only


def test_a_record_with_russian_content_has_a_russian_document(translated_records):
    article, _event, english_only = translated_records
    languages = set(SearchDocument.objects.filter(kind="article", object_id=article.pk)
                    .values_list("language", flat=True))
    assert languages == {"en", "ru"}
    assert not SearchDocument.objects.filter(kind="event", object_id=english_only.pk,
                                             language="ru").exists()
    russian = SearchDocument.objects.get(kind="article", object_id=article.pk, language="ru")
    assert russian.title == "Изъяты прекурсоры на границе"
    assert russian.url.startswith("/ru/")
    english = SearchDocument.objects.get(kind="article", object_id=article.pk, language="en")
    assert english.title == "Chemicals seized at the border"
    assert not english.url.startswith("/ru/")


@pytest.mark.parametrize("q", ["прекурсор", "Прекурсор", "ПРЕКУРСОР"])
def test_russian_words_find_records_whose_russian_text_has_them(client, translated_records, q):
    found = dict(search_titles(client, q, "/ru"))
    assert "Изъяты прекурсоры на границе" in found
    assert "Региональный курс по контролю прекурсоров" in found
    assert found["Изъяты прекурсоры на границе"].startswith("/ru/")


def test_on_postgresql_russian_words_are_stemmed(client, translated_records):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Stemming is PostgreSQL's full-text search (SQLite matches word starts).")
    # "прекурсоры" and "прекурсоров" are both the stem "прекурсор" in the russian configuration.
    found = [title for title, _url in search_titles(client, "прекурсоры", "/ru")]
    assert "Региональный курс по контролю прекурсоров" in found


def test_the_russian_page_shows_russian_titles_and_english_where_there_is_none(client,
                                                                           translated_records):
    titles = [title for title, _url in search_titles(client, "course", "/ru")]
    assert "Региональный курс по контролю прекурсоров" in titles
    assert "Regional course" not in titles  # one result per record
    titles = [title for title, _url in search_titles(client, "precursor", "/ru")]
    assert "Precursor risk profiling" in titles  # no Russian version: the English one


def test_the_english_page_shows_english_titles_found_by_either_language(client,
                                                                       translated_records):
    found = [title for title, _url in search_titles(client, "прекурсор")]
    assert set(found) == {"Chemicals seized at the border", "Regional course"}
    titles = [title for title, _url in search_titles(client, "course")]
    assert titles == ["Regional course"]


def test_a_russian_version_removed_removes_the_russian_document(
    translated_records, django_capture_on_commit_callbacks
):
    _article, event, _english_only = translated_records
    event.title_ru = ""
    with django_capture_on_commit_callbacks(execute=True):
        event.save()
    assert not SearchDocument.objects.filter(kind="event", object_id=event.pk,
                                             language="ru").exists()


def test_a_record_saved_from_a_russian_page_keeps_its_english_document_english(
    django_capture_on_commit_callbacks
):
    event = factories.EventFactory(title="Study tour")
    event.title_ru = "Ознакомительная поездка"
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        event.save()
    english = SearchDocument.objects.get(kind="event", object_id=event.pk, language="en")
    assert english.title == "Study tour" and not english.url.startswith("/ru/")
    russian = SearchDocument.objects.get(kind="event", object_id=event.pk, language="ru")
    assert russian.title == "Ознакомительная поездка" and russian.url.startswith("/ru/")


def test_a_record_with_a_russian_title_only_is_found_by_it_on_the_english_page(client):
    event = factories.EventFactory(title="Study tour")
    type(event).objects.filter(pk=event.pk).update(title_en="", title_ru="Ознакомительная поездка")
    index.rebuild()
    assert [t for t, _ in search_titles(client, "поездка")] == ["Ознакомительная поездка"]


@pytest.mark.parametrize("q", ["Жанна", "жанна", "Zhanna", "Жанна Абдуллаева"])
def test_cyrillic_names_of_people_are_found_in_either_letters(client, q):
    factories.PersonFactory(name="Жанна Абдуллаева", position="Инспектор таможни")
    index.rebuild()
    for prefix in ("", "/ru"):
        assert "Жанна Абдуллаева" in [t for t, _ in search_titles(client, q, prefix)]


def test_a_country_is_found_by_its_russian_name(client):
    factories.EventFactory(title="Border liaison", city="",
                           country=factories.CountryFactory(code="TJ"))
    index.rebuild()
    for prefix in ("", "/ru"):
        assert "Border liaison" in [t for t, _ in search_titles(client, "Таджикистан", prefix)]


def test_participant_figures_give_state_codes_in_english_and_wording_in_russian(client,
                                                                               workshop):
    register(workshop, 4, sex="male")
    register(workshop, 1, sex="female")
    url = api("event-detail", workshop.slug)
    english = client.get(url).json()["participants"]
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["participants"]
    assert english["total_state"] == russian["total_state"] == "shown"
    cells = {c["state"]: c for c in russian["by_sex"]["cells"]}
    assert set(cells) == {"not_shown", "fewer_than"}  # 4 and 1: both protected
    with translation.override("ru"):
        assert cells["fewer_than"]["shown"] == "менее 3"
        assert cells["fewer_than"]["label"] == str(Participant.Sex.FEMALE.label)
    assert cells["fewer_than"]["count"] is None
    assert CYRILLIC.search(russian["by_sex"]["title"]), russian["by_sex"]["title"]
    english_cells = {c["state"]: c for c in english["by_sex"]["cells"]}
    assert english_cells["fewer_than"]["shown"] == "fewer than 3"
