"""Filters for list pages."""

import django_filters
from django import forms
from django.db.models import Q

from activities.matching import match_key, name_key
from activities.models import Country, Event, Organisation, Participant


class ParticipantFilter(django_filters.FilterSet):
    """The participant register: search and filters by organisation, country, sex, event and
    year."""

    q = django_filters.CharFilter(
        label="Name, e-mail or phone", method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.order_by("name"))
    country = django_filters.ModelChoiceFilter(queryset=Country.objects.all())
    sex = django_filters.ChoiceFilter(choices=Participant.Sex.choices)
    event = django_filters.ModelChoiceFilter(
        field_name="participations__event", queryset=Event.objects.all(), distinct=True,
        label="Event")
    year = django_filters.NumberFilter(
        field_name="participations__event__year", label="Year of an event", distinct=True)

    class Meta:
        model = Participant
        fields = ["q", "organisation", "country", "sex", "event", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (Q(name_key__contains=name_key(value)) | Q(email__icontains=value)
                     | Q(phone__icontains=value))
        key = match_key(value)
        if key:
            condition |= Q(match_key__contains=key)
        return queryset.filter(condition)
