"""The site-wide search page (``/search/?q=…``)."""

import re

from django.urls import translate_url
from django.utils.translation import get_language
from django_filters.views import FilterView

from search.documents import fold, in_language
from search.filters import SearchDocumentFilter
from search.models import SearchDocument
from search.query import MAX_WORDS, words
from unodc_portal.core.lists import ListPageMixin

SNIPPET_LENGTH = 220


def snippet(document: SearchDocument, word_list: list[str]) -> str:
    """A passage of the body (or, without one, the names) around the first word found, else
    its start; cut at word boundaries. Computed from the row already read: no query."""
    text = " ".join((document.body or document.names).split())
    if len(text) <= SNIPPET_LENGTH:
        return text
    start = 0
    # The word as typed, else as transliterated ("алматы" is found as "almaty").
    for needle in [*word_list, *(fold(word) for word in word_list)]:
        found = re.search(re.escape(needle), text, re.IGNORECASE)
        if found:
            start = max(0, found.start() - SNIPPET_LENGTH // 3)
            break
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + SNIPPET_LENGTH
    cut = text[start:end].rsplit(" ", 1)[0] if end < len(text) else text[start:]
    return ("…" if start else "") + cut + ("…" if end < len(text) else "")


class SearchView(ListPageMixin, FilterView):
    """Every record a visitor may see, found by words: ranked on PostgreSQL, filtered by type,
    paged as the list pages are. Participants are not searched (search/documents.py)."""

    filterset_class = SearchDocumentFilter
    template_name = "search/search.html"

    def get_queryset(self):
        # The documents of the page's language, else English (search/documents.py).
        return in_language(SearchDocument.objects.visible_to(self.request.user)).only(
            "kind", "language", "title", "names", "body", "url",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["filter"].form
        query = form.cleaned_data.get("q", "") if form.is_valid() else ""
        word_list = words(query)
        language = get_language()
        for document in context["page_obj"]:
            document.snippet = snippet(document, word_list)
            # The record's page in the reader's language (the index keeps the English address).
            document.link = translate_url(document.url, language) if language else document.url
        context.update(
            query=query, search_words=word_list, words_dropped=len(word_list) > MAX_WORDS,
            max_words=MAX_WORDS,
        )
        return context
