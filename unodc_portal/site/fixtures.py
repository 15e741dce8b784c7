"""Load fixture files in one transaction, validating every record first.

Unlike ``loaddata`` this calls each model's ``full_clean()`` (so a constraint or a malformed value
is refused with the field named) and its own ``save()`` (so derived fields such as a seizure's
kilograms are computed, never typed into a fixture). Records are matched by natural key, so
loading twice changes nothing and adds no history. Any error names the file and the record and
rolls back everything.

Files may be given in any order and records may refer to records further on (or in another
file): a record whose references are not loaded yet waits, and is retried once the records before
it have been saved. A reference that never appears is reported as missing. So the results
frameworks (``results.yaml``: results, indicators, periods) load after the projects, substances
and outcomes they name whatever the order, and are validated as every record is: an output under
an output, a period overlapping another of its indicator, an entered actual on a computed
indicator are refused by the models' ``full_clean()``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import DatabaseError, transaction
from django.db.models import ForeignObjectRel

from activities import services

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
FIXTURE_SUFFIXES = {".yaml", ".yml", ".json"}


class FixtureError(Exception):
    """A fixture record that cannot be loaded; the message names the file and the record."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "\n".join(
            f"{label}: {self.created[label]} created, {self.updated[label]} updated, "
            f"{self.unchanged[label]} unchanged"
            for label in labels
        )


def fixture_files(directory: Path = FIXTURE_DIR) -> list[Path]:
    """The fixture files directly in a directory, in name order (the order does not matter).

    Sub-directories are not read: ``fixtures/source/`` keeps the source texts.
    """
    return sorted(
        p for p in directory.iterdir() if p.suffix in FIXTURE_SUFFIXES and p.is_file()
    ) if directory.is_dir() else []


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text.

    PyYAML turns ``2011-02-30`` into a date itself and fails the whole file on an impossible one;
    left as text, the date is parsed by the model field, and a malformed one is reported with the
    record and the field that hold it.
    """


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_records(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
        records = json.loads(text) if path.suffix == ".json" else yaml.load(text, _YamlLoader)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise FixtureError(f"{path.name}: cannot be read: {exc}") from exc
    if records is None:
        return []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FixtureError(f"{path.name}: expected a list of records with model and fields.")
    return records


def _format_key(value) -> str:
    if isinstance(value, list | tuple):
        return "/".join(_format_key(v) for v in value)
    return str(value)


# Records keyed by more than their own fields: the fields that name them in a message.
LABEL_FIELDS = {"results.period": ("indicator", "start", "end")}


def _label(path: Path, index: int, record: dict) -> str:
    """'events.yaml, record 3 (activities.event "fedotov-visit")'"""
    model = record.get("model", "?")
    fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
    key = ""
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError, TypeError):
        model_class = None
    if model_class is not None:
        names = LABEL_FIELDS.get(model_class._meta.label_lower) or getattr(
            model_class, "natural_key_fields", None) or [
            f.name for f in model_class._meta.concrete_fields if f.is_relation and f.name in fields
        ]
        key = " ".join(_format_key(fields[name]) for name in names if name in fields)
    identity = f'{model} "{key}"' if key else str(model)
    return f"{path.name}, record {index + 1} ({identity})"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _is_natural_key(value) -> bool:
    return isinstance(value, list | tuple) and bool(value)


def _check_shape(label: str, record: dict):
    """The model exists, the fields exist, and every reference is a natural key (no ids)."""
    try:
        model = apps.get_model(record.get("model", ""))
    except (LookupError, ValueError, TypeError):
        raise FixtureError(f"{label}: unknown model {record.get('model')!r}.") from None
    if "pk" in record:
        raise FixtureError(f"{label}: give natural keys, not a primary key (pk).")
    fields = record.get("fields")
    if not isinstance(fields, dict):
        raise FixtureError(f"{label}: expected 'fields' with the record's values.")
    for name, value in fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(
                f"{label}: {model._meta.label_lower} has no field {name!r}."
            ) from None
        if isinstance(model_field, ForeignObjectRel):
            raise FixtureError(
                f"{label}: {name} is the reverse side of a link; give it on the other record."
            )
        if model_field.many_to_many:
            if not isinstance(value, list) or not all(_is_natural_key(v) for v in value):
                raise FixtureError(
                    f"{label}: {name}: expected a list of natural keys, e.g. [[KGZK50]]."
                )
        elif model_field.is_relation and value is not None and not _is_natural_key(value):
            raise FixtureError(f"{label}: {name}: expected a natural key, e.g. [KG].")
    return model


def _field_error(model, fields: dict) -> str | None:
    """The first plain field whose value the model cannot parse, as 'field: message'."""
    for name, value in fields.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            continue
        try:
            model_field.to_python(value)
        except ValidationError as exc:
            return f"{name}: {' '.join(exc.messages)}"
    return None


def _missing_references(model, fields: dict) -> list[str]:
    """'field → app.model "key"' for every reference of a record that matches no record."""
    missing = []
    for name, value in fields.items():
        model_field = model._meta.get_field(name)
        if not model_field.is_relation or value is None:
            continue
        related = model_field.remote_field.model
        for key in value if model_field.many_to_many else [value]:
            try:
                related._default_manager.get_by_natural_key(*key)
            except (ObjectDoesNotExist, TypeError, ValueError):
                missing.append(f'{name} → {related._meta.label_lower} "{_format_key(key)}"')
    return missing


def _deserialize(label: str, model, record: dict) -> DeserializedObject | None:
    """The record as an unsaved object, or None while a record it refers to is not loaded yet."""
    try:
        (obj,) = serializers.deserialize("python", [record], handle_forward_references=True)
    except DeserializationError as exc:
        detail = _field_error(model, record["fields"]) or _message(exc.__cause__ or exc)
        raise FixtureError(f"{label}: {detail}") from exc
    except ObjectDoesNotExist:
        # The record's own natural key goes through a reference that is not loaded yet (a
        # trainer organisation is keyed by its event).
        return None
    except (ValueError, TypeError, LookupError) as exc:
        raise FixtureError(f"{label}: {exc}") from exc
    return None if obj.deferred_fields else obj


def _unchanged(instance, m2m_data: dict) -> bool:
    """True when the database already holds exactly this record, its links included."""
    if instance.pk is None:
        return False
    model = type(instance)
    try:
        current = model._base_manager.get(pk=instance.pk)
    except model.DoesNotExist:
        return False
    # Fields the save computes from others (a contribution's US-dollar equivalent) are never in
    # a fixture: they cannot tell a change.
    computed = getattr(model, "computed_on_save", ())
    if any(
        getattr(current, f.attname) != getattr(instance, f.attname)
        for f in model._meta.concrete_fields if f.name not in computed
    ):
        return False
    return all(
        set(getattr(current, name).values_list("pk", flat=True)) == set(pks)
        for name, pks in m2m_data.items()
    )


# Records whose save changes others go through their service, as in the admin.
SAVE_SERVICES = {"activities.Substance": services.substance_save}


def _save(label: str, obj: DeserializedObject, report: LoadReport) -> None:
    instance = obj.object
    model_label = instance._meta.label
    m2m_data = obj.m2m_data or {}
    # Derived fields (a seizure's kilograms, an event's year) are computed, never typed into a
    # fixture: fill them before comparing with the database.
    if hasattr(instance, "fill_derived_fields"):
        instance.fill_derived_fields()
    if _unchanged(instance, m2m_data):
        report.unchanged[model_label] += 1
        return
    is_new = instance.pk is None or not type(instance)._base_manager.filter(
        pk=instance.pk
    ).exists()
    # A record found by its natural key is the stored row: without this, full_clean() takes it
    # for a new row clashing with itself ("with this slug already exists").
    instance._state.adding = is_new
    try:
        instance.full_clean()
        save = SAVE_SERVICES.get(model_label)
        if save is not None:
            save(instance)
        else:
            instance.save()
        for name, pks in m2m_data.items():
            getattr(instance, name).set(pks)
    except ValidationError as exc:
        raise FixtureError(f"{label}: {_message(exc)}") from exc
    except DatabaseError as exc:
        raise FixtureError(f"{label}: refused by the database: {exc}") from exc
    (report.created if is_new else report.updated)[model_label] += 1


def load_fixtures(paths: list[Path]) -> LoadReport:
    """Load every record of every file, or nothing at all."""
    report = LoadReport()
    pending = []
    for path in paths:
        for index, record in enumerate(read_records(path)):
            label = _label(path, index, record)
            pending.append((label, _check_shape(label, record), record))
    first_seen: dict[tuple, str] = {}
    with transaction.atomic():
        while pending:
            waiting = []
            for label, model, record in pending:
                obj = _deserialize(label, model, record)
                if obj is None:
                    waiting.append((label, model, record))
                    continue
                identity = (model._meta.label, tuple(obj.object.natural_key()))
                if identity in first_seen:
                    raise FixtureError(
                        f"{label}: the same record is already given by {first_seen[identity]}."
                    )
                first_seen[identity] = label
                _save(label, obj, report)
            if len(waiting) == len(pending):
                # No record could be saved in a whole pass: what they wait for does not exist.
                label, model, record = waiting[0]
                missing = _missing_references(model, record["fields"])
                raise FixtureError(
                    f"{label}: refers to a record that does not exist: "
                    + ("; ".join(missing) or "a reference of its natural key")
                    + "."
                )
            pending = waiting
    return report
