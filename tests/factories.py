"""factory-boy factories, one per model. Defaults are valid; tests override what they test."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from activities import models as am
from donors import models as dm


def synthetic_surname(number: int) -> str:
    """A distinct pronounceable surname per number, for bulk test data. The consonants carry
    the number, since matching keys keep consonants and drop inner vowels."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    syllables = []
    while True:
        number, rest = divmod(number, len(consonants))
        syllables.append(consonants[rest] + vowels[number % len(vowels)])
        if not number:
            break
    return "".join(syllables).capitalize() + "ov"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery-staple")


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = am.Country
        django_get_or_create = ["code"]

    code = factory.Iterator(["KG", "KZ", "TJ", "TM", "UZ", "AF", "AZ", "CA", "GB", "TR"])


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = am.Organisation

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    acronym = factory.Sequence(lambda n: f"AG{n}")
    kind = am.Organisation.Kind.GOVERNMENT
    country = factory.SubFactory(CountryFactory, code="KG")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = am.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Public Official {n}")
    position = "Senior adviser"
    organisation = factory.SubFactory(OrganisationFactory)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = am.Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = am.Project

    code = factory.Sequence(lambda n: f"PRJ{n:03d}")
    title = factory.Sequence(lambda n: f"Project {n}")
    kind = am.Project.Kind.PROJECT
    status = am.Project.Status.ONGOING


class EventFactory(DjangoModelFactory):
    class Meta:
        model = am.Event
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Workshop {n}")
    kind = am.Event.Kind.WORKSHOP
    start_date = datetime.date(2011, 2, 21)
    end_date = datetime.date(2011, 2, 25)
    city = "Bishkek"
    country = factory.SubFactory(CountryFactory, code="KG")

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class EventTrainerOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = am.EventTrainerOrganisation

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=am.Organisation.Kind.POLICE)
    trainer_count = 3


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = am.Participant

    name = factory.Sequence(lambda n: f"Participant Person {n}")
    sex = factory.Iterator([am.Participant.Sex.FEMALE, am.Participant.Sex.MALE])
    organisation = factory.SubFactory(OrganisationFactory)
    country = factory.SubFactory(CountryFactory, code="KG")
    position = "Inspector"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    phone = factory.Sequence(lambda n: f"+996 555 {n:06d}")


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = am.Participation

    participant = factory.SubFactory(ParticipantFactory)
    event = factory.SubFactory(EventFactory)
    status = am.Participation.Status.ATTENDED


class SubstanceFactory(DjangoModelFactory):
    class Meta:
        model = am.Substance
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"substance-{n}")
    name = factory.Sequence(lambda n: f"Substance {n}")
    kind = am.Substance.Kind.DRUG


class SeizureFactory(DjangoModelFactory):
    class Meta:
        model = am.Seizure

    key = factory.Sequence(lambda n: f"seizure-{n}")
    kind = am.Seizure.Kind.INDIVIDUAL
    substance = factory.SubFactory(SubstanceFactory)
    quantity = Decimal("12.5")
    unit = am.Seizure.Unit.KILOGRAM
    date = datetime.date(2011, 3, 1)
    country = factory.SubFactory(CountryFactory, code="TJ")


class BulletinFactory(DjangoModelFactory):
    class Meta:
        model = am.Bulletin
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"bulletin-{n}")
    title = factory.Sequence(lambda n: f"Bulletin {n}")
    period_start = datetime.date(2011, 1, 1)
    period_end = datetime.date(2011, 6, 30)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = am.Article

    bulletin = factory.SubFactory(BulletinFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    body = "First paragraph of the article.\n\nSecond paragraph."
    status = am.Article.Status.PUBLISHED
    start_date = datetime.date(2011, 3, 10)


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = dm.Donor

    slug = factory.Sequence(lambda n: f"donor-{n}")
    name = factory.Sequence(lambda n: f"Donor Government {n}")
    kind = dm.Donor.Kind.GOVERNMENT


class DonorAccountFactory(DjangoModelFactory):
    class Meta:
        model = dm.DonorAccount

    user = factory.SubFactory(UserFactory)
    donor = factory.SubFactory(DonorFactory)


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = dm.Contribution

    key = factory.Sequence(lambda n: f"contribution-{n}")
    donor = factory.SubFactory(DonorFactory)
    project = factory.SubFactory(ProjectFactory)
    kind = dm.Contribution.Kind.CASH
    amount = Decimal("100000.00")
    currency = "USD"
    status = dm.Contribution.Status.RECEIVED
    date = datetime.date(2011, 4, 15)
    is_published = True


class ExchangeRateFactory(DjangoModelFactory):
    class Meta:
        model = dm.ExchangeRate

    currency = "EUR"
    month = datetime.date(2011, 4, 1)
    usd_per_unit = Decimal("1.4")
