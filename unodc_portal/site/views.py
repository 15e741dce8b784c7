"""Site-wide views: home page, health check and error pages."""

import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from activities import aggregates
from activities.models import Article, Event, Project, Seizure
from donors import totals
from donors.models import Contribution, donor_for
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


@require_safe
def iati_activities(request):
    """The IATI 2.03 activity file of the projects UNODC implements: published data only,
    whoever asks (``unodc_portal.site.iati``)."""
    document = iati.activities_document(page_url=request.build_absolute_uri)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="activities.xml"'
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
