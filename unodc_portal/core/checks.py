"""System checks of the portal (registered in ``CoreConfig.ready``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from unodc_portal.core.roles import DEMO_GROUP


@register(Tags.security, deploy=True)
def check_no_demo_accounts(app_configs=None, **kwargs):
    """With debug off (``make serve`` runs ``check --deploy``), start-up stops while a demo
    account exists: their passwords sit in a file on the machine and demo-admin is a superuser.
    A database that cannot be read yet (not migrated, not reachable) has no demo accounts."""
    if settings.DEBUG:
        return []
    from django.contrib.auth import get_user_model

    try:
        names = list(
            get_user_model().objects.filter(groups__name=DEMO_GROUP)
            .order_by("username").values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not names:
        return []
    return [Error(
        f"Demo accounts exist ({', '.join(names)}) and debug is off: the portal must not be "
        "served with them.",
        hint="Run `manage.py remove_demo` to delete the demo accounts and demo records.",
        id="unodc_portal.E001",
    )]
