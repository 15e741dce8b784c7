"""``manage.py purge_imports`` (issue 14, point 2): expired imports never confirmed go with
the rows they hold; imports awaiting confirmation in time and confirmed imports stay; a second
run removes nothing; ``--dry-run`` only lists."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import ImportBatch, Participant
from tests import factories

pytestmark = pytest.mark.django_db


def batch(hours, status=ImportBatch.Status.PREVIEW, name="list.csv", user=None):
    return ImportBatch.objects.create(
        event=factories.EventFactory(), created_by=user, file_name=name, file_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(hours=hours), status=status,
        rows=[{"n": 2, "status": "new", "values": {"name": "Someone"}}], counts={"new": 1},
    )


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_imports", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def batches(officer_user):
    return {
        "expired": batch(-1, name="expired.csv", user=officer_user),
        "long_expired": batch(-24 * 30, name="old.csv"),
        "waiting": batch(5, name="waiting.csv"),
        # Confirmed long ago, its expiry long past: the record of an import, kept.
        "confirmed": batch(-24 * 30, ImportBatch.Status.COMMITTED, name="confirmed.csv"),
    }


def test_expired_imports_are_removed_and_the_others_kept(batches):
    participants = Participant.objects.count()
    output = purge()
    kept = set(ImportBatch.objects.values_list("pk", flat=True))
    assert kept == {batches["waiting"].pk, batches["confirmed"].pk}
    assert f"removed import {batches['expired'].pk}: expired.csv" in output
    assert "by officer" in output
    assert f"removed import {batches['long_expired'].pk}: old.csv" in output
    assert "(removed account)" in output  # an import whose account is gone
    assert "waiting.csv" not in output and "confirmed.csv" not in output
    assert output.endswith("2 expired import(s) removed.\n")
    assert Participant.objects.count() == participants


def test_a_second_run_removes_nothing(batches):
    purge()
    remaining = list(ImportBatch.objects.values_list("pk", flat=True).order_by("pk"))
    assert purge() == "0 expired import(s) removed.\n"
    assert list(ImportBatch.objects.values_list("pk", flat=True).order_by("pk")) == remaining


def test_a_dry_run_lists_and_removes_nothing(batches):
    output = purge("--dry-run")
    assert ImportBatch.objects.count() == 4
    assert f"would remove import {batches['expired'].pk}: expired.csv" in output
    assert output.endswith("2 expired import(s) would be removed.\n")


def test_an_import_expiring_later_goes_on_a_later_run(batches):
    waiting = batches["waiting"]
    ImportBatch.objects.filter(pk=waiting.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    purge()
    assert not ImportBatch.objects.filter(pk=waiting.pk).exists()
