"""Matching and ranking a query against the search documents.

A query is cut into words (at most ``MAX_WORDS``); every word must match, in one of two ways:

- in the document's language, stemmed (PostgreSQL full-text search: "trainings" finds
  "training"), as typed or transliterated ("алматы" finds "Almaty" in a body too);
- folded to Latin and lower-cased, as the start of a word of the document's title and names
  ("алматы", "ALMATY" and "Alma" all find "Almaty"; a word shorter than ``PREFIX_FROM``
  letters matches whole words only, on PostgreSQL).

On PostgreSQL both are ``tsquery`` s matched against the document's vector (its GIN index), and
results are ranked by ``ts_rank`` (title above names above body). On SQLite (development) the
same words are looked for with ``LIKE`` in the folded text and the body, and results come in
title order.
"""

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Q, When

from search.documents import fold

# The PostgreSQL text-search configuration of each document language (a Russian document is
# stemmed as Russian: "семинаров" finds "семинар").
TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}
MAX_WORDS = 10
PREFIX_FROM = 3
WORD = re.compile(r"\w+")
FOLDED_PART = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The words of a query that can match anything: each has a Latin folded form."""
    return [word for word in WORD.findall(text or "") if FOLDED_PART.search(fold(word))]


def folded_parts(word: str) -> list[str]:
    return FOLDED_PART.findall(fold(word))


def _postgres_query(word_list, config):
    per_word = []
    for word in word_list:
        # A word of one or two letters matches whole words only: as a prefix it would match
        # most of the index.
        prefixes = " & ".join(
            f"{part}:*" if len(part) >= PREFIX_FROM else part for part in folded_parts(word)
        )
        per_word.append(
            SearchQuery(word, config=config, search_type="plain")
            # transliterated, stemmed: "алматы" finds "Almaty" in a body too
            | SearchQuery(" ".join(folded_parts(word)), config=config, search_type="plain")
            | SearchQuery(prefixes, config="simple", search_type="raw")
        )
    return reduce(and_, per_word)


def matching(documents, text: str):
    """``documents`` that match every word of ``text``, best first."""
    word_list = words(text)[:MAX_WORDS]
    if not word_list:
        return documents.none()
    if connection.vendor != "postgresql":
        conditions = [
            reduce(and_, (Q(folded__contains=part) for part in folded_parts(word)))
            | Q(body__icontains=word)
            | Q(body__icontains=" ".join(folded_parts(word)))
            for word in word_list
        ]
        return documents.filter(reduce(and_, conditions)).order_by("title", "pk")
    conditions, ranks = [], []
    for language, config in TEXT_SEARCH_CONFIGS.items():
        query = _postgres_query(word_list, config)
        conditions.append(Q(language=language, vector=query))
        ranks.append(When(language=language, then=SearchRank(F("vector"), query)))
    # Each document ranked by the query in its own language's configuration.
    rank = Case(*ranks)
    return (
        documents.filter(reduce(or_, conditions))
        .annotate(rank=rank)
        .order_by("-rank", "title", "pk")
    )
