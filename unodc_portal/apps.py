from django.apps import AppConfig


class UnodcPortalConfig(AppConfig):
    name = "unodc_portal"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Connects the request signals that hold jobs until the response has gone.
        from unodc_portal import (
            after_response,  # noqa: F401
            checks,  # noqa: F401  (registers the system checks)
        )
        from unodc_portal.sessions import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="unodc_portal.personal_data_session")
