from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The pages and commands that span the domains: home, sign-in, IATI, fixtures, backups."""

    name = "unodc_portal.site"
    label = "portal_site"
    verbose_name = _("Portal site")
