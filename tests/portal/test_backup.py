"""Backup and restore: a round trip through the backup file loses nothing, history included."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from activities.models import Event, Seizure
from donors.models import Contribution
from tests import factories
from unodc_portal.core.roles import ensure_groups
from unodc_portal.site.backup import PortableSerializer, backed_up_models, read_records

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(attachment_media):
    """A restore needs an empty attachments' storage: each test has its own."""
    return attachment_media


@pytest.fixture(autouse=True)
def long_retention(settings):
    """A restore applies retention last; the factories' events are of 2011, so their people's
    contact details would go. The round trips here compare rows, not retention
    (tests/personaldata/test_journal_backup.py tests retention on restore)."""
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION,
                                        "contact_details_days": 100 * 365}


def snapshot() -> dict[str, list[str]]:
    """Every row of every backed-up model, with primary keys, as comparable text."""
    serializer = PortableSerializer()
    result = {}
    for model in backed_up_models():
        rows = json.loads(serializer.serialize(model._base_manager.order_by("pk")))
        result[model._meta.label] = [json.dumps(row, sort_keys=True) for row in rows]
    return result


def populate():
    ensure_groups(apps)
    officer = factories.UserFactory(username="officer")
    officer.groups.add(Group.objects.get(name="Programme officers"))
    donor_account = factories.DonorAccountFactory()
    event = factories.EventFactory(title="Планирование — Кыргызстан")  # non-ASCII survives
    factories.ParticipationFactory.create_batch(3, event=event)
    seizure = factories.SeizureFactory(quantity=40, unit="t")
    seizure.quantity = 41
    seizure.save()  # a second history row
    contribution = factories.ContributionFactory(donor=donor_account.donor, is_published=False)
    contribution.delete()  # a deleted record, findable only in history
    factories.ArticleFactory().events.add(event)
    factories.ExchangeRateFactory()


def test_round_trip_loses_nothing_history_included(tmp_path):
    populate()
    before = snapshot()
    assert before["activities.HistoricalSeizure"] and before["donors.HistoricalContribution"]
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    records = read_records(path)
    assert all("pk" in record for record in records)
    assert not {r["model"] for r in records} & {"contenttypes.contenttype", "auth.permission"}

    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists() and not Group.objects.exists()
    call_command("restore", path, verbosity=0)

    assert snapshot() == before
    assert Seizure.history.count() == 2
    assert Contribution.history.filter(history_type="-").count() == 1
    # New rows get fresh keys after a restore (sequences moved past the restored ones).
    factories.EventFactory()


def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(tmp_path):
    populate()
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    before = snapshot()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", path, verbosity=0)
    assert snapshot() == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "not-a-backup.json.gz"
    path.write_bytes(b"this is not gzip")
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", path, verbosity=0)


def test_times_keep_their_microseconds_through_a_round_trip(tmp_path):
    """History dates are compared and ordered to the microsecond; a backup must not round them
    (Django's JSON encoder keeps only milliseconds)."""
    event = factories.EventFactory()
    exact = datetime.datetime(2011, 3, 10, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    Event.history.filter(id=event.pk).update(history_date=exact)
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", path, verbosity=0)
    assert Event.history.get(id=event.pk).history_date == exact


def test_a_backup_is_readable_by_its_owner_only(tmp_path, settings):
    """It holds personal data, password hashes and API tokens (README: Backup and restore)."""
    import os
    import stat

    populate()
    settings.BASE_DIR = tmp_path
    old_umask = os.umask(0o022)  # the usual umask, which would leave files world-readable
    tmp_path.chmod(0o755)
    (tmp_path / "backups").mkdir(mode=0o755)  # made earlier, by hand: narrowed too
    try:
        call_command("backup")
        given = tmp_path / "elsewhere" / "deep" / "copy.json.gz"
        call_command("backup", output=given)
    finally:
        os.umask(old_umask)
    directory = tmp_path / "backups"
    [written] = directory.iterdir()
    for path, mode in [(directory, 0o700), (written, 0o600), (given, 0o600),
                       (given.parent, 0o700), (given.parent.parent, 0o700)]:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
    # A directory the caller named that already existed (tmp_path) is left as it was.
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_the_readme_says_what_a_backup_contains():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    for words in ["personal data", "password hashes", "API tokens", "0600"]:
        assert words in section
