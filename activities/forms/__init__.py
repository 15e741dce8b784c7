"""Officers' forms, one module per concern: ``common`` (register numbers, slugs, choices that
follow visibility), ``events`` (the event page: the event, its participants and trainer
organisations) and ``records`` (quick-add, participants, merging, import uploads, seizures).
Re-exported here so that callers import from ``activities.forms``."""

from activities.forms.common import (
    RECORD_NUMBER_MAX,
    REPORTED_PARTICIPANTS_MAX,
    DateInput,
    RecordChoicesField,
    VisibleChoicesMixin,
    bound_reported_participants,
    management_data,
    record_number,
    unique_slug,
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
    "RECORD_NUMBER_MAX", "REPORTED_PARTICIPANTS_MAX", "DateInput", "DismissForm", "EventForm",
    "ImportUploadForm", "MergeForm", "NewParticipantFormSet", "OrganisationForm",
    "ParticipantForm", "ParticipationFormSet", "PersonForm", "RecordChoicesField",
    "SeizureForm", "TrainerLinkFormSet", "VisibleChoicesMixin", "bound_reported_participants",
    "management_data", "record_number", "unique_slug",
]
