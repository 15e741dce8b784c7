"""What is searched: for each kind of record, its model, the rows to index and the text of its
document (title; names, places and acronyms; body). Participants are never searched.

Each ``Source`` also names the records whose text appears in its documents (``depends_on``:
an event's document carries its organiser's name), so that renaming an organisation re-indexes
the events it organised (search/index.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from anyascii import anyascii
from django.db import models

from activities.models import Article, Event, Organisation, Person, Project, Seizure, Substance
from donors.models import Donor
from search.models import SearchDocument

Kind = SearchDocument.Kind


def fold(text: str) -> str:
    """``text`` transliterated to Latin and lower-cased: "Кыргызстан" and "KYRGYZSTAN" are both
    "kyrgyzstan", "Zürich" is "zurich"."""
    return anyascii(text or "").lower()


def joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def organisation_names(organisation) -> str:
    return joined(organisation.name, organisation.acronym) if organisation else ""


@dataclass(frozen=True)
class Text:
    title: str
    names: str = ""
    body: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    model: type[models.Model]
    text: Callable[[models.Model], Text]
    related: tuple[str, ...] = ()
    # model -> the lookup from this source's model to it
    depends_on: dict[type[models.Model], str] = field(default_factory=dict)

    def rows(self):
        return self.model._default_manager.select_related(*self.related).order_by("pk")

    def visible_to(self, user):
        manager = self.model._default_manager
        # People are public data: every page shows every person.
        return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()


def article_text(article: Article) -> Text:
    return Text(article.title, joined(article.kicker, article.place), article.body)


def project_text(project: Project) -> Text:
    return Text(f"{project.code} — {project.title}", project.code, project.description)


def event_text(event: Event) -> Text:
    names = joined(
        event.city, event.venue, event.country.name if event.country_id else "",
        organisation_names(event.organiser), event.topics,
    )
    return Text(event.title, names, event.description)


def organisation_text(organisation: Organisation) -> Text:
    country = organisation.country.name if organisation.country_id else ""
    return Text(organisation.name, joined(organisation.acronym, country), organisation.description)


def person_text(person: Person) -> Text:
    name = joined(person.honorific, person.name).replace(" · ", " ")
    return Text(name, joined(person.position, organisation_names(person.organisation)))


def seizure_text(seizure: Seizure) -> Text:
    where = seizure.place or seizure.region or (seizure.country.name if seizure.country_id else "")
    title = f"{seizure.substance.name}: {seizure}"
    if where:
        title = f"{title}, {where}"
    names = joined(
        seizure.substance.name, seizure.place, seizure.region,
        seizure.country.name if seizure.country_id else "",
        organisation_names(seizure.seizing_agency), seizure.period_wording,
    )
    return Text(title, names, seizure.notes)


def donor_text(donor: Donor) -> Text:
    acronym = donor.organisation.acronym if donor.organisation_id else ""
    country = donor.country.name if donor.country_id else ""
    return Text(donor.name, joined(acronym, country), donor.description)


SOURCES = {
    source.kind: source
    for source in (
        Source(Kind.ARTICLE, Article, article_text),
        Source(Kind.PROJECT, Project, project_text),
        Source(Kind.EVENT, Event, event_text, ("country", "organiser"),
               {Organisation: "organiser"}),
        Source(Kind.ORGANISATION, Organisation, organisation_text, ("country",)),
        Source(Kind.PERSON, Person, person_text, ("organisation",),
               {Organisation: "organisation"}),
        Source(Kind.SEIZURE, Seizure, seizure_text,
               ("substance", "country", "seizing_agency"),
               {Organisation: "seizing_agency", Substance: "substance"}),
        Source(Kind.DONOR, Donor, donor_text, ("country", "organisation"),
               {Organisation: "organisation"}),
    )
}
SOURCE_BY_MODEL = {source.model: source for source in SOURCES.values()}


def document(source: Source, record, language=SearchDocument.Language.ENGLISH):
    """The (unsaved) document of ``record``."""
    text = source.text(record)
    return SearchDocument(
        kind=source.kind, object_id=record.pk, language=language,
        title=text.title[:500], names=text.names, body=text.body,
        folded=fold(joined(text.title, text.names)), url=record.get_absolute_url()[:300],
    )
