"""The portal's admin site: Django's, with its index (and side bar) in sections by what a person
comes to do rather than by application — the programme record first, the technical tables last.

Installed in place of ``django.contrib.admin`` (``PortalAdminConfig``), so ``admin.site`` and
every ``@admin.register`` are this site. A section names its models by label; a model no section
names lands in the last one, so nothing registered later goes missing. An application's own page
(``/admin/activities/``) keeps Django's list of that application's models."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (key, heading, model labels in the order shown). The last section takes every model not named.
SECTIONS = [
    ("record", _("Programme record"), [
        "activities.Project", "activities.Event", "activities.Participant", "activities.Seizure",
        "donors.Donor", "donors.Contribution", "activities.Article", "activities.Bulletin",
        "results.Result", "results.Indicator", "results.Period", "attachments.Attachment",
        "personaldata.Erasure",
    ]),
    ("reference", _("Organisations, people and lists"), [
        "activities.Organisation", "activities.Person", "activities.Participation",
        "activities.EventTrainerOrganisation", "activities.Country", "activities.Theme",
        "activities.Substance",
    ]),
    ("accounts", _("Accounts and access"), [
        "auth.User", "auth.Group", "donors.DonorAccount", "authtoken.TokenProxy",
        "axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog",
    ]),
    ("technical", _("History and technical tables"), [
        "donors.ExchangeRate",
    ]),
]


class PortalAdminSite(AdminSite):
    site_header = _("UNODC Central Asia portal — administration")
    site_title = _("UNODC portal admin")
    index_title = _("Records")

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        models = {
            model_dict["model"]._meta.label: model_dict
            for app in self._build_app_dict(request).values()
            for model_dict in app["models"]
        }
        index = reverse("admin:index", current_app=self.name)
        sections = []
        for key, heading, labels in SECTIONS:
            chosen = [models.pop(label) for label in labels if label in models]
            if key == SECTIONS[-1][0]:  # the rest, history logs included, by name
                chosen += sorted(models.values(), key=lambda m: str(m["name"]))
            if chosen:
                sections.append({
                    "name": heading,
                    "app_label": key,
                    # The section's heading leads to it on the index (it is no application).
                    "app_url": f"{index}#{key}",
                    "has_module_perms": True,
                    "models": chosen,
                })
        return sections


class PortalAdminConfig(AdminConfig):
    default_site = "unodc_portal.core.admin_site.PortalAdminSite"
