"""The world the API's contract is checked in: a few full records of every list (the hostile
tests' ``records``), one minimal record of each kind (every optional field and relation empty,
so that each nullable field answers null), private participants at an event, a donor's own
unpublished contribution and a draft article; a results framework (an outcome with an output,
computed and entered indicators, a pending and an approved actual, a qualitative note, a
minimal indicator); and the API tokens of a donor and an officer."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from results.models import Indicator, Period, Result
from tests import factories
from tests.hostile.pages import records
from tests.pages import register


@pytest.fixture
def contract_world(roles):
    world = records(roles)
    register(world["event"], 3)
    factories.ProjectFactory(minimal=True, parent=world["project"])
    factories.ProjectFactory(minimal=True)
    factories.EventFactory(minimal=True)
    factories.SeizureFactory(minimal=True)
    factories.DonorFactory(minimal=True)
    factories.ContributionFactory(minimal=True)
    factories.ArticleFactory(minimal=True)
    factories.ArticleFactory(slug="draft-article", status="draft")
    framework(world["project"])
    users = world["users"]
    world["tokens"] = {
        role: Token.objects.create(user=users[role]).key for role in ("donor", "officer")
    }
    return world


def framework(project):
    outcome = factories.ResultFactory(project=project, key="contract-outcome")
    output = factories.ResultFactory(project=project, key="contract-output", parent=outcome,
                                     kind=Result.Kind.OUTPUT)
    trained = factories.IndicatorFactory(
        result=outcome, key="contract-trained", source=Indicator.Source.PEOPLE_TRAINED,
        baseline_value=Decimal("10"), baseline_date=datetime.date(2010, 12, 31))
    factories.PeriodFactory(indicator=trained)
    entered = factories.IndicatorFactory(result=output, key="contract-entered",
                                         measure=Indicator.Measure.PERCENTAGE, unit="%")
    factories.PeriodFactory(indicator=entered, target=Decimal("80"), actual=Decimal("55.5"),
                            actual_status=Period.Status.APPROVED)
    factories.PeriodFactory(indicator=entered, start=datetime.date(2012, 1, 1),
                            end=datetime.date(2012, 12, 31), actual=Decimal("60"),
                            actual_status=Period.Status.PENDING)
    factories.IndicatorFactory(result=output, key="contract-words", qualitative_note="As worded.")
    factories.IndicatorFactory(minimal=True, result=output, key="contract-minimal")
