"""What a donor's money supported (issue 14, point 7): the projects on the donor page and the
donor workspace, with their other donors, events, registrations, seizures and articles."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from lxml import html as lxml_html

from activities import aggregates
from activities.models import Event, Participant
from tests import factories
from tests.activities.test_privacy_auditor import (
    assert_nothing_narrowed,
    build,
    rolled_back,
    worlds,
)
from tests.pages import ROLES, assert_no_personal_data, client_for, register
from tests.privacy_auditor import (
    FEWER_THAN,
    NOT_SHOWN,
    REGISTER,
    Observed,
    audit,
    from_page,
    served_parts,
    served_world,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("donors:my_contributions")
HEADING = "Projects this donor contributes to"


@pytest.fixture
def world(donor_user):
    """The donor of ``donor_user`` contributes to TARCET (published, naming its course) and to
    SECRET (an unpublished contribution only); Canada contributes to TARCET too, and a third
    donor does so unpublished."""
    donor = donor_user.donor_account.donor
    tarcet = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    secret = factories.ProjectFactory(code="SECRET", title="Unannounced project")
    course = factories.EventFactory(
        title="Operational planning course", projects=[tarcet],
        start_date=datetime.date(2019, 5, 6), end_date=datetime.date(2019, 5, 8),
    )
    factories.EventFactory(
        title="Heads of agencies meeting", kind=Event.Kind.MEETING, projects=[tarcet],
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 2),
    )
    factories.EventFactory(title="Demo drill", projects=[tarcet], is_demo=True)
    factories.ContributionFactory(key="own-tarcet", donor=donor, project=tarcet, event=course)
    factories.ContributionFactory(key="own-secret", donor=donor, project=secret,
                                  is_published=False)
    canada = factories.DonorFactory(name="Canada", slug="canada")
    factories.ContributionFactory(donor=canada, project=tarcet)
    factories.ContributionFactory(donor=factories.DonorFactory(name="Quiet Donor"),
                                  project=tarcet, is_published=False)
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    seizure = factories.SeizureFactory(project=tarcet, substance=heroin, quantity=Decimal("2.5"))
    factories.SeizureFactory(project=tarcet, substance=heroin, quantity=Decimal("4"),
                             kind="aggregate", year=2012)
    factories.SeizureFactory(project=tarcet, substance=heroin, quantity=Decimal("900"),
                             is_demo=True)
    article = factories.ArticleFactory(title="Heroin seized at the border")
    article.seizures.add(seizure)
    return {"donor": donor, "tarcet": tarcet, "secret": secret, "course": course,
            "canada": canada, "seizure": seizure, "article": article}


def section(response):
    tree = lxml_html.fromstring(response.content.decode())
    found = tree.xpath('//section[@aria-labelledby="supported-heading"]')
    assert found, "no supported-projects section"
    return found[0]


def codes(response) -> list[str]:
    return [item.project.code for item in response.context["supported"].projects]


@pytest.mark.parametrize(("role", "sees_secret"), [
    ("anonymous", False), ("officer", False), ("donor", True), ("admin", True),
])
def test_a_project_linked_only_by_an_unpublished_contribution_is_listed_only_for_that_donor(
    role, sees_secret, client, request, world
):
    response = client_for(role, client, request).get(world["donor"].get_absolute_url())
    assert response.status_code == 200
    assert HEADING in response.content.decode()
    assert codes(response) == (["SECRET", "TARCET"] if sees_secret else ["TARCET"])
    assert ("Unannounced project" in section(response).text_content()) is sees_secret


def test_the_donor_workspace_lists_its_projects_with_the_unpublished_one(client, donor_user,
                                                                          world):
    client.force_login(donor_user)
    response = client.get(WORKSPACE)
    assert codes(response) == ["SECRET", "TARCET"]
    assert HEADING in response.content.decode()
    # The workspace's filters narrow the contributions, and so the projects.
    assert codes(client.get(WORKSPACE, {"year": 2011})) == ["SECRET", "TARCET"]
    assert codes(client.get(WORKSPACE, {"year": 1999})) == []


@pytest.mark.parametrize(("role", "others"), [
    ("anonymous", ["Canada"]), ("donor", ["Canada"]), ("admin", ["Canada", "Quiet Donor"]),
])
def test_other_donors_are_those_whose_contributions_the_reader_may_see(
    role, others, client, request, world
):
    response = client_for(role, client, request).get(world["donor"].get_absolute_url())
    tarcet = response.context["supported"].projects[-1]
    assert [link.label for link in tarcet.other_donors] == others
    assert f'href="{world["canada"].get_absolute_url()}"' in response.content.decode()


def test_a_project_without_other_donors_says_only_this_donor(client, donor_user, world):
    client.force_login(donor_user)
    text = section(client.get(world["donor"].get_absolute_url())).text_content()
    assert f"Only {world['donor'].name} contributes to it" in " ".join(text.split())


def test_events_are_counted_by_kind_and_year_linking_to_the_filtered_list(client, world):
    response = client.get(world["donor"].get_absolute_url())
    tarcet = response.context["supported"].projects[0]
    assert tarcet.events == 2  # the demo drill never counts
    assert [(link.label, link.count) for link in tarcet.events_by_kind] == [
        ("Meeting", 1), ("Workshop", 1)]
    assert [(link.label, link.count) for link in tarcet.events_by_year] == [
        ("2020", 1), ("2019", 1)]
    html = response.content.decode()
    assert 'href="/events/?project=TARCET"' in html
    assert 'href="/events/?project=TARCET&amp;kind=meeting"' in html
    assert 'href="/events/?project=TARCET&amp;date_after=2019-01-01&amp;date_before=2019-12-31"' \
        in html
    # The linked lists hold what the counts say.
    assert client.get("/events/?project=TARCET&kind=meeting").context["paginator"].count == 1
    assert client.get(
        "/events/?project=TARCET&date_after=2019-01-01&date_before=2019-12-31"
    ).context["paginator"].count == 1


def test_the_event_a_contribution_names_is_marked_funded_by_it(client, world):
    tree = section(client.get(world["donor"].get_absolute_url()))
    funded = tree.find_class("supported-funded")[0]
    assert funded.xpath(".//a/@href") == [world["course"].get_absolute_url()]
    assert "funded by this contribution" in funded.text_content()


def test_registrations_by_sex_and_country_add_up_what_the_events_publish(client, world):
    course = world["course"]
    register(course, 4, sex=Participant.Sex.FEMALE)
    register(course, 3, sex=Participant.Sex.MALE)
    small = factories.EventFactory(projects=[world["tarcet"]])
    register(small, 1, sex=Participant.Sex.FEMALE)
    register(small, 4, sex=Participant.Sex.MALE)
    response = client.get(world["donor"].get_absolute_url())
    by_sex, by_country = response.context["supported"].projects[0].registrations
    # The reference: every event's own protected figures, added up as the home page does.
    events = list(world["tarcet"].events.real().values_list("pk", flat=True))
    published = aggregates.participant_figures_by_event(events).values()
    for breakdown, index in ((by_sex, 0), (by_country, 1)):
        expected = aggregates._add_up(breakdown.title, [f.breakdowns[index] for f in published])
        assert [(c.label, c.shown) for c in breakdown.cells] == \
            [(c.label, c.shown) for c in expected.cells]
        assert (breakdown.total_shown, breakdown.events, breakdown.left_out) == \
            (expected.total_shown, expected.events, expected.left_out)
    # The small event hides its women ("fewer than 3") and so its men: both read "not shown",
    # and no exact sum (5 women, 7 men) is printed.
    assert [(c.label, c.shown) for c in by_sex.cells] == [("Female", "not shown"),
                                                           ("Male", "not shown")]
    assert by_sex.total_shown == "12" and by_sex.events == 2
    html = response.content.decode()
    table = lxml_html.fromstring(html).get_element_by_id(
        f"supported-{world['tarcet'].pk}-sex-table")
    assert "not shown" in table.text_content()
    assert ">5<" not in html and ">7<" not in html
    assert_no_personal_data(html)


def test_a_project_whose_events_have_no_registrations_says_so(client, world):
    html = client.get(world["donor"].get_absolute_url()).content.decode()
    assert "No participants registered at its events." in html


def test_seizures_by_substance_link_to_the_records_and_articles(client, world):
    response = client.get(world["donor"].get_absolute_url())
    tarcet = response.context["supported"].projects[0]
    [heroin] = tarcet.substances
    # Two real records; the kilograms add the individual seizure only (never the aggregate
    # figure, never the demo seizure).
    assert (heroin.name, heroin.seizures, heroin.individual, heroin.kg) == (
        "Heroin", 2, 1, Decimal("2.5"))
    html = response.content.decode()
    assert 'href="/seizures/?project=TARCET&amp;substance=heroin"' in html
    assert 'href="/seizures/?project=TARCET"' in html
    assert f'href="{world["article"].get_absolute_url()}"' in html
    assert client.get("/seizures/?project=TARCET&substance=heroin")\
        .context["paginator"].count == 2


@pytest.mark.parametrize(("role", "sees_draft"), [("anonymous", False), ("admin", True)])
def test_draft_articles_about_the_seizures_are_listed_only_for_editors(role, sees_draft, client,
                                                                       request, world):
    draft = factories.ArticleFactory(title="Draft about heroin", status="draft")
    draft.seizures.add(world["seizure"])
    html = client_for(role, client, request).get(world["donor"].get_absolute_url())\
        .content.decode()
    assert ("Draft about heroin" in html) is sees_draft


def test_articles_per_project_are_capped_with_a_link_to_more(client, world):
    for i in range(7):
        factories.ArticleFactory(title=f"Seizure report {i}").seizures.add(world["seizure"])
    response = client.get(world["donor"].get_absolute_url())
    tarcet = response.context["supported"].projects[0]
    assert len(tarcet.articles) == 5 and tarcet.more_articles
    assert 'href="/articles/?project=TARCET"' in response.content.decode()


def test_a_donor_without_contributions_reads_none_recorded(client):
    donor = factories.DonorFactory()
    html = client.get(donor.get_absolute_url()).content.decode()
    assert HEADING in html and "None recorded." in html


@pytest.mark.parametrize("role", ROLES)
def test_the_donor_page_shows_the_section_for_every_role(role, client, request, world):
    response = client_for(role, client, request).get(world["donor"].get_absolute_url())
    assert response.status_code == 200
    assert "Operation TARCET" in section(response).text_content()
    assert_no_personal_data(response.content.decode())


def _add_projects(donor, n):
    """``n`` projects the donor contributes to, each with another donor, an event with
    registrations, a seizure and an article about it."""
    for _ in range(n):
        project = factories.ProjectFactory()
        event = factories.EventFactory(projects=[project])
        factories.ContributionFactory(donor=donor, project=project, event=event)
        factories.ContributionFactory(project=project)
        register(event, 3)
        seizure = factories.SeizureFactory(project=project)
        factories.ArticleFactory().seizures.add(seizure)


@pytest.mark.parametrize("role", ROLES)
def test_the_donor_page_query_count_is_constant_in_the_projects(role, client, request,
                                                                 donor_user):
    donor = donor_user.donor_account.donor
    client = client_for(role, client, request)
    assert_constant_queries(client, donor.get_absolute_url(),
                            lambda n: _add_projects(donor, n), 15)


def test_a_donor_with_forty_projects_lists_them_all(client, donor_user):
    donor = donor_user.donor_account.donor
    _add_projects(donor, 40)
    response = client.get(donor.get_absolute_url())
    supported = response.context["supported"]
    assert len(supported.projects) == 40 and not supported.more
    assert all(item.events == 1 and item.seizures == 1 and item.articles
               for item in supported.projects)


def test_the_workspace_query_count_is_constant_in_the_projects(client, donor_user):
    client.force_login(donor_user)
    donor = donor_user.donor_account.donor
    assert_constant_queries(client, WORKSPACE, lambda n: _add_projects(donor, n), 15)


def test_a_project_holding_every_event_publishes_what_the_home_page_does(client, world):
    """The privacy auditor's view (tests/privacy_auditor.py): a project's registrations are the
    register's rule applied to its events, so when the project holds every event its tables are
    a copy of the home page's register, and the audit of the two together, tied to the events'
    pages, narrows no hidden group."""
    female, male = Participant.Sex.FEMALE, Participant.Sex.MALE
    tj = factories.CountryFactory(code="TJ")
    other = factories.EventFactory(projects=[world["tarcet"]])
    register(world["course"], 6, sex=female)
    register(world["course"], 2, sex=male, country=tj)
    register(other, 5, sex=male)
    register(other, 1, sex=female, country=tj)
    slugs = list(Event.objects.real().values_list("slug", flat=True))
    assert set(world["tarcet"].events.real().values_list("slug", flat=True)) == set(slugs)
    observed = served_world(client, slugs)
    page = client.get(world["donor"].get_absolute_url()).content.decode()
    prefix = f"supported-{world['tarcet'].pk}"
    donor_copies = from_page(page, prefix, REGISTER, None)
    home = {o.dimension: o for o in observed if o.population == REGISTER
            and o.source == "home table"}
    assert {o.dimension for o in donor_copies} == {"sex", "country"}
    for copy in donor_copies:
        assert (copy.rows, copy.total) == (home[copy.dimension].rows, home[copy.dimension].total)
    assert any(value == "not shown" for copy in donor_copies for _label, value in copy.rows)
    result = audit(observed + donor_copies)
    assert result.disagreements == [] and result.narrowed == []


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_no_hidden_group_is_narrowed_with_the_projects_beside_their_events(client, world):
    """For any world: two projects, one holding the first events, the other the last (they
    may share one), listed on a donor's page. Audited with the events' pages, the API and the
    home page, each project tied to its events as the register is: nothing is narrowed."""
    people, events, organisations = world
    with rolled_back():
        slugs = build(people, events, organisations)
        first, last = factories.ProjectFactory(code="FIRST"), factories.ProjectFactory(code="LAST")
        members = {"FIRST": slugs[:max(1, len(slugs) - 1)], "LAST": slugs[-1:]}
        for project in (first, last):
            project.events.set(Event.objects.filter(slug__in=members[project.code]))
        donor = factories.DonorFactory(slug="audited")
        factories.ContributionFactory(donor=donor, project=first)
        factories.ContributionFactory(donor=donor, project=last)
        observed = served_world(client, slugs)
        parts_observed, parts = served_parts(client, ["audited"], members)
    assert set(parts) == {"part:FIRST", "part:LAST"}
    assert_nothing_narrowed(audit(observed + parts_observed, parts=parts))


def test_the_auditor_finds_a_project_that_tells_more_than_its_events():
    """Were a project to print Tajikistan's registrations (1) where its only event with Tajik
    people reads "fewer than 3", the sum would pin that event's group: the auditor ties a
    project's rows to its events' cells, so it says so."""
    event = [("Kazakhstan", "6"), ("Tajikistan", FEWER_THAN), ("Uzbekistan", NOT_SHOWN)]
    observed = [
        Observed("event:e", "country", 11, False, event, "event table"),
        Observed("part:P", "country", 11, False,
                 [("Kazakhstan", "6"), ("Uzbekistan", "4"), ("Tajikistan", "1")], "donor table"),
    ]
    narrowed = {(f.population, f.label) for f in audit(observed, parts={
        "part:P": ["event:e"]}).narrowed}
    assert ("event:e", "Tajikistan") in narrowed
    safe = [observed[0], Observed("part:P", "country", 11, False,
                                  [("Kazakhstan", "6"), ("Tajikistan", NOT_SHOWN),
                                   ("Uzbekistan", NOT_SHOWN)], "donor table")]
    assert audit(safe, parts={"part:P": ["event:e"]}).narrowed == []


def test_beyond_the_projects_shown_the_first_by_code_are_listed_with_their_donors(
        client, donor_user, monkeypatch):
    monkeypatch.setattr("donors.supported.PROJECTS_SHOWN", 2)
    donor = donor_user.donor_account.donor
    for code in ("CCC", "AAA", "BBB"):
        project = factories.ProjectFactory(code=code)
        factories.ContributionFactory(donor=donor, project=project)
        factories.ContributionFactory(project=project, donor=factories.DonorFactory(
            name=f"Other of {code}"))
    supported = client.get(donor.get_absolute_url()).context["supported"]
    assert supported.more
    assert [(item.project.code, [link.label for link in item.other_donors])
            for item in supported.projects] == [("AAA", ["Other of AAA"]),
                                                ("BBB", ["Other of BBB"])]
