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
  (and, for a project with no dated record at all, the file's date, said so). A date is
  given as actual (2 start, 4 end) only when it is not in the future (IATI: actual dates are
  never in the future); a later one is given as planned (1, 3). A start that the record's own
  dates would put after the end date (a start year, or an earliest event, after it) is given
  as the end date, said so: IATI wants the start no later than the end.
- **recipient-country** (ISO 3166-1 codes) or, without countries, **recipient-region** from the
  region's name (OECD DAC region codes, vocabulary 1: "Central Asia…" → 619 Central Asia,
  regional; "Global" → 998 developing countries, unspecified); with neither, 998 with a
  narrative saying that the record names no recipient (IATI wants one). Always at activity
  level, never on transactions: the transactions are donors' money coming to UNODC for the
  whole activity, so they have no recipient of their own, and IATI's Standard Ruleset forbids
  giving them in both places. Percentages are given only for a single recipient (100): the
  bulletin states no split between several, and the ruleset asks for none.
- **sector** (OECD DAC 5-digit, vocabulary 1) from the themes, see ``THEME_SECTORS``;
  duplicates merged; without a mapped theme, 99810 (sectors not specified). IATI's Standard
  Ruleset wants the percentages of each vocabulary to add up to exactly 100; the record states
  no split, so the sectors share it equally, in hundredths that add up (``shares()``: 50 + 50,
  33.33 + 33.33 + 33.34).
- **budget** where the project has an amount and both period dates (type 1 original, status 1
  indicative) and the period is at most one year long, as IATI asks of a budget period; a
  longer one would need a split by year that the record does not give, so it is stated in a
  description of type 4 (other) instead, amount, currency and period as recorded.
- **transaction** for each published contribution with an amount and a date that is not in the
  future (a transaction is money that has moved or been promised; IATI refuses future
  transaction and value dates; it joins the file on its day): received → 1
  (incoming funds), committed → 11 (incoming commitment), pledged → 13 (incoming pledge), not
  stated → 11; value with its currency and value-date (the contribution's date); provider-org
  the donor; receiver-org UNODC.
- **document-link** to the project's page on the portal (category A12, activity web page) and
  **related-activity** links between a programme and its projects when both are in the file.

- **result** for each result of the project's framework that has an indicator, from
  ``results.progress.frameworks`` as an anonymous visitor sees it (approved actuals only, never
  a pending one; demo projects are not in the file at all): outcome → type 2, output → type 1;
  an output under an outcome is given flat, after its outcome, its description naming the
  outcome. Each indicator: measure 2 (percentage) for a percentage, else 1 (unit), its unit,
  description and qualitative note in its description; a baseline where it has a value and a
  date (IATI needs the year); a period for each of its periods with a numeric target or a
  numeric actual (a result stated only in words has no period: its note is the indicator's
  description). An actual's breakdown by sex or by country is given as one more ``actual`` per
  group with its ``dimension`` (sex: female/male; country: ISO code), and only where none of
  the breakdown's groups is hidden by the small-group rule: a breakdown with a hidden group is
  left out whole, so that nothing hidden can be worked out from the total.

Languages: the file is in English (``xml:lang="en"`` on each activity), whatever language is
active. Where Russian content exists — a project's ``title_ru`` or ``description_ru``, an
organisation's ``name_ru`` (django-modeltranslation) — a ``<narrative xml:lang="ru">`` follows
the English one: in the title, the description (type 1), the beneficiary agencies (type 3), an
implementing organisation's name, a result's and an indicator's title and description; and a
project with a Russian title gets a second document-link, to its page in Russian
(``<language code="ru"/>``). Nothing is translated by machine: no Russian content, no Russian
narrative.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Min, OuterRef, Prefetch, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from lxml import etree

from activities.models import Article, Event, Organisation, Project
from donors.models import Contribution, Donor
from results.models import Indicator, Result
from results.progress import Actual, IndicatorRow, ResultRow, frameworks

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

# Without a theme that maps to a sector: OECD DAC 99810, sectors not specified.
UNSPECIFIED_SECTOR = ("99810", "Sectors not specified")
# Without a country or a known region: DAC region 998, developing countries, unspecified.
UNSPECIFIED_REGION = "998"

# IATI ResultType and IndicatorMeasure codes.
RESULT_TYPES = {Result.Kind.OUTPUT: "1", Result.Kind.OUTCOME: "2"}
MEASURE_UNIT = "1"
MEASURE_PERCENTAGE = "2"
# The breakdowns of an actual given as IATI dimensions, in this order.
DIMENSIONS = ("sex", "country")

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


def activity_dates(project: Project, today: datetime.date | None = None
                   ) -> list[tuple[str, datetime.date, str]]:
    """(IATI ActivityDateType, date, narrative) for a project; never empty. Actual dates (2, 4)
    are never in the future, and the start is never after the end."""
    today = today or timezone.localdate()
    planned = project.status == Project.Status.PLANNED
    completed = project.status == Project.Status.COMPLETED
    # A stated start is planned for a planned project; one taken from the record (an event, an
    # article, a bulletin) is a date something happened, so actual.
    stated = True
    if project.start_date:
        start, wording = project.start_date, ""
    elif project.start_year:
        start = datetime.date(project.start_year, 1, 1)
        wording = f"Started in {project.start_year}; the day and month are not stated."
    else:
        stated = False
        known = [d for d in (project.first_event, project.first_article) if d]
        if known:
            start, wording = min(known), ("The start date is not stated; this is the date of "
                                          "the earliest event or article on record for the "
                                          "project.")
        elif project.first_bulletin:
            start, wording = project.first_bulletin, (
                "The start date is not stated; the project is reported in the bulletin for the "
                "period from this date.")
        else:
            start, wording = today, ("No date is on record for this project; this is the date "
                                     "the file was generated.")
    end = project.end_date
    if end and start > end:
        start, wording = end, (f"{wording} Given as the end date, since the record would put "
                               f"the start after it.").strip()
    dates = [("1" if (planned and stated) or start > today else "2", start, wording)]
    if end:
        dates.append(("4" if completed and end <= today else "3", end, ""))
    return dates


def region_code(region: str) -> str:
    name = region.strip().lower()
    return next((code for prefix, code in REGIONS if name.startswith(prefix)), "")


def sectors(project: Project) -> list[tuple[str, str]]:
    """The DAC sectors of the project's themes, each once; 99810 (not specified) where none
    maps."""
    found = [THEME_SECTORS[t.slug] for t in project.themes.all() if t.slug in THEME_SECTORS]
    return list(dict.fromkeys(found)) or [UNSPECIFIED_SECTOR]


def shares(count: int) -> list[str]:
    """100 split into ``count`` equal shares in hundredths that add up to exactly 100: the
    leftover hundredths go one each to the last shares (3 → 33.33, 33.33, 33.34). Whole numbers
    are written without decimals."""
    if count < 1:
        return []
    base, left = divmod(10000, count)
    cents = [base] * (count - left) + [base + 1] * left
    return [format((Decimal(c) / 100).normalize(), "f") for c in cents]


def within_a_year(start: datetime.date, end: datetime.date) -> bool:
    """The period is at most one year long (IATI's limit for a budget period): its end is no
    later than the same day a year after its start (28 February for a 29 February start)."""
    try:
        limit = start.replace(year=start.year + 1)
    except ValueError:
        limit = start.replace(year=start.year + 1, day=28)
    return end <= limit


def number(value: Decimal) -> str:
    """A value as IATI's results write it: plain digits, no exponent, no trailing zeros."""
    return format(Decimal(value).normalize(), "f")


def activity(project: Project, project_ids: set[int], page_url,
             project_results: Sequence[ResultRow] = ()) -> etree._Element:
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
    if (project.budget_amount is not None and project.start_date and project.end_date
            and not has_annual_budget(project)):
        _narrative(etree.SubElement(element, "description", type="4"),
                   f"Budget: {project.budget_currency} {project.budget_amount:,.2f} for "
                   f"{project.start_date.isoformat()} to {project.end_date.isoformat()}, as "
                   f"recorded; IATI's budget periods are at most a year long and the record "
                   f"gives no split by year.")

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
    if not countries:
        code = region_code(project.region)
        region = etree.SubElement(element, "recipient-region", code=code or UNSPECIFIED_REGION,
                                  vocabulary="1", percentage="100")
        _narrative(region, project.region if code else
                   "The record names no recipient country or region.")

    found = sectors(project)
    for (code, name), share in zip(found, shares(len(found)), strict=True):
        _narrative(etree.SubElement(element, "sector", vocabulary="1", code=code,
                                    percentage=share), name)

    if has_annual_budget(project):
        budget = etree.SubElement(element, "budget", type="1", status="1")
        _date(budget, "period-start", project.start_date)
        _date(budget, "period-end", project.end_date)
        _value(budget, project.budget_amount, project.budget_currency, project.start_date)

    today = timezone.localdate()
    for contribution in contributions:
        if contribution.amount is None or contribution.date is None or contribution.date > today:
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
    for row, parent in flattened(project_results):
        result_element(element, row, parent)
    return element


def has_annual_budget(project: Project) -> bool:
    return (project.budget_amount is not None and project.start_date is not None
            and project.end_date is not None
            and within_a_year(project.start_date, project.end_date))


def flattened(rows: Sequence[ResultRow]) -> list[tuple[ResultRow, Result | None]]:
    """The framework's results in order, each output under an outcome right after it with the
    outcome beside it; only results with an indicator (IATI wants at least one)."""
    out = []
    for row in rows:
        out.append((row, None))
        out.extend((output, row.result) for output in row.outputs)
    return [(row, parent) for row, parent in out if row.indicators]


def _texts(*pairs: tuple[str, str]) -> tuple[str, str]:
    """English and Russian paragraphs joined; the Russian text only where some Russian content
    exists, completed with the English of the parts that have none."""
    english = "\n\n".join(en for en, _ in pairs if en)
    if not any(ru for _, ru in pairs):
        return english, ""
    return english, "\n\n".join(ru or en for en, ru in pairs if en or ru)


def parent_wording(parent: Result, language: str) -> str:
    title = russian(parent, "title") if language == RUSSIAN else parent.title
    with translation.override(language):
        return gettext("Contributes to the outcome: %(title)s") % {
            "title": title or parent.title}


def unit_wording(unit: str, language: str) -> str:
    with translation.override(language):
        return gettext("Unit: %(unit)s.") % {"unit": unit}


def result_element(activity_element, row: ResultRow, parent: Result | None):
    """One ``result``: title, description (with the outcome an output contributes to), its
    indicators."""
    result = row.result
    element = etree.SubElement(activity_element, "result", type=RESULT_TYPES[result.kind])
    _narrative(etree.SubElement(element, "title"), result.title, russian(result, "title"))
    pairs = [(result.description, russian(result, "description"))]
    if parent is not None:
        parent_ru = parent_wording(parent, RUSSIAN) if (
            russian(parent, "title") or russian(result, "title")) else ""
        pairs.insert(0, (parent_wording(parent, settings.LANGUAGE_CODE), parent_ru))
    english, in_russian = _texts(*pairs)
    if english:
        _narrative(etree.SubElement(element, "description"), english, in_russian)
    for indicator_row in row.indicators:
        indicator_element(element, indicator_row)


def indicator_element(result_element_, row: IndicatorRow):
    indicator = row.indicator
    measure = (MEASURE_PERCENTAGE if indicator.measure == Indicator.Measure.PERCENTAGE
               else MEASURE_UNIT)
    element = etree.SubElement(result_element_, "indicator", measure=measure)
    _narrative(etree.SubElement(element, "title"), indicator.title, russian(indicator, "title"))
    unit = ((unit_wording(indicator.unit, settings.LANGUAGE_CODE),
             unit_wording(russian(indicator, "unit"), RUSSIAN) if russian(indicator, "unit")
             else "") if indicator.unit else ("", ""))
    english, in_russian = _texts(
        (indicator.description, russian(indicator, "description")),
        (indicator.qualitative_note, russian(indicator, "qualitative_note")),
        unit,
    )
    if english:
        _narrative(etree.SubElement(element, "description"), english, in_russian)
    if indicator.baseline_value is not None and indicator.baseline_date is not None:
        baseline = etree.SubElement(element, "baseline", **{
            "year": str(indicator.baseline_date.year),
            "iso-date": indicator.baseline_date.isoformat(),
            "value": number(indicator.baseline_value),
        })
        if indicator.baseline_note:
            _narrative(etree.SubElement(baseline, "comment"), indicator.baseline_note,
                       russian(indicator, "baseline_note"))
    for period_row in row.periods:
        actual = period_row.actual
        numeric = actual.state == Actual.VALUE and actual.value is not None
        if period_row.target is None and not numeric:
            continue  # nothing numeric: a result in words, or nothing yet
        period = etree.SubElement(element, "period")
        _date(period, "period-start", period_row.period.start)
        _date(period, "period-end", period_row.period.end)
        if period_row.target is not None:
            etree.SubElement(period, "target", value=number(period_row.target))
        if numeric:
            etree.SubElement(period, "actual", value=number(actual.value))
            for name, cells in shown_breakdowns(actual):
                for cell in cells:
                    etree.SubElement(
                        etree.SubElement(period, "actual", value=number(cell.value)),
                        "dimension", name=name, value=str(cell.key or cell.label))


def shown_breakdowns(actual: Actual):
    """The actual's breakdowns (sex, country) none of whose groups is hidden by the small-group
    rule (a hidden group has no value): a breakdown with one hidden is left out whole."""
    for name in DIMENSIONS:
        cells = actual.breakdown.get(name) or []
        if cells and all(cell.value is not None for cell in cells):
            yield name, cells


def activities_document(page_url=lambda path: path) -> bytes:
    """The whole file as UTF-8 XML. ``page_url`` makes a portal path absolute. In English (the
    default language) whatever language is active, with the Russian narratives beside."""
    with translation.override(settings.LANGUAGE_CODE):
        return _activities_document(page_url)


def _activities_document(page_url) -> bytes:
    projects = list(unodc_projects())
    ids = {project.pk for project in projects}
    # Results as an anonymous visitor sees them: approved actuals only, protected breakdowns.
    results = frameworks(projects, AnonymousUser()) if projects else {}
    root = etree.Element("iati-activities", version=IATI_VERSION, **{
        "generated-datetime": timezone.now().replace(microsecond=0).isoformat(),
    })
    for project in projects:
        root.append(activity(project, ids, page_url, results.get(project.pk, [])))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
