"""The FilterSets on their own, as the JSON API and the exports will use them: without a view,
with or without a request, on the queryset of the visibility rule."""

import pytest
from django.http import QueryDict

from activities.filters import EventFilter
from activities.models import Article, Event
from donors.filters import ContributionFilter
from donors.models import Contribution
from tests import factories
from unodc_portal.site.filters import ProjectFilter

pytestmark = pytest.mark.django_db


def test_filterset_without_a_request_applies_the_visitor_rules():
    canada = factories.DonorFactory(slug="canada")
    factories.ContributionFactory(donor=canada, project=factories.ProjectFactory(code="SEEN"))
    factories.ContributionFactory(donor=canada, project=factories.ProjectFactory(code="HIDDEN"),
                                  is_published=False)
    projects = ProjectFilter(QueryDict("donor=canada")).qs
    assert [p.code for p in projects] == ["SEEN"]


def test_filterset_without_parameters_still_sorts_by_its_default():
    factories.EventFactory(title="Older", start_date=None, end_date=None, year=2010)
    factories.EventFactory(title="Newer", start_date=None, end_date=None, year=2011, month=1)
    events = EventFilter(queryset=Event.objects.all()).qs
    assert [e.title for e in events] == ["Newer", "Older"]


def test_filterset_reports_bad_values_as_form_errors():
    filterset = ContributionFilter(
        QueryDict("kind=gold&year_min=abc&sort=secret"),
        queryset=Contribution.objects.published(),
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"kind", "year_min", "sort"}


def test_currency_choices_offer_only_currencies_the_user_may_see():
    factories.ContributionFactory(currency="USD")
    factories.ContributionFactory(currency="JPY", is_published=False)
    choices = [value for value, _label in ContributionFilter().form.fields["currency"].choices]
    assert "USD" in choices and "JPY" not in choices


def test_article_filter_is_used_on_the_visible_queryset_only():
    from activities.filters import ArticleFilter

    factories.ArticleFactory(title="Seen", section="workshop")
    factories.ArticleFactory(title="Draft", section="workshop", status=Article.Status.DRAFT)
    qs = ArticleFilter(QueryDict("section=workshop"), queryset=Article.objects.published()).qs
    assert [a.title for a in qs] == ["Seen"]


@pytest.mark.django_db
def test_choices_from_the_data_stay_current_after_the_class_filters_built_their_fields():
    """The API schema builds form fields from the FilterSet class; a later page must still
    offer the currencies and cities in the database."""
    from activities.filters import EventFilter
    from donors.filters import ContributionFilter
    from tests import factories

    for filterset in (ContributionFilter, EventFilter):
        for name in filterset.base_filters:
            filterset.base_filters[name].field  # noqa: B018 — what schema generation does
    factories.ContributionFactory(currency="USD")
    factories.EventFactory(city="Bishkek")
    assert ContributionFilter({"currency": "USD"}).is_valid()
    assert EventFilter({"city": "Bishkek"}).is_valid()
