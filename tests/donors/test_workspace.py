"""The donor workspace (/my/contributions/): the signed-in donor's own contributions, published
or not, their totals per currency and per year with US-dollar equivalents, a chart, filters,
the projects, events and articles they relate to, and their CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Article
from tests import factories
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("donors:my_contributions")


@pytest.fixture
def own(donor_user):
    donor = donor_user.donor_account.donor
    project = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    event = factories.EventFactory(title="Operational planning course", projects=[project])
    article = factories.ArticleFactory(title="Planning for success")
    article.projects.add(project)
    factories.ContributionFactory(key="own-published", donor=donor, project=project,
                                  event=event, amount=Decimal(30000), currency="USD",
                                  date=datetime.date(2011, 2, 1))
    factories.ContributionFactory(key="own-unpublished", donor=donor, project=project,
                                  amount=Decimal(50000), currency="EUR",
                                  date=datetime.date(2010, 3, 15), is_published=False)
    # Someone else's, published: public, but not this donor's.
    factories.ContributionFactory(key="someone-elses", project=project)
    return donor


def keys(response):
    return [c.key for c in response.context["page_obj"].object_list]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_signed_in_account_without_a_donor_gets_403(client, officer_user):
    client.force_login(officer_user)
    assert client.get(WORKSPACE).status_code == 403
    assert client.get(reverse("donors:my_contribution_export", args=["csv"])).status_code == 403


def test_a_donor_sees_all_its_own_contributions_and_no_one_elses(client, donor_user, own):
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    assert response.status_code == 200
    assert sorted(keys(response)) == ["own-published", "own-unpublished"]
    html = response.content.decode()
    assert "Unpublished" in html
    assert own.name in html


def test_totals_per_currency_and_per_year_with_us_dollar_equivalents(client, donor_user, own):
    factories.ExchangeRateFactory(currency="EUR", month=datetime.date(2010, 3, 1),
                                  usd_per_unit=Decimal("1.35"))
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    totals = response.context["totals"]
    assert [(line.currency, line.total, line.usd) for row in totals.per_currency
            for line in row.lines] == [("EUR", Decimal(50000), Decimal(67500)),
                                       ("USD", Decimal(30000), Decimal(30000))]
    assert [(row.label, row.amounts) for row in totals.by_year] == [
        ("2010", [("EUR", Decimal(50000))]), ("2011", [("USD", Decimal(30000))]),
    ]
    html = response.content.decode()
    assert "≈ USD 67,500" in html and "at the rate of March 2010" in html


def test_a_missing_rate_is_named_on_the_workspace(client, donor_user, own):
    client.force_login(donor_user)
    html = client.get(WORKSPACE).content.decode()
    assert "no rate for EUR, March 2010" in html


def test_filters_by_year_and_publication(client, donor_user, own):
    client.force_login(donor_user)
    assert keys(client.get(WORKSPACE + "?year=2010")) == ["own-unpublished"]
    assert keys(client.get(WORKSPACE + "?published=yes")) == ["own-published"]
    response = client.get(WORKSPACE + "?year=1999")  # not one of the donor's years
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_year_choices_are_the_donors_own_years(client, donor_user, own):
    factories.ContributionFactory(date=datetime.date(2005, 1, 1))  # another donor's year
    client.force_login(donor_user)
    form = client.get(WORKSPACE).context["filter"].form
    assert [value for value, _label in form.fields["year"].choices if value] == [2011, 2010]


def test_the_chart_and_related_records_are_shown(client, donor_user, own):
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    html = response.content.decode()
    assert response.context["totals"].charts
    assert 'data-chart="contributions-count-chart-data"' in html
    assert "Operation TARCET" in html
    assert "Operational planning course" in html
    assert "Planning for success" in html


def test_the_csv_download_holds_the_donors_rows_with_the_unpublished_one(client, donor_user,
                                                                        own):
    client.force_login(donor_user)
    html = client.get(WORKSPACE + "?year=2010").content.decode()
    export = reverse("donors:my_contribution_export", args=["csv"]) + "?year=2010"
    assert export in html
    body = b"".join(client.get(export).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["Key"], row["Published"]) for row in rows] == [("own-unpublished", "no")]


def test_an_invalid_workspace_export_goes_back_to_the_workspace(client, donor_user, own):
    client.force_login(donor_user)
    response = client.get(reverse("donors:my_contribution_export", args=["csv"]) + "?year=x")
    assert response.status_code == 302
    assert response["Location"] == WORKSPACE + "?year=x"


def test_the_workspace_query_count_is_constant(client, donor_user):
    client.force_login(donor_user)
    donor = donor_user.donor_account.donor

    def add_rows(n):
        for i in range(n):
            project = factories.ProjectFactory()
            article = factories.ArticleFactory()
            article.projects.add(project)
            factories.ContributionFactory(
                donor=donor, project=project, event=factories.EventFactory(projects=[project]),
                article=article, currency=["USD", "EUR", "GBP"][i % 3],
                date=datetime.date(2000 + i, 1, 1), is_published=bool(i % 2),
            )

    # The house budget, with the projects the contributions supported (donors.supported).
    assert_constant_queries(client, WORKSPACE, add_rows, 15)


def test_the_project_filter_offers_the_donors_own_projects_and_filters_by_them(client,
                                                                              donor_user, own):
    factories.ContributionFactory(project=factories.ProjectFactory(code="OTHER"))
    client.force_login(donor_user)
    form = client.get(WORKSPACE).context["filter"].form
    assert [label for value, label in form.fields["project"].choices if value] == [
        "TARCET — Operation TARCET"]
    assert sorted(keys(client.get(WORKSPACE, {"project": "TARCET"}))) == [
        "own-published", "own-unpublished"]
    response = client.get(WORKSPACE, {"project": "OTHER"})  # not one of the donor's projects
    assert response.status_code == 200
    assert keys(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_the_count_follows_the_filters_and_includes_a_demo_accounts_demo_rows(client,
                                                                             donor_user, own):
    from django.contrib.auth.models import Group

    from unodc_portal.core.roles import DEMO_GROUP

    client.force_login(donor_user)
    assert client.get(WORKSPACE).context["paginator"].count == 2
    assert client.get(WORKSPACE, {"year": 2010}).context["paginator"].count == 1
    donor_user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    factories.ContributionFactory(key="own-demo", donor=own, is_demo=True, amount=Decimal(7),
                                  currency="USD", date=datetime.date(2011, 5, 1))
    response = client.get(WORKSPACE)
    # The demo account's list shows its demo row; no total counts it.
    assert response.context["paginator"].count == 3 and "own-demo" in keys(response)
    assert response.context["totals"].count == 2


def test_a_source_article_the_reader_may_not_see_is_not_linked(client, donor_user, own):
    shown = factories.ArticleFactory(title="Published source")
    draft = factories.ArticleFactory(title="Draft source", status="draft")
    factories.ContributionFactory(key="with-published", donor=own, article=shown)
    factories.ContributionFactory(key="with-draft", donor=own, article=draft)
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    sources = {c.key: c.article for c in response.context["page_obj"].object_list}
    assert sources["with-published"] == shown and sources["with-draft"] is None
    html = response.content.decode()
    assert shown.get_absolute_url() in html and draft.get_absolute_url() not in html


def test_the_articles_are_those_of_the_contributions_projects_and_donor_first_twenty(
        client, donor_user, own):
    own.organisation = factories.OrganisationFactory()
    own.save()
    source = factories.ArticleFactory(title="The source of a contribution")
    factories.ContributionFactory(donor=own, project=own.contributions.first().project,
                                  article=source)
    factories.ArticleFactory(title="About the donor").organisations.add(own.organisation)
    factories.ArticleFactory(title="About nothing of the donor's")
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    titles = [article.title for article in response.context["supported"].mentions]
    assert sorted(titles) == ["About the donor", "Planning for success",
                              "The source of a contribution"]
    project = own.contributions.first().project
    for _ in range(20):
        factories.ArticleFactory().projects.add(project)
    response = client.get(WORKSPACE)
    mentions = response.context["supported"].mentions
    assert len(mentions) == 20 and "(the first 20)" in response.content.decode()
    # In the articles' own order (latest bulletin first, then position).
    assert [article.pk for article in mentions] == list(
        Article.objects.filter(pk__in=[a.pk for a in mentions]).values_list("pk", flat=True))


def test_a_demo_donor_whose_rows_are_all_demo_is_told_why_there_is_no_total(client, donor_user):
    """Totals count real records only: above two listed demo contributions the page said
    "No contributions"."""
    from django.contrib.auth.models import Group

    from unodc_portal.core.roles import DEMO_GROUP

    donor_user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    own = donor_user.donor_account.donor
    for key in ("demo-a", "demo-b"):
        factories.ContributionFactory(key=key, donor=own, is_demo=True, amount=Decimal(5),
                                      currency="USD")
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    assert response.context["paginator"].count == 2
    html = response.content.decode()
    assert "the contributions listed are demo records, which no figure counts" in html
    assert "No contributions." not in html
    # With nothing listed at all, the plain statement stays.
    assert "No contributions" in client.get(WORKSPACE, {"year": 1999}).content.decode()
