"""A page's language is its address (issue 15, point 3): English unprefixed, Russian under
/ru/, plain switcher links that remember the choice, the first visit to / only."""
# ruff: noqa: RUF001

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

RUSSIAN_BROWSER = "ru-RU,ru;q=0.9,en;q=0.5"


def test_english_addresses_are_unchanged_and_russian_ones_are_prefixed(client):
    factories.EventFactory(slug="almaty-workshop")
    assert reverse("activities:event_list") == "/events/"
    english = client.get("/events/")
    assert english.status_code == 200
    assert english["Content-Language"] == "en-gb"
    assert '<html lang="en-gb">' in english.content.decode()
    russian = client.get("/ru/events/")
    assert russian.status_code == 200
    assert russian["Content-Language"] == "ru"
    assert '<html lang="ru">' in russian.content.decode()
    with translation.override("ru"):
        assert reverse("activities:event_list") == "/ru/events/"


def test_an_unprefixed_page_is_english_whatever_the_browser_prefers(client):
    response = client.get("/events/", HTTP_ACCEPT_LANGUAGE=RUSSIAN_BROWSER)
    assert response["Content-Language"] == "en-gb"
    # One cached copy per address, not one per browser.
    assert "accept-language" not in response.get("Vary", "").lower()


def test_the_api_and_iati_are_not_prefixed(client):
    assert client.get("/ru/api/").status_code == 404
    assert client.get("/api/").status_code == 200
    assert client.get("/ru/iati/activities.xml").status_code == 404


def test_head_names_the_page_in_both_languages(client):
    factories.EventFactory(slug="almaty-workshop")
    html = client.get("/events/?page=1").content.decode()
    assert '<link rel="alternate" hreflang="en-gb" href="http://testserver/events/?page=1">' in html
    assert '<link rel="alternate" hreflang="ru" href="http://testserver/ru/events/?page=1">' in html
    assert 'hreflang="x-default" href="http://testserver/events/?page=1"' in html


def test_a_first_visit_to_home_from_a_russian_browser_goes_to_russian(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=RUSSIAN_BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/ru/"
    assert {"accept-language", "cookie"} <= {
        v.strip().lower() for v in response["Vary"].split(",")}
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english.status_code == 200
    # Only / redirects: another page never does on a header.
    assert client.get("/events/", HTTP_ACCEPT_LANGUAGE=RUSSIAN_BROWSER).status_code == 200


def test_the_switcher_remembers_the_choice_for_home(client):
    response = client.get("/language/en-gb/?next=/ru/events/")
    assert response.status_code == 302
    assert response["Location"] == "/events/"
    assert response.cookies["portal_language"].value == "en-gb"
    # A Russian browser that chose English stays in English at /.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE=RUSSIAN_BROWSER).status_code == 200
    response = client.get("/language/ru/?next=/events/%3Fpage%3D2")
    assert response["Location"] == "/ru/events/?page=2"
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert home.status_code == 302 and home["Location"] == "/ru/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_the_switcher_never_leaves_the_site(client, target):
    response = client.get("/language/ru/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_an_unknown_language_is_refused_and_nothing_is_remembered(client):
    response = client.get("/language/xx/?next=/events/")
    assert response.status_code == 400
    assert "portal_language" not in response.cookies


def test_the_switcher_is_plain_links_with_no_form(client):
    factories.ArticleFactory(slug="tarcet")
    html = client.get("/events/").content.decode()
    assert 'href="/language/ru/?next=%2Fru%2Fevents%2F"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "Set-Cookie" not in str(client.get("/events/").headers)


def test_content_falls_back_to_english_marked_with_its_language(client):
    from unodc_portal.core.templatetags.content_lang import content, content_note
    event = factories.EventFactory(title="Workshop on precursors")
    with translation.override("ru"):
        assert str(content(event, "title")) == '<span lang="en">Workshop on precursors</span>'
        assert "shown in English" in str(content_note(event, "title")) or "английском" in str(
            content_note(event, "title"))
    event.title_ru = "Семинар по прекурсорам"
    with translation.override("ru"):
        assert str(content(event, "title")) == "Семинар по прекурсорам"
        assert content_note(event, "title") == ""
    with translation.override("en-gb"):
        assert str(content(event, "title")) == "Workshop on precursors"


def test_history_keeps_both_languages_whoever_saved(db):
    event = factories.EventFactory(title="Workshop")
    with translation.override("ru"):
        event.title_ru = "Семинар"
        event.save()
    latest = event.history.latest()
    assert (latest.title_en, latest.title_ru) == ("Workshop", "Семинар")
    assert not hasattr(latest, "title") or "title" not in [
        f.name for f in type(latest)._meta.fields]
