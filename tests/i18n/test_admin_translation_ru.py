"""Issue 15: admins enter both languages of an article (django-modeltranslation's admin)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_change_page_has_english_and_russian_headline(admin_client):
    article = ArticleFactory()
    url = reverse("admin:activities_article_change", args=[article.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="title_en"' in page and 'name="title_ru"' in page
    assert 'name="body_en"' in page and 'name="body_ru"' in page


def form_data(response) -> dict:
    """What the admin's change form would send back unchanged: its fields and its inlines."""
    data = {}

    def put(field):
        value = field.value()
        if value is None or value is False:
            return
        if value is True:
            value = "on"
        data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)

    for field in response.context["adminform"].form:
        put(field)
    for inline in response.context["inline_admin_formsets"]:
        for field in inline.formset.management_form:
            put(field)
        for form in inline.formset.forms:
            for field in form:
                put(field)
    return data


@pytest.mark.parametrize("admin_prefix", ["/admin/", "/ru/admin/"])
def test_an_admin_saves_both_languages_of_an_article_from_either_admin(
    admin_client, admin_prefix
):
    """Saved from the English or the Russian admin, each language lands in its own column:
    the Russian admin never writes its language into the English headline."""
    article = ArticleFactory(title="Planning for success", body="English body.")
    url = f"{admin_prefix}activities/article/{article.pk}/change/"
    data = form_data(admin_client.get(url))
    data.update(title_ru="Планирование успеха", body_ru="Текст на русском.")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title_en, article.title_ru) == ("Planning for success", "Планирование успеха")
    assert (article.body_en, article.body_ru) == ("English body.", "Текст на русском.")
    admin_client.get(url)  # the admin's "changed successfully" message, read there
    # The public pages show each reader their language, and the Russian one needs no note.
    with translation.override("en-gb"):
        address = article.get_absolute_url()
    english = admin_client.get(address).content.decode()
    assert "Planning for success" in english and "Планирование успеха" not in english
    russian = admin_client.get("/ru" + address).content.decode()
    assert "Планирование успеха" in russian and "Текст на русском." in russian
    assert "content-note" not in russian
