"""A participant's personal data: the subject-access file (officers) and erasure (admins)."""

from django.urls import path

from personaldata import subject_views, views

app_name = "personaldata"

urlpatterns: list = [
    path("participants/<int:pk>/personal-data/", subject_views.SubjectAccessView.as_view(),
         name="subject_access"),
    path("participants/<int:pk>/personal-data.<str:fmt>",
         subject_views.SubjectAccessFileView.as_view(), name="subject_access_file"),
    # Erasure (admins only): the confirmation page, then the erasure's record.
    path("participants/<int:pk>/erase/", views.ParticipantEraseView.as_view(),
         name="participant_erase"),
    path("erasures/<int:pk>/", views.ErasureDetailView.as_view(), name="erasure_detail"),
]
