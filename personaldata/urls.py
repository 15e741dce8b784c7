"""A participant's personal data: the subject-access file (officers) and erasure (admins)."""

from django.urls import path

from personaldata import views

app_name = "personaldata"

urlpatterns: list = [
    # Erasure (admins only): the confirmation page, then the erasure's record.
    path("participants/<int:pk>/erase/", views.ParticipantEraseView.as_view(),
         name="participant_erase"),
    path("erasures/<int:pk>/", views.ErasureDetailView.as_view(), name="erasure_detail"),
]
