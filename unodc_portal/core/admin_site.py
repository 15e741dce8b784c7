"""The portal's admin site: Django's, with its index (and side bar) in sections by what a person
comes to do rather than by application — the programme record first, the technical tables last.

Installed in place of ``django.contrib.admin`` (``PortalAdminConfig``), so ``admin.site`` and
every ``@admin.register`` are this site. A section names its models by label; a model no section
names lands in the last one, so nothing registered later goes missing. An application's own page
(``/admin/activities/``) keeps Django's list of that application's models.

The site's own pages that list records by name — an autocomplete answer (the choices of a
chooser) and the index's "Recent actions" — tell each record's model admin which records they
listed, through its ``records_shown(request, pks)`` where it has one: the participants' admin
writes them to the access log (``accesslog.admin_mixins``, which this layer cannot import)."""

from collections import defaultdict

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
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
        "accesslog.AccessEntry",
    ]),
    ("technical", _("History and technical tables"), [
        "donors.ExchangeRate",
    ]),
]


# The index's "Recent actions": the signed-in user's latest entries of the admin's log, as many
# as Django's admin/index.html asks for (``{% get_admin_log 10 … for_user user %}``).
RECENT_ACTIONS = 10


class RecordsShownAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete answer, telling the model admin which records it lists."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = getattr(self.model_admin, "records_shown", None)
        if shown is not None:
            # The page of results, read here once and kept for the answer that follows.
            shown(self.request, [obj.pk for obj in context["object_list"]])
        return context


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

    def autocomplete_view(self, request):
        return RecordsShownAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        response = super().index(request, extra_context)
        listening = {model: model_admin for model, model_admin in self._registry.items()
                     if hasattr(model_admin, "records_shown")}
        if listening:
            self.tell_recent_actions(request, listening)
        return response

    def tell_recent_actions(self, request, listening):
        """The records the index's "Recent actions" name (one query: the same entries the
        template reads, their content type and record only)."""
        from django.contrib.contenttypes.models import ContentType  # apps are ready by now

        recent = (self.get_log_entries(request).filter(user__pk=request.user.pk)
                  .values_list("content_type_id", "object_id")[:RECENT_ACTIONS])
        by_type = defaultdict(list)
        for content_type_id, object_id in recent:
            if content_type_id is not None:
                by_type[content_type_id].append(object_id)
        for content_type_id, object_ids in by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model in listening:
                listening[model].records_shown(request, object_ids)


class PortalAdminConfig(AdminConfig):
    default_site = "unodc_portal.core.admin_site.PortalAdminSite"
