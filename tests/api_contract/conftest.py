"""The world the API's contract is checked in: a few full records of every list (the hostile
tests' ``records``), one minimal record of each kind (every optional field and relation empty,
so that each nullable field answers null), private participants at an event, a donor's own
unpublished contribution and a draft article; and the API tokens of a donor and an officer."""

import pytest
from rest_framework.authtoken.models import Token

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
    users = world["users"]
    world["tokens"] = {
        role: Token.objects.create(user=users[role]).key for role in ("donor", "officer")
    }
    return world
