"""A broken fixture is refused with a message naming the file and the record, and the database is
left exactly as it was: the records loaded before the broken one are rolled back too."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from activities import models as am
from tests.bulletin.snapshot import snapshot
from unodc_portal.site.fixtures import fixture_files

# A valid new record that comes before the broken one in the same load: it must not survive.
VALID_FIRST = """\
- model: activities.theme
  fields: {slug: must-be-rolled-back, name: Must be rolled back}
"""

EVENT = """\
- model: activities.event
  fields:
    slug: broken-event
    title: Broken event
    kind: workshop
"""

CASES = {
    "missing reference in a list": (
        EVENT + "    projects: [[KGZK50], [NO-SUCH-PROJECT]]\n",
        r'record 2 \(activities.event "broken-event"\): refers to a record that does not exist: '
        r'projects → activities.project "NO-SUCH-PROJECT"',
    ),
    "missing required reference": (
        """\
- model: donors.contribution
  fields:
    key: broken-contribution
    donor: [no-such-donor]
    project: [KGZK50]
    kind: cash
""",
        r'record 2 \(donors.contribution "broken-contribution"\): refers to a record that does '
        r'not exist: donor → donors.donor "no-such-donor"',
    ),
    "missing reference in a natural key": (
        """\
- model: activities.eventtrainerorganisation
  fields: {event: [no-such-event], organisation: [tadoc], trainer_count: 2}
""",
        r'record 2 \(activities.eventtrainerorganisation "no-such-event tadoc"\): refers to a '
        r'record that does not exist: event → activities.event "no-such-event"',
    ),
    "end before start": (
        EVENT + "    start_date: 2011-03-25\n    end_date: 2011-03-20\n",
        r'record 2 \(activities.event "broken-event"\): .*The end date cannot be before the '
        r"start date",
    ),
    "budget without currency": (
        "- model: activities.project\n  fields: {code: BROKEN, title: Broken, "
        'budget_amount: "3000000"}\n',
        r'record 2 \(activities.project "BROKEN"\): budget_currency: A budget amount needs its '
        r"currency",
    ),
    "negative quantity": (
        """\
- model: activities.seizure
  fields: {key: broken, substance: [heroin], quantity: "-5", unit: kg}
""",
        r'record 2 \(activities.seizure "broken"\): quantity: Ensure this value is greater than '
        r"or equal to 0",
    ),
    "unknown choice": (
        EVENT.replace("kind: workshop", "kind: picnic"),
        r'record 2 \(activities.event "broken-event"\): kind: Value .picnic. is not a valid '
        r"choice",
    ),
    "duplicate of a fixture record": (
        "- model: activities.theme\n  fields: {slug: prison-reform, name: Prisons}\n",
        r'record 2 \(activities.theme "prison-reform"\): the same record is already given by '
        r'reference.yaml, record \d+ \(activities.theme "prison-reform"\)',
    ),
    "impossible date": (
        EVENT + "    start_date: 2011-02-30\n",
        r'record 2 \(activities.event "broken-event"\): start_date: .*2011-02-30.* invalid date',
    ),
    "malformed date": (
        EVENT + "    start_date: 21 February 2011\n",
        r'record 2 \(activities.event "broken-event"\): start_date: .*21 February 2011.* '
        r"invalid date format",
    ),
    "month out of range": (
        EVENT + "    year: 2011\n    month: 13\n",
        r'record 2 \(activities.event "broken-event"\): month: ',
    ),
    "primary key": (
        "- model: activities.theme\n  pk: 7\n  fields: {slug: with-pk, name: With pk}\n",
        r'record 2 \(activities.theme "with-pk"\): give natural keys, not a primary key',
    ),
    "id instead of natural key": (
        EVENT + "    country: 1\n",
        r'record 2 \(activities.event "broken-event"\): country: expected a natural key',
    ),
    "unknown field": (
        EVENT + "    participants: 12\n",
        r"record 2 \(activities.event \"broken-event\"\): activities.event has no field "
        r"'participants'",
    ),
    "unknown model": (
        "- model: activities.workshop\n  fields: {slug: x}\n",
        r"record 2 \(activities.workshop\): unknown model 'activities.workshop'",
    ),
}


@pytest.mark.django_db
@pytest.mark.usefixtures("bulletin_data")
@pytest.mark.parametrize("case", CASES)
def test_a_broken_fixture_is_refused_naming_file_and_record_and_changes_nothing(tmp_path, case):
    broken, message = CASES[case]
    path = tmp_path / "broken.yaml"
    path.write_text(VALID_FIRST + broken, encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("load_fixtures", *fixture_files(), path, stdout=StringIO())

    assert str(refused.value).startswith("Nothing was loaded. broken.yaml, record ")
    assert re.search(message, str(refused.value)), str(refused.value)
    assert snapshot() == before
    assert not am.Theme.objects.filter(slug="must-be-rolled-back").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("bulletin_data")
def test_a_file_that_is_not_yaml_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("- model: activities.theme\n  fields: {slug: [unclosed\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=r"(?s)broken.yaml: cannot be read: .*line 2"):
        call_command("load_fixtures", path, stdout=StringIO())
    assert snapshot() == before


@pytest.mark.django_db
def test_a_density_changed_in_a_fixture_re_derives_litre_seizures(tmp_path):
    """The fixture loader saves a substance through its service, as the admin does."""
    from decimal import Decimal

    from tests import factories

    # A substance of its own: the bulletin's (loaded once for the module) already has densities.
    substance = factories.SubstanceFactory(slug="test-solvent", density_kg_per_l=None,
                                           name="Test solvent", kind="precursor")
    seizure = factories.SeizureFactory(substance=substance, quantity=Decimal("10"), unit="L")
    path = tmp_path / "substances.yaml"
    path.write_text(
        "- model: activities.substance\n"
        "  fields: {slug: test-solvent, name: Test solvent, kind: precursor,\n"
        "           density_kg_per_l: '1.0800'}\n", encoding="utf-8")
    call_command("load_fixtures", path, stdout=StringIO())
    seizure.refresh_from_db()
    assert seizure.quantity_kg == Decimal("10.800")
    assert seizure.history.count() == 2
    assert "density" in seizure.history.order_by("-history_id").first().history_change_reason
