"""The columns of the donors' and contributions' CSV/XLSX exports, shared by both formats
(``unodc_portal.core.exports``). Headers are lazy: XLSX reads them in the reader's language, CSV
in English (stable column names that scripts read). Rows come from the list views' querysets:
contributions from ``Contribution.objects.visible_to(user)``, with their stored US-dollar
equivalents (``donors.currency``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.exports import choice, country_code
from donors.currency import cents
from unodc_portal.core.exports import Column, Columns

DONOR_COLUMNS = Columns(
    name="donors",
    columns=(
        Column(_("Key"), "slug"),
        Column(pgettext_lazy("a donor's name", "Name"), "name"),
        Column(_("Kind"), choice("kind")),
        Column(_("Country (ISO)"), country_code),
        Column(_("Website"), "website"),
        # Annotated by the list view: the contributions the user may see.
        Column(_("Contributions"), "contribution_count"),
    ),
    select_related=("country",),
)

CONTRIBUTION_COLUMNS = Columns(
    name="contributions",
    columns=(
        Column(_("Key"), "key"),
        Column(_("Donor"), "donor.name"),
        Column(_("Donor key"), "donor.slug"),
        Column(_("Project"), "project.code"),
        Column(_("Project title"), "project.title"),
        Column(_("Event"), "event.title"),
        Column(_("Kind"), choice("kind")),
        Column(_("Given in kind"), "in_kind_description"),
        Column(_("Amount"), "amount"),
        Column(_("Currency"), "currency"),
        Column(_("Status"), choice("status")),
        Column(_("Date"), "date"),
        Column(_("Year"), "year"),
        # The stored equivalent (donors.currency): the month whose rate converts the amount, and
        # the result.
        Column(_("Rate month"),
               lambda c: c.usd_month.strftime("%Y-%m") if c.usd_month else None),
        Column(_("US dollars per unit"), lambda c: c.usd_rate if c.amount is not None else None),
        Column(_("US-dollar equivalent"), lambda c: cents(c.usd_amount)),
        Column(_("Published"), "is_published"),
        # The list views give the article only where the user may see it (a draft's is None).
        Column(_("Source article"), "article.title"),
    ),
    select_related=("donor", "project", "event"),
)
