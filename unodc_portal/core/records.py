"""Base classes of the record's models: natural keys, demo records, record versions, dates as
reported (exact days when stated, the wording when not), and the index of a newest-first order.
Used by every domain app."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext, gettext_lazy

from unodc_portal.core.roles import is_demo_user


class NaturalKeyQuerySet(models.QuerySet):
    """``get_by_natural_key`` for models keyed by their ``natural_key_fields``."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


class DemoQuerySetMixin:
    """Demo records (``is_demo``, made by ``seed_demo``) are seen only by demo accounts; every
    page, export and API answer reads ``visible_to(user)``. Totals and breakdowns read
    ``real()`` whoever asks (``activities.aggregates``)."""

    def real(self):
        return self.filter(is_demo=False)

    def visible_to(self, user):
        return self.all() if is_demo_user(user) else self.real()


def demo_flag() -> models.BooleanField:
    """The ``is_demo`` field of every model that can hold demo records (``seed_demo``)."""
    return models.BooleanField(
        gettext_lazy("demo record"), default=False, editable=False,
        help_text=gettext_lazy(
            "Synthetic record created by seed_demo; shown only to demo accounts."),
    )


def record_version() -> models.PositiveIntegerField:
    """The ``version`` field of records edited on forms (``unodc_portal.core.versioning``)."""
    return models.PositiveIntegerField(
        gettext_lazy("record version"), default=1, editable=False,
        help_text=gettext_lazy(
            "Changes on every change of the record; a form saved on an older version is "
            "refused (no edit silently lost)."),
    )


class NaturalKeyModel(models.Model):
    natural_key_fields: tuple[str, ...] = ("slug",)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(getattr(self, name) for name in self.natural_key_fields)


def not_before(start: str, end: str, name: str, message: str) -> models.CheckConstraint:
    """A range whose end, when both ends are known, is not before its start."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


END_BEFORE_START = gettext_lazy("The end date cannot be before the start date.")


# --------------------------------------------------------------------------------------------
# Dates as reported: exact days when stated, the wording ("late April") when not
# --------------------------------------------------------------------------------------------
class YearFromDate:
    """The year (and the month, where ``month_field`` names one) follow the record's date when
    it is known, so that lists filter and sort records known only by their year the same way.
    The one home of that rule: reported periods (from the start date), seizures and
    contributions (from the date). Bulk writes call ``fill_derived_fields()`` themselves."""

    date_field = "date"
    month_field = ""

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        day = getattr(self, self.date_field)
        if day:
            self.year = day.year
            if self.month_field:
                setattr(self, self.month_field, day.month)

    def date_mismatch_errors(self) -> dict[str, str]:
        """A year (or month) typed beside a date that says otherwise, per field."""
        day = getattr(self, self.date_field)
        if not day:
            return {}
        label = self._meta.get_field(self.date_field).verbose_name
        errors = {}
        if self.year and self.year != day.year:
            errors["year"] = gettext("The year does not match the %(date)s.") % {"date": label}
        month = getattr(self, self.month_field) if self.month_field else None
        if month and month != day.month:
            errors[self.month_field] = gettext("The month does not match the %(date)s.") % {
                "date": label}
        return errors


class ReportedPeriod(YearFromDate, models.Model):
    """Start and end dates when the source gives days; otherwise the year, month and wording.

    ``year`` and ``month`` are filled from ``start_date`` when it is known, so that lists can
    filter and sort records whose days were never stated ("late April").
    """

    start_date = models.DateField(gettext_lazy("start date"), null=True, blank=True)
    end_date = models.DateField(gettext_lazy("end date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        gettext_lazy("year"), null=True, blank=True,
        help_text=gettext_lazy("Filled from the start date when it is known."),
    )
    month = models.PositiveSmallIntegerField(
        gettext_lazy("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy("Filled from the start date when it is known."),
    )
    date_wording = models.CharField(
        gettext_lazy("date wording"), max_length=120, blank=True,
        help_text=gettext_lazy(
            'The dates as the source words them, where it gives no days ("late April").'),
    )

    class Meta:
        abstract = True
        constraints = [
            not_before(
                "start_date", "end_date", "%(app_label)s_%(class)s_end_not_before_start",
                END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="%(app_label)s_%(class)s_month_in_range",
                violation_error_message=gettext_lazy("The month must be between 1 and 12."),
            ),
        ]

    date_field = "start_date"
    month_field = "month"

    def clean(self):
        super().clean()
        errors = self.date_mismatch_errors()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if self.end_date and not self.start_date:
            errors["start_date"] = gettext("Give the start date when the end date is known.")
        if self.month and not self.year:
            errors["year"] = gettext("Give the year when the month is known.")
        if errors:
            raise ValidationError(errors)


class NullsLastIndex(models.Index):
    """An index for a default order with NULLS LAST (newest first, undated rows last), as the
    events', seizures' and contributions' ``Meta.ordering`` say: its
    ``F(...).desc(nulls_last=True)`` parts are written ``DESC NULLS LAST`` on PostgreSQL, so the
    planner reads ``ORDER BY … DESC NULLS LAST … LIMIT`` from the index. SQLite refuses ``NULLS
    LAST`` in an index and needs none: NULL sorts lowest there, so plain ``DESC`` puts it last."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor != "postgresql":
            index = self.clone()
            index.expressions = tuple(
                OrderBy(part.expression, descending=part.descending)
                if isinstance(part, OrderBy) else part
                for part in self.expressions
            )
        return super(NullsLastIndex, index).create_sql(model, schema_editor, using, **kwargs)


class GuardedBulkWrites:
    """A QuerySet mixin for a model whose stored aggregates a service keeps in step: a bulk
    ``update()`` of ``guarded_fields`` (None: any field) and, with ``guard_bulk_create``, a
    ``bulk_create()`` first call ``check_bulk_write(what)``, which raises outside that service
    (``activities.summaries.writing()``, ``donors.currency.converting()``)."""

    guarded_fields: frozenset | None = None
    guard_bulk_create = True

    def check_bulk_write(self, what: str) -> None:
        raise NotImplementedError

    def update(self, **kwargs):
        if self.guarded_fields is None or self.guarded_fields & set(kwargs):
            self.check_bulk_write("update()")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        if self.guard_bulk_create:
            self.check_bulk_write("bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

