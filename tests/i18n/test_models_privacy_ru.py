"""Issue 15: small-group protection keeps codes, not words; figures, model names and choices
are read in the reader's language at display time."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from activities import aggregates
from activities.models import Event, EventFigure, Participant, Seizure
from activities.privacy import FEWER_THAN, NOT_SHOWN, Figure, State, format_count, protect
from donors.models import Contribution

NBSP = "\u00a0"


def test_protect_keeps_state_codes():
    breakdown = protect("By sex", [("A", 1, ""), ("B", 5, ""), ("C", 20, "")])
    assert [(c.label, c.state) for c in breakdown.cells] == [
        ("C", State.SHOWN), ("A", State.FEWER_THAN), ("B", State.NOT_SHOWN)]
    assert [c.shown for c in breakdown.cells] == ["20", "fewer than 3", "not shown"]
    assert breakdown.has_complementary
    assert breakdown.total == Figure.of(26)
    # The protected figures hold no number at all.
    assert [c.figure.number for c in breakdown.cells] == [20, None, None]


def test_fewer_than_three_in_all_is_a_state_not_a_word():
    breakdown = protect("By sex", [("A", 1, ""), ("B", 1, "")])
    assert breakdown.total == Figure(State.FEWER_THAN)
    assert breakdown.total.number is None
    assert breakdown.total_shown == "fewer than 3" == FEWER_THAN
    assert NOT_SHOWN == "not shown"


def test_counts_are_grouped_the_readers_way():
    assert format_count(3_000_000) == "3,000,000"
    assert str(Figure.of(1234)) == "1,234"
    assert str(Figure(State.AT_LEAST, 1234)) == "at least 1,234"
    with translation.override("ru"):
        assert format_count(3_000_000) == f"3{NBSP}000{NBSP}000"
        assert str(Figure.of(1234)) == f"1{NBSP}234"
        cells = protect("Any", [("A", 1, ""), ("B", 4000, ""), ("C", 5000, "")]).cells
        assert cells[0].shown == f"5{NBSP}000"


def test_the_figure_is_printed_in_the_language_of_the_moment_it_is_read():
    breakdown = protect("Any", [("A", 1, ""), ("B", 4000, ""), ("C", 5000, "")])
    assert breakdown.total_shown == "9,001"
    with translation.override("ru"):
        assert breakdown.total_shown == f"9{NBSP}001"


def test_ties_break_by_english_label_in_every_language():
    """Japan and Russia tie; the one hidden beside the small group must be the same on the
    English and the Russian page (Россия sorts before Япония), or the two pages together would
    give the small group away."""
    names = {}
    groups = [(aggregates._country_label(code, names), n, "")
              for code, n in (("KZ", 1), ("JP", 5), ("RU", 5), ("DE", 20))]
    english = protect("By country", groups)
    with translation.override("ru"):
        russian = protect("By country", groups)
        russian_labels = [(str(c.label), c.state) for c in russian.cells]
    assert [(str(c.label), c.state) for c in english.cells] == [
        ("Germany", State.SHOWN), ("Russia", State.SHOWN),
        ("Japan", State.NOT_SHOWN), ("Kazakhstan", State.FEWER_THAN)]
    assert [state for _label, state in russian_labels] == [c.state for c in english.cells]
    assert russian_labels[2] == ("Япония", State.NOT_SHOWN)


def test_model_names_and_choices_are_translatable():
    for text in (
        Event._meta.verbose_name, Event._meta.verbose_name_plural,
        Event._meta.get_field("title").verbose_name,
        Event._meta.get_field("reported_participants").help_text,
        Event.Kind.WORKSHOP.label, Participant.Sex.FEMALE.label, Seizure.Unit.TONNE.label,
        Contribution._meta.verbose_name, EventFigure.Published.HIDDEN.label,
    ):
        assert isinstance(text, Promise), text
    # English unchanged.
    assert str(Event.Kind.WORKSHOP.label) == "Workshop"
    assert str(Event._meta.verbose_name_plural) == "events"
    assert str(Participant._meta.get_field("sex").verbose_name) == "sex"


needs_catalogue = pytest.mark.skipif(
    not getattr(settings, "LOCALE_PATHS", None), reason="the Russian catalogue is not installed"
)


@needs_catalogue
def test_protected_figures_read_in_russian():
    breakdown = protect("By sex", [("A", 1, ""), ("B", 5, ""), ("C", 2000, "")])
    with translation.override("ru"):
        assert [c.shown for c in breakdown.cells] == [f"2{NBSP}000", "менее 3", "не показано"]
        assert str(Figure(State.AT_LEAST, 1500)) == f"не менее 1{NBSP}500"
        assert str(protect("Any", [("A", 1, "")]).total) == "менее 3"


@needs_catalogue
def test_register_caption_plural_forms_in_russian():
    from activities.aggregates import BY_SEX, RegisterBreakdown

    def caption(events, left_out=0):
        return RegisterBreakdown(BY_SEX, Figure.of(0), events=events, left_out=left_out).caption

    with translation.override("ru"):
        assert caption(1) == "По полу: регистрации на 1 мероприятии"
        assert caption(2) == "По полу: регистрации на 2 мероприятиях"
        assert caption(5, 1) == ("По полу: регистрации на 5 мероприятиях "
                                 "(не учтено: 1 мероприятие без такой разбивки)")
        assert caption(5, 3).endswith("(не учтено: 3 мероприятия без такой разбивки)")
        assert caption(5, 7).endswith("(не учтено: 7 мероприятий без такой разбивки)")
    assert caption(1, 2) == ("By sex: registrations at 1 event "
                             "(not counted: 2 events showing no breakdown this way)")


@needs_catalogue
def test_model_names_and_choices_in_russian():
    with translation.override("ru"):
        assert str(Event._meta.verbose_name_plural) == "мероприятия"
        assert str(Event.Kind.WORKSHOP.label) == "Семинар"
        assert str(Participant.Sex.FEMALE.label) == "Женщины"
        assert str(Seizure._meta.verbose_name_plural) == "изъятия"
        assert str(Contribution.Kind.IN_KIND.label) == "В натуральной форме"  # noqa: RUF001
