"""No article shows the extraction's damage: labels, placeholder, footer, displaced headline, words
split or fused at line ends. The lists below are drawn from the source, and the tests check that
they are (so a list cannot silently drift from the text)."""

import re

import pytest

from activities.models import Article
from tests.bulletin import faithfulness as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulletin_data")]

SOURCE = f.read_source("fixtures/source/roca-bulletin-2011-q1.txt")
SOURCE_TEXT = "\n".join(SOURCE)

# Words fused where a line-end hyphen was lost, and the form the articles use. The first eight
# were real hyphens (the language and the rest of the bulletin say so: "anti-corruption" is
# printed whole a line later, "evidence-based" mid-line in the first article). The others fused
# a line of one column with a line of the other in the last article; their parts belong to two
# different words.
FUSED = {
    "healthcentred": "health-centred",
    "previouslyundertaken": "previously-undertaken",
    "Afghanistanbound": "Afghanistan-bound",
    "crimerelated": "crime-related",
    "TurkmenUzbek": "Turkmen-Uzbek",
    "nonrefoulement": "non-refoulement",
    "anticorruption": "anti-corruption",
    "evidencebased": "evidence-based",
    "trainwas": "training",  # "train-|ing" + "was"
    "relationincorporation": "relationship",  # "relation-|ship" + "incorporation"
    "chilfeedback": "children",  # "chil-|dren" + "feedback"
    "parConsequently": "parents",  # "par-|ents" + "Consequently"
    "implemative": "implementing",  # "imple-|menting" + "infor-|mative"
    "pracprogrammes": "practice",  # "prac-|tice" + "programmes"
    "situacrime": "situation",  # "situa-|tion" + "crime"
    "developAs": "development",  # "develop-|ment" + "As"
}

# Words printed with a hyphen at a line end (or, in the interleaved columns, before a line of the
# other column), and the word they are part of: all were split words, none a real hyphen.
SPLIT = {
    "Parlia-": "Parliament",
    "coopera-": "cooperation",
    "feed-": "feedback",
    "Turkmeni-": "Turkmenistan",
    "mate-": "material",
    "dis-": "discuss",
    "infor-": "informative",
    "evalua-": "evaluation",
    "partici-": "participants",
}

# Hyphens printed mid-line stay as printed.
KEPT_HYPHENS = [
    "cross-border", "re-established", "evidence-based", "science-based", "pre-trial",
    "low-income", "universally-relevant", "cross-cutting", "embassy-facilitated", "ten-day",
    "decision-making", "currently-employed", "non-violent", "drug-related", "drug-dependent",
    "Intern-FAST", "FAST-certified", "power-point", "Role-play", "newly-acquired",
    "risk-prevention", "cultural-adaptation", "counter-narcotics", "anti-drug", "in-kind",
]


@pytest.fixture
def bodies():
    return {a.slug: a.body for a in Article.objects.all()}


def test_the_lists_are_drawn_from_the_source():
    for fused in FUSED:
        assert re.search(rf"\b{fused}\b", SOURCE_TEXT), fused
    hyphenated_fragments = {
        token for line in SOURCE for token in line.split() if token.endswith("-")
    }
    assert hyphenated_fragments == set(SPLIT), "every word printed split has a decision"
    for kept in KEPT_HYPHENS:
        assert kept in SOURCE_TEXT, kept


@pytest.mark.parametrize("label", f.SECTION_LABELS)
def test_no_body_contains_a_section_label(bodies, label):
    for slug, body in bodies.items():
        assert not re.search(rf"\b{re.escape(label)}\b", body), (slug, label)


def test_no_body_contains_the_placeholder_or_the_footer(bodies):
    for slug, body in bodies.items():
        assert f.PLACEHOLDER not in body, slug
        assert f.FOOTER not in body, slug


def test_no_body_contains_a_headline_or_the_kicker(bodies):
    articles = Article.objects.all()
    for article in articles:
        for other in articles:
            for headline in filter(None, [other.title, other.kicker]):
                assert headline.lower() not in article.body.lower(), (article.slug, headline)
        # Nothing printed in capitals but acronyms: no line of a headline slipped in.
        assert not re.search(r"\b[A-Z]{3,}\s+[A-Z]{3,}\s+[A-Z]{3,}\b", article.body), article.slug


@pytest.mark.parametrize(("fused", "restored"), FUSED.items())
def test_fused_words_are_restored(bodies, fused, restored):
    everything = "\n".join(bodies.values())
    assert not re.search(rf"\b{fused}\b", everything, re.IGNORECASE)
    assert re.search(rf"\b{re.escape(restored)}\b", everything)


@pytest.mark.parametrize(("fragment", "word"), SPLIT.items())
def test_words_split_at_line_ends_are_joined(bodies, fragment, word):
    everything = "\n".join(bodies.values())
    assert re.search(rf"\b{word}\b", everything)
    stem = fragment.rstrip("-")
    rest = word[len(stem):]
    assert not re.search(rf"\b{stem}(\s*-\s*|\s+){rest}\b", everything)


def test_hyphens_printed_mid_line_are_kept(bodies):
    everything = "\n".join(bodies.values())
    for kept in KEPT_HYPHENS:
        assert kept in everything, kept


def test_bodies_are_clean_paragraphs(bodies):
    for slug, body in bodies.items():
        paragraphs = body.split("\n\n")
        assert len(paragraphs) >= 1
        for paragraph in paragraphs:
            assert paragraph == paragraph.strip(), slug
            assert paragraph, slug
            assert "\n" not in paragraph, slug
            assert "  " not in paragraph, slug
            assert paragraph[0].isupper() or paragraph[0] in "“‘", (slug, paragraph[:30])
            assert paragraph.rstrip("”’)")[-1] in ".!?", (slug, paragraph[-30:])
