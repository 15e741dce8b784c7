"""Seizure entry for officers: kilograms shown, the model's validation at the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Seizure
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def anhydride(db):
    return factories.SubstanceFactory(slug="acetic-anhydride", name="Acetic anhydride",
                                      kind="precursor", density_kg_per_l=Decimal("1.08"))


def seizure_data(substance, **overrides):
    country = factories.CountryFactory(code="TJ")
    data = {"kind": "individual", "substance": str(substance.pk), "qualifier": "exact",
            "quantity": "500", "unit": "L", "date": "2011-03-02", "country": str(country.pk)}
    data.update(overrides)
    return data


def test_officer_records_a_seizure_and_sees_it_in_kilograms(officer_client, anhydride):
    response = officer_client.post(reverse("activities:seizure_create"), seizure_data(anhydride))
    seizure = Seizure.objects.get()
    assert response["Location"] == reverse("activities:seizure_update", args=[seizure.pk])
    assert seizure.quantity_kg == Decimal("540.000")
    assert seizure.year == 2011 and seizure.key.startswith("acetic-anhydride")
    html = officer_client.get(response["Location"]).content.decode()
    assert "Saved seizure acetic-anhydride" in html and "= 540 kg." in html
    assert "<strong>540 kg</strong>" in html
    assert 'id="substance-densities"' in html


def test_units_and_unknown_density_say_why_there_are_no_kilograms(officer_client):
    heroin = factories.SubstanceFactory(name="Heroin")
    officer_client.post(reverse("activities:seizure_create"),
                        seizure_data(heroin, unit="units", quantity="12"))
    seizure = Seizure.objects.get()
    assert seizure.quantity_kg is None
    html = officer_client.get(reverse("activities:seizure_update", args=[seizure.pk]))
    assert "units, which have no weight" in html.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "-3"}, "quantity", "greater than or equal to 0"),
        ({"date": "2011-03-02", "year": "2010"}, "year", "does not match the date"),
        ({"date": "", "year": "2012", "end_year": "2008", "kind": "aggregate"}, "end_year",
         "cannot end before it starts"),
        ({"unit": "barrels"}, "unit", "Select a valid choice"),
        ({"quantity": "abc"}, "quantity", "Enter a number"),
    ],
)
def test_invalid_seizures_are_refused_beside_the_field(officer_client, anhydride, overrides,
                                                       field, message):
    response = officer_client.post(reverse("activities:seizure_create"),
                                   seizure_data(anhydride, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Seizure.objects.exists()


def test_editing_a_seizure_is_recorded_in_its_history(officer_client, officer_user, anhydride):
    seizure = factories.SeizureFactory(substance=anhydride, quantity=40, unit="t")
    data = seizure_data(anhydride, key=seizure.key, quantity="4", unit="t",
                        record_version=str(seizure.version))
    officer_client.post(reverse("activities:seizure_update", args=[seizure.pk]), data)
    seizure.refresh_from_db()
    assert seizure.quantity_kg == Decimal("4000.000")
    latest = seizure.history.first()
    assert latest.history_user == officer_user
    assert latest.history_change_reason == "Edited on the seizure page"
