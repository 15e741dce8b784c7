from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages and commands that span the domains: home, sign-in, IATI, fixtures, backups."""

    name = "unodc_portal.site"
    label = "portal_site"
    verbose_name = "Portal site"
