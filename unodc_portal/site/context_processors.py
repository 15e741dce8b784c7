"""Template context shared by every page: what the signed-in user may see."""

from django.utils.functional import SimpleLazyObject

from donors.models import donor_for
from unodc_portal.core.roles import can_see_personal_data


def roles(request):
    user = getattr(request, "user", None)
    return {
        # Lazy: evaluated only by templates that ask, costing no query otherwise.
        "sees_personal_data": SimpleLazyObject(lambda: can_see_personal_data(user)),
        "current_donor": SimpleLazyObject(lambda: donor_for(user)),
    }
