"""Issue 15: admins enter both languages of an article (django-modeltranslation's admin)."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_change_page_has_english_and_russian_headline(admin_client):
    article = ArticleFactory()
    url = reverse("admin:activities_article_change", args=[article.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="title_en"' in page and 'name="title_ru"' in page
    assert 'name="body_en"' in page and 'name="body_ru"' in page
