"""Open data: the IATI activity file and the read-only JSON API, in the ``opendata`` namespace.

- ``/iati/activities.xml`` — IATI 2.03 (``unodc_portal.site.iati``)
- ``/api/`` — the API root, then ``/api/<records>/`` and ``/api/<records>/<key>/``
- ``/api/projects/<code>/results/`` — a project's results framework (``results.api``)
- ``/api/schema/`` — the OpenAPI 3 schema (drf-spectacular); choice labels in the language of
  ``Accept-Language``, as the API's answers (``unodc_portal.core.api.HeaderLanguageMixin``)
- ``/api/docs/`` — Swagger UI from local static files (drf-spectacular-sidecar), started by
  static/js/api-docs.js so that it runs under the portal's Content-Security-Policy
"""

from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from activities.api import ArticleViewSet, EventViewSet, SeizureViewSet
from donors.api import ContributionViewSet, DonorViewSet
from results.api import ProjectResultsView
from unodc_portal.core.api import HeaderLanguageMixin
from unodc_portal.site import views
from unodc_portal.site.pages import ProjectViewSet

app_name = "opendata"


class SchemaView(HeaderLanguageMixin, SpectacularAPIView):
    pass


router = DefaultRouter()
router.include_format_suffixes = False
router.register("projects", ProjectViewSet, basename="project")
router.register("events", EventViewSet, basename="event")
router.register("seizures", SeizureViewSet, basename="seizure")
router.register("donors", DonorViewSet, basename="donor")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("articles", ArticleViewSet, basename="article")

urlpatterns = [
    path("iati/activities.xml", views.iati_activities, name="iati_activities"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", TemplateView.as_view(template_name="api/docs.html"), name="docs"),
    path("api/projects/<str:code>/results/", ProjectResultsView.as_view(),
         name="project-results"),
    path("api/", include(router.urls)),
]
