"""The IATI 2.03 activity file (``/iati/activities.xml``): every project that UNODC implements.

Published, real data only, whoever asks: contributions come from
``Contribution.objects.visible_to`` with no user (published ones), articles from
``Article.objects.published()``; projects and events are real ones (``real()``: no demo
record). Projects of other agencies that the bulletin only mentions (BOMCA, CADAP) are not
UNODC's to report and are left out: a project is in the file when its implementers include
the organisation ``unodc``.

What each activity holds, and the choices made where the portal's data and IATI's codelists
do not meet one to one:

- **iati-identifier** ``XM-DAC-41114-<project code>``: UNODC's IATI organisation identifier
  (``XM-DAC-41114``, the reporting-org ref) followed by the project's code.
- **reporting-org** UNODC, type 40 (multilateral).
- **title**; **description** type 1 (the project's description, or its title where it has none);
  **description** type 3 (target groups) naming the beneficiary agencies. IATI 2.03's
  OrganisationRole codelist has four roles (funding, accountable, extending, implementing) and
  none for beneficiaries, so they are not given a participating-org role they do not have.
- **participating-org**: role 1 (funding) for each donor with a published contribution to the
  project, typed from ``Donor.kind``; role 4 (implementing) for UNODC and any co-implementer.
- **activity-status** from ``Project.status``: planned → 1 (pipeline), ongoing → 2
  (implementation), completed → 3 (finalisation: the portal does not know of financial closure);
  not stated → 2, since the bulletin reports each of them as current work and IATI has no
  "unknown" status.
- **activity-date** (at least one is required): the start date (type 2 actual, or 1 planned for a
  planned project) and end date (4 actual for a completed project, else 3 planned). Where only the
  start year is known, 1 January of it with a narrative saying so; where nothing is known, the
  earliest dated event or published article of the project, else the start of the period of the
  first bulletin that reports it, type 2, with a narrative saying that the start was not stated
  (and, for a project with no dated record at all, the file's date, said so).
- **recipient-country** (ISO 3166-1 codes) or, without countries, **recipient-region** from the
  region's name (OECD DAC region codes, vocabulary 1: "Central Asia…" → 619 Central Asia,
  regional; "Global" → 998 developing countries, unspecified). Percentages are given only for a
  single recipient (100): the bulletin states no split between several.
- **sector** (OECD DAC 5-digit, vocabulary 1) from the themes, see ``THEME_SECTORS``; duplicates
  merged, no percentages for the same reason.
- **budget** where the project has an amount and both period dates (type 1 original, status 1
  indicative).
- **transaction** for each published contribution with an amount and a date: received → 1
  (incoming funds), committed → 11 (incoming commitment), pledged → 13 (incoming pledge), not
  stated → 11; value with its currency and value-date (the contribution's date); provider-org
  the donor; receiver-org UNODC.
- **document-link** to the project's page on the portal (category A12, activity web page) and
  **related-activity** links between a programme and its projects when both are in the file.

Languages: the file is in English (``xml:lang="en"`` on each activity), whatever language is
active. Where Russian content exists — a project's ``title_ru`` or ``description_ru``, an
organisation's ``name_ru`` (django-modeltranslation) — a ``<narrative xml:lang="ru">`` follows
the English one: in the title, the description (type 1), the beneficiary agencies (type 3), an
implementing organisation's name; and a project with a Russian title gets a second
document-link, to its page in Russian (``<language code="ru"/>``). Nothing is translated by
machine: no Russian content, no Russian narrative.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Min, OuterRef, Prefetch, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from lxml import etree

from activities.models import Article, Event, Organisation, Project
from donors.models import Contribution, Donor

IATI_VERSION = "2.03"
RUSSIAN = "ru"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The file's name when saved from the browser or the open-data page.
FILENAME = "unodc-central-asia-iati-activities.xml"
UNODC_SLUG = "unodc"
UNODC_REF = "XM-DAC-41114"
UNODC_NAME = "United Nations Office on Drugs and Crime"
MULTILATERAL = "40"

# OECD DAC 5-digit purpose codes (IATI Sector vocabulary 1) for the portal's themes:
THEME_SECTORS = {
    # 16063 Narcotics control: in-country and customs controls, training of the police,
    # education and awareness campaigns to restrict narcotics traffic.
    "law-enforcement": ("16063", "Narcotics control"),
    "precursor-control": ("16063", "Narcotics control"),
    "border-control": ("16063", "Narcotics control"),
    "drug-demand-reduction-and-prevention": ("16063", "Narcotics control"),
    # The Paris Pact and its ADAM mechanism coordinate donors against Afghan opiates.
    "donor-coordination": ("16063", "Narcotics control"),
    # 15130 Legal and judicial development: justice systems, including penal reform.
    "rule-of-law-and-criminal-justice": ("15130", "Legal and judicial development"),
    "prison-reform": ("15130", "Legal and judicial development"),
    "legal-advisory": ("15130", "Legal and judicial development"),
    # 15113 Anti-corruption organisations and institutions.
    "anti-corruption": ("15113", "Anti-corruption organisations and institutions"),
    # 13040 STD control including HIV/AIDS.
    "hiv-aids": ("13040", "STD control including HIV/AIDS"),
}

STATUS_CODES = {
    Project.Status.PLANNED: "1",
    Project.Status.ONGOING: "2",
    Project.Status.COMPLETED: "3",
    Project.Status.NOT_STATED: "2",
}

TRANSACTION_TYPES = {
    Contribution.Status.RECEIVED: "1",
    Contribution.Status.COMMITTED: "11",
    Contribution.Status.PLEDGED: "13",
    Contribution.Status.NOT_STATED: "11",
}

# IATI OrganisationType codes for the kinds of donor.
DONOR_TYPES = {
    Donor.Kind.GOVERNMENT: "10",
    Donor.Kind.AGENCY: "10",
    Donor.Kind.INTERGOVERNMENTAL: "40",
    Donor.Kind.FOUNDATION: "60",
    Donor.Kind.PRIVATE: "70",
}

ORGANISATION_TYPES = {
    Organisation.Kind.GOVERNMENT: "10",
    Organisation.Kind.POLICE: "10",
    Organisation.Kind.UN: MULTILATERAL,
    Organisation.Kind.INTERNATIONAL: MULTILATERAL,
    Organisation.Kind.NGO: "21",
    Organisation.Kind.UNIVERSITY: "80",
}

# OECD DAC region codes (vocabulary 1), matched on the start of the region's name.
REGIONS = [
    ("central asia", "619"),
    ("global", "998"),
]


def iati_identifier(project: Project) -> str:
    return f"{UNODC_REF}-{project.code}"


def unodc_projects():
    """The projects UNODC implements, with everything the file reads (a fixed number of
    queries whatever their number)."""
    published = Contribution.objects.visible_to(None)
    # The earliest of the project's events, from its links (the project_id index), not by
    # walking every event in date order until one of the project's turns up.
    first_event = (
        Event.projects.through.objects
        .filter(project=OuterRef("pk"), event__is_demo=False, event__start_date__isnull=False)
        .order_by().values("project").annotate(first=Min("event__start_date")).values("first")
    )
    first_article = Article.objects.published().filter(
        projects=OuterRef("pk"), start_date__isnull=False
    )
    return (
        Project.objects.real().filter(implementers__slug=UNODC_SLUG)
        .select_related("parent")
        .annotate(
            first_event=Subquery(first_event),
            first_article=Subquery(
                first_article.order_by("start_date").values("start_date")[:1]
            ),
            first_bulletin=Subquery(
                Article.objects.published().filter(
                    projects=OuterRef("pk"), bulletin__period_start__isnull=False
                ).order_by("bulletin__period_start").values("bulletin__period_start")[:1]
            ),
        )
        .prefetch_related(
            "countries", "themes",
            Prefetch("implementers", queryset=Organisation.objects.real()),
            Prefetch("beneficiaries", queryset=Organisation.objects.real()),
            Prefetch("children", queryset=Project.objects.real().filter(
                implementers__slug=UNODC_SLUG).only("code", "parent")),
            Prefetch("contributions", to_attr="published_contributions",
                     queryset=published.select_related("donor").order_by("date", "key")),
        )
        .order_by("code")
    )


def _narrative(parent, text: str, russian: str = ""):
    """The English narrative and, where a different Russian text is given, a Russian one."""
    etree.SubElement(parent, "narrative").text = text
    if russian and russian != text:
        etree.SubElement(parent, "narrative", {XML_LANG: RUSSIAN}).text = russian


def russian(record, field: str) -> str:
    """The Russian version of a translated field (``<field>_ru``), or "" where there is none
    (no fallback to English here)."""
    return getattr(record, f"{field}_{RUSSIAN}", None) or ""


def _org(parent, tag: str, name: str, ref: str = "", org_type: str = "", russian_name: str = "",
         **attributes):
    element = etree.SubElement(parent, tag)
    if ref:
        element.set("ref", ref)
    if org_type:
        element.set("type", org_type)
    for key, value in attributes.items():
        element.set(key, value)
    _narrative(element, name, russian_name)
    return element


def organisation_label(organisation, language: str) -> str:
    """``str(organisation)`` (its name, and acronym) in ``language``."""
    with translation.override(language):
        return str(organisation)


def beneficiaries_wording(beneficiaries, language: str) -> str:
    with translation.override(language):
        return gettext("Beneficiary agencies: %(names)s.") % {
            "names": "; ".join(str(o) for o in beneficiaries)
        }


def _date(parent, tag: str, day: datetime.date, **attributes):
    element = etree.SubElement(parent, tag, {**attributes, "iso-date": day.isoformat()})
    return element


def _value(parent, amount, currency: str, day: datetime.date):
    element = etree.SubElement(parent, "value", currency=currency, **{
        "value-date": day.isoformat()
    })
    element.text = f"{amount:f}"


def activity_dates(project: Project) -> list[tuple[str, datetime.date, str]]:
    """(IATI ActivityDateType, date, narrative) for a project; never empty."""
    planned = project.status == Project.Status.PLANNED
    completed = project.status == Project.Status.COMPLETED
    dates = []
    if project.start_date:
        dates.append(("1" if planned else "2", project.start_date, ""))
    elif project.start_year:
        dates.append(("1" if planned else "2", datetime.date(project.start_year, 1, 1),
                      f"Started in {project.start_year}; the day and month are not stated."))
    else:
        known = [d for d in (project.first_event, project.first_article) if d]
        if known:
            dates.append(("2", min(known), "The start date is not stated; this is the date of "
                          "the earliest event or article on record for the project."))
        elif project.first_bulletin:
            dates.append(("2", project.first_bulletin, "The start date is not stated; the "
                          "project is reported in the bulletin for the period from this date."))
        else:
            dates.append(("2", timezone.localdate(), "No date is on record for this project; "
                          "this is the date the file was generated."))
    if project.end_date:
        dates.append(("4" if completed else "3", project.end_date, ""))
    return dates


def region_code(region: str) -> str:
    name = region.strip().lower()
    return next((code for prefix, code in REGIONS if name.startswith(prefix)), "")


def sectors(project: Project) -> list[tuple[str, str]]:
    found = [THEME_SECTORS[t.slug] for t in project.themes.all() if t.slug in THEME_SECTORS]
    return list(dict.fromkeys(found))


def activity(project: Project, project_ids: set[int], page_url) -> etree._Element:
    element = etree.Element("iati-activity")
    element.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    etree.SubElement(element, "iati-identifier").text = iati_identifier(project)
    _org(element, "reporting-org", UNODC_NAME, UNODC_REF, MULTILATERAL)
    _narrative(etree.SubElement(element, "title"), project.title, russian(project, "title"))
    _narrative(
        etree.SubElement(element, "description", type="1"),
        project.description or project.title,
        russian(project, "description") or ("" if project.description
                                            else russian(project, "title")),
    )
    beneficiaries = list(project.beneficiaries.all())
    if beneficiaries:
        in_russian = any(russian(o, "name") for o in beneficiaries)
        _narrative(etree.SubElement(element, "description", type="3"),
                   beneficiaries_wording(beneficiaries, settings.LANGUAGE_CODE),
                   beneficiaries_wording(beneficiaries, RUSSIAN) if in_russian else "")

    contributions = project.published_contributions
    donors = list({c.donor_id: c.donor for c in contributions}.values())
    for donor in sorted(donors, key=lambda d: d.name):
        _org(element, "participating-org", donor.name, org_type=DONOR_TYPES.get(donor.kind, ""),
             role="1")
    for organisation in project.implementers.all():
        if organisation.slug == UNODC_SLUG:
            _org(element, "participating-org", UNODC_NAME, UNODC_REF, MULTILATERAL, role="4")
        else:
            _org(element, "participating-org", str(organisation),
                 org_type=ORGANISATION_TYPES.get(organisation.kind, ""), role="4",
                 russian_name=organisation_label(organisation, RUSSIAN)
                 if russian(organisation, "name") else "")

    etree.SubElement(element, "activity-status", code=STATUS_CODES[project.status])
    for date_type, day, wording in activity_dates(project):
        date = _date(element, "activity-date", day, type=date_type)
        if wording:
            _narrative(date, wording)

    countries = list(project.countries.all())
    for country in countries:
        attributes = {"code": country.code.code}
        if len(countries) == 1:
            attributes["percentage"] = "100"
        etree.SubElement(element, "recipient-country", attributes)
    if not countries and region_code(project.region):
        region = etree.SubElement(element, "recipient-region", code=region_code(project.region),
                                  vocabulary="1", percentage="100")
        _narrative(region, project.region)

    for code, name in sectors(project):
        _narrative(etree.SubElement(element, "sector", vocabulary="1", code=code), name)

    if project.budget_amount is not None and project.start_date and project.end_date:
        budget = etree.SubElement(element, "budget", type="1", status="1")
        _date(budget, "period-start", project.start_date)
        _date(budget, "period-end", project.end_date)
        _value(budget, project.budget_amount, project.budget_currency, project.start_date)

    for contribution in contributions:
        if contribution.amount is None or contribution.date is None:
            continue
        transaction = etree.SubElement(element, "transaction", ref=contribution.key)
        etree.SubElement(transaction, "transaction-type",
                         code=TRANSACTION_TYPES[contribution.status])
        _date(transaction, "transaction-date", contribution.date)
        _value(transaction, contribution.amount, contribution.currency, contribution.date)
        what = contribution.get_kind_display()
        if contribution.in_kind_description:
            what = f"{what}: {contribution.in_kind_description}"
        _narrative(etree.SubElement(transaction, "description"), what)
        _org(transaction, "provider-org", contribution.donor.name,
             org_type=DONOR_TYPES.get(contribution.donor.kind, ""))
        _org(transaction, "receiver-org", UNODC_NAME, UNODC_REF, MULTILATERAL)

    link = etree.SubElement(element, "document-link", format="text/html",
                            url=page_url(project.get_absolute_url()))
    _narrative(etree.SubElement(link, "title"), f"{project.code} on the UNODC Central Asia portal")
    etree.SubElement(link, "category", code="A12")
    if russian(project, "title"):
        with translation.override(RUSSIAN):
            address = project.get_absolute_url()
            wording = gettext("%(code)s on the UNODC Central Asia portal") % {
                "code": project.code
            }
        link = etree.SubElement(element, "document-link", format="text/html",
                                url=page_url(address))
        _narrative(etree.SubElement(link, "title"),
                   f"{project.code} on the UNODC Central Asia portal, in Russian", wording)
        etree.SubElement(link, "category", code="A12")
        etree.SubElement(link, "language", code=RUSSIAN)

    if project.parent_id in project_ids:
        etree.SubElement(element, "related-activity", type="1",
                         ref=iati_identifier(project.parent))
    for child in project.children.all():
        etree.SubElement(element, "related-activity", type="2", ref=iati_identifier(child))
    return element


def activities_document(page_url=lambda path: path) -> bytes:
    """The whole file as UTF-8 XML. ``page_url`` makes a portal path absolute. In English (the
    default language) whatever language is active, with the Russian narratives beside."""
    with translation.override(settings.LANGUAGE_CODE):
        return _activities_document(page_url)


def _activities_document(page_url) -> bytes:
    projects = list(unodc_projects())
    ids = {project.pk for project in projects}
    root = etree.Element("iati-activities", version=IATI_VERSION, **{
        "generated-datetime": timezone.now().replace(microsecond=0).isoformat(),
    })
    for project in projects:
        root.append(activity(project, ids, page_url))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
