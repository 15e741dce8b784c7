"""Word-by-word comparison of bulletin articles with the source text they were curated from.

The source is the text extracted from the bulletin's PDF (``fixtures/source/*.txt``). Words are
compared with case, punctuation and hyphens ignored: a word is its letters and digits,
lower-cased, so "Parlia-" + "ment" and "Parliament" match, and so do "healthcentred" and
"health-centred".

How an article is checked:

1. Its headline (and kicker, if it has one) is found in the source as whole lines printed in
   capitals. The article's *region* runs from after its headline to the next article's headline.
2. From the region, only these lines are left out: section labels, the placeholder, the running
   footer and the kicker. Every other word of the region must be used by the body.
3. The body's words, in order, must spell exactly the region's words, in order (a *stream*).
   An article whose two columns the extraction interleaved line by line is read as two streams:
   the body's words up to the start of its second column, and the rest. The region must then be
   an interleaving of the two (each keeps its own order; lines of the two alternate). This is
   checked letter by letter, so that a word fused across the two columns at a lost line-end
   hyphen ("trainwas" = "train|ing" + "was") is split between them.
4. Word boundaries must agree, except where the printing explains the difference: a body word
   may run over several source words only after a line-end hyphen ("Parlia-" / "ment") or out of
   a source word fused across the two columns; and a source word may be split between several
   body words only when its parts belong to different columns. So "health centred" for
   "healthcentred" is refused, and so is any word the source does not have.

Because every body letter is matched to exactly one source letter, in order, and every source
letter of the region must be matched: a dropped word, a duplicated word, an invented word, a
reordered sentence or a reordered word in a sentence are all refused, with a message naming the
article, the sentence and the source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# What the extraction put among the articles' text and a reader must not see, as whole lines. A
# new bulletin that prints other labels, or another footer, adds them here.
SECTION_LABELS = (
    "High Level Visit",
    "Workshop",
    "Conference",
    "In the Field. Turkmenistan",
    "Workshops",
    "Project Activity",
    "Training Course",
    "Drug Use Prevention",
)
PLACEHOLDER = "XXX"
FOOTER = "UNODC Regional Office in Central Asia"

# Articles whose two columns the extraction interleaved: slug -> the words that begin the second
# column in the untangled body.
TWO_COLUMN_ARTICLES = {
    "helps-parents-help-their-children": "school teachers, school psychologists",
}

# A sentence ends at . ! or ? (and any closing quotes) before a space, but not after a title
# or an abbreviation ("Mr. Fedotov", "U.S. Drug Enforcement Administration").
SENTENCE_END = re.compile(r"(?<!Mr\.)(?<!Ms\.)(?<!Dr\.)(?<!U\.S\.)(?<=[.!?])[”’\"')]*\s+")


class NotFaithful(AssertionError):
    """The body is not the source's words in the source's order."""


def normalise(text: str) -> str:
    """Letters and digits only, lower-cased: case, punctuation and hyphens ignored."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass(frozen=True)
class SourceWord:
    text: str
    norm: str
    line: int  # 1-based, as an editor shows it
    hyphen_end: bool  # printed with a trailing hyphen: "Parlia-"


@dataclass(frozen=True)
class BodyWord:
    text: str
    norm: str
    index: int
    sentence: str


@dataclass
class Region:
    slug: str
    title_lines: tuple[int, int]
    kicker_lines: tuple[int, int] | None
    lines: list[int] = field(default_factory=list)  # the lines whose words the body must use
    left_out: dict[int, str] = field(default_factory=dict)  # line -> why it is not body text


def read_source(path: str) -> list[str]:
    """The lines of a source text, by its path in the project (``Bulletin.source_file``)."""
    return (PROJECT_DIR / path).read_text(encoding="utf-8").split("\n")


def source_words(lines: list[str], numbers: list[int]) -> list[SourceWord]:
    words = []
    for number in numbers:
        for token in lines[number - 1].split():
            norm = normalise(token)
            if norm:
                words.append(SourceWord(token, norm, number, token.endswith("-")))
    return words


def sentences(body: str) -> list[str]:
    return [
        sentence
        for paragraph in body.split("\n\n")
        for sentence in SENTENCE_END.split(paragraph.strip())
        if sentence.strip()
    ]


def body_words(body: str) -> list[BodyWord]:
    words = []
    for sentence in sentences(body):
        for token in sentence.split():
            norm = normalise(token)
            if norm:
                words.append(BodyWord(token, norm, len(words), sentence))
    return words


def find_lines(lines: list[str], text: str, start: int = 1, end: int | None = None):
    """(first, last) line numbers of the whole consecutive lines that spell ``text``, or None."""
    target = normalise(text)
    end = end or len(lines)
    for first in range(start, end + 1):
        spelled = ""
        for last in range(first, end + 1):
            part = normalise(lines[last - 1])
            if not part or not target.startswith(spelled + part):
                break
            spelled += part
            if spelled == target:
                return first, last
    return None


def is_printed_in_capitals(lines: list[str], span: tuple[int, int]) -> bool:
    text = " ".join(lines[n - 1] for n in range(span[0], span[1] + 1))
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def article_regions(lines: list[str], articles) -> list[Region]:
    """The source region of each article (given in bulletin order, with title, kicker, slug)."""
    regions = []
    after = 1
    for article in articles:
        span = find_lines(lines, article.title, start=after)
        if span is None:
            raise NotFaithful(
                f"{article.slug}: the headline {article.title!r} is not found in the source as "
                "whole lines after the previous article's headline (order, or words, differ)."
            )
        if not is_printed_in_capitals(lines, span):
            raise NotFaithful(f"{article.slug}: source lines {span} are not a printed headline.")
        regions.append(Region(article.slug, span, None))
        after = span[1] + 1
    for region, following, article in zip(
        regions, [*regions[1:], None], articles, strict=True
    ):
        first = region.title_lines[1] + 1
        last = following.title_lines[0] - 1 if following else len(lines)
        if article.kicker:
            region.kicker_lines = find_lines(lines, article.kicker, start=first, end=last)
            if region.kicker_lines is None:
                raise NotFaithful(
                    f"{article.slug}: the kicker {article.kicker!r} is not in its text."
                )
        for number in range(first, last + 1):
            text = lines[number - 1].strip()
            if not text:
                continue
            if text in SECTION_LABELS:
                region.left_out[number] = "section label"
            elif text == PLACEHOLDER:
                region.left_out[number] = "placeholder"
            elif text == FOOTER:
                region.left_out[number] = "running footer"
            elif region.kicker_lines and region.kicker_lines[0] <= number <= region.kicker_lines[1]:
                region.left_out[number] = "kicker"
            else:
                region.lines.append(number)
    if any(line.strip() for line in lines[: regions[0].title_lines[0] - 1]):
        raise NotFaithful("The source has text before the first article's headline.")
    return regions


# --- Matching letters ---------------------------------------------------------------------------
def _letters(words) -> tuple[str, list[tuple[int, int]]]:
    """The words' letters as one string, and for each letter (word index, offset in word)."""
    owner = [(i, k) for i, w in enumerate(words) for k in range(len(w.norm))]
    return "".join(w.norm for w in words), owner


def _one_stream(slug, src, body, s_text, b_text) -> list[int]:
    if s_text == b_text:
        return [0] * len(b_text)
    i = next(
        (k for k, (a, b) in enumerate(zip(s_text, b_text, strict=False)) if a != b),
        min(len(s_text), len(b_text)),
    )
    s_owner = _letters(src)[1]
    b_owner = _letters(body)[1]
    if i >= len(b_text):
        word = src[s_owner[i][0]]
        raise NotFaithful(
            f"{slug}: the body ends before source line {word.line} ({word.text!r} …): "
            "source words are dropped."
        )
    bword = body[b_owner[i][0]]
    if i >= len(s_text):
        raise NotFaithful(
            f"{slug}: body word {bword.text!r} in «{bword.sentence}» comes after the last source "
            "word: a word is added or duplicated."
        )
    sword = src[s_owner[i][0]]
    raise NotFaithful(
        f"{slug}: body word {bword.text!r} in «{bword.sentence}» does not match the source at "
        f"line {sword.line} ({sword.text!r}): a word is dropped, added, duplicated or moved."
    )


def _two_streams(slug, src, s_text, b_text, split: int) -> list[int]:
    """For each body letter, which stream (0, 1) it is in; the source must interleave the two.

    ``reach[t]`` is a bit mask of how many letters of the first stream can have been used after
    the first ``t`` source letters (the rest of those t coming from the second stream).
    """
    first, second = b_text[:split], b_text[split:]
    if len(s_text) != len(b_text):
        raise NotFaithful(
            f"{slug}: the body has {len(b_text)} letters and its source region {len(s_text)}: "
            "words are dropped, added or duplicated."
        )
    m, n = len(first), len(second)
    in_first: dict[str, int] = {}
    for a, c in enumerate(first):
        in_first[c] = in_first.get(c, 0) | (1 << a)
    in_second_reversed: dict[str, int] = {}
    for b, c in enumerate(second):
        in_second_reversed[c] = in_second_reversed.get(c, 0) | (1 << (n - 1 - b))
    everything = (1 << (m + 1)) - 1
    reach = [1]
    for t, c in enumerate(s_text):
        shift = n - 1 - t
        rev = in_second_reversed.get(c, 0)
        from_second = rev >> shift if shift >= 0 else rev << -shift
        nxt = (((reach[t] & in_first.get(c, 0)) << 1) | (reach[t] & from_second)) & everything
        if not nxt:
            s_owner = _letters(src)[1]
            word = src[s_owner[t][0]]
            raise NotFaithful(
                f"{slug}: the two columns of the body cannot be interleaved into the source "
                f"beyond line {word.line} ({word.text!r}): a word is dropped, added, duplicated "
                "or moved."
            )
        reach.append(nxt)
    if not reach[-1] >> m & 1:
        raise NotFaithful(f"{slug}: the two columns do not use every source word.")
    # Walk back, preferring to stay in the same column (fewest switches between columns).
    stream_of_source = [0] * len(s_text)
    a, previous = m, 0
    for t in range(len(s_text) - 1, -1, -1):
        c = s_text[t]
        can_first = a >= 1 and first[a - 1] == c and reach[t] >> (a - 1) & 1
        b = t - a
        can_second = 0 <= b < n and second[b] == c and reach[t] >> a & 1
        use_first = can_first and (previous == 0 or not can_second)
        if use_first:
            a -= 1
        stream_of_source[t] = 0 if use_first else 1
        previous = stream_of_source[t]
    return stream_of_source


def check_article(slug: str, src: list[SourceWord], body: list[BodyWord],
                  second_column_starts_at: int | None = None) -> None:
    """Raise NotFaithful unless the body is exactly the region's words, in order."""
    s_text, s_owner = _letters(src)
    b_text, b_owner = _letters(body)
    if second_column_starts_at is None:
        _one_stream(slug, src, body, s_text, b_text)
        source_letter_of = list(range(len(b_text)))
        stream_of_word = [0] * len(body)
    else:
        split = sum(len(w.norm) for w in body[:second_column_starts_at])
        streams = _two_streams(slug, src, s_text, b_text, split)
        # The k-th source letter of stream 0 is the k-th body letter; likewise for stream 1.
        positions = [[t for t, s in enumerate(streams) if s == k] for k in (0, 1)]
        source_letter_of = positions[0] + positions[1]
        stream_of_word = [0 if w.index < second_column_starts_at else 1 for w in body]

    # Which body words each source word's letters went to, and the source words of each body word.
    parts_of_source: dict[int, list[int]] = {}
    sources_of_body: dict[int, list[int]] = {}
    for letter, t in enumerate(source_letter_of):
        s_index, b_index = s_owner[t][0], b_owner[letter][0]
        if b_index not in parts_of_source.setdefault(s_index, []):
            parts_of_source[s_index].append(b_index)
        if s_index not in sources_of_body.setdefault(b_index, []):
            sources_of_body[b_index].append(s_index)

    def across_columns(s_index: int) -> bool:
        return len({stream_of_word[b] for b in parts_of_source[s_index]}) > 1

    for s_index, parts in parts_of_source.items():
        if len(parts) > 1 and len({stream_of_word[b] for b in parts}) < len(parts):
            word = src[s_index]
            pieces = " + ".join(repr(body[b].text) for b in parts)
            raise NotFaithful(
                f"{slug}: source word {word.text!r} (line {word.line}) is split into {pieces} in "
                f"«{body[parts[0]].sentence}»."
            )
    for b_index, sources in sources_of_body.items():
        last = src[sources[-1]]
        if last.hyphen_end and not body[b_index].text.endswith("-"):
            word = body[b_index]
            raise NotFaithful(
                f"{slug}: body word {word.text!r} in «{word.sentence}» stops at {last.text!r} "
                f"(line {last.line}), a word split at a line end: join it to the rest."
            )
        for s_index in sources[:-1]:
            if not (src[s_index].hyphen_end or across_columns(s_index)):
                word = body[b_index]
                joined = " + ".join(repr(src[s].text) for s in sources)
                raise NotFaithful(
                    f"{slug}: body word {word.text!r} in «{word.sentence}» joins source words "
                    f"{joined} (line {src[s_index].line}) where no line-end hyphen was printed."
                )


def second_column_start(slug: str, body: list[BodyWord]) -> int | None:
    """Index of the body word that begins the second column, for a two-column article."""
    if slug not in TWO_COLUMN_ARTICLES:
        return None
    marker = [normalise(w) for w in TWO_COLUMN_ARTICLES[slug].split()]
    norms = [w.norm for w in body]
    starts = [
        i for i in range(len(norms) - len(marker) + 1) if norms[i : i + len(marker)] == marker
    ]
    if len(starts) != 1:
        raise NotFaithful(
            f"{slug}: the start of the second column ({TWO_COLUMN_ARTICLES[slug]!r}) is found "
            f"{len(starts)} times in the body, expected once."
        )
    return starts[0]


def check_bulletin(lines: list[str], articles) -> list[Region]:
    """Check every article of a bulletin against its source; return the regions."""
    regions = article_regions(lines, articles)
    for region, article in zip(regions, articles, strict=True):
        words = body_words(article.body)
        check_article(
            article.slug,
            source_words(lines, region.lines),
            words,
            second_column_start(article.slug, words),
        )
    return regions
