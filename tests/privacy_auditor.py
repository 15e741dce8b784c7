"""An attacker's view of the participant figures (issue 11, point 2; README, "Privacy").

The auditor reads what an anonymous visitor is served — the breakdown tables of event pages and
the home page, the charts' JSON on them, and ``/api/events/`` — never the portal's own objects.
From it, and from the published method (Kerckhoffs: the attacker knows the algorithm), it builds
every linear fact a reader has about the hidden groups:

- a shown count is exact; "fewer than 3" is 1 or 2; a group not listed is 0;
- the groups of a breakdown add up to the printed total, which every breakdown of the same
  population shares;
- the method's facts: "not shown" is at least 3 and no more than any shown group (less one when
  that group's label sorts first: ties go to the label first); a breakdown that lists no
  group (withheld) only says its groups add up to the total;
- the served order: under the method, shown groups largest first, hidden groups after them by
  label — which says nothing more. ``Rules.MAIN`` states instead what main (789fe32) served:
  every row ordered by count, so a hidden row is no larger than the row above it and no smaller
  than the row below it;
- populations that are the same (an event's page, its charts and its API answer) share their
  unknowns. The home page publishes for the register only the events' figures added up
  (``activities.aggregates.register_figures``): its headline is the registrations at every event
  ("at least N" counts an event of "fewer than 3" as 1), and each group of a breakdown is the sum
  of that group over the events whose breakdown this way is listed (a shown number, or "not
  shown"). The auditor ties each to the events' unknowns by those sums.
- a country's page publishes its people's registrations as the events publish them
  (``activities.aggregates.country_figures``): each group of its breakdowns by year and by kind
  of event is the sum of the country's group over the events of that year or kind whose
  by-country breakdown is listed, its headline all of them added up ("at least N" where some
  hide it). The auditor reads each event's year and kind from the API and ties the country's
  groups to the events' cells by those sums (``served_countries``, ``audit(countries=…)``).

For each hidden group, an integer program (``scipy.optimize.milp``) finds its smallest and
largest feasible value; a group is *narrowed* when that interval no longer holds every value its
label allows: {1, 2} for "fewer than 3", at least two values for "not shown".
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field

import numpy as np
from lxml import html as lxml_html
from scipy.optimize import Bounds, LinearConstraint, milp

FEWER_THAN = "fewer than 3"
NOT_SHOWN = "not shown"
HIDDEN = (FEWER_THAN, NOT_SHOWN)
DIMENSIONS = {"sex": "sex", "country": "country", "agency": "organisation"}
UNSEEN = "\0 any group not listed anywhere"
REGISTER = "register"
REGISTRATIONS = "registrations"  # the home page's headline, a dimension of its own
COUNTRY = "country:"  # a country page's population: "country:<label>"
FACETS = ("year", "kind")  # a country page's breakdowns: by the events' year and kind
# Issue 14: a part of the register, "part:<name>" — the events of a project added up on the donor
# pages (``activities.aggregates.registrations_by``), tied to those events like the register.
PART = "part:"


def is_sum(population: str) -> bool:
    """A population that adds up events' published figures: the register, or a part of it."""
    return population == REGISTER or population.startswith(PART)


class Rules(enum.Enum):
    """The method the attacker assumes was applied."""

    CURRENT = "current"  # activities.privacy.protect as of issue 11
    MAIN = "main"  # main at 789fe32: every row by count, "not shown" ≥ 3 only beside a small one


def label_key(label: str) -> tuple[str, str]:
    """The published label order (``activities.privacy.label_order``, without the address)."""
    return (label.casefold(), label)


def parse_number(text: str) -> int | None:
    """A count as printed: "1,234" in English, "1 234" (a no-break or narrow space) in
    Russian."""
    text = text.strip().replace(",", "")
    for space in "\u00a0\u202f\u2009 ":
        text = text.replace(space, "")
    return int(text) if text.isdigit() else None


@dataclass
class Observed:
    """One breakdown as served: ``rows`` are (label, shown) in the served order; ``total`` is
    None when it reads "fewer than 3"."""

    population: str
    dimension: str
    total: int | None
    withheld: bool
    rows: list[tuple[str, str]]
    source: str


# ------------------------------------------------------------------------------------------
# Reading what is served
# ------------------------------------------------------------------------------------------
def _text(element) -> str:
    return " ".join(element.text_content().split())


def page_total(html: str, kind: str) -> int | None:
    """The registered-participant total printed on an event page (``kind="event"``), or the
    registrations on the home page (the smallest value it allows: "at least N" reads N)."""
    tree = lxml_html.fromstring(html)
    if kind == "event":
        for dt in tree.iter("dt"):
            if _text(dt) == "Registered in the portal":
                return parse_number(_text(dt.getnext()))
        raise AssertionError("no registered total on the event page")
    return home_registrations(html)[0]


def home_registrations(html: str) -> tuple[int, bool]:
    """The home page's registrations: (N, exact) for "N" or "at least N"."""
    tree = lxml_html.fromstring(html)
    for paragraph in tree.find_class("figure-value"):
        if _text(paragraph.getnext()).startswith("registrations at "):
            text = _text(paragraph)
            exact = not text.startswith("at least ")
            return parse_number(text.removeprefix("at least ")), exact
    raise AssertionError("no registrations on the home page")


def from_page(html: str, prefix: str, population: str, total: int | None) -> list[Observed]:
    """The breakdown tables ``{prefix}-sex-table`` etc. of a page, and its charts' JSON."""
    tree = lxml_html.fromstring(html)
    observed = []
    for short, dimension in DIMENSIONS.items():
        table = tree.get_element_by_id(f"{prefix}-{short}-table", None)
        if table is None:
            continue
        rows, withheld = [], False
        for tr in table.find("tbody").iter("tr"):
            cells = tr.xpath("./th|./td")
            if len(cells) == 1:
                withheld = "Not shown" in _text(cells[0])
                continue
            rows.append((_text(cells[0]), _text(cells[1])))
        foot = table.find("tfoot")
        table_total = total
        if foot is not None:
            printed = _text(foot.xpath(".//td")[0])
            if is_sum(population):  # a breakdown's own total: its events' registrations
                table_total = parse_number(printed)
            else:
                assert parse_number(printed) == total or (printed == FEWER_THAN and total is None)
        elif is_sum(population):
            table_total = None
        observed.append(Observed(population, dimension, table_total, withheld, rows,
                                 f"{prefix} table"))
        script = tree.get_element_by_id(f"{prefix}-{short}-chart-data", None)
        if script is not None:
            observed.append(from_chart(json.loads(script.text), population, dimension,
                                       table_total, f"{prefix} chart"))
    if not observed and total is not None and total > 0:  # the whole population withheld
        observed = [Observed(population, dimension, total, True, [], f"{prefix} page")
                    for dimension in DIMENSIONS.values()]
    return observed


def from_chart(spec: dict, population: str, dimension: str, total, source: str) -> Observed:
    rows = []
    display = spec["datasets"][0]["display"]
    data = spec["datasets"][0]["data"]
    for label, shown, value in zip(spec["labels"], display, data, strict=True):
        if shown in HIDDEN:
            assert value is None and label.endswith(f" ({shown})"), (label, shown, value)
            label = label.removesuffix(f" ({shown})")
        else:
            assert parse_number(shown) == value, (label, shown, value)
        rows.append((label, shown))
    return Observed(population, dimension, total, False, rows, source)


def from_api(event: dict) -> list[Observed]:
    figures = event["participants"]
    total = parse_number(figures["total_shown"])
    observed = []
    for dimension in DIMENSIONS.values():
        breakdown = figures[f"by_{dimension}"]
        assert parse_number(breakdown["total_shown"]) == total
        rows = []
        for cell in breakdown["cells"]:
            if cell["shown"] in HIDDEN:
                assert cell["count"] is None, cell
            else:
                assert parse_number(cell["shown"]) == cell["count"], cell
            rows.append((cell["label"], cell["shown"]))
        observed.append(Observed(f"event:{event['slug']}", dimension, total,
                                 breakdown["withheld"], rows, "api"))
    return observed


def served_world(client, event_slugs) -> list[Observed]:
    """Everything an anonymous visitor is served about registered participants: every event's
    page and charts, the API's event list (every page of it), the home page and its charts."""
    observed = []
    for slug in event_slugs:
        response = client.get(f"/events/{slug}/")
        assert response.status_code == 200, slug
        page = response.content.decode()
        observed += from_page(page, "event", f"event:{slug}", page_total(page, "event"))
    url = "/api/events/?page_size=100"
    while url:
        answer = client.get(url, HTTP_ACCEPT="application/json").json()
        for event in answer["results"]:
            observed += from_api(event)
        url = answer.get("next")
    page = client.get("/").content.decode()
    registrations, exact = home_registrations(page)
    observed.append(Observed(REGISTER, REGISTRATIONS, registrations, False,
                             [("registrations", str(registrations) if exact else
                               f"at least {registrations}")], "home page"))
    observed += from_page(page, "home", REGISTER, registrations)
    return observed


def event_facets(client) -> dict[str, dict[str, str]]:
    """Each event's year and kind as the API serves them: {"event:<slug>": {facet: key}}."""
    facets = {}
    url = "/api/events/?page_size=100"
    while url:
        answer = client.get(url, HTTP_ACCEPT="application/json").json()
        for event in answer["results"]:
            facets[f"event:{event['slug']}"] = {
                "year": str(event["year"]) if event["year"] else "Year not stated",
                "kind": event["kind"],
            }
        url = answer.get("next")
    return facets


def served_countries(client, codes) -> list[Observed]:
    """The participant figures of the country pages ``/countries/<code>/``: per page, one
    ``Observed`` per breakdown (by year: groups keyed by their label; by kind of event: by the
    kind in the group's link), population "country:<the country's name>"."""
    observed = []
    for code in codes:
        response = client.get(f"/countries/{code}/")
        assert response.status_code == 200, code
        tree = lxml_html.fromstring(response.content.decode())
        name = _text(tree.find(".//h1"))
        for facet in FACETS:
            table = tree.get_element_by_id(f"country-{facet}-table", None)
            if table is None:
                continue
            rows = []
            for tr in table.find("tbody").iter("tr"):
                head, value = tr.xpath("./th|./td")
                link = head.find(".//a")
                key = (link.get("href").rpartition("kind=")[2] if facet == "kind"
                       else _text(head))
                rows.append((key, _text(value)))
            printed = _text(table.find("tfoot").xpath(".//td")[0])
            observed.append(Observed(f"{COUNTRY}{name}", facet, parse_number(printed), False,
                                     rows, "country table"))
    return observed


# Issue 14: the donor pages' projects, each a part of the register adding up its events.
def served_parts(client, donor_slugs, members: dict[str, list[str]]
                 ) -> tuple[list[Observed], dict[str, list[str]]]:
    """What an anonymous visitor is served on the donor pages ``donor_slugs`` about each project
    listed ("part:<code>"), and the event populations each adds up: ``members`` maps a project's
    code to its events' slugs (public: the event list filtered by the project)."""
    observed, parts = [], {}
    for slug in donor_slugs:
        response = client.get(f"/donors/{slug}/")
        assert response.status_code == 200, slug
        page = response.content.decode()
        for card in lxml_html.fromstring(page).find_class("supported-project"):
            code = card.get("data-project")
            prefix = card.get("aria-labelledby").removesuffix("-title")
            observed += from_page(page, prefix, f"{PART}{code}", None)
            parts[f"{PART}{code}"] = [f"event:{event}" for event in members.get(code, [])]
    return observed, parts


# ------------------------------------------------------------------------------------------
# The facts and the integer programs
# ------------------------------------------------------------------------------------------
@dataclass
class Finding:
    population: str
    dimension: str
    label: str
    shown: str
    low: int
    high: int

    @property
    def narrowed(self) -> bool:
        if self.shown == FEWER_THAN:
            return self.low > 1 or self.high < 2
        return self.high <= self.low


@dataclass
class Audit:
    findings: list[Finding] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    order_breaches: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return len(self.findings)

    @property
    def narrowed(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.narrowed]


class _Model:
    def __init__(self):
        self.lows: list[float] = []
        self.highs: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, low, high) -> int:
        self.lows.append(low)
        self.highs.append(high)
        return len(self.lows) - 1

    def constrain(self, terms: dict[int, float], low: float, high: float):
        self.rows.append((terms, low, high))

    def extreme(self, index: int, sign: int) -> int | None:
        """The smallest (``sign=1``) or largest (``sign=-1``) feasible value of a variable."""
        n = len(self.lows)
        if getattr(self, "_built", None) is None:
            matrix = np.zeros((len(self.rows), n))
            lows, highs = np.zeros(len(self.rows)), np.zeros(len(self.rows))
            for r, (terms, low, high) in enumerate(self.rows):
                for i, coefficient in terms.items():
                    matrix[r, i] += coefficient
                lows[r], highs[r] = low, high
            self._built = (
                Bounds(self.lows, self.highs),
                [LinearConstraint(matrix, lows, highs)] if self.rows else None,
            )
        bounds, constraints = self._built
        c = np.zeros(n)
        c[index] = sign
        result = milp(c, integrality=np.ones(n), bounds=bounds, constraints=constraints)
        if not result.success:
            return None
        return round(result.x[index])


def _check_order(obs: Observed, rules: Rules) -> list[str]:
    """Is the served order the published one? (Under ``Rules.MAIN``: by count only.)"""
    if rules is Rules.MAIN:
        return []
    shown = [(label, parse_number(value)) for label, value in obs.rows if value not in HIDDEN]
    hidden = [label for label, value in obs.rows if value in HIDDEN]
    expected = sorted(shown, key=lambda row: (-row[1], label_key(row[0])))
    expected_rows = [label for label, _ in expected] + sorted(hidden, key=label_key)
    if [label for label, _ in obs.rows] != expected_rows or any(
        value not in HIDDEN for _label, value in obs.rows[len(shown):]
    ):
        return [f"{obs.population} {obs.dimension} ({obs.source}): {obs.rows}"]
    return []


def audit(observed: list[Observed], rules: Rules = Rules.CURRENT, nested: bool = True,
          countries: list[Observed] = (), facets: dict | None = None,
          parts: dict[str, list[str]] | None = None) -> Audit:
    """Every hidden group's feasible interval, given everything in ``observed``.

    ``nested``: tie the home page's register to the "event:…" populations whose published
    figures it adds up (its registrations are the events' totals added up; a group of a
    breakdown is that group added up over the events whose breakdown this way is listed).
    Without it, each population is audited with the copies of itself only (its page, its
    charts, its API answer).

    ``countries`` (``served_countries``) with ``facets`` (``event_facets``): a country page's
    groups are tied to the events' cells of that country: a year's (a kind's) group is the
    country's group added up over the events of that year (kind) that list their groups by
    country; a year or kind the page does not list adds up to 0 there.

    ``parts``: the "part:…" populations (a project's events added up, on the donor pages) and
    the "event:…" populations each adds up; with ``nested``, tied to them as the register is."""
    parts = parts or {}
    result = Audit()
    headline = [obs for obs in observed if obs.dimension == REGISTRATIONS]
    observed = [obs for obs in observed if obs.dimension != REGISTRATIONS]
    by_key: dict[tuple[str, str], list[Observed]] = {}
    for obs in observed:
        by_key.setdefault((obs.population, obs.dimension), []).append(obs)
        result.order_breaches += _check_order(obs, rules)
    # The same population served twice must be served alike (else the two together tell more).
    for (population, dimension), copies in by_key.items():
        first = copies[0]
        for other in copies[1:]:
            if (other.rows, other.total, other.withheld) != (first.rows, first.total,
                                                              first.withheld):
                result.disagreements.append(
                    f"{population} {dimension}: {first.source} {first.rows} / "
                    f"{other.source} {other.rows}"
                )
    labels = {dimension: {UNSEEN} for dimension in DIMENSIONS.values()}
    for obs in observed:
        labels[obs.dimension].update(label for label, _ in obs.rows)
    populations = sorted(p for p in {obs.population for obs in observed} if not is_sum(p))
    big = sum(obs.total or 2 for obs in observed if not is_sum(obs.population)) + 2
    big = max(big, max((obs.total or 2 for obs in observed + headline), default=2))

    model = _Model()
    totals = {}
    hidden_cells: list[tuple[str, str, str, str, int]] = []
    for population in populations:
        known = {obs.total for obs in observed if obs.population == population}
        assert len(known) == 1, (population, known)
        total = known.pop()
        if total is None:  # a population of "fewer than 3" is a hidden group of its own
            totals[population] = model.var(1, 2)
            hidden_cells.append((population, "total", "total", FEWER_THAN, totals[population]))
        else:
            totals[population] = model.var(total, total)
    cell: dict[tuple[str, str, str], int] = {}
    for population in populations:
        for dimension in DIMENSIONS.values():
            copies = by_key.get((population, dimension), [])
            listed: dict[str, set[str]] = {}
            withheld = any(obs.withheld for obs in copies) or not copies
            for obs in copies:
                for label, value in obs.rows:
                    listed.setdefault(label, set()).add(value)
            shown_rows = {label: parse_number(value) for label, values in listed.items()
                          for value in values if value not in HIDDEN}
            any_small = any(FEWER_THAN in values for values in listed.values())
            for label in labels[dimension]:
                values = listed.get(label, set())
                low, high = (0, big if withheld else 0) if not values else (1, big)
                for value in values:
                    if value == FEWER_THAN:
                        low, high = max(low, 1), min(high, 2)
                    elif value == NOT_SHOWN:
                        low = max(low, 3 if rules is Rules.CURRENT or any_small else 1)
                    else:
                        low, high = max(low, parse_number(value)), min(high, parse_number(value))
                index = model.var(low, high)
                if NOT_SHOWN in values:
                    # The complementary group is the smallest of the others (ties by label).
                    for other, count in shown_rows.items():
                        if other == label:
                            continue
                        if rules is Rules.CURRENT:
                            cap = count if label_key(label) < label_key(other) else count - 1
                        else:
                            cap = count if any_small else big
                        model.constrain({index: 1}, 0, cap)
                cell[(population, dimension, label)] = index
                for value in sorted(values & set(HIDDEN)):
                    hidden_cells.append((population, dimension, label, value, index))
            model.constrain(
                {**{cell[(population, dimension, label)]: 1 for label in labels[dimension]},
                 totals[population]: -1}, 0, 0,
            )
            if rules is Rules.MAIN and dimension != "sex":  # rows ordered by count (main
                # ordered the sexes by their code)
                for obs in copies:
                    for (above, _), (below, _) in zip(obs.rows, obs.rows[1:], strict=False):
                        model.constrain({cell[(population, dimension, above)]: 1,
                                         cell[(population, dimension, below)]: -1}, 0, np.inf)
    events = [p for p in populations if p.startswith("event:")]
    for name, members, dimension in [(REGISTER, events, d) for d in DIMENSIONS.values()] + [
            (part, [e for e in members if e in events], d)
            for part, members in parts.items() for d in DIMENSIONS.values()]:
        tied = nested and bool(members)
        copies = by_key.get((name, dimension), [])
        if not copies:
            continue  # the home page does not break the register down this way
        withheld = any(obs.withheld for obs in copies)
        listed: dict[str, set[str]] = {}
        for obs in copies:
            for label, value in obs.rows:
                listed.setdefault(label, set()).add(value)
        # The events a breakdown adds up: those that list their groups this way.
        added = [event for event in members if any(
            obs.rows and not obs.withheld for obs in by_key.get((event, dimension), [])
        )]
        whole = {}
        for label in labels[dimension]:
            values = listed.get(label, set())
            low, high = (0, big if withheld else 0) if not values else (1, big)
            for value in values - set(HIDDEN):
                low, high = max(low, parse_number(value)), min(high, parse_number(value))
            whole[label] = model.var(low, high)
            if NOT_SHOWN in values:
                hidden_cells.append((name, dimension, label, NOT_SHOWN, whole[label]))
            if tied:  # the group added up over the events it adds up
                model.constrain({whole[label]: -1, **{cell[(event, dimension, label)]: 1
                                                      for event in added}}, 0, 0)
        printed = {obs.total for obs in copies if obs.total is not None}
        for total in printed:
            model.constrain(dict.fromkeys(whole.values(), 1), total, total)
    for obs in countries:
        label = obs.population.removeprefix(COUNTRY)
        added = [event for event in events if any(
            o.rows and not o.withheld for o in by_key.get((event, "country"), [])
        ) and (event, "country", label) in cell]
        groups = {}
        for key, value in obs.rows:
            low, high = (1, big) if value == NOT_SHOWN else (parse_number(value),) * 2
            groups[key] = model.var(low, high)
            if value == NOT_SHOWN:
                hidden_cells.append((obs.population, obs.dimension, key, NOT_SHOWN, groups[key]))
        for key in {facets[event][obs.dimension] for event in added} | set(groups):
            terms = {cell[(event, "country", label)]: 1 for event in added
                     if facets[event][obs.dimension] == key}
            if key in groups:
                terms[groups[key]] = -1
            model.constrain(terms, 0, 0)
        if obs.total is not None:
            model.constrain(dict.fromkeys(groups.values(), 1), obs.total, obs.total)
    for obs in headline if nested else []:  # the registrations: every event's total added up
        exact = not obs.rows[0][1].startswith("at least")
        model.constrain({totals[event]: 1 for event in events}, obs.total,
                        obs.total if exact else np.inf)
    for population, dimension, label, shown, index in hidden_cells:
        low, high = model.extreme(index, 1), model.extreme(index, -1)
        assert low is not None and high is not None, ("infeasible", population, dimension, label)
        result.findings.append(Finding(population, dimension, label, shown, low, high))
    return result
