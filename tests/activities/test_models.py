"""Constraints and validation of the programme record: every inconsistent value is refused by
full_clean() with the field named, and by the database when it slips past."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.models import Article, Event, Participant, Project, Seizure, Substance
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


def refused_by_database(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


class TestEvent:
    def test_end_before_start_is_refused_with_the_field_named(self):
        event = factories.EventFactory.build(
            country=factories.CountryFactory(),
            start_date=datetime.date(2011, 3, 11), end_date=datetime.date(2011, 3, 10),
        )
        assert errors_of(event)["end_date"] == ["The end date cannot be before the start date."]

    def test_end_before_start_is_refused_by_the_database(self):
        event = factories.EventFactory()
        refused_by_database(
            Event.objects.filter(pk=event.pk), end_date=event.start_date - datetime.timedelta(1)
        )

    def test_negative_reported_count_is_refused(self):
        event = factories.EventFactory.build(country=factories.CountryFactory(),
                                             reported_participants=-1)
        assert "reported_participants" in errors_of(event)
        saved = factories.EventFactory()
        refused_by_database(Event.objects.filter(pk=saved.pk), reported_participants=-5)

    def test_year_and_month_follow_the_start_date(self):
        event = factories.EventFactory(start_date=datetime.date(2011, 4, 26), end_date=None)
        assert (event.year, event.month) == (2011, 4)

    def test_worded_date_keeps_days_empty(self):
        event = factories.EventFactory(
            start_date=None, end_date=None, year=2011, month=4, date_wording="late April"
        )
        event.full_clean()
        assert event.start_date is None and event.date_wording == "late April"

    def test_month_out_of_range_is_refused(self):
        event = factories.EventFactory.build(country=factories.CountryFactory(), start_date=None,
                                             end_date=None, year=2011, month=13)
        assert "month" in errors_of(event)
        saved = factories.EventFactory(start_date=None, end_date=None, year=2011)
        refused_by_database(Event.objects.filter(pk=saved.pk), month=13)

    def test_year_contradicting_the_start_date_is_refused(self):
        event = factories.EventFactory.build(country=factories.CountryFactory(), year=2010)
        assert errors_of(event)["year"] == ["The year does not match the start date."]

    def test_duplicate_slug_is_refused_with_the_field_named(self):
        factories.EventFactory(slug="planning-for-success")
        twin = factories.EventFactory.build(country=factories.CountryFactory(),
                                            slug="planning-for-success")
        assert "slug" in errors_of(twin)


class TestParticipation:
    def test_a_participant_attends_an_event_once(self):
        first = factories.ParticipationFactory()
        again = factories.ParticipationFactory.build(
            participant=first.participant, event=first.event
        )
        assert errors_of(again)["__all__"] == [
            "This participant is already registered for the event."
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

    def test_invalid_email_is_refused(self):
        participant = factories.ParticipantFactory.build(
            organisation=None, country=None, email="not-an-email"
        )
        assert "email" in errors_of(participant)


class TestProject:
    def test_budget_needs_a_currency(self):
        project = factories.ProjectFactory.build(budget_amount=Decimal("3000000"))
        assert errors_of(project)["budget_currency"] == ["A budget amount needs its currency."]
        saved = factories.ProjectFactory()
        refused_by_database(Project.objects.filter(pk=saved.pk), budget_amount=Decimal("1"))

    def test_negative_budget_is_refused(self):
        project = factories.ProjectFactory.build(budget_amount=Decimal("-1"),
                                                 budget_currency="EUR")
        assert "budget_amount" in errors_of(project)
        saved = factories.ProjectFactory(budget_amount=Decimal("5"), budget_currency="EUR")
        refused_by_database(Project.objects.filter(pk=saved.pk), budget_amount=Decimal("-5"))

    def test_unknown_currency_is_refused(self):
        project = factories.ProjectFactory.build(budget_amount=Decimal("1"),
                                                 budget_currency="XYZ")
        assert errors_of(project)["budget_currency"] == [
            "XYZ is not an ISO 4217 currency code (for example EUR, USD, KGS)."
        ]

    def test_end_before_start_is_refused(self):
        project = factories.ProjectFactory.build(
            start_date=datetime.date(2011, 1, 2), end_date=datetime.date(2011, 1, 1)
        )
        assert "end_date" in errors_of(project)
        saved = factories.ProjectFactory(start_date=datetime.date(2011, 1, 2))
        refused_by_database(Project.objects.filter(pk=saved.pk),
                            end_date=datetime.date(2010, 1, 1))


class TestSeizure:
    def test_negative_quantity_is_refused(self):
        seizure = factories.SeizureFactory.build(
            substance=factories.SubstanceFactory(), country=None, quantity=Decimal("-1")
        )
        assert errors_of(seizure)["quantity"] == [
            "Ensure this value is greater than or equal to 0."
        ]
        saved = factories.SeizureFactory()
        refused_by_database(Seizure.objects.filter(pk=saved.pk), quantity=Decimal("-1"))

    def test_unknown_unit_is_refused(self):
        seizure = factories.SeizureFactory.build(
            substance=factories.SubstanceFactory(), country=None, unit="oz"
        )
        assert errors_of(seizure)["unit"] == ["Value 'oz' is not a valid choice."]
        saved = factories.SeizureFactory()
        refused_by_database(Seizure.objects.filter(pk=saved.pk), unit="oz")

    def test_period_ending_before_it_starts_is_refused(self):
        seizure = factories.SeizureFactory.build(
            substance=factories.SubstanceFactory(), country=None, date=None, year=2008,
            end_year=2007, kind=Seizure.Kind.AGGREGATE,
        )
        assert errors_of(seizure)["end_year"] == ["The period cannot end before it starts."]
        saved = factories.SeizureFactory(date=None, year=2008)
        refused_by_database(Seizure.objects.filter(pk=saved.pk), end_year=2001)

    def test_negative_density_is_refused(self):
        substance = factories.SubstanceFactory.build(density_kg_per_l=Decimal("-1.08"))
        assert "density_kg_per_l" in errors_of(substance)
        saved = factories.SubstanceFactory()
        refused_by_database(Substance.objects.filter(pk=saved.pk), density_kg_per_l=0)


class TestSeizureConversion:
    @pytest.mark.parametrize(
        ("quantity", "unit", "kilograms"),
        [
            ("1500", "g", "1.5"),
            ("12.5", "kg", "12.5"),
            ("40", "t", "40000"),
            ("0.001", "t", "1"),
            ("1", "g", "0.001"),
        ],
    )
    def test_mass_units_convert_exactly(self, quantity, unit, kilograms):
        seizure = factories.SeizureFactory(quantity=Decimal(quantity), unit=unit)
        seizure.refresh_from_db()
        assert seizure.quantity_kg == Decimal(kilograms)
        assert seizure.kg_missing_reason == ""

    def test_litres_convert_through_the_density(self):
        anhydride = factories.SubstanceFactory(
            name="Acetic anhydride", kind=Substance.Kind.PRECURSOR,
            density_kg_per_l=Decimal("1.08"),
        )
        seizure = factories.SeizureFactory(substance=anhydride, quantity=Decimal("250"), unit="L")
        seizure.refresh_from_db()
        assert seizure.quantity_kg == Decimal("270.000")

    def test_litres_of_a_substance_without_density_keep_kilograms_empty(self):
        unknown = factories.SubstanceFactory(density_kg_per_l=None)
        seizure = factories.SeizureFactory(substance=unknown, quantity=Decimal("10"), unit="L")
        seizure.refresh_from_db()
        assert seizure.quantity_kg is None
        assert "density is not known" in seizure.kg_missing_reason

    def test_counted_units_keep_kilograms_empty(self):
        seizure = factories.SeizureFactory(quantity=Decimal("3"), unit="units")
        assert seizure.quantity_kg is None
        assert seizure.kg_missing_reason == "Counted in units, which have no weight."

    def test_a_density_entered_later_converts_existing_litre_seizures(self):
        from activities import services

        substance = factories.SubstanceFactory(density_kg_per_l=None)
        seizure = factories.SeizureFactory(substance=substance, quantity=Decimal("100"), unit="L")
        kilos = factories.SeizureFactory(substance=substance, quantity=Decimal("5"), unit="kg")
        version = seizure.version
        substance.density_kg_per_l = Decimal("1.08")
        services.substance_save(substance)
        seizure.refresh_from_db()
        assert seizure.quantity_kg == Decimal("108.000")
        assert seizure.version == version + 1
        assert "density" in seizure.history.order_by("-history_id").first().history_change_reason
        assert kilos.history.count() == 1  # a seizure in kilograms is left alone

    def test_saving_a_substance_writes_no_other_record(self):
        """No cascading writes in save(): the service does them, with history."""
        substance = factories.SubstanceFactory(density_kg_per_l=None)
        seizure = factories.SeizureFactory(substance=substance, quantity=Decimal("100"), unit="L")
        substance.density_kg_per_l = Decimal("1.08")
        substance.save()
        seizure.refresh_from_db()
        assert seizure.quantity_kg is None

    def test_quantity_is_kept_as_entered(self):
        seizure = factories.SeizureFactory(
            quantity=Decimal("40"), unit="t", qualifier=Seizure.Qualifier.MORE_THAN
        )
        seizure.refresh_from_db()
        assert (seizure.quantity, seizure.unit, seizure.qualifier) == (
            Decimal("40"), "t", "more_than"
        )
        assert str(seizure).startswith("more than 40 tonnes")


class TestArticle:
    def test_two_articles_cannot_share_a_position(self):
        first = factories.ArticleFactory()
        twin = factories.ArticleFactory.build(bulletin=first.bulletin, position=first.position)
        assert errors_of(twin)["__all__"] == ["Another article already has this position."]

    def test_paragraphs_split_on_blank_lines(self):
        article = factories.ArticleFactory.build(body="One.\n\nTwo.\n\n\nThree.")
        assert article.paragraphs == ["One.", "Two.", "Three."]

    def test_paragraphs_split_a_body_saved_from_a_browser_with_crlf_line_endings(self):
        from unodc_portal.core.templatetags.portal import excerpt

        article = factories.ArticleFactory.build(body="One.\r\n\r\nTwo.\r\nstill two.")
        assert article.paragraphs == ["One.", "Two.\nstill two."]
        assert excerpt(article.body) == "One."

    def test_drafts_are_visible_only_to_those_who_may_edit_articles(self, admin_user):
        published = factories.ArticleFactory()
        draft = factories.ArticleFactory(status=Article.Status.DRAFT)
        visitor = factories.UserFactory()
        assert list(Article.objects.visible_to(None)) == [published]
        assert list(Article.objects.visible_to(visitor)) == [published]
        assert set(Article.objects.visible_to(admin_user)) == {published, draft}


class TestStrings:
    def test_str_reads_only_the_rows_own_fields(self, django_assert_num_queries):
        participation = factories.ParticipationFactory()
        trainer_link = factories.EventTrainerOrganisationFactory()
        seizure = factories.SeizureFactory()
        fresh = [
            type(obj).objects.get(pk=obj.pk) for obj in (participation, trainer_link, seizure)
        ]
        fresh.append(Participant.objects.get(pk=participation.participant_id))
        with django_assert_num_queries(0):
            for obj in fresh:
                assert str(obj)
