# ruff: noqa: RUF001
"""The participant import in two languages: the XLSX template in the officer's language (the
CSV template keeps English column names), headers and values read in English or Russian whatever
the page's language, Cyrillic names matched across imports, and row errors stored as codes and
shown in the reader's language."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from activities import import_rows, imports
from activities.matching import match_key, name_key
from activities.models import ImportBatch, Participant, Participation
from tests import factories

pytestmark = pytest.mark.django_db

RU_HEADER = ["ФИО", "Пол", "Организация", "Страна", "Должность", "Эл. почта", "Телефон"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def en(name, *args):
    """A page's address in English (the language a request left active does not leak in)."""
    with translation.override("en-gb"):
        return reverse(name, args=args or None)


def ru(name, *args, **kwargs):
    """A page's address in Russian (/ru/…)."""
    with translation.override("ru"):
        return reverse(name, args=args, kwargs=kwargs or None)


def xlsx_file(header, rows, name="список.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), XLSX)


@pytest.fixture
def setting(db):
    kg = factories.CountryFactory(code="KG")
    ssdc = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                         country=kg)
    return {"kg": kg, "ssdc": ssdc, "event": factories.EventFactory(slug="planning"),
            "other_event": factories.EventFactory(slug="follow-up")}


def upload(client, event, file, url=None):
    return client.post(url or en("activities:participant_import", event.slug),
                       {"file": file, "source": "attendance_sheet",
                        "contact_consent": "not_recorded"})


def confirm(client, batch):
    return client.post(en("activities:import_preview", batch.pk))


# --------------------------------------------------------------------------------------------
# Headers and values in either language
# --------------------------------------------------------------------------------------------
def test_a_russian_headed_spreadsheet_imports_on_an_english_page_and_cyrillic_names_match(
    officer_client, setting
):
    row = ["Иванова Айгуль", "Ж", "SSDC", "Киргизия", "Инспектор", "", "+996 555 123456"]
    assert upload(officer_client, setting["event"], xlsx_file(RU_HEADER, [row])).status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    assert [r["status"] for r in batch.rows] == ["new"], batch.rows
    assert batch.rows[0]["sex"] == Participant.Sex.FEMALE
    confirm(officer_client, batch)
    person = Participant.objects.get(name="Иванова Айгуль")
    assert (person.sex, person.organisation, person.country) == (
        Participant.Sex.FEMALE, setting["ssdc"], setting["kg"])

    # The same person imported again (another event, spacing and case changed, ё/е): a match.
    again = [["ИВАНОВА  айгуль", "женский", "ssdc", "KG", "", "", ""]]
    upload(officer_client, setting["other_event"], xlsx_file(RU_HEADER, again, "снова.xlsx"))
    batch = ImportBatch.objects.latest("created_at")
    assert [r["status"] for r in batch.rows] == ["match"], batch.rows
    assert batch.rows[0]["match"]["id"] == person.pk
    confirm(officer_client, batch)
    assert Participant.objects.count() == 1  # no second record
    assert Participation.objects.filter(participant=person).count() == 2


def test_the_name_may_be_split_into_surname_given_name_and_patronymic(officer_client, setting):
    header = ["Фамилия", "Имя", "Отчество", "Пол", "Организация", "Страна", "Должность",
              "E-mail", "Phone"]
    rows = [["Иванова", "Айгуль", "Маратовна", "ж", "SSDC", "Кыргызстан", "", "", ""],
            ["Usmonov", "Alisher", "", "M", "", "", "", "", ""]]
    upload(officer_client, setting["event"], xlsx_file(header, rows))
    batch = ImportBatch.objects.get()
    assert [r["clean"]["name"] for r in batch.rows] == ["Иванова Айгуль Маратовна",
                                                        "Usmonov Alisher"]
    assert [r["status"] for r in batch.rows] == ["new", "new"], batch.rows


@pytest.mark.parametrize(("word", "sex"), [
    ("Ж", "female"), ("ж.", "female"), ("женский", "female"), ("Женщина", "female"),
    ("F", "female"), ("female", "female"), ("М", "male"), ("мужской", "male"),
    ("male", "male"), ("", "not_recorded"), ("не указано", "not_recorded"),
])
def test_sex_is_read_in_either_language(word, sex):
    with translation.override("ru"):
        assert import_rows.sex_from(word) == sex
    assert import_rows.sex_from(word) == sex


def test_headers_are_read_in_either_language_whatever_the_page_language():
    header = ["ФИО", "Gender", "организация", "Country", "Должность:", "e-mail", "Телефон"]
    for language in ("en", "ru"):
        with translation.override(language):
            assert set(imports.header_positions(header)) == {c.key for c in imports.COLUMNS}


def test_bad_headers_are_named_and_nothing_is_stored(officer_client, setting):
    header = ["ФИО", "Полл", "Организация", "Страна", "Должность", "Эл. почта", "Телефон"]
    response = upload(officer_client, setting["event"], xlsx_file(header, [["Иванов Иван"]]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "missing: Sex." in text and "not recognised: “Полл”" in text
    assert not ImportBatch.objects.exists() and not Participant.objects.exists()


def test_bad_headers_are_named_in_russian_on_a_russian_page(officer_client, setting):
    header = ["ФИО", "Полл", "Организация", "Страна", "Должность", "Эл. почта", "Телефон"]
    response = upload(officer_client, setting["event"], xlsx_file(header, [["Иванов Иван"]]),
                      url=ru("activities:participant_import", setting["event"].slug))
    assert response.status_code == 400
    text = response.content.decode()
    assert "отсутствуют: Пол." in text and "Не распознан заголовок: «Полл»" in text
    assert not ImportBatch.objects.exists()


# --------------------------------------------------------------------------------------------
# Row errors: codes stored, text in the reader's language
# --------------------------------------------------------------------------------------------
def test_row_errors_are_shown_in_the_language_of_the_page_that_reads_them(
    officer_client, setting
):
    rows = [["Иванов Иван", "x", "НЕТ ТАКОЙ", "Атлантида", "", "не-почта", ""]]
    upload(officer_client, setting["event"], xlsx_file(RU_HEADER, rows))
    batch = ImportBatch.objects.get()
    # Stored as codes with their values, and as English text (the record of what was wrong).
    assert [p[0] for p in batch.rows[0]["problems"]] == ["sex", "organisation", "country",
                                                         "email"]
    assert batch.rows[0]["errors"][0] == ["Sex", "“x” is not female, male or empty."]
    english = officer_client.get(en("activities:import_preview", batch.pk))
    assert "Sex: “x” is not female, male or empty." in english.content.decode()
    russian = officer_client.get(ru("activities:import_preview", batch.pk)).content.decode()
    assert "Пол: «x» — не «женский», не «мужской» и не пусто." in russian
    assert "Организации «НЕТ ТАКОЙ» на портале нет." in russian
    assert "Импорт невозможен: в 1 строке есть ошибки" in russian
    assert "Ошибка: 1" in russian


def test_the_success_message_uses_russian_plural_forms(officer_client, setting):
    rows = [[f"Участник {n}", "м", "", "", "", "", ""] for n in ("Один", "Два", "Три", "Четыре",
                                                                   "Пять")]
    upload(officer_client, setting["event"], xlsx_file(RU_HEADER, rows))
    batch = ImportBatch.objects.get()
    response = officer_client.post(ru("activities:import_preview", batch.pk), follow=True)
    text = response.content.decode()
    assert "Импортировано: 5 новых записей участников, 0 имеющихся записей добавлено" in text


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------
def test_the_xlsx_template_is_in_the_officers_language_and_imports_back(officer_client,
                                                                          setting):
    response = officer_client.get(ru("activities:import_template", "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Участники", "Как заполнять", "Организации"]
    sheet = workbook["Участники"]
    assert [c.value for c in sheet[1]] == RU_HEADER
    notes = [[c.value for c in row] for row in workbook["Как заполнять"].iter_rows()]
    assert notes[0] == ["Столбец", "Что указывать"]
    assert notes[1][0] == "ФИО" and "Обязательно." in notes[1][1]
    # Filled in and uploaded from an English page: read all the same.
    sheet.append(["Петров Пётр", "мужской", "SSDC", "Киргизия", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(officer_client, setting["event"], SimpleUploadedFile("t.xlsx", buffer.getvalue(), XLSX))
    assert [r["status"] for r in ImportBatch.objects.get().rows] == ["new"]


def test_the_english_xlsx_template_is_unchanged(officer_client):
    response = officer_client.get(en("activities:import_template", "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Participants", "How to fill it in", "Organisations"]
    assert [c.value for c in workbook["Participants"][1]] == [
        "Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"]


def test_the_csv_template_keeps_english_column_names_on_a_russian_page(officer_client):
    response = officer_client.get(ru("activities:import_template", "csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text[1:]))) == [c.label for c in imports.COLUMNS] == [
        "Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"]


# --------------------------------------------------------------------------------------------
# Cyrillic names, countries and file messages
# --------------------------------------------------------------------------------------------
def test_matching_keys_fold_cyrillic():
    assert name_key("Иванова  Айгуль") == name_key("ИВАНОВА айгуль")
    assert name_key("Пётр Семёнов") == name_key("Петр Семенов")
    assert match_key("Иванова Айгуль") == match_key("Айгуль Иванова") == match_key(
        "Ivanova Aigul")
    assert match_key("Усмонов Алишер") == match_key("Usmonov Alisher")
    assert match_key("Иванова Айгуль") != match_key("Иванов Айгуль")  # a man and a woman


@pytest.mark.parametrize("text", ["KG", "kg", "Kyrgyzstan", "Киргизия", "Кыргызстан",
                                  "кыргызская республика"])
def test_countries_are_read_in_either_language(setting, text):
    pk, problem = import_rows.Lookup().country(text)
    assert (pk, problem) == (setting["kg"].pk, ())


def test_file_sizes_and_counts_read_the_russian_way():
    from unodc_portal.core import uploads

    with translation.override("ru"):
        assert uploads.size(812) == "812\u00a0байт"
        assert uploads.size(5 * 2**20) == "5\u00a0МБ"
        assert uploads.size(int(4.94 * 2**20)) == "4,9\u00a0МБ"
        assert uploads.number(10_000) == "10\u00a0000"
    with translation.override("en-gb"):
        assert uploads.size(int(4.94 * 2**20)) == "4.9 MB"
        assert uploads.number(10_000) == "10,000"
