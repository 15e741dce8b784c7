"""Load fixture files in one transaction, validating every record first.

Unlike ``loaddata`` this calls each model's ``full_clean()`` (so a constraint or a malformed value
is refused with the field named) and its own ``save()`` (so derived fields such as a seizure's
kilograms are computed, never typed into a fixture). Records are matched by natural key, so
loading twice changes nothing and adds no history. Any error names the file and the record and
rolls back everything.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures"


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
    """The fixture files of a directory, in name order (the order does not matter)."""
    return sorted(
        p for p in directory.iterdir() if p.suffix in {".yaml", ".yml", ".json"} and p.is_file()
    ) if directory.is_dir() else []


def _read(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
        records = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise FixtureError(f"{path.name}: cannot be read: {exc}") from exc
    if records is None:
        return []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FixtureError(f"{path.name}: expected a list of records with model and fields.")
    return records


def _label(path: Path, index: int, record: dict) -> str:
    """'fixtures/x.yaml, record 3 (activities.event "fedotov-visit")'"""
    model = record.get("model", "?")
    fields = record.get("fields") or {}
    key = ""
    try:
        model_class = apps.get_model(model)
        names = getattr(model_class, "natural_key_fields", ())
        key = " ".join(str(fields.get(name)) for name in names if name in fields)
    except (LookupError, ValueError):
        pass
    identity = f'{model} "{key}"' if key else model
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


def _unchanged(instance, m2m_data: dict) -> bool:
    """True when the database already holds exactly this record, its links included."""
    if instance.pk is None:
        return False
    model = type(instance)
    try:
        current = model._base_manager.get(pk=instance.pk)
    except model.DoesNotExist:
        return False
    if any(
        getattr(current, f.attname) != getattr(instance, f.attname)
        for f in model._meta.concrete_fields
    ):
        return False
    return all(
        set(getattr(current, name).values_list("pk", flat=True)) == set(pks)
        for name, pks in m2m_data.items()
    )


def load_fixtures(paths: list[Path]) -> LoadReport:
    """Load every record of every file, or nothing at all."""
    report = LoadReport()
    deferred: list[tuple[str, object]] = []
    with transaction.atomic():
        for path in paths:
            for index, record in enumerate(_read(path)):
                label = _label(path, index, record)
                try:
                    (obj,) = serializers.deserialize(
                        "python", [record], handle_forward_references=True
                    )
                except DeserializationError as exc:
                    raise FixtureError(f"{label}: {_message(exc.__cause__ or exc)}") from exc
                except (ValueError, TypeError, LookupError, ObjectDoesNotExist) as exc:
                    raise FixtureError(f"{label}: {exc}") from exc
                instance = obj.object
                model_label = instance._meta.label
                m2m_data = obj.m2m_data or {}
                if obj.deferred_fields:
                    deferred.append((label, obj))
                # Derived fields (a seizure's kilograms, an event's year) are computed, never
                # typed into a fixture: fill them before comparing with the database.
                if hasattr(instance, "fill_derived_fields"):
                    instance.fill_derived_fields()
                if _unchanged(instance, m2m_data):
                    report.unchanged[model_label] += 1
                    continue
                is_new = instance.pk is None or not type(instance)._base_manager.filter(
                    pk=instance.pk
                ).exists()
                try:
                    instance.full_clean(exclude=[f.name for f in obj.deferred_fields])
                    instance.save()
                    for name, pks in m2m_data.items():
                        getattr(instance, name).set(pks)
                except ValidationError as exc:
                    raise FixtureError(f"{label}: {_message(exc)}") from exc
                except DatabaseError as exc:
                    raise FixtureError(f"{label}: refused by the database: {exc}") from exc
                (report.created if is_new else report.updated)[model_label] += 1
        for label, obj in deferred:
            try:
                obj.save_deferred_fields()
            except (DeserializationError, ObjectDoesNotExist) as exc:
                raise FixtureError(
                    f"{label}: refers to a record that does not exist: {exc}"
                ) from exc
    return report
