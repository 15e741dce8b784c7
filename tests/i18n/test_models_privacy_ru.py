"""Issue 15: small-group protection keeps codes, not words; figures, model names and choices
are read in the reader's language at display time."""

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
