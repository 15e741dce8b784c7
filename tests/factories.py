"""factory-boy factories, one per model. Defaults are valid; tests override what they test.

Each factory has a ``minimal`` trait (``OrganisationFactory(minimal=True)``): the required fields
only — optional text empty, optional relations and dates empty, choices at the model's default —
the least that the forms, the import and the admin accept, which every page must still render."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from activities import models as am
from donors import models as dm
from results import models as rm


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

    class Params:
        minimal = factory.Trait(email="")


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = am.Country
        django_get_or_create = ["code"]

    code = factory.Iterator(["KG", "KZ", "TJ", "TM", "UZ", "AF", "AZ", "CA", "GB", "TR"])

    class Params:
        minimal = factory.Trait()  # the code is all a country has


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = am.Organisation

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    acronym = factory.Sequence(lambda n: f"AG{n}")
    kind = am.Organisation.Kind.GOVERNMENT
    country = factory.SubFactory(CountryFactory, code="KG")

    class Params:
        minimal = factory.Trait(acronym="", kind=am.Organisation.Kind.OTHER, country=None)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = am.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Public Official {n}")
    position = "Senior adviser"
    organisation = factory.SubFactory(OrganisationFactory)

    class Params:
        minimal = factory.Trait(position="", organisation=None)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = am.Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")

    class Params:
        minimal = factory.Trait()  # slug and name, both required


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = am.Project

    code = factory.Sequence(lambda n: f"PRJ{n:03d}")
    title = factory.Sequence(lambda n: f"Project {n}")
    kind = am.Project.Kind.PROJECT
    status = am.Project.Status.ONGOING

    class Params:
        minimal = factory.Trait(status=am.Project.Status.NOT_STATED)


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

    class Params:
        minimal = factory.Trait(start_date=None, end_date=None, city="", country=None)

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

    class Params:
        minimal = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, minimal=True),
            trainer_count=None,
        )


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

    class Params:
        minimal = factory.Trait(
            sex=am.Participant.Sex.NOT_RECORDED, organisation=None, country=None, position="",
            email="", phone="",
        )


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = am.Participation

    participant = factory.SubFactory(ParticipantFactory)
    event = factory.SubFactory(EventFactory)
    status = am.Participation.Status.ATTENDED

    class Params:
        minimal = factory.Trait(
            participant=factory.SubFactory(ParticipantFactory, minimal=True),
            event=factory.SubFactory(EventFactory, minimal=True),
            status=am.Participation.Status.REGISTERED,
        )


class SubstanceFactory(DjangoModelFactory):
    class Meta:
        model = am.Substance
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"substance-{n}")
    name = factory.Sequence(lambda n: f"Substance {n}")
    kind = am.Substance.Kind.DRUG

    class Params:
        minimal = factory.Trait()  # no density


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

    class Params:
        minimal = factory.Trait(date=None, country=None)


class BulletinFactory(DjangoModelFactory):
    class Meta:
        model = am.Bulletin
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"bulletin-{n}")
    title = factory.Sequence(lambda n: f"Bulletin {n}")
    period_start = datetime.date(2011, 1, 1)
    period_end = datetime.date(2011, 6, 30)

    class Params:
        minimal = factory.Trait(period_start=None, period_end=None)


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

    class Params:
        # A draft, the model's default: pass status= for a published one.
        minimal = factory.Trait(
            bulletin=factory.SubFactory(BulletinFactory, minimal=True),
            status=am.Article.Status.DRAFT, start_date=None,
        )


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = dm.Donor

    slug = factory.Sequence(lambda n: f"donor-{n}")
    name = factory.Sequence(lambda n: f"Donor Government {n}")
    kind = dm.Donor.Kind.GOVERNMENT

    class Params:
        minimal = factory.Trait()  # no country, organisation or website by default


class DonorAccountFactory(DjangoModelFactory):
    class Meta:
        model = dm.DonorAccount

    user = factory.SubFactory(UserFactory)
    donor = factory.SubFactory(DonorFactory)

    class Params:
        minimal = factory.Trait()  # both required


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

    class Params:
        # Unpublished, the model's default: pass is_published=True for a published one.
        minimal = factory.Trait(
            project=factory.SubFactory(ProjectFactory, minimal=True),
            kind=dm.Contribution.Kind.NOT_STATED, amount=None, currency="",
            status=dm.Contribution.Status.NOT_STATED, date=None, is_published=False,
        )


class ExchangeRateFactory(DjangoModelFactory):
    class Meta:
        model = dm.ExchangeRate

    currency = "EUR"
    month = datetime.date(2011, 4, 1)
    usd_per_unit = Decimal("1.4")

    class Params:
        minimal = factory.Trait()  # all three required


class ResultFactory(DjangoModelFactory):
    class Meta:
        model = rm.Result

    key = factory.Sequence(lambda n: f"result-{n}")
    project = factory.SubFactory(ProjectFactory)
    kind = rm.Result.Kind.OUTCOME
    title = factory.Sequence(lambda n: f"Result {n}")

    class Params:
        minimal = factory.Trait()


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = rm.Indicator

    key = factory.Sequence(lambda n: f"indicator-{n}")
    result = factory.SubFactory(ResultFactory)
    title = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "officers"
    measure = rm.Indicator.Measure.COUNT
    source = rm.Indicator.Source.MANUAL

    class Params:
        minimal = factory.Trait(unit="")


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = rm.Period

    indicator = factory.SubFactory(IndicatorFactory)
    start = datetime.date(2011, 1, 1)
    end = datetime.date(2011, 12, 31)
    target = Decimal("40")

    class Params:
        minimal = factory.Trait(target=None)
