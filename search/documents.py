"""What is searched: for each kind of record, its model, the rows to index and the text of its
document (title; names, places and acronyms; body). Participants are never searched.

Each ``Source`` also names the records whose text appears in its documents (``depends_on``:
an event's document carries its organiser's name), so that renaming an organisation re-indexes
the events it organised (search/index.py).

Languages: every record has an English document (``language`` "en": its English text, at its
unprefixed address). A record with Russian content of its own or in the names it carries
(``Source.translated``: ``title_ru``, an organiser's ``name_ru``…) also has a Russian one
("ru": the text read in Russian, falling back to English field by field, at its ``/ru/``
address). Each of the two documents carries the other's title among its names, so that a
record is found by its title in either language on either page. Country
names are given in both languages in both documents ("Таджикистан" finds Tajikistan). The
search page reads the documents of its language, and the English one of a record that has no
Russian document (``in_language``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from anyascii import anyascii
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import translation

from activities.models import Article, Event, Organisation, Person, Project, Seizure, Substance
from donors.models import Donor
from search.models import SearchDocument

Kind = SearchDocument.Kind
Language = SearchDocument.Language
RUSSIAN = "ru"


def fold(text: str) -> str:
    """``text`` transliterated to Latin and lower-cased: "Кыргызстан" and "KYRGYZSTAN" are both
    "kyrgyzstan", "Zürich" is "zurich"."""
    return anyascii(text or "").lower()


def joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def organisation_names(organisation) -> str:
    return joined(organisation.name, organisation.acronym) if organisation else ""


def country_names(country) -> str:
    """A country's name in the active language and, where it differs, in Russian (names of
    countries come translated from django-countries)."""
    if country is None:
        return ""
    name = str(country.name)
    with translation.override(RUSSIAN):
        russian = str(country.name)
    return joined(name, russian if russian != name else "")


def has_russian(record, path: str) -> bool:
    """Whether the translated field at ``path`` ("title", "organiser.name") of ``record`` has a
    Russian version (``<field>_ru``, django-modeltranslation)."""
    *relations, name = path.split(".")
    for relation in relations:
        record = getattr(record, relation, None)
        if record is None:
            return False
    return bool(getattr(record, f"{name}_{RUSSIAN}", ""))


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
    # The translated fields (paths from the record) whose Russian version makes a Russian
    # document.
    translated: tuple[str, ...] = ()

    def has_russian(self, record) -> bool:
        return any(has_russian(record, path) for path in self.translated)

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
        event.city, event.venue, country_names(event.country) if event.country_id else "",
        organisation_names(event.organiser), event.topics,
    )
    return Text(event.title, names, event.description)


def organisation_text(organisation: Organisation) -> Text:
    country = country_names(organisation.country) if organisation.country_id else ""
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
        country_names(seizure.country) if seizure.country_id else "",
        organisation_names(seizure.seizing_agency), seizure.period_wording,
    )
    return Text(title, names, seizure.notes)


def donor_text(donor: Donor) -> Text:
    acronym = donor.organisation.acronym if donor.organisation_id else ""
    country = country_names(donor.country) if donor.country_id else ""
    return Text(donor.name, joined(acronym, country), donor.description)


SOURCES = {
    source.kind: source
    for source in (
        Source(Kind.ARTICLE, Article, article_text, translated=("title", "kicker", "body")),
        Source(Kind.PROJECT, Project, project_text, translated=("title", "description")),
        Source(Kind.EVENT, Event, event_text, ("country", "organiser"),
               {Organisation: "organiser"},
               ("title", "description", "topics", "organiser.name")),
        Source(Kind.ORGANISATION, Organisation, organisation_text, ("country",),
               translated=("name",)),
        Source(Kind.PERSON, Person, person_text, ("organisation",),
               {Organisation: "organisation"}, ("organisation.name",)),
        Source(Kind.SEIZURE, Seizure, seizure_text,
               ("substance", "country", "seizing_agency"),
               {Organisation: "seizing_agency", Substance: "substance"},
               ("substance.name", "seizing_agency.name")),
        Source(Kind.DONOR, Donor, donor_text, ("country", "organisation"),
               {Organisation: "organisation"}, ("organisation.name",)),
    )
}
SOURCE_BY_MODEL = {source.model: source for source in SOURCES.values()}


def _document(source: Source, record, language: str, text: Text, url: str) -> SearchDocument:
    return SearchDocument(
        kind=source.kind, object_id=record.pk, language=language,
        title=text.title[:500], names=text.names, body=text.body,
        folded=fold(joined(text.title, text.names)), url=url[:300],
    )


def _read(source: Source, record, language_code: str) -> tuple[Text, str]:
    with translation.override(language_code):
        return source.text(record), record.get_absolute_url()


def documents(source: Source, record) -> list[SearchDocument]:
    """The (unsaved) documents of ``record``: English, and Russian where it has Russian
    content. Whatever language is active (a record saved from a Russian page)."""
    english, english_url = _read(source, record, settings.LANGUAGE_CODE)
    if not source.has_russian(record):
        return [_document(source, record, Language.ENGLISH, english, english_url)]
    russian, russian_url = _read(source, record, RUSSIAN)
    if not english.title.strip():  # entered in Russian only: the English document is titled so
        english = Text(russian.title, english.names, english.body)
    other_title = {"en": "", "ru": ""}
    if russian.title != english.title:
        other_title = {"en": russian.title, "ru": english.title}
    return [
        _document(source, record, Language.ENGLISH, Text(
            english.title, joined(english.names, other_title["en"]), english.body,
        ), english_url),
        _document(source, record, Language.RUSSIAN, Text(
            russian.title, joined(russian.names, other_title["ru"]), russian.body,
        ), russian_url),
    ]


def document(source: Source, record, language=Language.ENGLISH):
    """The (unsaved) document of ``record`` in ``language`` (English where it has no Russian
    content)."""
    found = documents(source, record)
    return next((d for d in found if d.language == language), found[0])


def document_language(language_code: str | None = None) -> str:
    """The documents' language for a page in ``language_code`` (the active one by default)."""
    code = language_code or translation.get_language() or settings.LANGUAGE_CODE
    return Language.RUSSIAN if code.split("-")[0] == RUSSIAN else Language.ENGLISH


def in_language(documents_qs, language_code: str | None = None):
    """The documents a page in ``language_code`` searches: its language's, and the English
    document of each record that has none in it. One per record."""
    language = document_language(language_code)
    if language == Language.ENGLISH:
        return documents_qs.filter(language=Language.ENGLISH)
    translated = SearchDocument.objects.filter(
        kind=OuterRef("kind"), object_id=OuterRef("object_id"), language=language,
    )
    return documents_qs.filter(
        Q(language=language) | Q(~Exists(translated), language=Language.ENGLISH)
    )
