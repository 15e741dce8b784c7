"""The event page: an event with its participants (from the register and typed in) and its
trainer organisations, saved in one transaction by ``services.event_record``. A save from an
older version of the event is refused with the officer's input kept and reconciled with what
changed meanwhile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views import View

from accesslog.log import saw
from activities import selectors, services
from activities.forms import (
    EventForm,
    NewParticipantFormSet,
    OrganisationForm,
    ParticipationFormSet,
    PersonForm,
    TrainerLinkFormSet,
    record_number,
)
from activities.models import ContactConsent, Event, Organisation, Participant
from activities.officer.base import OfficerMixin
from unodc_portal.core.lookups import RecordLookupSelect
from unodc_portal.core.roles import mark_if_demo
from unodc_portal.core.versioning import MISSING_MESSAGE, StaleVersion, kept_note, stale_message


def quick_add_person_form(user) -> PersonForm:
    """The quick-add form for a public person, its organisation searched as the officer types
    (the page holds no list of every organisation)."""
    form = PersonForm(prefix="person", user=user)
    field = form.fields["organisation"]
    field.widget = RecordLookupSelect("activities:organisation_lookup")
    field.widget.choices = field.choices
    return form


class EventRecordView(OfficerMixin, View):
    """One page for an event with its participants and trainer organisations, saved in one
    transaction by services.event_record."""

    template_name = "activities/event_form.html"

    def get_permission_required(self):
        if "slug" in self.kwargs:
            return ["activities.change_event", "activities.add_participant",
                    "activities.add_participation", "activities.change_participation",
                    "activities.delete_participation"]
        return ["activities.add_event", "activities.add_participant",
                "activities.add_participation"]

    def get_event(self):
        if "slug" not in self.kwargs:
            return None
        # By its address, or by a former one: a page opened before someone changed the
        # event's address still saves (and is then refused as stale, with the input kept)
        # instead of losing the input to a 404.
        event = selectors.event_to_edit(self.request.user, self.kwargs["slug"])
        if event is None:
            raise Http404(gettext("No such event."))
        return event

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        if event is not None and event.slug != self.kwargs["slug"]:
            return redirect("activities:event_update", slug=event.slug)
        return self.render_page(event, self.build_forms(event))

    def build_forms(self, event, data=None):
        # Choices follow the user's visibility, but a real event links to real records only
        # (a demo account trying the portal on a real event cannot tie it to demo data).
        user = self.request.user if event is None or event.is_demo else None
        initial_participations = []
        initial_links = []
        # Only a page being shown starts from the stored rows: a submitted page says itself
        # which rows it showed (a row index given the stored list of now would pair a
        # submitted row, the empty extra one included, with a row it never showed).
        if event is not None and data is None:
            initial_participations, initial_links = selectors.event_rows(event)
        # The rows' organisation lists hold the chosen organisations only, read once.
        chosen = {link["organisation"] for link in initial_links} | {
            number for key, value in (data or {}).items()
            if key.startswith(("trainers-", "new-")) and key.endswith("-organisation")
            and (number := record_number(value)) is not None
        }
        organisation_kwargs = {
            "organisations": Organisation.objects.visible_to(user).order_by("name"),
            "organisation_choices": selectors.organisation_choices(user, chosen),
        }
        event_form = EventForm(data, instance=event or Event(), prefix="event", user=user)
        participations = ParticipationFormSet(
            data, initial=initial_participations or None, prefix="part"
        )
        participations.register = Participant.objects.visible_to(user)
        new_participants = NewParticipantFormSet(
            data, queryset=Participant.objects.none(), prefix="new",
            form_kwargs={**organisation_kwargs,
                         "country_choices": selectors.country_choices()},
        )
        new_participants.register = participations.register
        trainer_links = TrainerLinkFormSet(
            data, initial=initial_links or None, prefix="trainers",
            form_kwargs=organisation_kwargs,
        )
        return event_form, participations, new_participants, trainer_links

    def render_page(self, event, forms, status=200):
        event_form, participations, new_participants, trainer_links = forms
        numbers = [record_number(form["participant"].value()) for form in participations.forms]
        names = selectors.participants_by_number(self.request.user, set(numbers) - {None})
        rows = [(form, names.get(number)) for form, number in zip(participations.forms, numbers,
                                                                  strict=True)]
        # The rows' participants, and those a refused save's errors name.
        saw(self.request, [*names, *getattr(new_participants, "named", ())])
        # The countries, read once for the new-participant rows, serve every country list.
        countries = new_participants.form_kwargs["country_choices"]
        event_form.fields["country"].choices = countries
        organisation_form = OrganisationForm(prefix="org", user=self.request.user)
        organisation_form.fields["country"].choices = countries
        context = {
            "event": event,
            "event_form": event_form,
            "participations": participations,
            "participation_rows": rows,
            "new_participants": new_participants,
            "trainer_links": trainer_links,
            "organisation_form": organisation_form,
            "person_form": quick_add_person_form(self.request.user),
            "event_url": event.get_absolute_url() if event else "",
        }
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        # The forms get their own copy: a refused edit must not change the page's heading
        # and links.
        event = self.get_event()
        forms = self.build_forms(self.get_event(), request.POST)
        event_form, participations, new_participants, trainer_links = forms
        valid = event_form.is_valid() & participations.is_valid() & trainer_links.is_valid()
        new_participants.picked = getattr(participations, "participants", {})
        valid = new_participants.is_valid() & valid
        if not valid:
            messages.error(request, gettext("Nothing was saved: correct the fields marked below."))
            return self.render_page(event, forms, status=400)
        mark_if_demo(event_form.instance, request.user)
        for form in new_participants.new_rows():
            mark_if_demo(form.instance, request.user)
        wanted, removed = participations.changes()
        trainer_counts, trainers_removed = trainer_links.changes()
        expected = event_form.cleaned_data.get("record_version")
        try:
            if event is not None and expected is None:
                raise StaleVersion(event)
            saved = services.event_record(
                event=event_form.instance,
                expected_version=expected,
                projects=event_form.cleaned_data["projects"],
                trainers=event_form.cleaned_data["trainers"],
                participations=wanted,
                removed=removed,
                new_participants=[
                    services.NewParticipant(form.instance, form.cleaned_data["status"])
                    for form in new_participants.new_rows()
                ],
                trainer_counts=trainer_counts,
                trainers_removed=trainers_removed,
                # Asked once for the new participants (required when there are some).
                source=new_participants.basis.cleaned_data.get("source") or None,
                contact_consent=(new_participants.basis.cleaned_data.get("contact_consent")
                                 or ContactConsent.NOT_RECORDED),
            )
        except StaleVersion as exc:
            return self.render_stale(event, participations, trainer_links, expected=expected,
                                     stale=exc)
        except ValidationError as exc:
            for message in exc.messages:
                event_form.add_error(None, message)
            messages.error(request, gettext("Nothing was saved: correct the fields marked below."))
            return self.render_page(event, forms, status=400)
        count = saved.participations.count()
        messages.success(request, ngettext(
            "Saved “%(title)s” with %(count)d participant record.",
            "Saved “%(title)s” with %(count)d participant records.", count,
        ) % {"title": saved.title, "count": count})
        # The event's page, where the officer sees what was saved (and the link to edit it).
        return redirect(saved)

    def render_stale(self, event, participations, trainer_links, *, expected, stale):
        """The page again after a save from an older version (nothing was written): the
        officer's input as typed, on the current version, with the current participant list
        carrying the officer's own changes (removal ticks, statuses, added rows), so that
        saving again applies them on purpose and keeps what others added meanwhile."""
        missing = expected is None
        event.refresh_from_db()
        wanted, removed = participations.changes()
        loaded = participations.loaded()
        current, current_links = selectors.event_lists_now(event)
        data = self.request.POST.copy()
        for key in [k for k in data if k.startswith(("part-", "trainers-"))]:
            del data[key]
        reconciled = {
            **participations.reconciled_data(current),
            **trainer_links.reconciled_data(current_links),
            "event-record_version": str(event.version),
        }
        for key, value in reconciled.items():
            data[key] = value
        # The event's fields: the officer's changes over the current record.
        probe = EventForm(data, instance=event, prefix="event")
        kept = probe.reconcile(expected) if not missing else []
        data = probe.data

        forms = self.build_forms(event, data)  # refreshed above
        event_form, participations, new_participants, trainer_links = forms
        event_form.is_valid() & participations.is_valid() & trainer_links.is_valid()
        new_participants.picked = getattr(participations, "participants", {})
        new_participants.is_valid()
        message = (str(MISSING_MESSAGE) if missing
                   else str(stale_message(event, stale.changed_by, stale.changed_at))
                   + str(kept_note(probe, kept)))
        arrived = [pk for pk in current if pk not in loaded and pk not in wanted]
        gone = [pk for pk in loaded if pk not in current and pk not in removed]
        found = selectors.participant_names(arrived + gone)
        saw(self.request, found)  # the message names them

        def named(pks):
            return ", ".join(
                found.get(pk) or gettext("No. %(number)s (merged or deleted)") % {"number": pk}
                for pk in pks)

        # The English reads "participant(s)" for any count (as it always has); the plural
        # forms are for the languages that need them (Russian: 1 участник, 2 участника, 5 …).
        if arrived and not missing:
            message += " " + ngettext(
                "%(count)d participant(s) were added meanwhile and are now in the list below; "
                "saving again keeps them: %(names)s.",
                "%(count)d participant(s) were added meanwhile and are now in the list below; "
                "saving again keeps them: %(names)s.",
                len(arrived)) % {"count": len(arrived), "names": named(arrived)}
        if gone and not missing:
            message += " " + ngettext(
                "%(count)d participant(s) were removed meanwhile: %(names)s. Add them again if "
                "they attended.",
                "%(count)d participant(s) were removed meanwhile: %(names)s. Add them again if "
                "they attended.",
                len(gone)) % {"count": len(gone), "names": named(gone)}
        event_form.add_error(None, message)
        messages.error(self.request, message)
        return self.render_page(event, forms, status=409)
