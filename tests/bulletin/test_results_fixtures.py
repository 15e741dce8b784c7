"""The results the bulletin states (fixtures/results.yaml, issue 16 point 6): loaded into any
database, worded exactly as printed, with no number, period, target or baseline the text does not
give; loading again changes nothing; a broken results record is refused naming the file, the
record and the field, and nothing is loaded."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from activities.models import Article, Project
from results import progress
from results.models import Indicator, Period, Result
from tests.bulletin import faithfulness as f
from tests.bulletin.snapshot import history_counts, snapshot
from unodc_portal.site.fixtures import FIXTURE_DIR, fixture_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulletin_data")]
RESULTS_FILE = FIXTURE_DIR / "results.yaml"

# Each stated result: its indicator, the project it is a result of, and the article that states
# it. A new stated result is added here with its article.
STATED = {
    "tarcet-acetic-anhydride-seized-since-2008": ("TARCET", "planning-for-success"),
    "legal-advisory-kazakhstan-extradition-amendments": (
        "LEGAL-ADVISORY", "kazakhstan-adopts-recommended-extradition-practices"),
    "family-skills-intern-fast-trainers-ready": (
        "FAMILY-SKILLS-GLOBAL", "helps-parents-help-their-children"),
}


def fixture_records(model: str) -> list[dict]:
    records = yaml.safe_load(RESULTS_FILE.read_text(encoding="utf-8"))
    return [r["fields"] for r in records if r["model"] == model]


# --- Loaded ------------------------------------------------------------------------------------
def test_every_record_of_the_results_file_is_loaded_with_its_project():
    results = fixture_records("results.result")
    indicators = fixture_records("results.indicator")
    assert len(results) == len(indicators) == len(STATED)
    for fields in results:
        stored = Result.objects.get(key=fields["key"])
        assert stored.project.code == fields["project"][0]
        assert stored.kind == fields["kind"]
    assert {i["key"] for i in indicators} == set(STATED)
    for key, (code, _article) in STATED.items():
        indicator = Indicator.objects.select_related("result__project").get(key=key)
        assert indicator.result.project.code == code
        assert indicator.source == Indicator.Source.MANUAL
    assert history_counts()["results.HistoricalIndicator"] == len(indicators)


def test_operation_tarcet_has_an_outcome_with_the_forty_tonnes_as_worded():
    tarcet = Project.objects.get(code="TARCET")
    (outcome,) = progress.framework(tarcet, AnonymousUser())
    assert outcome.result.kind == Result.Kind.OUTCOME
    (row,) = outcome.indicators
    assert row.indicator.qualitative_note == (
        "Since the beginning of Operation TARCET in 2008, more than forty tonnes of Acetic "
        "Anhydride have been seized in countries neighbouring Afghanistan.")
    assert row.periods == []  # no period: shown as worded, left out of the IATI periods


# --- Faithful ----------------------------------------------------------------------------------
def test_each_qualitative_note_is_a_sentence_of_the_article_that_states_it():
    """The note is one whole sentence of its article's body, character for character; the body
    itself is checked word for word against the source (test_faithfulness.py)."""
    for key, (_code, slug) in STATED.items():
        note = Indicator.objects.get(key=key).qualitative_note
        article = Article.objects.get(slug=slug)
        assert note in f.sentences(article.body), (key, note)
        # And so its words, compared as the faithfulness check compares them.
        assert f.normalise(note) in f.normalise(article.body)


def test_every_qualitative_note_in_the_fixtures_is_printed_in_a_bulletin():
    bodies = [f.sentences(body) for body in Article.objects.values_list("body", flat=True)]
    notes = Indicator.objects.exclude(qualitative_note="").values_list("qualitative_note",
                                                                        flat=True)
    assert notes
    for note in notes:
        assert any(note in sentences for sentences in bodies), note


def test_the_notes_are_english_only_as_printed():
    for indicator in Indicator.objects.filter(key__in=STATED):
        assert indicator.qualitative_note_en == indicator.qualitative_note
        assert not indicator.qualitative_note_ru
        assert not indicator.title_ru


def test_no_number_period_target_or_baseline_the_text_does_not_give():
    for indicator in Indicator.objects.filter(key__in=STATED):
        assert indicator.qualitative_note
        assert indicator.baseline_value is None
        assert indicator.baseline_date is None
        assert indicator.baseline_note == ""
        assert not indicator.is_computed
    assert not Period.objects.filter(indicator__key__in=STATED).exists()
    # Nor in the file (a period would be loaded; this says why none is there).
    assert fixture_records("results.period") == []
    for fields in fixture_records("results.indicator"):
        assert not {"baseline_value", "baseline_date", "baseline_note"} & set(fields)


def test_the_stated_figures_are_not_typed_twice():
    """The forty tonnes is the aggregate seizure's figure and the trainers the workshop's
    reported count: the indicators carry them as words only, never as an actual."""
    assert not Period.objects.filter(indicator__key__in=STATED, actual__isnull=False).exists()
    tarcet = Indicator.objects.get(key="tarcet-acetic-anhydride-seized-since-2008")
    assert tarcet.source == Indicator.Source.MANUAL  # the aggregate is never counted in a total


# --- Loading again -----------------------------------------------------------------------------
def test_loading_the_results_again_changes_nothing():
    before = snapshot()
    history = history_counts()
    out = StringIO()
    call_command("load_fixtures", stdout=out)
    assert "results.Indicator: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert "results.Result: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert snapshot() == before
    assert history_counts() == history


def test_a_changed_note_is_updated_with_its_history(tmp_path):
    copy = tmp_path / "results.yaml"
    copy.write_text(RESULTS_FILE.read_text(encoding="utf-8").replace(
        "unit: tonnes", "unit: t"), encoding="utf-8")
    out = StringIO()
    call_command("load_fixtures", copy, *[p for p in fixture_files() if p.name != "results.yaml"],
                 stdout=out)
    assert "results.Indicator: 0 created, 1 updated, 2 unchanged" in out.getvalue()
    indicator = Indicator.objects.get(key="tarcet-acetic-anhydride-seized-since-2008")
    assert indicator.unit == "t"
    assert indicator.history.count() == 2


# --- Refused -----------------------------------------------------------------------------------
VALID_FIRST = """\
- model: activities.theme
  fields: {slug: must-be-rolled-back, name: Must be rolled back}
"""
OUTCOME = """\
- model: results.result
  fields: {key: broken-outcome, project: [KGZK50], kind: outcome, title: An outcome}
"""
INDICATOR = """\
- model: results.indicator
  fields: {key: broken-indicator, result: [broken-outcome], title: An indicator}
"""
PERIOD = """\
- model: results.period
  fields: {{indicator: [broken-indicator], start: {start}, end: {end}{extra}}}
"""


def period(start, end, extra=""):
    return PERIOD.format(start=start, end=end, extra=extra)


CASES = {
    "unknown project": (
        OUTCOME.replace("[KGZK50]", "[NO-SUCH-PROJECT]"),
        r'record 2 \(results.result "broken-outcome"\): refers to a record that does not exist: '
        r'project → activities.project "NO-SUCH-PROJECT"',
    ),
    "output under an output": (
        OUTCOME.replace("kind: outcome", "kind: output")
        + "- model: results.result\n  fields: {key: broken-output, project: [KGZK50], "
          "kind: output, parent: [broken-outcome], title: An output}\n",
        r'record 3 \(results.result "broken-output"\): parent: An output sits under an outcome, '
        r"not an output",
    ),
    "outcome under an outcome": (
        OUTCOME + "- model: results.result\n  fields: {key: broken-child, project: [KGZK50], "
                  "kind: outcome, parent: [broken-outcome], title: An outcome}\n",
        r'record 3 \(results.result "broken-child"\): parent: Only an output sits under an '
        r"outcome",
    ),
    "outcome of another project": (
        OUTCOME + "- model: results.result\n  fields: {key: broken-output, project: [UZBT65], "
                  "kind: output, parent: [broken-outcome], title: An output}\n",
        r'record 3 \(results.result "broken-output"\): parent: The outcome belongs to another '
        r"project",
    ),
    "overlapping periods": (
        OUTCOME + INDICATOR + period("2011-01-01", "2011-03-31")
        + period("2011-03-01", "2011-06-30"),
        r'record 5 \(results.period "broken-indicator 2011-03-01 2011-06-30"\): start: This '
        r"period overlaps the indicator's period 2011-01-01 to 2011-03-31",
    ),
    "period ending before it starts": (
        OUTCOME + INDICATOR + period("2011-06-30", "2011-01-01"),
        r'record 4 \(results.period "broken-indicator 2011-06-30 2011-01-01"\): end: The end '
        r"date cannot be before the start date",
    ),
    "the same period twice": (
        OUTCOME + INDICATOR + period("2011-01-01", "2011-03-31")
        + period("2011-01-01", "2011-03-31"),
        r'record 5 \(results.period "broken-indicator 2011-01-01 2011-03-31"\): the same record '
        r"is already given by broken.yaml, record 4",
    ),
    "period of an unknown indicator": (
        period("2011-01-01", "2011-03-31").replace("broken-indicator", "no-such-indicator"),
        r'record 2 \(results.period "no-such-indicator 2011-01-01 2011-03-31"\): refers to a '
        r'record that does not exist: indicator → results.indicator "no-such-indicator"',
    ),
    "percentage target above 100": (
        OUTCOME + INDICATOR.replace("title: An indicator", "title: A share, measure: percentage")
        + period("2011-01-01", "2011-12-31", ", target: '120'"),
        r'record 4 \(results.period "broken-indicator 2011-01-01 2011-12-31"\): target: A '
        r"percentage lies between 0 and 100",
    ),
    "fractional count": (
        OUTCOME + INDICATOR + period("2011-01-01", "2011-12-31", ", target: '2.5'"),
        r"target: A count is a whole number",
    ),
    "an actual on a computed indicator": (
        OUTCOME + INDICATOR.replace("title: An indicator", "title: Trained, "
                                    "source: people_trained")
        + period("2011-01-01", "2011-12-31", ", actual: '12', actual_status: approved"),
        r"actual: This indicator's actuals are computed from the record, not entered",
    ),
    "seizures without a substance": (
        OUTCOME + INDICATOR.replace("title: An indicator", "title: Seized, "
                                    "source: seizures_kg, measure: quantity"),
        r'record 3 \(results.indicator "broken-indicator"\): substance: Seizures in kilograms '
        r"needs the substance it counts",
    ),
    "unknown event kind": (
        OUTCOME + INDICATOR.replace("title: An indicator", "title: Held, "
                                    "source: events_held, event_kinds: [picnic]"),
        r'record 3 \(results.indicator "broken-indicator"\): event_kinds: Unknown event kind: '
        r"picnic",
    ),
    "a key used by the bulletin's results": (
        OUTCOME.replace("broken-outcome", "tarcet-precursor-interception"),
        r'record 2 \(results.result "tarcet-precursor-interception"\): the same record is already '
        r"given by results.yaml",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_broken_results_record_is_refused_and_nothing_is_loaded(tmp_path, case):
    broken, message = CASES[case]
    path = tmp_path / "broken.yaml"
    path.write_text(VALID_FIRST + broken, encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("load_fixtures", *fixture_files(), path, stdout=StringIO())

    assert str(refused.value).startswith("Nothing was loaded. broken.yaml, record ")
    assert re.search(message, str(refused.value)), str(refused.value)
    assert snapshot() == before
    assert not Result.objects.filter(key__startswith="broken").exists()
