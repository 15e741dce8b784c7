"""The columns of the programme record's CSV/XLSX exports, one ``Columns`` per model, shared by
both formats (``unodc_portal.core.exports``). Headers are lazy translations: XLSX writes them in
the reader's language, CSV in English (stable names that scripts read). Participants' columns
hold personal data: their export is for officers and admins only, like the register it comes
from, and notes every row it writes in the access log (``logged_columns``)."""

import dataclasses
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accesslog.log import saw
from activities.databasis import sources_label
from activities.models import Organisation
from unodc_portal.core.exports import CHUNK_SIZE, Column, Columns


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
        Column(_("Code"), "code"),
        Column(_("Title"), "title"),
        Column(_("Kind"), choice("kind")),
        Column(_("Status"), choice("status")),
        Column(_("Part of"), "parent.code"),
        Column(_("Countries (ISO)"), codes("countries")),
        Column(_("Region"), "region"),
        Column(_("Themes"), joined("themes", "name")),
        Column(_("Start date"), "start_date"),
        Column(_("End date"), "end_date"),
        Column(_("Start year"), "start_year"),
        Column(_("Budget"), "budget_amount"),
        Column(_("Budget currency"), "budget_currency"),
        Column(_("Implemented by"), joined("implementers", "name")),
        Column(_("Beneficiaries"), joined("beneficiaries", "name")),
        Column(_("Description"), "description"),
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
        Column(_("Key"), "slug"),
        Column(_("Title"), "title"),
        Column(_("Kind"), choice("kind")),
        Column(_("Projects"), joined("projects", "code")),
        Column(_("Organiser"), "organiser.name"),
        Column(_("City"), "city"),
        Column(_("Country (ISO)"), country_code),
        Column(_("Country"), country_name),
        Column(_("Venue"), "venue"),
        Column(_("Start date"), "start_date"),
        Column(_("End date"), "end_date"),
        Column(_("Year"), "year"),
        Column(_("Month"), "month"),
        Column(_("Dates as reported"), "date_wording"),
        Column(_("Participants as reported"), "reported_participants"),
        Column(_("Participant count wording"), "reported_participants_wording"),
        Column(_("Topics"), "topics"),
    ),
    select_related=("country", "organiser"),
    prefetch_related=("projects",),
)

SEIZURE_COLUMNS = Columns(
    name="seizures",
    columns=(
        Column(_("Key"), "key"),
        Column(_("Kind"), choice("kind")),
        Column(_("Substance"), "substance.name"),
        Column(_("Qualifier"), choice("qualifier")),
        Column(_("Quantity"), "quantity"),
        Column(_("Unit"), "unit"),
        Column(_("Quantity (kg)"), "quantity_kg"),
        Column(_("Date"), "date"),
        Column(_("Year"), "year"),
        Column(_("End year"), "end_year"),
        Column(_("Period as reported"), "period_wording"),
        Column(_("Country (ISO)"), country_code),
        Column(_("Country"), country_name),
        Column(_("Region"), "region"),
        Column(_("Place"), "place"),
        Column(_("Seizing agency"), "seizing_agency.name"),
        Column(_("Project or operation"), "project.code"),
        Column(_("Notes"), "notes"),
    ),
    select_related=("substance", "country", "seizing_agency", "project"),
)

# Personal data: officers and admins only (the participant register's own access rule).
PARTICIPANT_COLUMNS = Columns(
    name="participants",
    columns=(
        Column(_("Number"), "pk"),
        Column(pgettext_lazy("participant", "Name"), "display_name"),
        Column(_("Sex"), choice("sex")),
        Column(_("Organisation"), "organisation.name"),
        Column(_("Country (ISO)"), country_code),
        Column(_("Country"), country_name),
        Column(_("Position"), "position"),
        Column(_("E-mail"), "email"),
        Column(_("Phone"), "phone"),
        Column(_("Source of the data"), lambda p: sources_label(p.sources)),
        Column(_("Contact consent"), choice("contact_consent")),
        Column(_("Events"), lambda p: len(p.participations.all())),
    ),
    select_related=("organisation", "country"),
    prefetch_related=("participations",),
)


@dataclasses.dataclass(frozen=True)
class LoggedColumns(Columns):
    """Columns whose ``rows`` note each record in the access log of ``request`` as it is read
    (``accesslog.log.saw``): a streamed export's entry then names exactly the rows it sent."""

    request: object = None

    def rows(self, queryset) -> Iterator[list]:
        for record in self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
            saw(self.request, (record.pk,))
            yield [column.read(record) for column in self.columns]


def logged_columns(columns: Columns, request) -> LoggedColumns:
    """``columns`` for one export answering ``request``, each row it writes logged."""
    return LoggedColumns(**{f.name: getattr(columns, f.name)
                            for f in dataclasses.fields(columns)}, request=request)
