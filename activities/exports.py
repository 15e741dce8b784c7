"""The columns of the programme record's CSV/XLSX exports, one ``Columns`` per model, shared by
both formats (``unodc_portal.core.exports``). Participants' columns hold personal data: their export
is for officers and admins only, like the register it comes from."""

from django.db.models import Prefetch

from activities.models import Organisation
from unodc_portal.core.exports import Column, Columns


def codes(field):
    """The ISO codes of a many-to-many to countries, comma-separated."""
    return lambda record: ", ".join(c.code.code for c in getattr(record, field).all())


def joined(field, attribute):
    return lambda record: ", ".join(
        str(getattr(item, attribute)) for item in getattr(record, field).all()
    )


def choice(field):
    return lambda record: getattr(record, f"get_{field}_display")()


def country_name(record):
    return record.country.name if record.country_id else None


def country_code(record):
    return record.country.code.code if record.country_id else None


ORGANISATIONS = Organisation.objects.only("slug", "name", "acronym")

PROJECT_COLUMNS = Columns(
    name="projects",
    columns=(
        Column("Code", "code"),
        Column("Title", "title"),
        Column("Kind", choice("kind")),
        Column("Status", choice("status")),
        Column("Part of", "parent.code"),
        Column("Countries (ISO)", codes("countries")),
        Column("Region", "region"),
        Column("Themes", joined("themes", "name")),
        Column("Start date", "start_date"),
        Column("End date", "end_date"),
        Column("Start year", "start_year"),
        Column("Budget", "budget_amount"),
        Column("Budget currency", "budget_currency"),
        Column("Implemented by", joined("implementers", "name")),
        Column("Beneficiaries", joined("beneficiaries", "name")),
        Column("Description", "description"),
    ),
    select_related=("parent",),
    prefetch_related=(
        "countries", "themes",
        Prefetch("implementers", queryset=ORGANISATIONS),
        Prefetch("beneficiaries", queryset=ORGANISATIONS),
    ),
)

EVENT_COLUMNS = Columns(
    name="events",
    columns=(
        Column("Key", "slug"),
        Column("Title", "title"),
        Column("Kind", choice("kind")),
        Column("Projects", joined("projects", "code")),
        Column("Organiser", "organiser.name"),
        Column("City", "city"),
        Column("Country (ISO)", country_code),
        Column("Country", country_name),
        Column("Venue", "venue"),
        Column("Start date", "start_date"),
        Column("End date", "end_date"),
        Column("Year", "year"),
        Column("Month", "month"),
        Column("Dates as reported", "date_wording"),
        Column("Participants as reported", "reported_participants"),
        Column("Participant count wording", "reported_participants_wording"),
        Column("Topics", "topics"),
    ),
    select_related=("country", "organiser"),
    prefetch_related=("projects",),
)

SEIZURE_COLUMNS = Columns(
    name="seizures",
    columns=(
        Column("Key", "key"),
        Column("Kind", choice("kind")),
        Column("Substance", "substance.name"),
        Column("Qualifier", choice("qualifier")),
        Column("Quantity", "quantity"),
        Column("Unit", "unit"),
        Column("Quantity (kg)", "quantity_kg"),
        Column("Date", "date"),
        Column("Year", "year"),
        Column("End year", "end_year"),
        Column("Period as reported", "period_wording"),
        Column("Country (ISO)", country_code),
        Column("Country", country_name),
        Column("Region", "region"),
        Column("Place", "place"),
        Column("Seizing agency", "seizing_agency.name"),
        Column("Project or operation", "project.code"),
        Column("Notes", "notes"),
    ),
    select_related=("substance", "country", "seizing_agency", "project"),
)

# Personal data: officers and admins only (the participant register's own access rule).
PARTICIPANT_COLUMNS = Columns(
    name="participants",
    columns=(
        Column("Number", "pk"),
        Column("Name", "name"),
        Column("Sex", choice("sex")),
        Column("Organisation", "organisation.name"),
        Column("Country (ISO)", country_code),
        Column("Country", country_name),
        Column("Position", "position"),
        Column("E-mail", "email"),
        Column("Phone", "phone"),
        Column("Events", lambda p: len(p.participations.all())),
    ),
    select_related=("organisation", "country"),
    prefetch_related=("participations",),
)
