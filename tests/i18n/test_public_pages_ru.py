# ruff: noqa: RUF001, RUF002, RUF003 (Russian text and en dashes are what these tests read)
"""The public activity pages in Russian (under /ru/): headings, labels, table headers, chart
titles, plurals (1 / 2–4 / 5+), dates and numbers in the reader's language; the English pages
unchanged at their old addresses."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from activities.models import Seizure
from tests import factories

pytestmark = pytest.mark.django_db


def ru(name, *args):
    """The Russian address of a page."""
    with translation.override("ru"):
        return reverse(name, args=args)


def en(name, *args):
    """The English address of a page (whatever language an earlier request left active)."""
    with translation.override("en-gb"):
        return reverse(name, args=args)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def text(client, url):
    return get(client, url).content.decode()


@pytest.fixture
def seizures(db):
    """Three substances seized 1, 2 and 5 times: the three Russian plural forms."""
    for name, times in (("Heroin", 1), ("Opium", 2), ("Hashish", 5)):
        substance = factories.SubstanceFactory(name=name, slug=name.lower())
        for _ in range(times):
            factories.SeizureFactory(substance=substance, quantity=Decimal("12.5"))
    return Seizure.objects.all()


def test_russian_home_page_reads_in_russian(client, seizures):
    html = text(client, ru("home"))
    assert ru("home") == "/ru/"
    for words in ("Портал программ УНП ООН в Центральной Азии", "В цифрах", "Последние статьи",
                  "Диаграммы", "Регионального представительства УНП ООН в Центральной Азии",
                  "Изъято килограммов по годам, отдельные изъятия"):
        assert words in html
    # 1 / 2–4 / 5+
    assert "(1 изъятие)" in html
    assert "(2 изъятия)" in html
    assert "(5 изъятий)" in html
    # The chart's accessible name, and its table, in Russian too.
    assert "Те же числа приведены в таблице ниже." in html
    assert "In figures" not in html and "Latest articles" not in html


def test_english_home_page_is_unchanged(client, seizures):
    html = text(client, en("home"))
    assert en("home") == "/"
    assert "In figures" in html and "Latest articles" in html
    assert "(1 seizure)" in html and "(2 seizures)" in html and "(5 seizures)" in html
    assert "В цифрах" not in html


def test_russian_seizure_list_and_totals(client, seizures):
    html = text(client, ru("activities:seizure_list"))
    for words in ("Изъятия наркотиков и прекурсоров", "Итоги", "Вещество", "Килограммы",
                  "Операция или проект", "Итоги, сообщённые за период",
                  "Изъято килограммов по веществам и годам, только отдельные изъятия"):
        assert words in html
    assert 'data-label="Вещество"' in html  # the phone layout's cell labels too
    assert "Drug and precursor seizures" not in html


def test_russian_seizure_page_crumb_has_a_decimal_comma(client, seizures):
    seizure = seizures.first()
    with translation.override("ru"):
        url = seizure.get_absolute_url()
    response = get(client, url)
    html = response.content.decode()
    assert "Кем изъято" in html and "Заявленное количество" in html
    assert "12,5" in str(response.context["crumbs"][-1][1])
    with translation.override("en-gb"):
        url = seizure.get_absolute_url()
    assert "12.5" in str(get(client, url).context["crumbs"][-1][1])


def test_russian_trainer_counts_take_the_three_plural_forms(client):
    organisation = factories.OrganisationFactory(name="Border Service")
    for count in (1, 2, 5):
        factories.EventTrainerOrganisationFactory(organisation=organisation,
                                                  trainer_count=count)
    html = text(client, ru("activities:organisation_detail", organisation.slug))
    assert "· 1 тренер</span>" in html
    assert "· 2 тренера</span>" in html
    assert "· 5 тренеров</span>" in html
    assert "Мероприятия, для которых она предоставила тренеров" in html
    english = text(client, en("activities:organisation_detail", organisation.slug))
    assert "· 1 trainer</span>" in english and "· 5 trainers</span>" in english


def test_russian_event_page(client):
    event = factories.EventFactory(minimal=True)
    factories.EventTrainerOrganisationFactory(event=event, trainer_count=3)
    html = text(client, ru("activities:event_detail", event.slug))
    for words in ("Участники", "Сведения", "Даты не указаны", "Не сообщается",
                  "Зарегистрировано на портале", "Записи об участниках не внесены.",
                  "Статьи, в которых упоминается это мероприятие", "Тренеры от организаций"):
        assert words in html
    assert "3 тренера от" in html
    assert "Dates not stated" not in html


def test_russian_event_list_headers(client):
    factories.EventFactory()
    html = text(client, ru("activities:event_list"))
    for words in ("Мероприятия", "Заявленное число участников", "Место", "Даты"):
        assert words in html
    assert ">Participants reported<" not in html


def test_russian_project_dates_use_the_genitive_month(client):
    project = factories.ProjectFactory(start_date=datetime.date(2011, 3, 24),
                                       end_date=datetime.date(2012, 5, 1))
    html = text(client, ru("activities:project_detail", project.code))
    assert "24 марта 2011 – 1 мая 2012" in html
    assert "Сведения" in html and "Бюджет" in html and "Исполнители" in html
    assert "Мероприятий не записано." in html
    english = text(client, en("activities:project_detail", project.code))
    assert "24 March 2011 – 1 May 2012" in english


def test_russian_project_list_headers(client):
    factories.ProjectFactory()
    html = text(client, ru("activities:project_list"))
    for words in ("Проекты и операции", "Код", "Название", "Статус", "Темы", "Начало"):
        assert words in html


def test_russian_article_pages(client):
    article = factories.ArticleFactory(title="Planning for success")
    html = text(client, ru("activities:article_detail", article.slug))
    assert "В этой статье" in html and "Из издания" in html
    listing = text(client, ru("activities:article_list"))
    assert "Бюллетень Регионального представительства УНП ООН в Центральной Азии" in listing


def test_russian_country_page(client):
    kg = factories.CountryFactory(code="KG")
    factories.EventFactory(country=kg)
    html = text(client, ru("activities:country_detail", "KG"))
    assert "Мероприятия, проведённые в стране" in html
    assert "Статьи, в которых упоминается" in html


def test_russian_article_without_russian_text_is_marked_english(client):
    article = factories.ArticleFactory(title="Planning for success", kicker="A secondary line")
    html = text(client, ru("activities:article_detail", article.slug))
    assert '<h1 id="article-title" lang="en">Planning for success</h1>' in html
    assert '<p class="lead kicker" lang="en">A secondary line</p>' in html
    assert '<div class="article-body" lang="en">' in html
    assert 'class="small text-body-secondary content-note"' in html
    english = text(client, en("activities:article_detail", article.slug))
    assert '<h1 id="article-title">Planning for success</h1>' in english
    assert "content-note" not in english


def test_russian_article_with_russian_text_reads_in_russian(client):
    article = factories.ArticleFactory(title="Planning for success", title_ru="Планирование",
                                       kicker="", body="One.", body_ru="Один.")
    html = text(client, ru("activities:article_detail", article.slug))
    assert '<h1 id="article-title">Планирование</h1>' in html
    assert "<p>Один.</p>" in html
    assert "content-note" not in html
    listing = text(client, ru("activities:article_list"))
    assert ">Планирование</a>" in listing


def test_russian_event_and_project_content_fall_back_with_lang(client):
    project = factories.ProjectFactory(code="TARCET", title="Border project",
                                       title_ru="Пограничный проект")
    event = factories.EventFactory(title="Risk course", description="About risk.",
                                   projects=[project])
    html = text(client, ru("activities:event_detail", event.slug))
    assert '<span lang="en">Risk course</span>' in html
    assert '<p class="text-prewrap" lang="en">About risk.</p>' in html
    assert "content-note" in html
    assert "Пограничный проект" in html and "Border project" not in html
    project_page = text(client, ru("activities:project_detail", project.code))
    assert 'lang="en">Risk course</a>' in project_page
    assert "content-note" not in project_page  # its own title is in Russian
