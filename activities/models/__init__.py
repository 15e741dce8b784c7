"""The programme record, one module per sub-domain:

- ``reference``: countries, organisations, publicly named people, themes
- ``projects``: projects, programmes, operations, initiatives
- ``events``: events, their trainer organisations, participations
- ``participants``: participants (personal data), duplicate decisions, participant imports
- ``seizures``: substances and seizures
- ``bulletin``: bulletins and their articles
- ``summaries``: stored participant figures (``activities.summaries``) and the bulk-write guard

Every model that a fixture holds has a natural key on a stable business field (code, ISO code,
slug), so that fixtures load into any database, in any order, and twice without duplicates.
The base classes (natural keys, demo flag, record version, reported dates) are in
``unodc_portal.core.records``.
"""

from activities.models.bulletin import Article, ArticleQuerySet, Bulletin
from activities.models.events import (
    RESERVED_EVENT_SLUGS,
    Event,
    EventQuerySet,
    EventTrainerOrganisation,
    Participation,
    ParticipationQuerySet,
    validate_event_slug,
)
from activities.models.participants import (
    ContactConsent,
    DataSource,
    DuplicateDismissal,
    ImportBatch,
    Participant,
    ParticipantQuerySet,
)
from activities.models.projects import Project, ProjectQuerySet
from activities.models.reference import Country, Organisation, OrganisationQuerySet, Person, Theme
from activities.models.seizures import (
    KG_PER_UNIT,
    Seizure,
    SeizureQuerySet,
    Substance,
    quantity_in_kg,
)
from activities.models.summaries import (
    Dimension,
    EventFigure,
    ProjectCell,
    ProjectTotal,
    RegisterCell,
    RegisterTotal,
    SummaryBypassed,
)

__all__ = [
    "KG_PER_UNIT",
    "RESERVED_EVENT_SLUGS",
    "Article",
    "ArticleQuerySet",
    "Bulletin",
    "ContactConsent",
    "Country",
    "DataSource",
    "Dimension",
    "DuplicateDismissal",
    "Event",
    "EventFigure",
    "EventQuerySet",
    "EventTrainerOrganisation",
    "ImportBatch",
    "Organisation",
    "OrganisationQuerySet",
    "Participant",
    "ParticipantQuerySet",
    "Participation",
    "ParticipationQuerySet",
    "Person",
    "Project",
    "ProjectCell",
    "ProjectQuerySet",
    "ProjectTotal",
    "RegisterCell",
    "RegisterTotal",
    "Seizure",
    "SeizureQuerySet",
    "Substance",
    "SummaryBypassed",
    "Theme",
    "quantity_in_kg",
    "validate_event_slug",
]
