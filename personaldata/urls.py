"""A participant's personal data: the subject-access file (officers) and erasure (admins)."""

from django.urls import path  # noqa: F401

app_name = "personaldata"

urlpatterns: list = []
