"""Site-wide views: home page, health check and error pages."""

import logging

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from activities import aggregates
from activities.models import Article, Event, Project, Seizure
from donors import totals
from donors.models import Contribution, donor_for
from results import progress
from unodc_portal.site import iati

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The dashboard: headline figures computed from the records, the latest articles, charts.
    Contributions and articles come from their ``visible_to(user)`` rules."""

    template_name = "home.html"
    latest_articles = 4

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Registrations added up from what every event page publishes (README, "Privacy").
        participants = aggregates.register_figures()
        context.update(
            # Figures count real records only, whoever asks (demo records never count).
            project_count=Project.objects.real().count(),
            event_count=Event.objects.real().count(),
            participants=participants,
            reported=aggregates.reported_participants(Event.objects.all()),
            seizures=aggregates.seizure_totals(Seizure.objects.all()),
            contributions=totals.contribution_totals(Contribution.objects.visible_to(user)),
            articles=Article.objects.visible_to(user)[: self.latest_articles],
            # The indicators admins mark as headline, as this reader may see them.
            headline_indicators=progress.headline(user),
        )
        return context


class OpenDataView(TemplateView):
    """/open-data/: each format the portal publishes (the lists' CSV and XLSX downloads, the
    JSON API and its schema, the IATI activity file), how to fetch it, and the licence the office
    sets (``OPEN_DATA_LICENCE``; the page never assumes one). Reads no record."""

    template_name = "open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            licence=settings.OPEN_DATA_LICENCE,
            licence_url=settings.OPEN_DATA_LICENCE_URL,
            site_url=self.request.build_absolute_uri("/").rstrip("/"),
            iati_filename=iati.FILENAME,
            # The lists with downloads: (name, list page, export url name).
            downloads=[
                (_("Projects"), "activities:project_list", "activities:project_export"),
                (_("Events"), "activities:event_list", "activities:event_export"),
                (_("Seizures"), "activities:seizure_list", "activities:seizure_export"),
                (_("Donors"), "donors:donor_list", "donors:donor_export"),
                (_("Contributions"), "donors:contribution_list", "donors:contribution_export"),
            ],
        )
        return context


class SignInForm(AuthenticationForm):
    """Django's sign-in form, whose user name field states its length limit but does not check
    it: a longer name would reach django-axes, which cannot store it (PostgreSQL refuses it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInView(auth_views.LoginView):
    """Django's sign-in; those who record events (officers, admins) land on their workspace,
    donors on their contributions."""

    form_class = SignInForm

    def get_default_redirect_url(self):
        if self.request.user.has_perm("activities.add_event"):
            return reverse("activities:workspace")
        if donor_for(self.request.user) is not None:
            return reverse("donors:my_contributions")
        return super().get_default_redirect_url()


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for where a document names no icon (the IATI file, the
    API's JSON): the portal's icon, so that no such request ends in a 404."""
    return redirect(static("favicon.svg"))


@require_safe
@never_cache
def healthz(request):
    """200 with {"database": "ok"} when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check: database unreachable: %s", exc)
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


# The IATI file is XML, not a portal page: its policy allows nothing but the inline styles and
# data: images (the fold arrows) with which the browser's own XML viewer draws the document tree
# (the pages' policy, style-src 'self', blocked them and left the tree unstyled, with errors in
# the console). The file holds no markup of the portal's and runs no script.
IATI_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}


@require_safe
@csp(IATI_POLICY)
def iati_activities(request):
    """The IATI 2.03 activity file of the projects UNODC implements: published data only,
    whoever asks (``unodc_portal.site.iati``). Shown in the browser (inline), saved under
    ``iati.FILENAME``."""
    document = iati.activities_document(page_url=request.build_absolute_uri)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{iati.FILENAME}"'
    return response


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the database or a context processor may be what failed.
    return render(request, "500.html", status=500, context={}, using=None)
