"""A published contribution whose source article is a draft: the draft's title and address
never appear through the contribution — its list page, its CSV/XLSX and its API record — to
anyone who may not see the draft; admins (who may edit articles) see the link."""

import pytest
from django.urls import reverse

from activities.models import Article
from tests import access, factories

DRAFT_TITLE = "Embargoed article about pangolins"
DRAFT_SLUG = "embargoed-pangolins"
PUBLISHED_TITLE = "Public article about dogs"


@pytest.fixture
def contributions(db):
    draft = factories.ArticleFactory(
        title=DRAFT_TITLE, slug=DRAFT_SLUG, status=Article.Status.DRAFT
    )
    published = factories.ArticleFactory(title=PUBLISHED_TITLE, slug="public-dogs")
    return [
        factories.ContributionFactory(key="from-a-draft", article=draft, is_published=True),
        factories.ContributionFactory(key="from-a-published", article=published,
                                      is_published=True),
    ]


# (address, what names the published contribution's article there)
URLS = [
    (reverse("donors:contribution_list"), "/articles/public-dogs/"),
    (reverse("donors:contribution_export", args=["csv"]), PUBLISHED_TITLE),
    (reverse("donors:contribution_export", args=["xlsx"]), PUBLISHED_TITLE),
    (reverse("opendata:contribution-list"), '"public-dogs"'),
    (reverse("opendata:contribution-detail", args=["from-a-draft"]), None),
]


@pytest.mark.parametrize(("url", "published_shown_as"), URLS)
@pytest.mark.parametrize("role", access.FIXTURE_ROLES)
def test_a_draft_article_appears_through_a_contribution_only_to_who_may_see_drafts(
    role, url, published_shown_as, contributions, client, request
):
    response = access.client_for_fixture(role, client, request).get(url)
    assert response.status_code == 200
    text = access.body_text(response)
    may_see_drafts = role == "admin"
    shows_draft = DRAFT_TITLE in text or DRAFT_SLUG in text
    assert shows_draft is may_see_drafts, f"{url} as {role}"
    if published_shown_as:  # a published source article is still named
        assert published_shown_as in text


def test_the_donor_workspace_hides_a_draft_source_article(contributions, client, roles):
    from donors.models import DonorAccount
    from unodc_portal.core.roles import DONORS_GROUP

    user = factories.UserFactory(username="giver")
    user.groups.add(roles[DONORS_GROUP])
    DonorAccount.objects.create(user=user, donor=contributions[0].donor)
    client.force_login(user)
    for url in [reverse("donors:my_contributions"),
                reverse("donors:my_contribution_export", args=["csv"])]:
        text = access.body_text(client.get(url))
        assert DRAFT_TITLE not in text and DRAFT_SLUG not in text, url
