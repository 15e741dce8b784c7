"""Synthetic data at programme scale (``manage.py seed_scale``): events of every kind from
2008 to 2026 in the five Central Asian countries and a few others, many organisations,
participants in Latin and Cyrillic script with spelling variants, participations, seizures,
donors with contributions in several currencies and the exchange rates of the months they use,
and a results framework on every project (``framework_rows``: an outcome with an output under it
and one under none; people trained and an indicator entered by hand over quarterly periods, two
of the other computed sources over yearly ones; some headline), so that the benchmarks measure
pages with frameworks.

Written in batches of ``BATCH`` rows (COPY on PostgreSQL: ``synthetic_writer``), in one
transaction. Derived fields are filled as a save would fill them (``fill_derived_fields()``:
participants' name keys, events' year and month, seizures' kilograms, contributions' year).
Deterministic for one seed.

History: each project, event, participant, seizure, contribution, result, indicator and period
gets its one "created" row
(reason ``REASON``), as a record saved once has; a record's history page and the participant
page read it, and they fail on a record with none. Participations get none: no page shows a
participation's own history (an event's "last changed" reads them and takes none as none), and a
million more rows would double the largest cost.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django_countries import countries as country_names

from activities.models import (
    Country,
    Event,
    Organisation,
    Participant,
    Participation,
    Project,
    Seizure,
    Substance,
)
from donors.currency import converting
from donors.models import Contribution, Donor, ExchangeRate
from results.models import Indicator, Period, Result
from unodc_portal.core.models import SyntheticData
from unodc_portal.site import synthetic_names as names
from unodc_portal.site import synthetic_writer as writer
from unodc_portal.site.synthetic_safety import SYNTHETIC_CODE, SYNTHETIC_DOMAIN, SYNTHETIC_PREFIX

BATCH = 10_000
REASON = "Synthetic data (seed_scale)"
FIRST_YEAR, LAST_YEAR = 2008, 2026
CURRENCIES = {"USD": Decimal(1), "EUR": Decimal("1.12"), "GBP": Decimal("1.31"),
              "JPY": Decimal("0.0084"), "CHF": Decimal("1.05"), "NOK": Decimal("0.105"),
              "RUB": Decimal("0.021"), "KZT": Decimal("0.0024")}
STATUSES = ["attended"] * 80 + ["registered"] * 12 + ["absent"] * 8
VARIANT_SHARE = 0.08
QUARTERS = [(1, 3, 31), (4, 6, 30), (7, 9, 30), (10, 12, 31)]  # first month, last month, day


@dataclass
class Sizes:
    events: int = 20_000
    participants: int = 200_000
    participations: int = 1_000_000
    seizures: int = 100_000
    contributions: int = 50_000


class Progress:
    """One line on stderr, rewritten in place (\\r) as a step advances."""

    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total, self.done = stream, label, total, 0
        self.show()

    def show(self):
        if self.stream is not None:
            line = f"\r{self.label:<16} {self.done:>11,}"
            if self.total:
                line += f" / {self.total:,} {self.done * 100 // self.total:3d}%"
            self.stream.write(line)
            self.stream.flush()

    def add(self, count: int):
        self.done += count
        self.show()

    def close(self):
        if self.stream is not None:
            self.stream.write("\n")


def some_day(rng: random.Random) -> datetime.date:
    return datetime.date(rng.randint(FIRST_YEAR, LAST_YEAR), rng.randint(1, 12),
                         rng.randint(1, 28))


class Seeder:
    """One run: ``Seeder(sizes, seed).run()`` writes everything and returns the marker row."""

    def __init__(self, sizes: Sizes, seed: int, progress=sys.stderr):
        if sizes.participations > sizes.events * sizes.participants:
            raise ValueError("More participations than events times participants: each participant "
                             "takes part in an event once.")
        if sizes.participations and not (sizes.events and sizes.participants):
            raise ValueError("Participations need events and participants.")
        self.sizes, self.seed, self.stream = sizes, seed, progress
        self.rng = random.Random(seed)

    def bulk(self, label, model, rows, total, keep=False):
        """Write the rows (an iterable of new instances) in batches, advancing the progress
        line; the written instances, with their keys, are returned when ``keep`` is given."""
        history = hasattr(model, "history") and model is not Participation
        progress, batch, created = Progress(self.stream, label, total), [], []

        def write():
            writer.write(model, batch, history_date=self.now if history else None,
                         reason=REASON)
            created.extend(batch if keep else ())
            progress.add(len(batch))

        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                write()
                batch = []
        if batch:
            write()
        progress.close()
        return created

    @transaction.atomic
    def run(self) -> SyntheticData:
        run = SyntheticData.objects.create(seed=self.seed)
        self.now = run.created_at
        self.prefix = f"{SYNTHETIC_PREFIX}{run.pk}-"
        self.code = f"{SYNTHETIC_CODE}{run.pk}-"
        self.email = f"-{run.pk}{SYNTHETIC_DOMAIN}"
        self.countries = self.country_rows()
        self.organisations = self.organisation_rows()
        self.projects = self.project_rows()
        events = self.event_rows()
        participant_ids = self.participant_rows()
        self.participation_rows(events, participant_ids)
        self.seizure_rows()
        self.contribution_rows(events)
        framework = self.framework_rows()
        run.sizes = {"organisations": len(self.organisations), "projects": len(self.projects),
                     "events": len(events), "participants": len(participant_ids),
                     "participations": self.sizes.participations,
                     "seizures": self.sizes.seizures,
                     "contributions": self.sizes.contributions, "donors": len(self.donors),
                     **framework}
        run.save(update_fields=["sizes"])
        return run

    def country_rows(self) -> dict[str, Country]:
        """The countries named in the data (ISO codes: reference, not records)."""
        return {code: Country.objects.get_or_create(code=code)[0] for code in names.COUNTRIES}

    def organisation_rows(self) -> list[Organisation]:
        rng, rows = self.rng, []
        wanted = min(400, max(12, self.sizes.participants // 500))
        for number in range(wanted):
            code = names.CENTRAL_ASIA[number % 5] if number % 6 else rng.choice(
                list(names.COUNTRIES))
            city = rng.choice(names.COUNTRIES[code])
            agency, acronym, kind = names.AGENCIES[(number // 6) % len(names.AGENCIES)]
            rows.append(Organisation(
                slug=f"{self.prefix}org-{number}", name=f"{agency} of {city} ({number})",
                acronym=f"{acronym}-{code}{number}", kind=kind, country=self.countries[code],
            ))
        return self.bulk("organisations", Organisation, rows, len(rows), keep=True)

    def project_rows(self) -> list[Project]:
        rng, rows = self.rng, []
        for number in range(min(40, max(4, self.sizes.events // 500))):
            start = datetime.date(rng.randint(FIRST_YEAR, 2020), 1, 1)
            rows.append(Project(
                code=f"{self.code}{number:03d}", title=f"Synthetic programme {number}: "
                f"{rng.choice(names.TOPICS)}", kind=rng.choice(Project.Kind.values),
                status=rng.choice(Project.Status.values), region="Central Asia",
                start_date=start, end_date=start.replace(year=start.year + rng.randint(2, 6)),
                budget_amount=Decimal(rng.randint(100, 9000) * 1000), budget_currency="USD",
            ))
        projects = self.bulk("projects", Project, rows, len(rows), keep=True)
        through = Project.countries.through
        through.objects.bulk_create([
            through(project=project, country=self.countries[code])
            for project in projects for code in rng.sample(names.CENTRAL_ASIA, 2)
        ])
        return projects

    def event_rows(self) -> list[int]:
        rng, kinds, rows = self.rng, Event.Kind, []
        for number in range(self.sizes.events):
            kind = kinds.values[number % len(kinds.values)]
            code = rng.choice(names.CENTRAL_ASIA) if rng.random() < 0.85 else rng.choice(
                list(names.COUNTRIES))
            city = rng.choice(names.COUNTRIES[code])
            event = Event(
                slug=f"{self.prefix}event-{number}", kind=kind, city=city,
                title=f"{kinds(kind).label} on {rng.choice(names.TOPICS)}, {city}",
                country=self.countries[code],
                organiser=rng.choice(self.organisations) if rng.random() < 0.9 else None,
            )
            if rng.random() < 0.05:  # known by its month and words only
                event.year, event.month = rng.randint(FIRST_YEAR, LAST_YEAR), rng.randint(1, 12)
                event.date_wording = rng.choice(names.DATE_WORDINGS).format(
                    m=datetime.date(2000, event.month, 1).strftime("%B"))
            else:
                event.start_date = some_day(rng)
                event.end_date = event.start_date + datetime.timedelta(days=rng.randint(0, 9))
            if rng.random() < 0.3:
                event.reported_participants = rng.randint(5, 80)
                event.reported_participants_wording = str(event.reported_participants)
            event.fill_derived_fields()
            rows.append(event)
        events = self.bulk("events", Event, rows, len(rows), keep=True)
        through = Event.projects.through
        links = (through(event_id=event.pk, project_id=project.pk) for event in events
                 for project in rng.sample(self.projects, rng.choice([1, 1, 1, 2])))
        self.bulk("event projects", through, links, None)
        return [event.pk for event in events]

    def participant_rows(self) -> list[int]:
        rng, bases = self.rng, []

        def rows():
            for number in range(self.sizes.participants):
                if bases and rng.random() < VARIANT_SHARE:
                    parts, organisation = rng.choice(bases)
                    name = names.variant_name(rng, parts)
                else:
                    sex = rng.choice(["male", "female"])
                    name, parts = names.person_name(rng, sex)
                    organisation = rng.choice(self.organisations)
                    bases.append((parts, organisation))
                person = Participant(
                    name=name, sex=parts[0] if rng.random() < 0.95 else "not_recorded",
                    organisation=organisation, country=organisation.country,
                    position=rng.choice(names.POSITIONS), email=f"p{number}{self.email}",
                    phone=f"+996 555 {number:06d}" if rng.random() < 0.5 else "",
                )
                person.fill_derived_fields()
                yield person

        made = self.bulk("participants", Participant, rows(), self.sizes.participants,
                         keep=True)
        return [person.pk for person in made]

    def participation_rows(self, events: list[int], participants: list[int]):
        rng, total = self.rng, self.sizes.participations
        weights = [rng.random() + 0.2 for _ in events]
        scale = total / sum(weights) if events else 0
        counts = [min(len(participants), int(w * scale)) for w in weights]
        missing = total - sum(counts)
        while missing:
            index = rng.randrange(len(events))
            if counts[index] < len(participants):
                counts[index] += 1
                missing -= 1

        def rows():
            for event_id, count in zip(events, counts, strict=True):
                for index in rng.sample(range(len(participants)), count):
                    yield Participation(participant_id=participants[index], event_id=event_id,
                                        status=rng.choice(STATUSES))

        self.bulk("participations", Participation, rows(), total)

    def seizure_rows(self):
        rng = self.rng
        substances = list(Substance.objects.all()) or Substance.objects.bulk_create([
            Substance(slug=f"{self.prefix}heroin", name="Heroin", kind="drug"),
            Substance(slug=f"{self.prefix}acetic-anhydride", name="Acetic anhydride",
                      kind="precursor", density_kg_per_l=Decimal("1.0820")),
        ])
        self.substances = substances  # the seizures indicators count one of them
        units = ["kg"] * 10 + ["g"] * 5 + ["t", "L", "L", "units", "units"]

        def rows():
            for number in range(self.sizes.seizures):
                agency = rng.choice(self.organisations)
                seizure = Seizure(
                    key=f"{self.prefix}seizure-{number}", substance=rng.choice(substances),
                    quantity=Decimal(rng.randint(1, 5_000_000)) / 1000, unit=rng.choice(units),
                    country=agency.country, seizing_agency=agency, place=agency.name[:200],
                    project=rng.choice(self.projects) if rng.random() < 0.3 else None,
                )
                if rng.random() < 0.02:
                    seizure.kind, seizure.qualifier = "aggregate", "more_than"
                    seizure.year = rng.randint(FIRST_YEAR, LAST_YEAR - 3)
                    seizure.end_year = seizure.year + rng.randint(1, 3)
                    seizure.period_wording = f"{seizure.year} to {seizure.end_year}"
                else:
                    seizure.date = some_day(rng)
                seizure.fill_derived_fields()
                yield seizure

        self.bulk("seizures", Seizure, rows(), self.sizes.seizures)

    def contribution_rows(self, events: list[int]):
        rng = self.rng
        others = [code for code in names.COUNTRIES if code not in names.CENTRAL_ASIA]
        donors = []
        for number in range(min(50, max(4, self.sizes.contributions // 1000))):
            code = others[number % len(others)]
            kind = Donor.Kind.values[number % len(Donor.Kind.values)]
            donors.append(Donor(slug=f"{self.prefix}donor-{number}", kind=kind,
                                name=f"{country_names.name(code)} donor {number} ({kind})",
                                country=self.countries[code]))
        self.donors = Donor.objects.bulk_create(donors)
        months = set()

        def rows():
            for number in range(self.sizes.contributions):
                contribution = Contribution(
                    key=f"{self.prefix}contribution-{number}", donor=rng.choice(self.donors),
                    project=rng.choice(self.projects), status=rng.choice(
                        Contribution.Status.values), is_published=rng.random() < 0.7,
                    kind=rng.choice(["cash"] * 7 + ["in_kind"] * 2 + ["not_stated"]),
                    event_id=rng.choice(events) if events and rng.random() < 0.2 else None,
                )
                if contribution.kind == "in_kind":
                    contribution.in_kind_description = f"Equipment: {rng.choice(names.TOPICS)}"
                if contribution.kind != "not_stated" and rng.random() < 0.9:
                    contribution.currency = rng.choice(list(CURRENCIES))
                    contribution.amount = Decimal(rng.randint(1_000, 2_000_000_00)) / 100
                if rng.random() < 0.7:
                    contribution.date = some_day(rng)
                else:
                    contribution.year = rng.randint(FIRST_YEAR, LAST_YEAR)
                contribution.fill_derived_fields()
                if contribution.currency and contribution.currency != "USD":
                    day = contribution.date or datetime.date(contribution.year, 7, 1)
                    months.add((contribution.currency, day.replace(day=1)))
                yield contribution

        # Written in bulk, then converted to US dollars at the rates (donors.currency).
        with converting():
            self.bulk("contributions", Contribution, rows(), self.sizes.contributions)
            rates = (ExchangeRate(currency=currency, month=month, usd_per_unit=(
                CURRENCIES[currency] * Decimal(rng.randint(90, 110)) / 100).quantize(
                    Decimal("0.00000001"))) for currency, month in sorted(months))
            ExchangeRate.objects.bulk_create(rates, ignore_conflicts=True)  # one per month used

    def framework_rows(self) -> dict[str, int]:
        """Each project's results framework, its years those of the project (up to
        ``LAST_YEAR``); returns how many results, indicators and periods were written."""
        rng, S = self.rng, Indicator.Source
        outcomes, outputs, indicators, periods = [], [], [], []
        for number, project in enumerate(self.projects):
            key = f"{self.prefix}project-{number}"
            outcome = Result(key=f"{key}-outcome", project=project, kind=Result.Kind.OUTCOME,
                             order=1, title=f"Synthetic outcome {number}: stronger "
                             f"{rng.choice(names.TOPICS)}")
            training = Result(key=f"{key}-training", project=project, order=2,
                              kind=Result.Kind.OUTPUT, parent=outcome,
                              title=f"Synthetic output {number}: officers trained")
            funding = Result(key=f"{key}-funding", project=project, order=3,
                             kind=Result.Kind.OUTPUT, title=f"Synthetic output {number}: funded")
            outcomes.append(outcome)
            outputs += [training, funding]
            years = range(project.start_date.year, min(project.end_date.year, LAST_YEAR) + 1)
            quarters = [(datetime.date(year, first, 1), datetime.date(year, last, day))
                        for year in years for first, last, day in QUARTERS]
            whole_years = [(datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in years]
            # Always people trained and a manual indicator over quarters; two others by year.
            chosen = [(S.PEOPLE_TRAINED, training, quarters), (S.MANUAL, outcome, quarters)]
            chosen += [(source, result, whole_years) for source, result in rng.sample([
                (S.REPORTED_PARTICIPANTS, training), (S.EVENTS_HELD, training),
                (S.SEIZURES_KG, outcome), (S.CONTRIBUTIONS_RECEIVED, funding)], 2)]
            for order, (source, result, spans) in enumerate(chosen, start=1):
                indicator = self.indicator(key, number, order, source, result)
                indicators.append(indicator)
                periods += [self.period(indicator, start, end) for start, end in spans]
        self.bulk("outcomes", Result, outcomes, len(outcomes))
        for output in outputs:
            output.parent_id = output.parent.pk if output.parent else None
        self.bulk("outputs", Result, outputs, len(outputs))
        for indicator in indicators:
            indicator.result_id = indicator.result.pk
        self.bulk("indicators", Indicator, indicators, len(indicators))
        for period in periods:
            period.indicator_id = period.indicator.pk
        self.bulk("periods", Period, periods, len(periods))
        return {"results": len(outcomes) + len(outputs), "indicators": len(indicators),
                "periods": len(periods)}

    def indicator(self, key, number, order, source, result) -> Indicator:
        rng, S, M = self.rng, Indicator.Source, Indicator.Measure
        unit, kinds, substance = {
            S.PEOPLE_TRAINED: ("people", rng.choice([[], ["training_course", "workshop"]]),
                               None),
            S.MANUAL: ("agencies", [], None),
            S.REPORTED_PARTICIPANTS: ("participants", [], None),
            S.EVENTS_HELD: ("events", rng.sample(Event.Kind.values, 2), None),
            S.SEIZURES_KG: ("kg", [], rng.choice(self.substances)),
            S.CONTRIBUTIONS_RECEIVED: ("USD", [], None),
        }[source]
        return Indicator(
            key=f"{key}-indicator-{order}", result=result, order=order, source=source,
            title=f"Synthetic indicator {number}.{order}: {Indicator.Source(source).label}"[:300],
            unit=unit, measure=Indicator.SOURCE_MEASURE.get(source, M.COUNT), event_kinds=kinds,
            substance=substance, is_headline=number % 4 == 0 and order == 1,
            baseline_value=Decimal(0) if rng.random() < 0.5 else None,
        )

    def period(self, indicator, start, end) -> Period:
        rng = self.rng
        target = Decimal(rng.randint(5, 200))
        period = Period(indicator=indicator, start=start, end=end,
                        target=target if rng.random() < 0.9 else None)
        if indicator.source == Indicator.Source.MANUAL and rng.random() < 0.7:
            period.actual = Decimal(rng.randint(0, 200))
            period.actual_status = rng.choice([Period.Status.APPROVED] * 3
                                              + [Period.Status.PENDING])
            if period.actual_status == Period.Status.APPROVED:
                period.actual_approved_at = self.now
        return period
