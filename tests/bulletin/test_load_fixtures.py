"""``manage.py load_fixtures`` with the real bulletin fixtures: into an empty database, twice, in
any order, and a changed record updated with its history."""

import shutil
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from activities import models as am
from tests.bulletin.snapshot import history_counts, snapshot
from unodc_portal.site.fixtures import FIXTURE_DIR, fixture_files

pytestmark = pytest.mark.django_db


def load(*paths) -> str:
    out = StringIO()
    call_command("load_fixtures", *map(str, paths), stdout=out)
    return out.getvalue()


def test_the_fixture_directory_holds_one_file_per_kind_and_the_source_text():
    assert [p.name for p in fixture_files()] == [
        "bulletin-2011-q1.yaml", "donors.yaml", "events.yaml", "projects.yaml", "reference.yaml",
        "results.yaml", "seizures.yaml",
    ]
    assert (FIXTURE_DIR / "source" / "roca-bulletin-2011-q1.txt").is_file()


def test_only_files_directly_in_the_directory_are_loaded(tmp_path):
    (tmp_path / "themes.yaml").write_text("- model: activities.theme\n  fields: {slug: a}\n")
    (tmp_path / "notes.txt").write_text("not a fixture")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "old.yaml").write_text("- model: nonsense\n")
    assert [p.name for p in fixture_files(tmp_path)] == ["themes.yaml"]


def test_fixtures_hold_natural_keys_and_no_derived_values():
    for path in fixture_files():
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert set(record) == {"model", "fields"}, (path.name, record)
            fields = record["fields"]
            if record["model"] == "activities.seizure":
                assert "quantity_kg" not in fields
            if fields.get("start_date"):
                assert "year" not in fields and "month" not in fields, fields


def records_in_fixtures() -> Counter:
    return Counter(
        record["model"]
        for path in fixture_files()
        for record in yaml.safe_load(path.read_text(encoding="utf-8"))
    )


def test_fixtures_load_into_an_empty_database():
    assert not am.Article.objects.exists()
    assert not am.Country.objects.exists()
    expected = records_in_fixtures()
    assert expected["activities.article"] >= 9

    output = load()

    for label, number in expected.items():
        model = apps.get_model(label)
        assert f"{model._meta.label}: {number} created, 0 updated, 0 unchanged" in output
        assert model.objects.count() == number, label
    # History starts with one creation per tracked record.
    assert history_counts() == {
        "activities.HistoricalEvent": expected["activities.event"],
        "activities.HistoricalProject": expected["activities.project"],
        "activities.HistoricalSeizure": expected["activities.seizure"],
        "donors.HistoricalContribution": expected["donors.contribution"],
        "results.HistoricalIndicator": expected["results.indicator"],
        "results.HistoricalResult": expected["results.result"],
    }


def test_loading_twice_changes_nothing():
    load()
    before = snapshot()
    history = history_counts()
    output = load()
    assert " 0 created, 0 updated" in output
    assert "created, 0 updated, 0 unchanged" not in output
    assert all(
        line.split(": ")[1].startswith("0 created, 0 updated")
        for line in output.splitlines()
        if ": " in line
    )
    assert snapshot() == before
    assert history_counts() == history


def test_files_load_in_any_order_to_the_same_records():
    load(*reversed(fixture_files()))
    output = load(*fixture_files())
    assert all(
        line.split(": ")[1].startswith("0 created, 0 updated")
        for line in output.splitlines()
        if ": " in line
    )


def test_a_changed_record_is_updated_and_its_change_kept_in_history(tmp_path):
    load()
    copy = tmp_path / "events.yaml"
    shutil.copy(FIXTURE_DIR / "events.yaml", copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("reported_participants: 18", "reported_participants: 19"))
    course = am.Event.objects.get(slug="operational-planning-course-2011-02")
    assert course.history.count() == 1

    output = load(copy, *[p for p in fixture_files() if p.name != "events.yaml"])

    unchanged = records_in_fixtures()["activities.event"] - 1
    assert f"activities.Event: 0 created, 1 updated, {unchanged} unchanged" in output
    course.refresh_from_db()
    assert course.reported_participants == 19
    assert course.history.count() == 2


def test_the_loader_runs_from_make_run_with_no_arguments():
    """`make run` calls the command without arguments: it loads fixtures/*.yaml."""
    output = load()
    assert "Loaded 7 fixture file(s)." in output


def test_a_missing_file_is_refused():
    with pytest.raises(CommandError, match="No such fixture file"):
        load(Path("fixtures/nope.yaml"))


BROKEN_EVENT = """\
- model: activities.theme
  fields: {slug: must-be-rolled-back, name: Must be rolled back}
- model: activities.event
  fields: {slug: broken, title: Broken, kind: workshop, start_date: 2011-03-25,
           end_date: 2011-03-20}
"""


@pytest.mark.django_db(transaction=True)
def test_a_refused_load_is_rolled_back_by_the_database_itself(tmp_path):
    """Outside a test transaction: what the loader's own transaction wrote before the broken
    record is undone by a real rollback, on SQLite and on PostgreSQL."""
    call_command("load_fixtures", stdout=StringIO())
    before = snapshot()
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_EVENT, encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.yaml, record 2"):
        call_command("load_fixtures", path, *fixture_files(), stdout=StringIO())
    assert snapshot() == before
