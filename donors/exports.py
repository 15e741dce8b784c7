"""The columns of the donors' and contributions' CSV/XLSX exports, shared by both formats
(``unodc_portal.core.exports``). Rows come from the list views' querysets: contributions from
``Contribution.objects.visible_to(user)``, with their stored US-dollar equivalents
(``donors.currency``)."""

from activities.exports import choice, country_code
from donors.currency import cents
from unodc_portal.core.exports import Column, Columns

DONOR_COLUMNS = Columns(
    name="donors",
    columns=(
        Column("Key", "slug"),
        Column("Name", "name"),
        Column("Kind", choice("kind")),
        Column("Country (ISO)", country_code),
        Column("Website", "website"),
        # Annotated by the list view: the contributions the user may see.
        Column("Contributions", "contribution_count"),
    ),
    select_related=("country",),
)

CONTRIBUTION_COLUMNS = Columns(
    name="contributions",
    columns=(
        Column("Key", "key"),
        Column("Donor", "donor.name"),
        Column("Donor key", "donor.slug"),
        Column("Project", "project.code"),
        Column("Project title", "project.title"),
        Column("Event", "event.title"),
        Column("Kind", choice("kind")),
        Column("Given in kind", "in_kind_description"),
        Column("Amount", "amount"),
        Column("Currency", "currency"),
        Column("Status", choice("status")),
        Column("Date", "date"),
        Column("Year", "year"),
        # The stored equivalent (donors.currency): the month whose rate converts the amount, and
        # the result.
        Column("Rate month", lambda c: c.usd_month.strftime("%Y-%m") if c.usd_month else None),
        Column("US dollars per unit", lambda c: c.usd_rate if c.amount is not None else None),
        Column("US-dollar equivalent", lambda c: cents(c.usd_amount)),
        Column("Published", "is_published"),
        # The list views give the article only where the user may see it (a draft's is None).
        Column("Source article", "article.title"),
    ),
    select_related=("donor", "project", "event"),
)
