"""The money and in-kind record: donors, their contributions, and exchange rates."""

import contextvars
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models import Article
from unodc_portal.core.records import (
    DemoQuerySetMixin,
    GuardedBulkWrites,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    NullsLastIndex,
    YearFromDate,
    demo_flag,
    record_version,
)
from unodc_portal.core.roles import is_demo_user
from unodc_portal.core.validators import validate_currency


class DonorQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    pass


class Donor(NaturalKeyModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
        AGENCY = "agency", _("Development or cooperation agency")
        FOUNDATION = "foundation", _("Foundation")
        PRIVATE = "private", _("Private sector")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    country = models.ForeignKey(
        "activities.Country", null=True, blank=True, on_delete=models.PROTECT,
        related_name="donors",
        verbose_name=_("country"),
    )
    organisation = models.OneToOneField(
        "activities.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="donor",
        help_text=_("The organisation record of this donor, where one exists."),
        verbose_name=_("organisation"),
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    is_demo = demo_flag()

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]
        indexes = [
            # donors list: kind filter
            models.Index(fields=["kind"], name="donors_donor_kind_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("donors:donor_detail", args=[self.slug])


class DonorAccount(models.Model):
    """Links a signed-in user to the one donor whose unpublished contributions they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="donor_account",
        verbose_name=_("user"),
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.CASCADE, related_name="accounts",
        verbose_name=_("donor"),
    )

    class Meta:
        verbose_name = _("donor account")
        verbose_name_plural = _("donor accounts")
        ordering = ["donor", "user"]

    def __str__(self):
        return f"User #{self.user_id} for donor #{self.donor_id}"


def donor_for(user):
    """The donor a user acts for, or None."""
    if user is None or not user.is_authenticated:
        return None
    # The account and its donor in one query, kept where Django keeps ``user.donor_account``
    # (None: no account), so that the rest of the request reads neither again.
    account = DonorAccount._meta.get_field("user").remote_field
    if not account.is_cached(user):
        account.set_cached_value(
            user, DonorAccount.objects.select_related("donor").filter(user=user).first()
        )
    try:
        return user.donor_account.donor
    except DonorAccount.DoesNotExist:
        return None


# True while ``donors.currency.converting()`` runs: the one way to write contributions in bulk.
CONVERTING = contextvars.ContextVar("donors_converting", default=False)


def _check_converting(what: str) -> None:
    if not CONVERTING.get():
        raise RuntimeError(
            f"{what} only inside donors.currency.converting(), which keeps contributions' "
            "US-dollar equivalents in step."
        )


# The fields the stored US-dollar equivalent follows (``Contribution.fill_derived_fields``).
CONVERTED_FROM = frozenset({"amount", "currency", "date", "year"})
# A year-only contribution is converted at the rate of the middle of its year.
YEAR_ONLY_MONTH = 7


class ContributionQuerySet(GuardedBulkWrites, DemoQuerySetMixin, NaturalKeyQuerySet):
    # A bulk change of what the US-dollar equivalent follows, or new rows, go through
    # ``donors.currency.converting()``, which converts again afterwards.
    guarded_fields = CONVERTED_FROM

    def check_bulk_write(self, what: str) -> None:
        _check_converting(f"{what} on contributions (amounts, currencies, dates, new rows)")

    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published contributions for everyone; a donor's own unpublished ones for its users;
        everything for those who may edit contributions (admins). Demo contributions only for
        demo accounts (``DemoQuerySetMixin``)."""
        if user is None or not user.is_authenticated:
            return self.real().published()
        contributions = self.all() if is_demo_user(user) else self.real()
        if user.has_perm("donors.change_contribution"):
            return contributions
        donor = donor_for(user)
        if donor is None:
            return contributions.published()
        return contributions.filter(Q(is_published=True) | Q(donor=donor))

    def with_related(self, user=None):
        """Donor, project and event, and the source article where ``user`` may see it (with no
        user: where it is published)."""
        return self.select_related("donor", "project", "event").with_visible_article(user)

    def with_visible_article(self, user):
        """``contribution.article`` is the source article only where ``user`` may see it
        (``Article.objects.visible_to``), else None: a published contribution never gives away
        a draft's title or address (page, export, API)."""
        return self.prefetch_related(
            Prefetch("article", queryset=Article.objects.visible_to(user))
        )


class Contribution(YearFromDate, NaturalKeyModel):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")
        # A donor named as contributing, with no word on whether money or goods were given
        # (KGZK50's three contributors).
        NOT_STATED = "not_stated", _("Not stated")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        COMMITTED = "committed", _("Committed")
        RECEIVED = "received", _("Received")
        NOT_STATED = "not_stated", _("Not stated")

    natural_key_fields = ("key",)

    key = models.SlugField(max_length=100, unique=True, verbose_name=_("key"))
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="contributions",
        verbose_name=_("donor"),
    )
    project = models.ForeignKey(
        "activities.Project", on_delete=models.PROTECT, related_name="contributions",
        verbose_name=_("project"),
    )
    event = models.ForeignKey(
        "activities.Event", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("event"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty where the amount is not known."),
        verbose_name=_("amount"),
    )
    currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency], help_text=_("ISO 4217 code."),
        verbose_name=_("currency"),
    )
    in_kind_description = models.CharField(
        max_length=300, blank=True,
        help_text=_('What was given in kind ("two narcotic detector dogs").'),
        verbose_name=_("in kind description"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STATED,
        verbose_name=_("status"),
    )
    date = models.DateField(null=True, blank=True, verbose_name=_("date"))
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Filled from the date when it is known."),
        verbose_name=_("year"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # The US-dollar equivalent, stored (``donors.currency``): the month whose rate converts the
    # amount, that rate (1 for US dollars, None where there is none) and amount times rate, exact.
    # Kept in step by every write of a contribution or a rate; ``rebuild_summaries`` repairs.
    usd_month = models.DateField(_("rate month"), null=True, blank=True, editable=False)
    usd_rate = models.DecimalField(
        _("US dollars per unit"), max_digits=18, decimal_places=8, null=True, blank=True,
        editable=False,
    )
    usd_amount = models.DecimalField(
        _("US-dollar equivalent"), max_digits=34, decimal_places=10, null=True, blank=True,
        editable=False,
    )
    article = models.ForeignKey(
        "activities.Article", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contributions", help_text=_("The bulletin article it came from."),
        verbose_name=_("article"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    is_demo = demo_flag()
    version = record_version()

    objects = ContributionQuerySet.as_manager()
    # The stored equivalent follows the rates: its changes are not the contribution's history.
    history = HistoricalRecords(
        excluded_fields=["usd_month", "usd_rate", "usd_amount"],
        verbose_name=_("contribution history"), verbose_name_plural=_("contribution history"),
    )
    # Computed by save() from the rates (not by fill_derived_fields): fixtures never state them.
    computed_on_save = ("usd_rate", "usd_amount")

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = [models.F("year").desc(nulls_last=True), "donor", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="donors_contribution_amount_not_negative",
                violation_error_message="The amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""),
                name="donors_contribution_amount_has_currency",
                violation_error_message="An amount needs its currency.",
            ),
        ]
        indexes = [
            # contributions list and totals: published rows by year
            models.Index(fields=["is_published", "year"], name="donors_contrib_published_idx"),
            # contributions list: currency filter and totals per currency
            models.Index(fields=["currency"], name="donors_contrib_currency_idx"),
            # contributions list: kind and status filters
            models.Index(fields=["kind", "status"], name="donors_contrib_kind_idx"),
            # admin contribution changelist: the default order (newest year first, then by
            # donor) and its year filter's choices
            NullsLastIndex(F("year").desc(nulls_last=True), name="donors_contrib_year_idx"),
            # totals: the few amounts without a rate, whose months are named
            models.Index(
                fields=["currency"], name="donors_contrib_no_rate_idx",
                condition=Q(amount__isnull=False, usd_rate__isnull=True),
            ),
        ]

    def __str__(self):
        if self.amount is not None:
            return f"{self.amount:,.2f} {self.currency} ({self.key})"
        return f"{self.get_kind_display()}, amount not stated ({self.key})"

    def get_absolute_url(self):
        return reverse("donors:donor_detail", args=[self.donor.slug])

    def fill_derived_fields(self):
        """The year from the date, and the month whose rate converts the amount: the month of
        the date, else July of the year, else none."""
        super().fill_derived_fields()
        if self.date:
            self.usd_month = self.date.replace(day=1)
        elif self.year:
            self.usd_month = datetime.date(self.year, YEAR_ONLY_MONTH, 1)
        else:
            self.usd_month = None

    def save(self, *args, **kwargs):
        """Saved with its US-dollar equivalent: the rate of its currency and month (one query;
        none for US dollars), and amount times rate."""
        self.fill_derived_fields()
        if self.currency == "USD":
            self.usd_rate = Decimal(1)
        elif self.currency and self.usd_month:
            self.usd_rate = ExchangeRate.objects.filter(
                currency=self.currency, month=self.usd_month
            ).values_list("usd_per_unit", flat=True).first()
        else:
            self.usd_rate = None
        self.usd_amount = (
            None if self.amount is None or self.usd_rate is None
            else Decimal(self.amount) * self.usd_rate
        )
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = self.date_mismatch_errors()
        if self.amount is not None and not self.currency:
            errors["currency"] = _("An amount needs its currency.")
        if errors:
            raise ValidationError(errors)


class ExchangeRateQuerySet(GuardedBulkWrites, NaturalKeyQuerySet):
    # Contributions store their equivalents at these rates.
    def check_bulk_write(self, what: str) -> None:
        _check_converting(f"{what} on exchange rates")


class ExchangeRate(NaturalKeyModel):
    """A UN operational rate of exchange: US dollars per one unit of a currency in a month."""

    natural_key_fields = ("currency", "month")
    objects = ExchangeRateQuerySet.as_manager()

    currency = models.CharField(
        max_length=3, validators=[validate_currency],
        verbose_name=_("currency"),
    )
    month = models.DateField(
        help_text=_("Any day of the month; stored as its first day."),
        verbose_name=_("month"),
    )
    usd_per_unit = models.DecimalField(
        _("US dollars per unit"), max_digits=18, decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "month"],
                name="donors_exchangerate_unique_currency_month",
                violation_error_message="There is already a rate for this currency and month.",
            ),
            models.CheckConstraint(
                condition=Q(usd_per_unit__gt=0),
                name="donors_exchangerate_rate_positive",
                violation_error_message="The rate must be greater than zero.",
            ),
        ]

    def __str__(self):
        month = self.month.strftime("%B %Y") if self.month else "?"
        return f"{self.currency} {month}: {self.usd_per_unit} USD"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def clean(self):
        self.fill_derived_fields()
        super().clean()

    def fill_derived_fields(self):
        """Rates are monthly: keep the first day of the month."""
        if self.month:
            self.month = self.month.replace(day=1)
