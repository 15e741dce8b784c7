"""The permission matrix: for every URL, what each role gets — status, and which private things
the answer shows.

Each app keeps its expectations beside it (``tests/<app>/test_access.py``, project-level URLs
and the Django admin in ``tests/portal/test_access.py``); ``tests/portal/test_access_coverage.py``
walks the URL resolver and fails on a URL without an expectation, or an expectation without a
URL.

The roles (``ROLES``): an anonymous visitor; an account in no group and with no permission
(``no_group``: the public pages, 403 wherever a role is needed); the users of two donors
(``donor``, ``other_donor``); a programme officer; an admin. The older role lists and client
helpers of the page tests live here too (``FIXTURE_ROLES``, ``client_for_fixture``).

Every cell (one URL, one role) is checked against one shared world (``build_world``), built
once per test module inside a transaction that is rolled back after the module (each test runs
in a savepoint within it, as pytest-django's ``db`` does). The world holds one of each private
thing, each carrying a *marker* — text that cannot appear by accident:

- ``personal``: participants' names, e-mails and phones (officers and admins only);
- ``donor_unpublished``: the donor's own unpublished contribution (its users and admins);
- ``other_unpublished``: the other donor's unpublished contribution (its users and admins);
- ``draft``: a draft article (admins only);
- ``admin_body``: the Django admin's signed-in chrome (admins only);

and ``published``, a published contribution everyone sees where contributions are listed, so
that a page hiding everything cannot pass for a page hiding the right things.

For each cell, a marker named in the expectation's ``shows`` for that role must appear; one in
``may_show`` may or may not; every other marker must not appear. So an expectation lists only
what a role may see, and every leak is a failure. A 404 must be the portal's own page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests import factories

# The roles, each a user of the world: ``no_group`` is signed in but in no group and with no
# permission (a member of the public with an account: the public pages, and 403 wherever a
# role is needed).
ROLES = ("anonymous", "no_group", "donor", "other_donor", "officer", "admin")
SIGNED_IN = ROLES[1:]
DONORS = ("donor", "other_donor")
NOT_STAFF = ("anonymous", "no_group", "donor", "other_donor", "officer")
PERSONAL_DATA_ROLES = ("officer", "admin")
# The roles that tests/conftest.py has a ``<role>_user`` fixture for, for the page tests that
# make their own records instead of using the world (``client_for_fixture``).
FIXTURE_ROLES = ("anonymous", "donor", "officer", "admin")

# Participants whose name, e-mail or phone must never reach a public page.
PRIVATE_NAME = "Zebulon Quixote-Marchbanks"
PRIVATE_EMAIL_DOMAIN = "private-participant.example"
PRIVATE_PHONE_PREFIX = "+996 777 31"

# The private things of the world and the text that gives each away. An absent marker must show
# none of its texts; a present one at least one.
MARKERS = {
    "personal": (
        PRIVATE_NAME, PRIVATE_EMAIL_DOMAIN, PRIVATE_PHONE_PREFIX,
        PRIVATE_PHONE_PREFIX.replace(" ", "").lstrip("+"),
    ),
    # Unpublished contributions: a key, a description and an amount in a currency no other row
    # uses, so that a total per currency gives the row away too.
    "donor_unpublished": (
        "Quokka survey drones", "alpha-unpublished", "777,777", "777777", "777 777", '"ISK"',
        "ISK ", " ISK",
    ),
    "other_unpublished": (
        "Narwhal kayak fleet", "beta-unpublished", "555,555", "555555", "555 555", '"NOK"',
        "NOK ", " NOK",
    ),
    "draft": ("Unreleased draft about marmots",),
    "admin_body": ('id="user-tools"',),
    "published": ("Published sniffer dogs",),
}


# Numbers written the Russian way (issue 15) group their digits with a no-break space (U+00A0) or
# a narrow one (U+202F, U+2009) and end with a decimal comma: "777 777,77". The markers are looked
# for in an answer with those spaces read as plain ones (``marker_text``), so that "777 777"
# catches the amount in either language.
GROUPING_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2009", " "))


def marker_text(text: str) -> str:
    """``text`` as the markers are looked for in it: digit-grouping spaces read as spaces."""
    return text.translate(GROUPING_SPACES)


# --------------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with ``prefix`` (a callable gives it from the URL asked)."""

    prefix: str | Callable[[str], str]

    def location(self, url: str) -> str:
        return self.prefix(url) if callable(self.prefix) else self.prefix


def to_login(url: str) -> str:
    return redirect_to_login(url)["Location"]


def to_admin_login(url: str) -> str:
    return redirect_to_login(url, reverse("admin:login"))["Location"]


LOGIN = Redirect(to_login)
ADMIN_LOGIN = Redirect(to_admin_login)

Status = int | Redirect


def no_args(world):
    return ()


def by_other_donor(world) -> str:
    """A list's filter by the donor whose unpublished contribution is the only one in NOK."""
    return f"?donor={world.donor_b.slug}"


@dataclass(frozen=True)
class Expect:
    """What each role gets from one URL name. ``args`` makes the URL's arguments from the
    world; ``query`` (a string, or a callable making it from the world) is appended to the URL;
    ``shows`` / ``may_show`` name, per marker, the roles that must / may see it;
    ``content_type`` (start of) is checked on every 200; ``echo`` is a text the page repeats
    from the query (a form's error naming the value asked for), taken out of the answer before
    the markers are looked for."""

    status: Mapping[str, Status]
    args: Callable[[SimpleNamespace], Sequence] = no_args
    query: str | Callable[[SimpleNamespace], str] = ""
    shows: Mapping[str, Collection[str]] = field(default_factory=dict)
    may_show: Mapping[str, Collection[str]] = field(default_factory=dict)
    content_type: str = "text/html"
    echo: str = ""

    def url(self, name: str, world) -> str:
        query = self.query(world) if callable(self.query) else self.query
        return reverse(url_name(name), args=self.args(world)) + query


def url_name(key: str) -> str:
    """An expectation's key is a URL name, or ``name#variant`` for a second look at one URL
    name (the draft article's page beside the published one's)."""
    return key.partition("#")[0]


def statuses(default: Status, **per_role: Status) -> dict[str, Status]:
    return {role: per_role.get(role, default) for role in ROLES}


PUBLIC = statuses(200)
# Officers' pages: anonymous visitors are sent to sign in; donors and accounts without a group
# get 403 (activities.views_officer.OfficerMixin: signed in without the permission).
OFFICERS = statuses(403, anonymous=LOGIN, officer=200, admin=200)
# The donor workspace: anonymous → sign in; accounts without a donor linked — officers, admins
# and accounts without a group — get 403 (donors.views.DonorWorkspaceMixin).
DONORS_ONLY = statuses(403, anonymous=LOGIN, donor=200, other_donor=200)
# Views that answer only POST: GET is refused the way the page refuses the role, else 405.
OFFICERS_POST_ONLY = statuses(403, anonymous=LOGIN, officer=405, admin=405)

# Who sees unpublished contributions wherever contributions are listed: their donor's users
# and admins.
CONTRIBUTIONS = {
    "donor_unpublished": ("donor", "admin"),
    "other_unpublished": ("other_donor", "admin"),
    "published": ROLES,
}


def cells(expectations: Mapping[str, Expect]) -> list:
    return [
        pytest.param(name, role, id=f"{name}-{role}")
        for name in expectations for role in ROLES
    ]


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------
def add_users(w: SimpleNamespace, minimal: bool = False) -> None:
    """``w.users``, one account per signed-in role (the donors' users acting for ``w.donor_a``
    and ``w.donor_b``), and ``w.sessions``, a session for each made once (signing in for every
    cell would cost a write each). No passwords: the production hasher is slow, and the tests
    sign in with the session."""
    from unodc_portal.core.roles import DONORS_GROUP, OFFICERS_GROUP, ensure_groups

    ensure_groups(apps)
    groups = {g.name: g for g in apps.get_model("auth", "Group").objects.all()}

    def user(role, **kwargs):
        return factories.UserFactory(
            username=role.replace("_", "-"), password="!", minimal=minimal, **kwargs
        )

    w.users = {"admin": user("admin", is_staff=True, is_superuser=True)}
    for role, donor in (("donor", w.donor_a), ("other_donor", w.donor_b)):
        w.users[role] = user(role)
        w.users[role].groups.add(groups[DONORS_GROUP])
        factories.DonorAccountFactory(user=w.users[role], donor=donor, minimal=minimal)
    w.users["officer"] = user("officer")
    w.users["officer"].groups.add(groups[OFFICERS_GROUP])
    w.users["no_group"] = user("no_group")
    assert set(w.users) == set(SIGNED_IN)
    w.sessions = {}
    for role, account in w.users.items():
        signed_in = Client()
        signed_in.force_login(type(account).objects.get(pk=account.pk))
        w.sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> SimpleNamespace:
    """One of everything each page needs, with the markers of ``MARKERS`` in place."""
    from activities import models as am
    from activities import services
    from activities.imports import COLUMNS
    from donors import models as dm

    w = SimpleNamespace()
    w.donor_a = factories.DonorFactory(name="Donor Alpha", slug="donor-alpha")
    w.donor_b = factories.DonorFactory(name="Donor Beta", slug="donor-beta")
    add_users(w)

    # The programme record.
    w.organisation = factories.OrganisationFactory(name="Drug Control Agency", acronym="DCA")
    w.person = factories.PersonFactory(organisation=w.organisation)
    w.theme = factories.ThemeFactory()
    w.project = factories.ProjectFactory(code="MATRIX1", title="Matrix project")
    w.project.themes.add(w.theme)
    w.unodc = factories.OrganisationFactory(
        slug="unodc", name="United Nations Office on Drugs and Crime", acronym="UNODC",
        kind=am.Organisation.Kind.UN,
    )
    w.project.implementers.add(w.unodc, w.organisation)
    w.event = factories.EventFactory(
        slug="matrix-workshop", title="Matrix workshop", projects=[w.project],
        organiser=w.organisation,
    )
    w.event.trainers.add(w.person)
    w.trainer_link = factories.EventTrainerOrganisationFactory(event=w.event)
    # Private participants: three of them, two with the same name in one agency (a duplicate
    # pair for the review page).
    w.participants = [
        factories.ParticipationFactory(
            event=w.event,
            participant=factories.ParticipantFactory(
                name=f"{PRIVATE_NAME} {suffix}", organisation=w.organisation,
                email=f"{suffix.lower()}@{PRIVATE_EMAIL_DOMAIN}",
                phone=f"{PRIVATE_PHONE_PREFIX}{n:04d}",
            ),
        ).participant
        for n, suffix in enumerate(["Twin", "Twin", "Solo"], start=1)
    ]
    w.substance = factories.SubstanceFactory(name="Heroin", slug="heroin")
    w.seizure = factories.SeizureFactory(
        substance=w.substance, project=w.project, seizing_agency=w.organisation
    )
    w.bulletin = factories.BulletinFactory()
    w.article = factories.ArticleFactory(bulletin=w.bulletin, title="Matrix article")
    w.article.projects.add(w.project)
    w.article.events.add(w.event)
    w.article.seizures.add(w.seizure)
    w.article.people.add(w.person)
    w.article.organisations.add(w.organisation)
    w.country = w.event.country  # its page lists the event, the seizure's project, the articles
    w.article.countries.add(w.country)
    w.draft = factories.ArticleFactory(
        bulletin=w.bulletin, title=MARKERS["draft"][0], slug="draft-article",
        status=am.Article.Status.DRAFT,
    )
    # The draft mentions everything the published article does: no page may list it but to
    # those who may edit articles.
    for relation in ("projects", "events", "seizures", "people", "organisations", "countries"):
        getattr(w.draft, relation).set(getattr(w.article, relation).all())
    w.donor_a.organisation = w.organisation
    w.donor_a.save()

    # Contributions: one published each, and one unpublished each carrying its marker; all to
    # the same project, event and article, so that every page listing contributions lists them.
    def contribution(donor, key, **kwargs):
        return factories.ContributionFactory(
            donor=donor, key=key, project=w.project, event=w.event, article=w.article, **kwargs
        )

    w.published = [
        contribution(w.donor_a, "alpha-published", amount=Decimal("100000")),
        contribution(
            w.donor_b, "beta-published", kind=dm.Contribution.Kind.IN_KIND,
            in_kind_description=MARKERS["published"][0], amount=None, currency="",
        ),
    ]
    w.donor_unpublished = contribution(
        w.donor_a, "alpha-unpublished", kind=dm.Contribution.Kind.IN_KIND,
        in_kind_description=MARKERS["donor_unpublished"][0], amount=Decimal("777777.77"),
        currency="ISK", is_published=False,
    )
    w.other_unpublished = contribution(
        w.donor_b, "beta-unpublished", kind=dm.Contribution.Kind.IN_KIND,
        in_kind_description=MARKERS["other_unpublished"][0], amount=Decimal("555555.55"),
        currency="NOK", is_published=False,
    )
    w.rate = factories.ExchangeRateFactory()

    # A results framework: an outcome with an entered indicator whose period's actual awaits
    # an admin's approval (the framework's pages and the approval queue).
    w.result = factories.ResultFactory(project=w.project, key="matrix-outcome")
    w.indicator = factories.IndicatorFactory(result=w.result, key="matrix-indicator")
    w.period = factories.PeriodFactory(
        indicator=w.indicator, actual=Decimal("12"), actual_status="pending",
        actual_entered_by=w.users["officer"],
    )

    # An import awaiting confirmation, with a private person in it.
    header = ",".join(column.label for column in COLUMNS)
    row = f"{PRIVATE_NAME} Imported,female,DCA,KG,Inspector,imported@{PRIVATE_EMAIL_DOMAIN},"
    w.batch = services.import_batch_create(
        event=w.event, upload=SimpleUploadedFile("list.csv", f"{header}\n{row}\n".encode()),
        user=w.users["officer"],
    )

    # Records of the third-party apps the admin shows.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import Token

    w.token = Token.objects.create(user=w.users["officer"])
    attempt = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "test"}
    AccessAttempt.objects.create(failures_since_start=1, **attempt)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(locked_out=False, **attempt)

    # A file on the event and one on the project (officers and admins only), for the admin's
    # attachment pages and the pages that change files.
    from attachments import services as attachment_services
    from tests.attachments.files import pdf_upload

    w.attachment = attachment_services.add(
        w.event, pdf_upload("matrix-agenda.pdf"), user=w.users["officer"],
        title="Matrix agenda", kind="agenda")
    w.project_attachment = attachment_services.add(
        w.project, pdf_upload("matrix-report.pdf", text="Report"), user=w.users["admin"],
        title="Matrix report", kind="report")

    # An entry of the access log (its admin pages: numbers only, never the data).
    from accesslog.log import write as access_write

    w.access = access_write(
        ids=[p.pk for p in w.participants], what="activities:event_participants",
        user=w.users["officer"], method="GET", path="/events/matrix-workshop/participants/",
        ip="192.0.2.7")

    # An erasure's record, of a number no record has (the world's people stay as they are),
    # for the erasure's page and its read-only admin.
    from django.utils import timezone

    from personaldata.models import Erasure

    w.erasure = Erasure.objects.create(participant=987654, erased_at=timezone.now(),
                                       erased_by=w.users["admin"], erased_by_username="admin")
    return w


def build_minimal_world() -> SimpleNamespace:
    """The same cast as ``build_world`` (so every expectation finds its arguments), each record
    made by its factory's ``minimal`` variant: required fields only, every optional relation,
    date and text empty. No markers: this world checks that every valid record renders."""
    from activities import models as am
    from activities import services
    from activities.imports import COLUMNS

    w = SimpleNamespace()
    w.donor_a = factories.DonorFactory(minimal=True)
    w.donor_b = factories.DonorFactory(minimal=True)
    add_users(w, minimal=True)

    w.country = factories.CountryFactory(minimal=True)  # referred to by nothing
    w.organisation = factories.OrganisationFactory(minimal=True)
    w.person = factories.PersonFactory(minimal=True)
    w.theme = factories.ThemeFactory(minimal=True)
    w.project = factories.ProjectFactory(minimal=True)
    w.event = factories.EventFactory(minimal=True)
    w.trainer_link = factories.EventTrainerOrganisationFactory(event=w.event, minimal=True)
    # Participants with nothing but a name (no organisation, country, sex, position, e-mail or
    # phone): two with one name, a duplicate pair for the review and merge pages.
    w.participants = [
        factories.ParticipationFactory(
            event=w.event, minimal=True,
            participant=factories.ParticipantFactory(name=name, minimal=True),
        ).participant
        for name in ["Ann Lee", "Ann Lee", "Bo Chen"]
    ]
    w.substance = factories.SubstanceFactory(minimal=True)
    w.seizure = factories.SeizureFactory(substance=w.substance, minimal=True)
    w.bulletin = factories.BulletinFactory(minimal=True)
    w.article = factories.ArticleFactory(
        bulletin=w.bulletin, minimal=True, status=am.Article.Status.PUBLISHED
    )
    w.draft = factories.ArticleFactory(bulletin=w.bulletin, minimal=True)

    def contribution(donor, **kwargs):
        return factories.ContributionFactory(
            donor=donor, project=w.project, minimal=True, **kwargs
        )

    w.published = [
        contribution(w.donor_a, is_published=True), contribution(w.donor_b, is_published=True),
    ]
    w.donor_unpublished = contribution(w.donor_a)
    w.other_unpublished = contribution(w.donor_b)
    w.rate = factories.ExchangeRateFactory(minimal=True)
    w.result = factories.ResultFactory(project=w.project, minimal=True)
    w.indicator = factories.IndicatorFactory(result=w.result, minimal=True)
    w.period = factories.PeriodFactory(indicator=w.indicator, minimal=True)

    # An import awaiting confirmation: a row with a name only.
    header = ",".join(column.label for column in COLUMNS)
    w.batch = services.import_batch_create(
        event=w.event,
        upload=SimpleUploadedFile("list.csv", f"{header}\nCy Diaz{',' * (len(COLUMNS) - 1)}\n"
                                  .encode()),
        user=w.users["officer"],
    )

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import Token

    w.token = Token.objects.create(user=w.users["officer"])
    attempt = {"username": "", "ip_address": None, "user_agent": ""}
    AccessAttempt.objects.create(failures_since_start=1, **attempt)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(locked_out=False, **attempt)
    # A minimal file: no caption, credit or alternative text, a one-letter title.
    from attachments import services as attachment_services
    from tests.attachments.files import pdf_upload

    w.attachment = attachment_services.add(
        w.event, pdf_upload("x.pdf"), user=w.users["officer"], title="x", kind="other")
    # An access-log entry with nothing but one number (no user, address or page).
    from accesslog.log import write as access_write

    w.access = access_write(ids=[w.participants[0].pk], what="x")

    # An erasure replayed from the journal: no user, no sheets.
    from django.utils import timezone

    from personaldata.models import Erasure

    w.erasure = Erasure.objects.create(participant=987654, erased_at=timezone.now())
    return w


def build_linked_minimal_world() -> SimpleNamespace:
    """The minimal world with its records referring to one another wherever a page lists
    related records (an article naming the event, the person, the organisation, the seizure
    and the project; the event's project and trainer; contributions to the event from the
    articles): each record is still minimal, but every list of related records is shown."""
    w = build_minimal_world()
    w.event.projects.add(w.project)
    w.event.trainers.add(w.person)
    w.event.organiser = w.organisation
    w.event.city = "Osh"  # a city without a country
    w.event.save()
    w.project.themes.add(w.theme)
    w.project.implementers.add(w.organisation)
    w.project.beneficiaries.add(w.organisation)
    w.seizure.project = w.project
    w.seizure.seizing_agency = w.organisation
    w.seizure.save()
    for article in (w.article, w.draft):
        article.projects.add(w.project)
        article.events.add(w.event)
        article.people.add(w.person)
        article.organisations.add(w.organisation)
        article.seizures.add(w.seizure)
    w.donor_a.organisation = w.organisation
    w.donor_a.save()
    for contribution in [*w.published, w.donor_unpublished, w.other_unpublished]:
        contribution.event = w.event
        contribution.article = w.article
        contribution.save()
    w.participants[2].organisation = w.organisation
    w.participants[2].save()
    return w


def world_fixture(builder=build_world, name="world"):
    """A module-scoped ``world`` fixture: the world built once per test module inside a
    transaction rolled back after the module's last test. Use as
    ``world = access.world_fixture()`` in a test module (``builder=build_minimal_world`` for the
    world of minimal records)."""

    @pytest.fixture(scope="module", name=name)
    def _world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            world = builder()
            yield world
            transaction.set_rollback(True)

    return _world


# --------------------------------------------------------------------------------------------
# Checking one cell
# --------------------------------------------------------------------------------------------
def client_for(role: str, client, world):
    """``client`` signed in as ``role``, with the session made when the world was built."""
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def client_for_fixture(role: str, client, request):
    """``client`` signed in as the ``<role>_user`` fixture of tests/conftest.py (one of
    ``FIXTURE_ROLES``), for the tests that make their own records rather than use the world."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(f"{role}_user"))
    return client


def body_text(response) -> str:
    """The answer as text: HTML, JSON, CSV and XML as they are; an XLSX workbook as its cells;
    a PDF as its pages' text."""
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "\t".join("" if value is None else str(value) for value in row)
            for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8", errors="replace")


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def newest_access_entry() -> int:
    """The number of the newest access-log entry (0 when there is none), to tell which entries
    a request wrote."""
    from accesslog.models import AccessEntry

    return AccessEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def shown_participants(world, text: str) -> list[set[int]]:
    """The world's private participants whose personal data ``text`` shows, as groups of
    register numbers of which at least one must be in the access log: a phone number is one
    person's; a name or an e-mail address is shared by the two twins (either may be the one
    shown)."""
    groups: dict[str, set[int]] = {}
    for participant in getattr(world, "participants", ()):
        if PRIVATE_NAME not in participant.name:
            continue  # the minimal worlds' participants carry no marker
        for shared in (participant.name, participant.email):
            groups.setdefault(shared, set()).add(participant.pk)
        phone = participant.phone
        for form in (phone, phone.replace(" ", "").lstrip("+")):
            groups.setdefault(form, set()).add(participant.pk)
    return [numbers for shown, numbers in groups.items() if shown in text]


def check_logged(world, text: str, since: int, where: str) -> None:
    """The walk of issue 18: an answer that shows a participant's personal data (a ``personal``
    marker, whoever asked) wrote an access-log entry naming the participants it showed; one
    that shows none wrote no entry."""
    from accesslog.models import AccessedRecord, AccessEntry

    entries = AccessEntry.objects.filter(pk__gt=since)
    shown = [t for t in MARKERS["personal"] if t in text]
    if not shown:
        assert not entries.exists(), (
            f"{where}: shows no personal data but wrote an access-log entry "
            f"({list(entries.values_list('what', 'records'))})"
        )
        return
    assert entries.exists(), f"{where}: shows personal data ({shown}) but wrote no access-log entry"
    logged = set(AccessedRecord.objects.filter(entry__in=entries)
                 .values_list("participant", flat=True))
    for numbers in shown_participants(world, text):
        assert logged & numbers, (
            f"{where}: shows participant(s) No. {sorted(numbers)} but the access log names "
            f"{sorted(logged)}"
        )


def check_cell(expectations: Mapping[str, Expect], name: str, role: str, world, client):
    """One cell: the status, the markers shown and hidden, and the access-log entry of an
    answer that shows personal data (``check_logged``)."""
    expect = expectations[name]
    url = expect.url(name, world)
    since = newest_access_entry()
    response = client_for(role, client, world).get(url)
    wanted = expect.status[role]
    where = f"GET {url} as {role}"
    if isinstance(wanted, Redirect):
        assert response.status_code == 302, f"{where}: {response.status_code}, not a redirect"
        assert response["Location"].startswith(wanted.location(url)), (
            f"{where}: redirected to {response['Location']}"
        )
    else:
        assert response.status_code == wanted, f"{where}: {response.status_code} not {wanted}"
        if wanted == 200 and expect.content_type:
            assert response["Content-Type"].startswith(expect.content_type), where
    text = marker_text(body_text(response))
    if expect.echo:
        text = text.replace(expect.echo, "")
    if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
        # The portal's own 404 page (templates/404.html), not a bare one: it keeps the
        # navigation.
        assert "Main navigation" in text, f"{where}: a bare 404 page"
    for marker, texts in MARKERS.items():
        if role in expect.shows.get(marker, ()):
            assert any(t in text for t in texts), f"{where}: should show {marker}"
        elif role not in expect.may_show.get(marker, ()):
            found = [t for t in texts if t in text]
            assert not found, f"{where}: shows {marker} ({found})"
    check_logged(world, text, since, where)
    return response, text


def every_row_count():
    """The number of rows of every model, to prove that a refused POST wrote nothing."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        and model._meta.label != "sessions.Session"
    }


