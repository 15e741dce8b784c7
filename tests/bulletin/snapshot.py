"""Everything the fixture loader could change, to compare a database before and after a load."""

import json

from django.apps import apps
from django.core import serializers

APPS = ("activities", "donors", "results")


def snapshot() -> dict[str, list[str]]:
    """Every row of every model of the apps the fixtures fill, history tables included, primary
    keys and all."""
    rows = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            data = serializers.serialize("python", model._base_manager.all())
            rows[model._meta.label] = sorted(
                json.dumps({"pk": row["pk"], **row["fields"]}, sort_keys=True, default=str)
                for row in data
            )
    return rows


def history_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__.startswith("Historical") and model._base_manager.exists()
    }
