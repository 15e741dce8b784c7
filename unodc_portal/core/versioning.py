"""Record versions, so that no edit is silently lost (issue 11, point 3).

Events, participants, seizures and contributions carry an integer ``version``. Every write path
moves it on with ``bump_version`` — an atomic UPDATE, conditional on the version the form was
loaded with where there is a form (compare-and-set: of two saves made from the same version,
only the first passes; on PostgreSQL the second waits for the first's row lock, then finds the
version moved on). A save from an older version writes nothing and says who changed the record
and when, from the record's history.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_lazy

VERSION_MAX = 2**31 - 1


class StaleVersion(Exception):
    """A form was based on an older version of ``obj`` than the stored one."""

    def __init__(self, obj):
        self.obj = obj
        self.current = current_version(obj)
        self.changed_by, self.changed_at = last_change(obj)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return stale_message(self.obj, self.changed_by, self.changed_at)

    @property
    def message_not_kept(self) -> str:
        """The message where the input cannot be shown again (the admin redirects)."""
        return stale_message(self.obj, self.changed_by, self.changed_at, kept=False)


def current_version(obj) -> int | None:
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()


def bump_version(obj, expected: int | None = None) -> int:
    """Move ``obj``'s stored version on by one and return it (also set on ``obj``).

    With ``expected``, only when the stored version is still ``expected`` (UPDATE … WHERE
    version = expected); otherwise raise StaleVersion and write nothing. Without it, an F()
    increment that cannot lose a concurrent one."""
    rows = type(obj)._base_manager.filter(pk=obj.pk)
    if expected is not None:
        if rows.filter(version=expected).update(version=expected + 1) != 1:
            raise StaleVersion(obj)
        obj.version = expected + 1
        return obj.version
    rows.update(version=F("version") + 1)
    obj.version = current_version(obj)
    return obj.version


def bump_versions(model, pks) -> None:
    """Move on the versions of several records of ``model`` (one UPDATE)."""
    pks = {pk for pk in pks if pk is not None}
    if pks:
        model._base_manager.filter(pk__in=pks).update(version=F("version") + 1)


def last_change(obj):
    """(user, date) of the record's latest history row, among the rows of the histories the
    record names in ``change_histories()`` where it has one (an event: its own and its
    participations', since imports and merges change only those)."""
    histories = obj.change_histories() if hasattr(obj, "change_histories") else [obj.history]
    rows = [
        history.select_related("history_user").order_by("-history_date", "-history_id").first()
        for history in histories
    ]
    rows = [row for row in rows if row is not None]
    if not rows:
        return None, None
    latest = max(rows, key=lambda row: row.history_date)
    return latest.history_user, latest.history_date


def describe_user(user) -> str:
    if user is None:
        return gettext("someone (no user recorded)")
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()


def stale_message(obj, user, when, kept: bool = True) -> str:
    """Who changed the record and when (the date in the reader's language), and that nothing was
    written; ``kept``: the form shows the input again."""
    values = {"record": obj, "who": describe_user(user)}
    if when:
        local = timezone.localtime(when)
        values.update(date=date_format(local, "d E Y"), time=date_format(local, "H:i:s"))
        if kept:
            text = gettext(
                "Not saved: “%(record)s” was changed by %(who)s on %(date)s at %(time)s, after "
                "you opened this page. Nothing was written. Your input is kept below: check it "
                "against the current record, then save again to apply it.")
        else:
            text = gettext(
                "Not saved: “%(record)s” was changed by %(who)s on %(date)s at %(time)s, after "
                "you opened this page. Nothing was written. Your input could not be kept: enter "
                "it again: check it against the current record, then save again to apply it.")
    elif kept:
        text = gettext(
            "Not saved: “%(record)s” was changed by %(who)s, after you opened this page. "
            "Nothing was written. Your input is kept below: check it against the current "
            "record, then save again to apply it.")
    else:
        text = gettext(
            "Not saved: “%(record)s” was changed by %(who)s, after you opened this page. "
            "Nothing was written. Your input could not be kept: enter it again: check it "
            "against the current record, then save again to apply it.")
    return text % values


def snapshot_value(field, initial) -> list:
    value = field.prepare_value(initial)
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return [str(value)]


def kept_note(form, kept: list[str]) -> str:
    if not kept:
        return " " + gettext("You had changed nothing: the form now shows the current record.")
    labels = ", ".join(str(form.fields[name].label or name) for name in kept)
    return " " + gettext(
        "Kept as you typed them: %(labels)s; the other fields now show the current record."
    ) % {"labels": labels}


MISSING_MESSAGE = gettext_lazy(
    "Not saved: this form did not say which version of the record it was based on (the page "
    "may be incomplete). Nothing was written. Your input is kept below: check it against the "
    "current record, then save again to apply it."
)


def parse_version(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text.isdecimal() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= VERSION_MAX else None


class VersionedModelForm(forms.ModelForm):
    """A change form carrying its record's version in a hidden field. A submitted version that
    is missing, damaged or older than the stored one is a form error that names who changed
    the record and when; the re-rendered form then carries the current version, so that
    saving again applies the officer's input on purpose."""

    # Not named "version": the admin refuses a form field named like a non-editable field.
    record_version = forms.CharField(required=False, widget=forms.HiddenInput)
    # Fields whose loaded value history does not hold (many-to-many): the page carries it in a
    # hidden ``loaded_<name>`` field (comma-separated ids), rendered by the page's template.
    snapshot_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored version, not the instance's: the admin's "restore an earlier version"
        # form holds an instance built from history, with that version's number.
        self.stored_version = None
        if self.instance.pk is not None:
            self.stored_version = current_version(self.instance)
            if self.stored_version is None:  # not stored (any more)
                self.stored_version = self.instance.version
            self.fields["record_version"].initial = self.stored_version
        for name in self.snapshot_fields:
            field = self.fields[name]
            self.fields[f"loaded_{name}"] = forms.CharField(
                required=False, widget=forms.HiddenInput,
                initial=",".join(str(v) for v in snapshot_value(
                    field, self.get_initial_for_field(field, name))))

    def clean_record_version(self):
        if self.instance.pk is None:
            return None
        expected = parse_version(self.cleaned_data.get("record_version"))
        if expected is None:
            self.refuse(MISSING_MESSAGE)
        elif expected != self.stored_version:
            changed_by, changed_at = last_change(self.instance)
            self.carry_version(self.stored_version)
            kept = self.reconcile(expected)
            raise ValidationError(
                stale_message(self.instance, changed_by, changed_at) + kept_note(self, kept),
                code="stale")
        return expected

    def refuse(self, message: str):
        """Refuse the save with ``message``; the form shown again carries the current
        version."""
        self.carry_version(self.stored_version)
        raise ValidationError(message, code="stale")

    def carry_version(self, version: int):
        self.data = self.data.copy()
        self.data[self.add_prefix("record_version")] = str(version)

    def reconcile(self, expected: int) -> list[str]:
        """Make the submitted data the officer's changes over the current record: a field
        the officer changed (its submitted value differs from the version the form was loaded
        from, read from history) keeps the input; every other field takes the current value,
        so that saving again applies the officer's changes without undoing someone else's.
        Returns the names of the kept fields. Without that version in history, everything
        typed is kept."""
        base = self.instance.history.filter(version__lte=expected).order_by(
            "-version", "-history_date", "-history_id").first()
        names = [name for name in self.fields if name != "record_version"
                 and not (name.startswith("loaded_") and name[7:] in self.snapshot_fields)]
        if base is None:
            return names
        current = type(self.instance)._base_manager.get(pk=self.instance.pk)
        loaded_form = type(self)(instance=base.instance, prefix=self.prefix)
        current_form = type(self)(instance=current, prefix=self.prefix)
        data = self.data.copy()
        kept = []
        for name in names:
            field = self.fields[name]
            key = self.add_prefix(name)
            typed = field.widget.value_from_datadict(self.data, self.files, key)
            loaded = loaded_form[name].initial
            if name in self.snapshot_fields:
                snapshot = self.add_prefix(f"loaded_{name}")
                data[snapshot] = ",".join(str(v) for v in snapshot_value(
                    field, current_form[name].initial))
                if snapshot in self.data:
                    loaded = [v for v in str(self.data[snapshot]).split(",") if v]
            if field.has_changed(loaded, typed):
                kept.append(name)
                continue
            value = field.prepare_value(current_form[name].initial)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            elif isinstance(value, (list, tuple, set)) or (hasattr(value, "__iter__") and not \
                    isinstance(value, str)):
                data.setlist(key, [str(v) for v in value])
            elif value is None:
                data[key] = ""
            elif isinstance(value, datetime.date):
                data[key] = value.isoformat()
            else:
                data[key] = str(value)
        self.data = data
        return kept

    def _post_clean(self):
        super()._post_clean()
        # Shown above the form (a hidden field's error would be easy to miss).
        if "record_version" in self._errors:
            for message in self._errors.pop("record_version"):
                self.add_error(None, message)


class VersionedAdminMixin:
    """For a ModelAdmin of a versioned model: the change form carries the version (a hidden
    row; VersionedModelForm refuses an older one with who and when, the input kept), and
    ``save_model`` moves the version on only if it is still the one the form was loaded with
    (a save that lost the race between the form's check and the save is refused with a
    message; the transaction of the admin's change view writes nothing). Inline rows are saved
    with their parent, so the parent's version covers them."""

    form = VersionedModelForm

    def save_model(self, request, obj, form, change):
        # (A deleted record restored from its history is stored again: no version to check.)
        if change and current_version(obj) is not None:
            bump_version(obj, expected=form.cleaned_data.get("record_version"))
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusing_stale(request, super().changeform_view, object_id, form_url,
                                    extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an earlier version is a change like any other: from the current version.
        return self._refusing_stale(request, super().history_form_view, object_id, version_id,
                                    extra_context)

    def _refusing_stale(self, request, view, *args):
        from django.contrib import messages
        from django.http import HttpResponseRedirect

        try:
            return view(request, *args)
        except StaleVersion as exc:
            messages.error(request, exc.message_not_kept)
            return HttpResponseRedirect(request.get_full_path())
