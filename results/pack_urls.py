"""The donor report pack's page (``results.pack_views``), under the donors' addresses."""

from django.urls import path

from results import pack_views

app_name = "pack"

urlpatterns = [
    path("donors/<slug:slug>/report/", pack_views.DonorPackView.as_view(), name="donor_report"),
]
