"""Who may open each project-level address, and what each role sees there: the home page, the
health check, sign-in and passwords, open data (the IATI file and the API) and the Django admin
(every registered model's pages, generated from ``admin.site._registry``). The engine and the
world are in tests/access.py; tests/portal/test_access_coverage.py walks the resolver."""

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import access
from tests.access import ADMIN_LOGIN, CONTRIBUTIONS, LOGIN, PUBLIC, ROLES, Expect, statuses

world = access.world_fixture()

JSON, XML = "application/json", "application/xml"

SITE = {
    "home": Expect(PUBLIC, shows={
        "donor_unpublished": ["donor", "admin"], "other_unpublished": ["other_donor", "admin"],
        "draft": ["admin"],  # the latest articles, drafts too for those who may edit them
    }),
    "healthz": Expect(PUBLIC, content_type=JSON),
    "favicon": Expect(statuses(access.Redirect("/static/favicon.svg"))),
    # The switcher's link: everyone, to the same page in Russian (here the home page's).
    "switch_language": Expect(statuses(access.Redirect("/ru/")), lambda w: ["ru"]),
    # The scripts' words in the page's language: everyone.
    "javascript_catalog": Expect(PUBLIC, content_type="text/javascript"),
    "login": Expect(PUBLIC),
    # Django 5: signing out is a POST.
    "logout": Expect(statuses(405)),
    "password_change": Expect(statuses(200, anonymous=LOGIN)),
    "password_change_done": Expect(statuses(200, anonymous=LOGIN)),
    "password_reset": Expect(PUBLIC),
    "password_reset_done": Expect(PUBLIC),
    # A link whose token is wrong: the page says the link is invalid, to everyone.
    "password_reset_confirm": Expect(PUBLIC, lambda w: [
        urlsafe_base64_encode(force_bytes(w.users["officer"].pk)), "wrong-token",
    ]),
    "password_reset_complete": Expect(PUBLIC),
}


def _api(**kwargs):
    return Expect(PUBLIC, content_type=JSON, **kwargs)


# Open data: everyone may ask; what each caller gets is decided by the models' visibility rules
# (a donor's session sees its own unpublished contributions; the IATI file is published data,
# whoever asks).
OPENDATA = {
    "open_data": Expect(PUBLIC),
    "opendata:iati_activities": Expect(PUBLIC, content_type=XML),
    "opendata:schema": Expect(PUBLIC, content_type="application/vnd.oai.openapi"),
    "opendata:docs": Expect(PUBLIC),
    "opendata:api-root": _api(),
    "opendata:project-list": _api(),
    "opendata:project-detail": _api(args=lambda w: [w.project.code]),
    # The project's results framework (results/api.py): published values only, no personal data.
    "opendata:project-results": _api(args=lambda w: [w.project.code]),
    # Officers and admins also get the participant records (activities/api.py).
    "opendata:event-list": _api(shows={"personal": access.PERSONAL_DATA_ROLES}),
    "opendata:event-detail": _api(
        args=lambda w: [w.event.slug], shows={"personal": access.PERSONAL_DATA_ROLES}
    ),
    "opendata:seizure-list": _api(),
    "opendata:seizure-detail": _api(args=lambda w: [w.seizure.pk]),
    "opendata:donor-list": _api(),
    "opendata:donor-detail": _api(args=lambda w: [w.donor_b.slug]),
    "opendata:contribution-list": _api(shows=CONTRIBUTIONS),
    "opendata:contribution-list#donor": _api(
        query=access.by_other_donor,
        shows={"other_unpublished": ["other_donor", "admin"], "published": ROLES},
    ),
    "opendata:contribution-detail": _api(
        args=lambda w: [w.published[1].key], shows={"published": ROLES}
    ),
    "opendata:contribution-detail#unpublished": Expect(
        statuses(404, other_donor=200, admin=200), lambda w: [w.other_unpublished.key],
        content_type=JSON, shows={"other_unpublished": ["other_donor", "admin"]},
    ),
    "opendata:article-list": _api(shows={"draft": ["admin"]}),
    "opendata:article-detail": _api(args=lambda w: [w.article.slug]),
    "opendata:article-detail#draft": Expect(
        statuses(404, admin=200), lambda w: [w.draft.slug], content_type=JSON,
        shows={"draft": ["admin"]},
    ),
}


# --------------------------------------------------------------------------------------------
# The Django admin: admins only. Staff status is what lets one in, and only admins have it
# (unodc_portal/core/roles.py: officers and donors work in the portal's own pages), so everyone else
# — officers included — is sent to the admin's sign-in page and never gets an admin page's body.
# --------------------------------------------------------------------------------------------
ADMIN_ONLY = statuses(ADMIN_LOGIN, admin=200)
ADMIN_INDEX = access.Redirect(lambda url: reverse("admin:index"))
EVERY_MARKER = {marker: ["admin"] for marker in access.MARKERS}
ADMIN_PAGE = {"admin_body": ["admin"]}


def admin_object(model, w):
    """The record an admin change/delete/history page is opened on: the private one where the
    model holds private things, else the first."""
    chosen = {
        "activities.Participant": lambda: w.participants[0],
        "donors.Contribution": lambda: w.other_unpublished,
        "auth.User": lambda: w.users["donor"],
        "personaldata.Erasure": lambda: w.erasure,
    }.get(model._meta.label)
    return chosen() if chosen else model._default_manager.order_by("pk").first()


def _object_args(model):
    def args(w):
        obj = admin_object(model, w)
        # The token admin addresses a token by its user.
        return [obj.user_id if model._meta.label == "authtoken.TokenProxy" else obj.pk]
    return args


def _version_args(model):
    def args(w):
        obj = admin_object(model, w)
        return [obj.pk, obj.history.order_by("history_id").first().history_id]
    return args


# What admins get where it is not a page: the history logs are read-only (no add, no delete);
# axes' records are written by sign-in attempts, not by hand.
HISTORY_LOGS = [
    "activities_historicalproject", "activities_historicalevent",
    "activities_historicalparticipant", "activities_historicalparticipation",
    "activities_historicalseizure", "donors_historicalcontribution",
]
AXES_RECORDS = ["axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"]
# The personal-data access log: read-only for everyone, superusers included (its change page
# is a view of the entry).
ACCESS_LOG = ["accesslog_accessentry"]
# Records nobody adds or deletes by hand, superusers included (their change page is a view).
READ_ONLY_RECORDS = ["personaldata_erasure"]
ADMIN_STATUS_EXCEPTIONS = {
    **{f"admin:{log}_{view}": 403 for log in HISTORY_LOGS + ACCESS_LOG
       for view in ("add", "delete")},
    **{f"admin:{records}_add": 403 for records in AXES_RECORDS},
    **{f"admin:{records}_{view}": 403 for records in READ_ONLY_RECORDS
       for view in ("add", "delete")},
}
# Admin list pages that show private things, and to whom: everything is shown to admins.
ADMIN_SHOWS = {
    "admin:activities_participant_changelist": {"personal": ["admin"]},
    "admin:activities_participant_change": {"personal": ["admin"]},
    "admin:donors_contribution_changelist": {
        "donor_unpublished": ["admin"], "other_unpublished": ["admin"],
    },
    "admin:donors_contribution_change": {"other_unpublished": ["admin"]},
}


def model_admin_expectations() -> dict[str, Expect]:
    expectations = {}
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            name = f"admin:{pattern.name}"
            suffix = pattern.name.rsplit("_", 1)[1]
            if pattern.name.endswith("_simple_history"):
                args = _version_args(model)
            elif suffix in {"changelist", "add"}:
                args = access.no_args
            else:  # change, delete, history, and the user admin's password page
                args = _object_args(model)
            status = ADMIN_ONLY
            if name in ADMIN_STATUS_EXCEPTIONS:
                status = {**ADMIN_ONLY, "admin": ADMIN_STATUS_EXCEPTIONS[name]}
            expectations[name] = Expect(
                status, args,
                shows={**(ADMIN_PAGE if status["admin"] == 200 else {}),
                       **ADMIN_SHOWS.get(name, {})},
                may_show=EVERY_MARKER,
            )
    return expectations


ADMIN = {
    "admin:index": Expect(ADMIN_ONLY, shows=ADMIN_PAGE),
    "admin:app_list": Expect(ADMIN_ONLY, lambda w: ["activities"], shows=ADMIN_PAGE),
    # The sign-in page: signed-in accounts without staff status see it too (with a word that
    # they may not enter); an admin is sent on to the index.
    "admin:login": Expect(statuses(200, admin=ADMIN_INDEX)),
    # Signing out is a POST; a GET by someone not signed in to the admin goes to its index.
    "admin:logout": Expect(statuses(ADMIN_INDEX, admin=405)),
    # (Django's password pages leave out the admin's user links.)
    "admin:password_change": Expect(ADMIN_ONLY, may_show=ADMIN_PAGE),
    "admin:password_change_done": Expect(ADMIN_ONLY, may_show=ADMIN_PAGE),
    # Without the model and field it serves, the autocomplete refuses even an admin.
    "admin:autocomplete": Expect(statuses(ADMIN_LOGIN, admin=403)),
    "admin:jsi18n": Expect(ADMIN_ONLY, content_type="text/javascript"),
    "admin:view_on_site": Expect(statuses(ADMIN_LOGIN, admin=302), lambda w: [
        ContentType.objects.get_for_model(w.event).pk, w.event.pk,
    ]),
    **model_admin_expectations(),
}

EXPECTATIONS = {**SITE, **OPENDATA, **ADMIN}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.NOT_STAFF)
@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_an_admin_delete_posted_by_anyone_else_deletes_nothing(model, role, world, client):
    obj = admin_object(model, world)
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_delete",
        args=_object_args(model)(world),
    )
    response = access.client_for(role, client, world).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert model._default_manager.filter(pk=obj._meta.pk.value_from_object(obj)).exists()


@pytest.mark.django_db
def test_an_admin_delete_posted_by_an_admin_deletes(world, client):
    """The POST above is one that deletes when an admin sends it."""
    obj = world.theme
    url = reverse("admin:activities_theme_delete", args=[obj.pk])
    access.client_for("admin", client, world).post(url, {"post": "yes"})
    assert not type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_api_counts_only_the_contributions_the_role_may_see(role, world, client):
    """A donor's contribution count is a figure of its unpublished contribution too."""
    donors = access.client_for(role, client, world).get(reverse("opendata:donor-list")).json()
    counts = {donor["slug"]: donor["contribution_count"] for donor in donors["results"]}
    assert counts == {
        "donor-alpha": 1 + (role in {"donor", "admin"}),
        "donor-beta": 1 + (role in {"other_donor", "admin"}),
    }


@pytest.mark.django_db
def test_a_valid_password_reset_link_is_followed_by_anyone(world, client):
    """The confirm page with a valid token moves on to the set-password form (the matrix opens
    it with a wrong one)."""
    user = type(world.users["officer"]).objects.get(pk=world.users["officer"].pk)
    url = reverse("password_reset_confirm", args=[
        urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user),
    ])
    assert client.get(url).status_code == 302
