"""JSON API of donors and contributions (read-only). Contributions come from
``Contribution.objects.visible_to(user)``: published ones for everyone, a donor's own unpublished
ones for its accounts (session or token), all for admins; each carries its US-dollar equivalent
(``donors.currency``), with the month whose rate was used, or null and the reason.

Codes (``kind``, ``status``) stay in English; their labels (``kind_label``, ``status_label``) and
the reason a US-dollar equivalent is missing follow the request's ``Accept-Language``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from donors.currency import USD, MissingRate, cents
from donors.filters import ContributionFilter, DonorFilter
from donors.models import Contribution, Donor
from donors.views import visible_count
from unodc_portal.core.api import CountryCodeField, HeaderLanguageMixin, PageField, key, label


class DonorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="opendata:donor-detail", lookup_field="slug"
    )
    page = PageField()
    country = CountryCodeField(read_only=True)
    organisation = key("slug")
    kind_label = label("kind")
    contribution_count = serializers.IntegerField(
        read_only=True, help_text=_("The donor's contributions that the caller may see.")
    )

    class Meta:
        model = Donor
        fields = ["url", "page", "slug", "name", "kind", "kind_label", "country", "organisation",
                  "website", "description", "contribution_count"]


class DonorViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Donors with the filters of /donors/."""

    serializer_class = DonorSerializer
    filterset_class = DonorFilter
    lookup_field = "slug"

    def get_queryset(self):
        return Donor.objects.visible_to(self.request.user).select_related(
            "country", "organisation"
        ).annotate(
            contribution_count=visible_count(self.request.user)
        )


class UsdEquivalentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True,
        help_text=_("The amount in US dollars; null where the amount or the rate is missing."),
    )
    rate_month = serializers.DateField(
        allow_null=True, help_text=_(
            "First day of the month whose rate was used (July of the year for a contribution "
            "whose year alone is known)."
        ),
    )
    usd_per_unit = serializers.DecimalField(max_digits=18, decimal_places=8, allow_null=True)
    missing = serializers.CharField(allow_blank=True, help_text=_(
        "Why there is no equivalent, e.g. “no rate for EUR, July 2011”; empty when there is one."
    ))


class ContributionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="opendata:contribution-detail", lookup_field="key"
    )
    donor = key("slug")
    project = key("code")
    event = key("slug")
    article = key("slug")
    usd_equivalent = serializers.SerializerMethodField()
    kind_label = label("kind")
    status_label = label("status")

    class Meta:
        model = Contribution
        fields = ["url", "key", "donor", "project", "event", "kind", "kind_label", "amount",
                  "currency", "in_kind_description", "status", "status_label", "date", "year",
                  "is_published", "article", "usd_equivalent"]

    @extend_schema_field(UsdEquivalentSerializer(allow_null=True))
    def get_usd_equivalent(self, contribution):
        """Null where no amount is stated."""
        if contribution.amount is None:
            return None
        usd = contribution.usd_amount
        missing = "" if usd is not None else str(
            MissingRate(contribution.currency, contribution.usd_month)
        )
        return UsdEquivalentSerializer({
            "amount": cents(usd),
            "rate_month": None if contribution.currency == USD else contribution.usd_month,
            "usd_per_unit": contribution.usd_rate,
            "missing": missing,
        }).data


class ContributionViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Contributions with the filters of /contributions/: published ones; a donor's account also
    gets its own unpublished ones."""

    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    lookup_field = "key"

    def get_queryset(self):
        return Contribution.objects.visible_to(self.request.user).with_related(self.request.user)
