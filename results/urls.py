"""The addresses of the pages that write results frameworks (``results.views``): a project's
framework under its own address, the approval queue under ``/results/``."""

from django.urls import path

from results import views

app_name = "results"

EDIT = "projects/<str:code>/results/edit/"

urlpatterns = [
    path(EDIT, views.FrameworkView.as_view(), name="framework_edit"),
    path(f"{EDIT}results/new/", views.ResultCreateView.as_view(), name="result_create"),
    path(f"{EDIT}results/<slug:key>/", views.ResultUpdateView.as_view(), name="result_update"),
    path(f"{EDIT}results/<slug:key>/delete/", views.ResultDeleteView.as_view(),
         name="result_delete"),
    path(f"{EDIT}results/<slug:result_key>/indicators/new/", views.IndicatorCreateView.as_view(),
         name="indicator_create"),
    path(f"{EDIT}indicators/<slug:key>/", views.IndicatorUpdateView.as_view(),
         name="indicator_update"),
    path(f"{EDIT}indicators/<slug:key>/delete/", views.IndicatorDeleteView.as_view(),
         name="indicator_delete"),
    path(f"{EDIT}indicators/<slug:indicator_key>/periods/new/", views.PeriodCreateView.as_view(),
         name="period_create"),
    path(f"{EDIT}periods/<int:pk>/", views.PeriodUpdateView.as_view(), name="period_update"),
    path(f"{EDIT}periods/<int:pk>/delete/", views.PeriodDeleteView.as_view(),
         name="period_delete"),
    path(f"{EDIT}periods/<int:pk>/actual/", views.ActualView.as_view(), name="actual_entry"),
    path("results/pending/", views.PendingView.as_view(), name="pending"),
    path("results/pending/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("results/pending/<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
]
