"""The event form's formset rows in a real browser: a row added by static/js/officer.js is a copy
of the formset's empty_form, rendered by the same include as the server's rows, so it has the
same fields and labels under the next form number, and what is typed in it is saved. The rows
of participants from the register line up as columns, and the divider between two rows never
cuts a person's line, on a wide screen and on a phone."""

import pytest
from playwright.sync_api import expect

from activities.models import Event
from tests import factories
from tests.browser.helpers import problems, sign_in, watch_csp
from tests.engine import sqlite_only

pytestmark = pytest.mark.django_db(transaction=True)

# What a row offers, read in the page: each field's name with the form number as N, and the text
# of the label that points at it (through its for=, which must find the field).
ROW_FIELDS = """(row) => Array.from(row.querySelectorAll("input, select, textarea"), (field) => {
  const label = field.id ? document.querySelector(`label[for="${field.id}"]`) : null;
  return [field.name.replace(/-\\d+-/, "-N-"), label ? label.textContent.trim() : null,
          document.querySelectorAll(`[id="${field.id}"]`).length];
})"""


@pytest.fixture
def event_with_rows(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    event = factories.EventFactory(slug="planning", title="Operational planning")
    factories.EventTrainerOrganisationFactory(event=event, organisation__name="Border Academy")
    factories.ParticipationFactory(event=event, participant__name="Alisher Usmonov")
    factories.ParticipantFactory(name="Madina Yusupova")
    factories.OrganisationFactory(name="Police Academy", acronym="PA")
    return event


def rows(page, prefix):
    return page.locator(f'[data-formset="{prefix}"] > .formset-row')


def total(page, prefix):
    return int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))


@sqlite_only("the browser copies the row's HTML in the page, the same whatever engine holds "
             "the rows (saving what is typed in it runs on both)")
@pytest.mark.parametrize(("prefix", "button"), [
    ("trainers", "Add another trainer organisation"),
    ("new", "Add another new participant"),
])
def test_an_added_row_has_the_fields_of_a_server_row(page, live_server, event_with_rows,
                                                     prefix, button):
    watch_csp(page)
    sign_in(page, "olga", next_url="/events/planning/edit/")
    page.wait_for_url("**/events/planning/edit/")
    before, forms = rows(page, prefix).count(), total(page, prefix)
    server_row = rows(page, prefix).first.evaluate(ROW_FIELDS)

    page.get_by_role("button", name=button).click()
    expect(rows(page, prefix)).to_have_count(before + 1)
    assert total(page, prefix) == forms + 1
    added = rows(page, prefix).last
    assert added.evaluate(ROW_FIELDS) == server_row
    # Every id once on the page (a copy that reused an id would count 2 in its own row).
    assert all(count == 1 for _, _, count in server_row)
    names = added.evaluate("(row) => Array.from(row.querySelectorAll('[name]'), (f) => f.name)")
    assert names and all(name.startswith(f"{prefix}-{forms}-") for name in names)
    assert "__prefix__" not in added.evaluate("(row) => row.outerHTML")
    # The first field has the focus, ready to type in.
    assert added.evaluate("(row) => row.contains(document.activeElement)")
    assert problems(page) == []


def test_what_is_typed_in_added_rows_is_saved(page, live_server, event_with_rows):
    watch_csp(page)
    sign_in(page, "olga", next_url="/events/planning/edit/")
    page.wait_for_url("**/events/planning/edit/")
    # One row added to each formset: the last row is the browser's copy.
    for button in ["Add another trainer organisation", "Add another new participant"]:
        page.get_by_role("button", name=button).click()
    trainers = total(page, "trainers") - 1
    new = total(page, "new") - 1
    # The organisation is searched as the officer types, also in a row the browser added.
    with page.expect_response(lambda r: "/lookup/organisations/" in r.url and r.status == 200):
        page.locator(f"#id_trainers-{trainers}-organisation-ts-control").press_sequentially(
            "police")
    page.locator(f"#id_trainers-{trainers}-organisation-ts-dropdown .option",
                 has_text="Police Academy (PA)").click()
    page.fill(f"#id_trainers-{trainers}-trainer_count", "2")
    page.fill(f"#id_new-{new}-name", "Timur Nazarov")
    page.select_option(f"#id_new-{new}-sex", "male")
    # Asked once for the new participants: how their details came, and their consent.
    page.locator('input[name="basis-source"][value="registration_form"]').check()
    page.locator('input[name="basis-contact_consent"][value="no"]').check()
    # A participant from the register, picked in the search: the row it lands in is a copy too
    # when the server sent no empty one.
    page.locator("#participant-search").fill("Yusup")
    page.locator("#participant-results li", has_text="Madina Yusupova").click()
    expect(page.locator('[data-formset="part"] .participant-label strong')).to_have_text(
        ["Alisher Usmonov", "Madina Yusupova"])
    page.get_by_role("button", name="Save the event").click()
    page.wait_for_url("**/events/planning/")
    expect(page.locator(".messages")).to_contain_text("with 3 participant records")

    event = Event.objects.get(slug="planning")
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"}
    timur = event.participations.get(participant__name="Timur Nazarov").participant
    assert (timur.sources, timur.contact_consent) == (["registration_form"], "no")
    assert dict(event.trainer_links.values_list("organisation__name", "trainer_count")) \
        == {"Border Academy": 3, "Police Academy": 2}
    assert problems(page) == []


# Each participant row's box, the boxes of its cells' contents (name, organisation, fields) and
# the left edges of its fields, read in the page.
ROW_BOXES = """() => Array.from(
  document.querySelectorAll('[data-formset="part"] > .formset-row'), (row) => {
    const box = (el) => { const r = el.getBoundingClientRect();
                          return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const style = getComputedStyle(row);
    return {
      row: box(row), divider: parseFloat(style.borderTopWidth),
      parts: Array.from(row.querySelectorAll(".participant-label > *, input, select, label"))
        .filter((el) => el.getClientRects().length).map(box),
      fields: Array.from(row.querySelectorAll("input.participant-number, select"), (el) =>
        Math.round(el.getBoundingClientRect().left)),
    };
  })"""


@sqlite_only("the browser lays out the HTML and CSS the page sends, the same whatever engine "
             "holds the rows")
@pytest.mark.parametrize("width", [1280, 390])
def test_register_rows_line_up_and_the_divider_never_cuts_a_line(page, live_server,
                                                                  event_with_rows, width):
    event = event_with_rows
    factories.ParticipationFactory(
        event=event, participant__name="Madina Yusupovna Abdulkhamidovna-Karimova",
        participant__organisation__name="Drug Control Agency of the Kyrgyz Republic")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "olga", next_url="/events/planning/edit/")
    page.wait_for_url("**/events/planning/edit/")
    page.get_by_role("button", name="Add another trainer organisation").wait_for()

    rows = page.evaluate(ROW_BOXES)
    assert len(rows) == 3  # two people and the empty row
    for index, row in enumerate(rows):
        # Everything a row shows lies inside the row, below its divider (the row's top
        # border) and above the next row's.
        for part in row["parts"]:
            assert part["top"] >= row["row"]["top"] + row["divider"] - 0.5, (index, part)
            assert part["bottom"] <= row["row"]["bottom"] + 0.5, (index, part)
        if index:
            assert row["divider"] >= 1
            assert row["row"]["top"] >= rows[index - 1]["row"]["bottom"] - 0.5
    # The fields stand in the same columns in every row.
    assert len({tuple(row["fields"]) for row in rows}) == 1, [row["fields"] for row in rows]
    if width >= 768:
        # One line of column names above the rows.
        expect(page.locator(".register-head")).to_be_visible()
        # The name column first, then the register number and the status beside it.
        assert all(len(row["fields"]) == 2 for row in rows)
        assert rows[0]["fields"][0] > rows[0]["row"]["left"] + 200
    assert problems(page) == []
