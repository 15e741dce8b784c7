"""Natural keys: a populated database dumped with natural keys, flushed and loaded back holds the
same rows, with no primary keys in the dump."""

import json

import pytest
from django.core import serializers
from django.core.management import call_command

from activities import models as am
from donors import models as dm
from tests import factories

NATURAL_KEY_MODELS = [
    am.Country, am.Organisation, am.Person, am.Theme, am.Project, am.Event,
    am.EventTrainerOrganisation, am.Substance, am.Seizure, am.Bulletin, am.Article,
    dm.Donor, dm.Contribution, dm.ExchangeRate,
]
LABELS = [m._meta.label_lower for m in NATURAL_KEY_MODELS]


def populate():
    kg = factories.CountryFactory(code="KG")
    unodc = factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un", country=None)
    theme = factories.ThemeFactory(slug="precursor-control")
    programme = factories.ProjectFactory(code="ICP-KGZ", kind="programme")
    project = factories.ProjectFactory(code="KGZK50", parent=programme)
    project.countries.add(kg)
    project.themes.add(theme)
    project.implementers.add(unodc)
    person = factories.PersonFactory(slug="steven-brown", organisation=unodc)
    event = factories.EventFactory(slug="planning", projects=[project], organiser=unodc)
    event.trainers.add(person)
    factories.EventTrainerOrganisationFactory(event=event)
    anhydride = factories.SubstanceFactory(slug="acetic-anhydride", density_kg_per_l="1.08")
    seizure = factories.SeizureFactory(key="tarcet-total", substance=anhydride, quantity=40,
                                       unit="t", project=project, country=kg)
    article = factories.ArticleFactory(slug="planning-for-success")
    article.projects.add(project)
    article.events.add(event)
    article.people.add(person)
    article.seizures.add(seizure)
    article.countries.add(kg)
    article.organisations.add(unodc)
    donor = factories.DonorFactory(slug="canada", country=factories.CountryFactory(code="CA"))
    factories.ContributionFactory(key="canada-tarcet", donor=donor, project=project,
                                  event=event, article=article)
    factories.ExchangeRateFactory()


def snapshot():
    """Every row of every natural-keyed model, by natural key, without primary keys."""
    rows = {}
    for model in NATURAL_KEY_MODELS:
        data = serializers.serialize(
            "python", model.objects.all(),
            use_natural_foreign_keys=True, use_natural_primary_keys=True,
        )
        rows[model._meta.label] = sorted(
            json.dumps(row["fields"], sort_keys=True, default=str) for row in data
        )
    return rows


@pytest.mark.django_db(transaction=True)
def test_dump_flush_and_load_gives_the_same_rows(tmp_path):
    populate()
    before = snapshot()
    assert all(before.values()), "every natural-keyed model has rows"

    dump = tmp_path / "dump.json"
    call_command("dumpdata", *LABELS, natural_foreign=True, natural_primary=True,
                 indent=2, output=str(dump), verbosity=0)
    dumped = json.loads(dump.read_text())
    assert all("pk" not in record for record in dumped), "the dump holds no primary keys"

    call_command("flush", interactive=False, verbosity=0)
    assert not am.Project.objects.exists()

    call_command("loaddata", str(dump), verbosity=0)
    assert snapshot() == before

    # Loading again matches every record by natural key: nothing is duplicated.
    call_command("loaddata", str(dump), verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", NATURAL_KEY_MODELS, ids=lambda m: m._meta.label)
def test_get_by_natural_key_finds_the_record(model):
    populate()
    obj = model.objects.first()
    assert model.objects.get_by_natural_key(*obj.natural_key()) == obj
