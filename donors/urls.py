from django.urls import path

from donors import views

app_name = "donors"

urlpatterns = [
    path("donors/", views.DonorListView.as_view(), name="donor_list"),
    path("donors/export.<str:fmt>", views.DonorExportView.as_view(), name="donor_export"),
    path("donors/<slug:slug>/", views.DonorDetailView.as_view(), name="donor_detail"),
    path("contributions/", views.ContributionListView.as_view(), name="contribution_list"),
    path("my/contributions/", views.MyContributionListView.as_view(), name="my_contributions"),
    path("my/contributions/export.<str:fmt>", views.MyContributionExportView.as_view(),
         name="my_contribution_export"),
    path("contributions/export.<str:fmt>", views.ContributionExportView.as_view(),
         name="contribution_export"),
]
