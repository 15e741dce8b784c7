"""The articles say what the bulletin printed, word by word, in the printed order.

Checked over the real source text kept in fixtures/source/ (see faithfulness.py for the method).
The negative tests show that the check fails on a dropped, duplicated, added or moved word, a
reordered sentence, a split fused word, a leftover label and a leftover kicker — in a one-column
article and in the article whose two columns were interleaved.
"""

import pytest

from activities.models import Article, Bulletin
from tests.bulletin import faithfulness as f

SOURCE = "fixtures/source/roca-bulletin-2011-q1.txt"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulletin_data")]


@pytest.fixture
def lines():
    return f.read_source(SOURCE)


@pytest.fixture
def articles():
    return list(Article.objects.filter(bulletin__slug="roca-bulletin-2011-q1").order_by("position"))


def check(lines, articles, slug, body):
    """Check one article with a changed body against its own source region."""
    regions = {r.slug: r for r in f.article_regions(lines, articles)}
    words = f.body_words(body)
    f.check_article(
        slug, f.source_words(lines, regions[slug].lines), words, f.second_column_start(slug, words)
    )


def body_of(articles, slug):
    return next(a.body for a in articles if a.slug == slug)


def swap(text, first, second):
    assert first in text and second in text
    return text.replace(first, "\0").replace(second, first).replace("\0", second)


ONE_COLUMN = "planning-for-success"
TWO_COLUMNS = "helps-parents-help-their-children"


# --- The real articles -------------------------------------------------------------------------
def test_every_article_of_every_bulletin_is_its_source_text_word_for_word():
    """Every bulletin that names its source file: this one, and the next ones when added."""
    bulletins = Bulletin.objects.exclude(source_file="")
    assert bulletins.exists()
    for bulletin in bulletins:
        articles = list(bulletin.articles.order_by("position"))
        regions = f.check_bulletin(f.read_source(bulletin.source_file), articles)
        assert [r.slug for r in regions] == [a.slug for a in articles]


def test_the_source_kept_in_the_project_is_the_bulletins_source():
    assert Bulletin.objects.get(slug="roca-bulletin-2011-q1").source_file == SOURCE


def test_every_source_line_is_a_headline_kicker_left_out_line_or_body_text(lines, articles):
    """Nothing is skipped: each non-blank line belongs to exactly one role."""
    regions = f.article_regions(lines, articles)
    roles = {}
    for region in regions:
        spans = [region.title_lines, *([region.kicker_lines] if region.kicker_lines else [])]
        for first, last in spans:
            for number in range(first, last + 1):
                roles.setdefault(number, []).append("headline")
        for number in region.left_out:
            roles.setdefault(number, []).append(region.left_out[number])
        for number in region.lines:
            roles.setdefault(number, []).append("body")
    non_blank = {n for n, line in enumerate(lines, 1) if line.strip()}
    assert set(roles) == non_blank
    assert all(len(r) in (1, 2) for r in roles.values())  # a kicker line is also a headline line
    left_out = sorted((n, r) for region in regions for n, r in region.left_out.items())
    assert [r for _, r in left_out].count("section label") == len(f.SECTION_LABELS)
    assert [r for _, r in left_out].count("placeholder") == 1
    assert [r for _, r in left_out].count("running footer") == 1
    assert [r for _, r in left_out].count("kicker") == 2


def test_headlines_are_found_in_bulletin_order_printed_in_capitals(lines, articles):
    regions = f.article_regions(lines, articles)
    starts = [r.title_lines[0] for r in regions]
    assert starts == sorted(starts)
    assert starts[0] == 1
    assert all(f.is_printed_in_capitals(lines, r.title_lines) for r in regions)


def test_the_headline_displaced_into_the_first_article_is_its_kicker(lines, articles):
    first = articles[0]
    region = f.article_regions(lines, articles)[0]
    assert first.kicker == "The UNODC Executive Director visits Kyrgyzstan"
    assert region.kicker_lines == (18, 19)
    assert f.is_printed_in_capitals(lines, region.kicker_lines)
    assert all(not a.kicker for a in articles[1:])


# --- The check can fail: one-column article ----------------------------------------------------
def test_a_dropped_word_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("attended by eighteen law", "attended by law")
    with pytest.raises(f.NotFaithful, match=r"does not match the source at line 168 \('eighteen'"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_dropped_last_word_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).removesuffix(" United Kingdom.") + " United."
    with pytest.raises(f.NotFaithful, match="source words are dropped"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_duplicated_word_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("the workshop feed", "the the workshop feed")
    with pytest.raises(f.NotFaithful, match=r"'the'.*line 181"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_duplicated_sentence_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN)
    last = "The activity was funded by Canada with in-kind contributions from the United Kingdom."
    with pytest.raises(f.NotFaithful, match="added or duplicated"):
        check(lines, articles, ONE_COLUMN, body + " " + last)


def test_an_invented_word_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("funded by Canada", "generously funded by Canada")
    with pytest.raises(f.NotFaithful, match="'generously'"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_reordered_sentence_is_refused(lines, articles):
    body = swap(
        body_of(articles, ONE_COLUMN),
        "They also stated their intentions to pass learned information onto their fellow officers.",
        "While the discussions were occasionally very animated",
    )
    with pytest.raises(f.NotFaithful, match="line 178"):
        check(lines, articles, ONE_COLUMN, body)


def test_reordered_words_in_a_sentence_are_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("rapid and timely", "timely and rapid")
    with pytest.raises(f.NotFaithful, match="'timely'"):
        check(lines, articles, ONE_COLUMN, body)


@pytest.mark.parametrize(("printed", "broken"), [
    ("previously-undertaken", "previously undertaken"),
    ("Afghanistan-bound", "Afghanistan bound"),
])
def test_a_fused_word_split_in_two_is_refused(lines, articles, printed, broken):
    body = body_of(articles, ONE_COLUMN).replace(printed, broken)
    with pytest.raises(f.NotFaithful, match="is split into"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_line_end_split_word_left_apart_is_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("feedback", "feed back")
    with pytest.raises(f.NotFaithful, match=r"'feed'.*split at a line end"):
        check(lines, articles, ONE_COLUMN, body)


def test_two_words_run_together_are_refused(lines, articles):
    body = body_of(articles, ONE_COLUMN).replace("meeting of minds", "meeting ofminds")
    with pytest.raises(f.NotFaithful, match="joins source words"):
        check(lines, articles, ONE_COLUMN, body)


def test_a_section_label_left_in_a_body_is_refused(lines, articles):
    slug = "unodc-work-with-kyrgyzstan-anti-drug-agency"
    body = body_of(articles, slug).replace("of Parliament,", "of High Level Visit Parliament,")
    with pytest.raises(f.NotFaithful, match="'High'"):
        check(lines, articles, slug, body)


def test_the_kicker_left_in_the_body_is_refused(lines, articles):
    slug = "unodc-work-with-kyrgyzstan-anti-drug-agency"
    body = body_of(articles, slug).replace(
        "trafficking. The governments",
        "trafficking. The UNODC Executive Director visits Kyrgyzstan The governments",
    )
    with pytest.raises(f.NotFaithful, match="line 21"):
        check(lines, articles, slug, body)


# --- The check can fail: the two interleaved columns -------------------------------------------
def test_the_two_columns_are_matched_as_two_streams(lines, articles):
    body = body_of(articles, TWO_COLUMNS)
    words = f.body_words(body)
    start = f.second_column_start(TWO_COLUMNS, words)
    # The second column starts mid-sentence: "… As a result of the TOT workshop, 19 | school …"
    assert (words[start - 1].text, words[start].text) == ("19", "school")
    # Read as one stream, the untangled body does not match the interleaved source.
    regions = {r.slug: r for r in f.article_regions(lines, articles)}
    with pytest.raises(f.NotFaithful):
        f.check_article(TWO_COLUMNS, f.source_words(lines, regions[TWO_COLUMNS].lines), words)


def test_a_dropped_word_in_the_second_column_is_refused(lines, articles):
    body = body_of(articles, TWO_COLUMNS).replace("an ocean of useful", "an ocean of")
    with pytest.raises(f.NotFaithful, match="words are dropped"):
        check(lines, articles, TWO_COLUMNS, body)


def test_a_duplicated_word_in_the_first_column_is_refused(lines, articles):
    body = body_of(articles, TWO_COLUMNS).replace("They then assumed", "They then then assumed")
    with pytest.raises(f.NotFaithful, match="added or duplicated"):
        check(lines, articles, TWO_COLUMNS, body)


def test_a_reordered_sentence_in_a_column_is_refused(lines, articles):
    body = swap(
        body_of(articles, TWO_COLUMNS),
        "Multiple evaluation forms were completed by participants and the results were discussed.",
        "Small group discussions were used to review each role play situation, utilizing the "
        "learning model ‘plan, do and review’.",
    )
    with pytest.raises(f.NotFaithful, match="cannot be interleaved"):
        check(lines, articles, TWO_COLUMNS, body)


def test_reordered_words_in_a_column_are_refused(lines, articles):
    body = body_of(articles, TWO_COLUMNS).replace("children’s needs", "needs children’s")
    with pytest.raises(f.NotFaithful, match="cannot be interleaved"):
        check(lines, articles, TWO_COLUMNS, body)


def test_a_word_split_across_the_columns_left_apart_is_refused(lines, articles):
    body = body_of(articles, TWO_COLUMNS).replace("informative", "infor mative")
    with pytest.raises(f.NotFaithful, match=r"'infor'.*split at a line end"):
        check(lines, articles, TWO_COLUMNS, body)


def test_a_sentence_moved_to_the_other_column_is_refused(lines, articles):
    body = body_of(articles, TWO_COLUMNS)
    moved = "The methodology used in the course was developed over ten years ago, and has since " \
            "evolved through both the incorporation of new information and feedback from TOT " \
            "participants."
    body = body.replace(moved + "\n\n", "") + "\n\n" + moved
    with pytest.raises(f.NotFaithful):
        check(lines, articles, TWO_COLUMNS, body)
