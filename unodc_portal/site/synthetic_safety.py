"""What keeps synthetic data (``seed_scale``) apart from real work.

- A synthetic record is known by its key: slugs and keys start with ``SYNTHETIC_PREFIX``,
  project codes with ``SYNTHETIC_CODE``, participants' e-mail addresses end in
  ``SYNTHETIC_DOMAIN``, and a participation is synthetic when its participant is.
- A bulletin record is one whose natural key is in the fixture files (``fixtures/``).
- ``seed_scale`` runs only where every record is one or the other and none is a demo record
  (``refusal``), with debug on or off: a user's own work never mixes with synthetic data.
- A row of ``SyntheticData`` marks the database; ``make serve`` calls ``serve_guard``, which
  refuses such a database unless told ``SERVE_SYNTHETIC=1`` and bound to 127.0.0.1
  (``serve_refusal``).
"""

from __future__ import annotations

from django.db.models import Q

from activities.models import (
    Article,
    Bulletin,
    DuplicateDismissal,
    Event,
    EventTrainerOrganisation,
    ImportBatch,
    Organisation,
    Participant,
    Participation,
    Person,
    Project,
    Seizure,
    Substance,
    Theme,
)
from donors.models import Contribution, Donor, ExchangeRate
from results.models import Indicator, Period, Result
from unodc_portal.core.models import SyntheticData
from unodc_portal.site.fixtures import FIXTURE_DIR, fixture_files, read_records

SYNTHETIC_PREFIX = "synthetic-"
SYNTHETIC_CODE = "SYN"
SYNTHETIC_DOMAIN = "@synthetic.invalid"
LOOPBACK = "127.0.0.1"
# Records with one natural-key field: bulletin when the fixtures hold the key.
KEYED = [Organisation, Person, Theme, Substance, Project, Event, Seizure, Bulletin, Article,
         Donor, Contribution, Result, Indicator]
# Rows of officers' and admins' work that are real wherever the database is not synthetic.
WORK = [ExchangeRate, ImportBatch, DuplicateDismissal]
DEMO = [Organisation, Project, Event, Participant, Participation, Seizure, Donor, Contribution]


def is_synthetic_database() -> bool:
    return SyntheticData.objects.exists()


def bulletin_keys() -> dict[str, set]:
    """The natural keys of the fixture files' records, by model label (``activities.event``)."""
    keys: dict[str, set] = {}
    labels = {model._meta.label_lower: model for model in KEYED}
    for path in fixture_files(FIXTURE_DIR):
        for record in read_records(path):
            model = labels.get(str(record.get("model", "")).lower())
            fields = record.get("fields") or {}
            if model is not None and model.natural_key_fields[0] in fields:
                keys.setdefault(model._meta.label_lower, set()).add(
                    str(fields[model.natural_key_fields[0]]))
    return keys


def synthetic_participants():
    return Participant.objects.filter(email__endswith=SYNTHETIC_DOMAIN)


def foreign_records() -> dict[str, int]:
    """Records that are neither the bulletin's nor seed_scale's, counted by model."""
    found = {}
    bulletin = bulletin_keys()
    for model in KEYED:
        field = model.natural_key_fields[0]
        prefix = SYNTHETIC_CODE if model is Project else SYNTHETIC_PREFIX
        own = Q(**{f"{field}__startswith": prefix}) | Q(
            **{f"{field}__in": sorted(bulletin.get(model._meta.label_lower, ()))})
        found[model._meta.verbose_name_plural] = model.objects.exclude(own).count()
    found["participants"] = Participant.objects.exclude(email__endswith=SYNTHETIC_DOMAIN).count()
    found["participations"] = Participation.objects.exclude(
        participant__email__endswith=SYNTHETIC_DOMAIN).count()
    # A period is keyed by its indicator, start and end: the bulletin's are in the fixtures.
    periods = {(str(f.get("indicator", [""])[0]), str(f.get("start")), str(f.get("end")))
               for path in fixture_files(FIXTURE_DIR) for record in read_records(path)
               if str(record.get("model", "")).lower() == "results.period"
               for f in [record.get("fields") or {}]}
    found["periods"] = sum(
        1 for key, start, end in Period.objects.exclude(
            indicator__key__startswith=SYNTHETIC_PREFIX).values_list(
            "indicator__key", "start", "end").iterator()
        if (key, start.isoformat(), end.isoformat()) not in periods)
    found["trainer organisations"] = EventTrainerOrganisation.objects.exclude(
        event__slug__in=sorted(bulletin.get("activities.event", ()))).count()
    if not is_synthetic_database():
        for model in WORK:
            found[model._meta.verbose_name_plural] = model.objects.count()
    return {name: count for name, count in found.items() if count}


def demo_records() -> dict[str, int]:
    found = {m._meta.verbose_name_plural: m.objects.filter(is_demo=True).count() for m in DEMO}
    return {name: count for name, count in found.items() if count}


def describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {name}" for name, count in sorted(counts.items()))


def refusal(debug: bool) -> str | None:
    """Why seed_scale must not run on this database, or None where it may."""
    demo = demo_records()
    if demo:
        return (
            f"seed_scale refused: the database holds demo records ({describe(demo)}). Synthetic "
            "data is public data and must not mix with demo records: run `manage.py "
            "remove_demo` first, then seed_scale again."
        )
    foreign = foreign_records()
    if foreign:
        mode = "debug on" if debug else "debug off"
        return (
            f"seed_scale refused ({mode}): the database holds records that are neither the "
            f"bulletin's (fixtures/) nor seed_scale's own: {describe(foreign)}. Synthetic data "
            "never mixes with real work. Point DATABASE_URL at a new database of its own, run "
            "`manage.py migrate` and `manage.py load_fixtures` there, then seed_scale."
        )
    return None


def serve_refusal(host: str, allowed: bool) -> str | None:
    """Why ``make serve`` must not serve this database on ``host``, or None where it may."""
    if not is_synthetic_database():
        return None
    if not allowed:
        return (
            "make serve refused: this database holds synthetic data (manage.py seed_scale), not "
            "the programme's record. Serve the real database, or, to look at the synthetic one "
            f"on this machine, run `SERVE_SYNTHETIC=1 make serve` (bound to {LOOPBACK} only)."
        )
    if host != LOOPBACK:
        return (
            f"make serve refused: a synthetic database is served on {LOOPBACK} only, not on "
            f"{host!r}. Run `SERVE_SYNTHETIC=1 HOST={LOOPBACK} make serve`."
        )
    return None
