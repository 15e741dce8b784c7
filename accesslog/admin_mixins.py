"""The Django admin's pages that show participants' personal data write the access log
(README, "Personal data"): one mixin for the model admins whose pages may show a participant's
name, e-mail, phone or position, noting (``accesslog.log.saw``) the register numbers each page
shows.

The participant model is named by the admin that uses the mixin (``participant_model``): this
app sits below the programme record and knows nothing of it. A page shows a participant when
it shows

- a participant record, or a row of its history (each history row carries the record's
  number): a list's rows, a change page, a history page;
- a field that points at a participant: a list column, a form or read-only field on a change
  page (the chooser shows the chosen person's name), a field of an inline row;
- a participant that a deletion would remove or that stops it (the confirmation page lists
  them by name), and an entry of the admin's own log about a participant (deleting an account
  lists its entries, each naming the record it changed).

The numbers are read from what the page has already loaded (the list's page of rows, the
forms' values), never by a query of their own, except on a delete confirmation, which walks
the deletion a second time, and only for a model whose deletion can reach participants.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.forms import ModelChoiceField, ModelMultipleChoiceField

from accesslog.log import saw

# What a deletion can take with it, or what can stop it: the relations the confirmation page
# lists (SET_NULL and DO_NOTHING leave the other row in place and unlisted).
LISTED_ON_DELETE = (models.CASCADE, models.PROTECT, models.RESTRICT)


def reaches(model, target, seen=None) -> bool:
    """Whether deleting a ``model`` row can list ``target`` rows on its confirmation page
    (following what each deletion cascades to or is protected by)."""
    if issubclass(model, target):
        return True
    seen = set() if seen is None else seen
    seen.add(model)
    for relation in model._meta.related_objects:
        if relation.on_delete not in LISTED_ON_DELETE or relation.related_model in seen:
            continue
        if reaches(relation.related_model, target, seen):
            return True
    return False


def _numbers(value) -> Iterator[int]:
    """The whole numbers in a field's value (one, a list, or nothing usable)."""
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        try:
            yield int(getattr(one, "pk", one))
        except (TypeError, ValueError):
            continue


class LogsParticipantsAdmin:
    """Mixed into a ``ModelAdmin`` before Django's class: its changelist, change (add, view),
    delete and history pages, and its bulk delete confirmation, note the participants they
    show. Set ``participant_model``."""

    participant_model: type[models.Model] | None = None

    # ---- what one record shows ------------------------------------------------------------
    def participant_number(self, obj) -> int | None:
        """``obj``'s number when it is a participant record, a row of a participant's history
        (simple-history's ``instance_type``) or an admin log entry about a participant, else
        None."""
        participant = self.participant_model
        model = type(obj)
        if issubclass(model, participant):
            return obj.pk
        if getattr(model, "instance_type", None) is participant:
            return getattr(obj, participant._meta.pk.attname)
        if (issubclass(model, LogEntry)
                and obj.content_type_id == ContentType.objects.get_for_model(participant).pk):
            return next(_numbers(obj.object_id), None)
        return None

    def points_at_participant(self, field) -> bool:
        return getattr(field, "related_model", None) is self.participant_model and (
            field.many_to_one or field.one_to_one)

    def participant_columns(self, request) -> list[str]:
        """The changelist's columns that show a participant (a foreign key to one): their
        ``attname``, whose value is the number without loading the participant."""
        columns = []
        for name in self.get_list_display(request):
            if not isinstance(name, str):
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if self.points_at_participant(field):
                columns.append(field.attname)
        return columns

    def participants_in_rows(self, request, rows) -> set[int]:
        columns = self.participant_columns(request)
        numbers = set()
        for row in rows:
            own = self.participant_number(row)
            if own is not None:
                numbers.add(own)
            numbers.update(getattr(row, column) for column in columns)
        numbers.discard(None)
        return numbers

    def participants_in_form(self, form, readonly_fields: Iterable[str], instance) -> set[int]:
        """The participants a form shows: its participant choosers' values (bound or
        initial), and its read-only fields that point at a participant."""
        numbers = set()
        for name, field in form.fields.items():
            if (isinstance(field, ModelChoiceField | ModelMultipleChoiceField)
                    and field.queryset.model is self.participant_model):
                numbers.update(_numbers(form[name].value()))
        if instance is not None:
            for name in readonly_fields:
                try:
                    field = instance._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if self.points_at_participant(field):
                    numbers.update(_numbers(getattr(instance, field.attname)))
        return numbers

    def participants_on_form_page(self, context, obj) -> set[int]:
        numbers = set()
        if obj is not None and self.participant_number(obj) is not None:
            numbers.add(self.participant_number(obj))
        adminform = context.get("adminform")
        if adminform is not None:
            numbers |= self.participants_in_form(
                adminform.form, adminform.readonly_fields, obj)
        for inline in context.get("inline_admin_formsets", ()):
            for form in inline.formset.forms:
                numbers |= self.participants_in_form(
                    form, inline.readonly_fields, form.instance)
        return numbers

    # ---- the pages -----------------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            # The page's rows: a slice the template reads next, whose rows are kept once read.
            saw(request, self.participants_in_rows(request, cl.result_list))
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        saw(request, self.participants_on_form_page(context, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        # Django's history page (a TemplateResponse); simple-history's renders through
        # render_history_view below.
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if obj is not None:
            saw(request, [self.participant_number(obj)])
        return response

    def render_history_view(self, request, template, context, **kwargs):
        """simple-history's history page (``object``) and its page of one past version (a
        form, ``adminform``, on ``original``)."""
        if "adminform" in context:
            saw(request, self.participants_on_form_page(context, context.get("original")))
        elif context.get("object") is not None:
            saw(request, [self.participant_number(context["object"])])
        return super().render_history_view(request, template, context, **kwargs)

    def get_deleted_objects(self, objs, request):
        """The delete page and the bulk delete confirmation list what the deletion removes
        and what stops it: the participants among them are noted (walking the deletion again,
        only where it can reach participants)."""
        result = super().get_deleted_objects(objs, request)
        if reaches(self.model, self.participant_model) or reaches(self.model, LogEntry):
            collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
            collector.collect(objs)
            reached = [obj for rows in collector.data.values() for obj in rows]
            reached += collector.protected
            saw(request, (self.participant_number(obj) for obj in reached))
        return result

    def records_shown(self, request, pks):
        """The admin site's own pages — an autocomplete answer, the index's recent actions —
        list these records by name (``unodc_portal.core.admin_site``)."""
        if self.model is self.participant_model:
            saw(request, _numbers(list(pks)))
