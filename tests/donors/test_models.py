import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from donors.currency import converting
from donors.models import Contribution, ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


class TestContribution:
    def test_amount_needs_a_currency(self):
        contribution = factories.ContributionFactory.build(
            donor=factories.DonorFactory(), project=factories.ProjectFactory(), currency=""
        )
        assert errors_of(contribution)["currency"] == ["An amount needs its currency."]
        saved = factories.ContributionFactory()
        with pytest.raises(IntegrityError), converting():
            Contribution.objects.filter(pk=saved.pk).update(currency="")

    def test_unknown_amount_needs_no_currency(self):
        contribution = factories.ContributionFactory(amount=None, currency="")
        contribution.full_clean()

    def test_negative_amount_is_refused(self):
        contribution = factories.ContributionFactory.build(
            donor=factories.DonorFactory(), project=factories.ProjectFactory(),
            amount=Decimal("-10"),
        )
        assert "amount" in errors_of(contribution)
        saved = factories.ContributionFactory()
        with pytest.raises(IntegrityError), converting():
            Contribution.objects.filter(pk=saved.pk).update(amount=Decimal("-10"))

    def test_currency_must_be_iso_4217(self):
        contribution = factories.ContributionFactory.build(
            donor=factories.DonorFactory(), project=factories.ProjectFactory(), currency="EU"
        )
        assert errors_of(contribution)["currency"] == [
            "EU is not an ISO 4217 currency code (for example EUR, USD, KGS)."
        ]

    def test_duplicate_key_is_refused(self):
        factories.ContributionFactory(key="canada-tarcet")
        twin = factories.ContributionFactory.build(
            donor=factories.DonorFactory(), project=factories.ProjectFactory(),
            key="canada-tarcet",
        )
        assert "key" in errors_of(twin)

    @pytest.mark.parametrize(
        ("date", "year", "month"),
        [(datetime.date(2011, 4, 15), None, datetime.date(2011, 4, 1)),
         (None, 2010, datetime.date(2010, 7, 1)),
         (None, None, None)],
    )
    def test_rate_month_is_the_contributions_month_or_july(self, date, year, month):
        contribution = factories.ContributionFactory(date=date, year=year)
        assert Contribution.objects.get(pk=contribution.pk).usd_month == month


class TestVisibility:
    def test_donors_see_their_own_unpublished_contributions_only(self, donor_user, admin_user):
        own_draft = factories.ContributionFactory(
            donor=donor_user.donor_account.donor, is_published=False
        )
        others_draft = factories.ContributionFactory(is_published=False)
        public = factories.ContributionFactory(is_published=True)
        assert set(Contribution.objects.visible_to(None)) == {public}
        assert set(Contribution.objects.visible_to(donor_user)) == {public, own_draft}
        assert set(Contribution.objects.visible_to(admin_user)) == {
            public, own_draft, others_draft
        }
        assert set(Contribution.objects.visible_to(factories.UserFactory())) == {public}


class TestExchangeRate:
    def test_one_rate_per_currency_and_month(self):
        factories.ExchangeRateFactory(currency="EUR", month=datetime.date(2011, 4, 1))
        twin = factories.ExchangeRateFactory.build(currency="EUR", month=datetime.date(2011, 4, 20))
        assert errors_of(twin)["__all__"] == [
            "There is already a rate for this currency and month."
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()

    def test_rate_must_be_positive(self):
        rate = factories.ExchangeRateFactory.build(usd_per_unit=Decimal("-1"))
        assert "usd_per_unit" in errors_of(rate)
        saved = factories.ExchangeRateFactory()
        with pytest.raises(IntegrityError), converting():
            ExchangeRate.objects.filter(pk=saved.pk).update(usd_per_unit=0)

    def test_month_is_stored_as_its_first_day(self):
        rate = factories.ExchangeRateFactory(month=datetime.date(2011, 4, 17))
        rate.refresh_from_db()
        assert rate.month == datetime.date(2011, 4, 1)
