"""Officers' forms, one module per concern: ``common`` (register numbers, slugs, choices that
follow visibility), ``events`` (the event page: the event, its participants and trainer
organisations) and ``records`` (quick-add, participants, merging, import uploads, seizures).
What the views, the admin and the tests use is re-exported here."""

from activities.forms.common import (
    REPORTED_PARTICIPANTS_MAX,
    bound_reported_participants,
    record_number,
)
from activities.forms.events import (
    EventForm,
    NewParticipantFormSet,
    ParticipationFormSet,
    TrainerLinkFormSet,
)
from activities.forms.records import (
    DismissForm,
    ImportUploadForm,
    MergeForm,
    OrganisationForm,
    ParticipantForm,
    PersonForm,
    SeizureForm,
)

__all__ = [
    "REPORTED_PARTICIPANTS_MAX", "DismissForm", "EventForm", "ImportUploadForm", "MergeForm",
    "NewParticipantFormSet", "OrganisationForm", "ParticipantForm", "ParticipationFormSet",
    "PersonForm", "SeizureForm", "TrainerLinkFormSet", "bound_reported_participants",
    "record_number",
]
