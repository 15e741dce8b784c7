"""Every filter, sort and page parameter of every list page, export, register and search, with
hostile values: never a server error, and what the page shows back is escaped."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from activities.filters import (
    ArticleFilter,
    EventFilter,
    ParticipantFilter,
    SeizureFilter,
)
from donors.filters import ContributionFilter, DonorFilter, MyContributionFilter
from tests.hostile import strategies as hs
from tests.hostile.conftest import examples
from tests.hostile.pages import assert_answered, clients, records_fixture
from unodc_portal.site.filters import ProjectFilter

pytestmark = pytest.mark.django_db

PAGING = ["page", "page_size"]


def params(filterset):
    return [*filterset.base_filters, *PAGING]


# (URL name, URL arguments, parameters, roles that may open it)
PUBLIC = ("anonymous", "donor", "officer", "admin")
OFFICERS = ("officer", "admin")
LISTS = [
    ("activities:article_list", [], params(ArticleFilter), PUBLIC),
    ("activities:project_list", [], params(ProjectFilter), PUBLIC),
    ("activities:event_list", [], params(EventFilter), PUBLIC),
    ("activities:seizure_list", [], params(SeizureFilter), PUBLIC),
    ("donors:donor_list", [], params(DonorFilter), PUBLIC),
    ("donors:contribution_list", [], params(ContributionFilter), PUBLIC),
    ("donors:my_contributions", [], params(MyContributionFilter), ("donor",)),
    ("activities:participant_list", [], params(ParticipantFilter), OFFICERS),
]
EXPORTS = [
    ("activities:project_export", params(ProjectFilter), PUBLIC),
    ("activities:event_export", params(EventFilter), PUBLIC),
    ("activities:seizure_export", params(SeizureFilter), PUBLIC),
    ("donors:donor_export", params(DonorFilter), PUBLIC),
    ("donors:contribution_export", params(ContributionFilter), PUBLIC),
    ("donors:my_contribution_export", params(MyContributionFilter), ("donor",)),
    ("activities:participant_export", params(ParticipantFilter), OFFICERS),
]
OTHER = [
    ("activities:workspace", [], ["page", "q", "next"], OFFICERS),
    ("activities:participant_duplicates", [], ["page", "page_size"], OFFICERS),
    ("activities:participant_search", [], ["q"], OFFICERS),
    ("activities:import_template", ["csv"], ["page"], OFFICERS),
    ("home", [], ["page", "q"], PUBLIC),
    ("login", [], ["next"], ("anonymous",)),
    ("opendata:iati_activities", [], ["page", "format"], PUBLIC),
    ("activities:event_history", ["border-workshop"], ["page"], OFFICERS),
    ("activities:event_detail", ["border-workshop"], ["page", "q"], PUBLIC),
    ("activities:project_detail", ["KGZK50"], ["page", "q"], PUBLIC),
    ("donors:donor_detail", ["canada"], ["page", "q"], PUBLIC),
]
# Django's admin lists: search, sort column, page, and the filters of the sidebar.
ADMIN_PARAMS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "history_type",
                "history_date__gte", "history_date__lt", "status", "kind", "country__id__exact",
                "is_published__exact", "year"]
ADMIN = [
    (f"admin:{model}_changelist", [], ADMIN_PARAMS, ("admin",))
    for model in ["activities_participant", "activities_event", "activities_seizure",
                  "activities_historicalparticipant", "donors_contribution", "auth_user"]
]


def query(names):
    """A query string: one to four of ``names`` with hostile values (a name may repeat)."""
    return st.lists(st.tuples(st.sampled_from(names), hs.hostile), min_size=1, max_size=4)


def as_data(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def fuzz(client_for, url, names, who):
    # NUL in a parameter the admin takes for a field lookup gave a server error on PostgreSQL.
    @examples(8)
    @example(role=who[0], pairs=[(names[-1], "\x00")])
    @example(role=who[0], pairs=[("kind", "a\x00")])
    @given(role=st.sampled_from(who), pairs=query(names))
    def check(role, pairs):
        response = client_for[role].get(url, as_data(pairs))
        assert_answered(response, *(value for _name, value in pairs))

    check()


hostile_records = records_fixture()


@pytest.fixture
def client_for(hostile_records):
    return clients(hostile_records["users"])


@pytest.mark.parametrize(("name", "args", "names", "who"), LISTS + OTHER + ADMIN,
                         ids=[row[0] for row in LISTS + OTHER + ADMIN])
def test_list_parameters_never_give_a_server_error(client_for, name, args, names, who):
    fuzz(client_for, reverse(name, args=args), names, who)


@pytest.mark.parametrize(("name", "names", "who"), EXPORTS, ids=[row[0] for row in EXPORTS])
def test_export_parameters_never_give_a_server_error(client_for, name, names, who):
    @examples(6)
    @given(role=st.sampled_from(who), fmt=st.sampled_from(["csv", "xlsx"]), pairs=query(names))
    def check(role, fmt, pairs):
        response = client_for[role].get(reverse(name, args=[fmt]), as_data(pairs))
        assert_answered(response)

    check()


@pytest.mark.parametrize(("name", "names", "who"), EXPORTS, ids=[row[0] for row in EXPORTS])
def test_export_formats_never_give_a_server_error(client_for, name, names, who):
    @examples(4)
    @given(role=st.sampled_from(who), fmt=hs.hostile.filter(lambda f: f and "/" not in f))
    def check(role, fmt):
        url = reverse(name, args=["csv"]).removesuffix("csv") + quote(fmt, safe="")
        response = client_for[role].get(url)
        assert_answered(response, fmt)

    check()


SEARCHED = [(name, who) for name, _args, names, who in LISTS if "q" in names]


@pytest.mark.parametrize(("name", "who"), SEARCHED, ids=[row[0] for row in SEARCHED])
def test_a_search_with_markup_is_shown_back_escaped_in_the_filter_form(client_for, name, who):
    @examples(3)
    @given(role=st.sampled_from(who), value=hs.storable_markup.filter(lambda v: len(v) <= 200))
    def check(role, value):
        response = client_for[role].get(reverse(name), {"q": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert_answered(response, value)
        assert f'value="{escape(value)}"' in html

    check()
