from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The building blocks every app uses. Its label stays ``unodc_portal`` (the app's name before
    the split into ``core`` and ``site``), so that its table and migration history are unchanged."""

    name = "unodc_portal.core"
    label = "unodc_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Connects the request signals that hold jobs until the response has gone.
        from unodc_portal.core import (
            admin_filters,  # noqa: F401  (registers the admin's date filter)
            after_response,  # noqa: F401
            checks,  # noqa: F401  (registers the system checks)
        )
        from unodc_portal.core.pagecache import connect_signals
        from unodc_portal.core.sessions import on_sign_in

        connect_signals(self)  # every write invalidates the page cache

        user_logged_in.connect(on_sign_in, dispatch_uid="unodc_portal.personal_data_session")
