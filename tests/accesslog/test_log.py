"""The access log's writing (accesslog/log.py) and its middleware: one entry per answer that
noted participants with ``saw()``, with who, when, which numbers and from where — streamed
answers after their last chunk (or when closed early), a token's user for the API, the client's
address as ``client_ip`` reads it, the address without its query string."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accesslog import log
from accesslog.middleware import AccessLogMiddleware
from accesslog.models import AccessedRecord, AccessEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def connection_kept_open_when_an_answer_closes():
    """Closing an answer sends ``request_finished``, on which Django closes the database
    connection — the test's own, here, where the answers are closed by hand (the test client
    disconnects the same receiver while it answers)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_finished.connect(close_old_connections)


def numbers_of(entry) -> list[int]:
    return sorted(entry.accessed.values_list("participant", flat=True))


# --------------------------------------------------------------------------------------------
# number_ranges, write
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("ids", "text"), [
    ([], ""),
    ([5], "5"),
    ([1, 2, 3, 7, 9, 10], "1-3, 7, 9-10"),
    ([10, 9, 3, 2, 1, 7, 3], "1-3, 7, 9-10"),  # any order, each number once
    ([4, 6], "4, 6"),
])
def test_number_ranges_writes_runs_as_ranges(ids, text):
    assert log.number_ranges(ids) == text


def test_write_keeps_the_numbers_not_the_data(officer_user):
    entry = log.write(ids=[7, 3, 3, 4], what="export", user=officer_user, method="GET",
                      path="/participants/export.csv", ip="203.0.113.5")
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.what, entry.records, entry.record_count) == (
        officer_user, officer_user.username, "export", "3-4, 7", 3)
    assert (entry.method, entry.path, entry.ip) == ("GET", "/participants/export.csv",
                                                    "203.0.113.5")
    assert numbers_of(entry) == [3, 4, 7]


def test_write_with_no_numbers_writes_nothing_unless_asked():
    assert log.write(ids=[], what="nothing") is None
    assert not AccessEntry.objects.exists()
    entry = log.write(ids=[], what="import batch 4: 2 rows", even_if_none=True)
    assert (entry.records, entry.record_count, entry.accessed.count()) == ("", 0, 0)


def test_an_anonymous_user_is_written_as_no_one():
    entry = log.write(ids=[1], what="x", user=AnonymousUser())
    assert (entry.user, entry.username) == (None, "")


def test_a_big_export_is_written_whole(django_assert_max_num_queries):
    # The entry, then its records in bulk (1,000 a batch; SQLite splits a batch further).
    with django_assert_max_num_queries(1 + 10):
        log.write(ids=range(1, 2501), what="export")
    assert AccessedRecord.objects.count() == 2500
    assert AccessEntry.objects.get().records == "1-2500"


def test_writing_the_log_does_not_empty_the_page_cache():
    """Reading a page is no change to the records: the anonymous pages cached stay
    (unodc_portal.core.pagecache.IGNORED_MODELS; a saved record would empty the cache when its
    transaction commits)."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        log.write(ids=[1, 2], what="page")
    assert callbacks == []


def test_per_record_false_keeps_the_ranges_only():
    entry = log.write(ids=range(1, 101), what="backup", per_record=False)
    assert (entry.records, entry.record_count, entry.accessed.count()) == ("1-100", 100, 0)


# --------------------------------------------------------------------------------------------
# The middleware
# --------------------------------------------------------------------------------------------
def answered(view, request):
    """``request`` through the middleware and ``view``; a streamed answer read to its end."""
    response = AccessLogMiddleware(view)(request)
    if response.streaming:
        b"".join(response.streaming_content)
        response.close()
    return response


def request_as(user, path="/participants/?q=Zebulon+Quixote", **extra):
    request = RequestFactory().get(path, **extra)
    request.user = user
    return request


def test_an_answer_that_noted_participants_writes_one_entry(officer_user):
    def view(request):
        log.saw(request, [3, 1])
        log.saw(request, [2, None])  # a second call adds to the same entry
        return HttpResponse("page")

    answered(view, request_as(officer_user, REMOTE_ADDR="198.51.100.7"))
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.method, entry.ip, entry.records) == (
        officer_user, "GET", "198.51.100.7", "1-3")
    # The address without its query string: a search text may be a participant's name.
    assert entry.path == "/participants/"
    assert numbers_of(entry) == [1, 2, 3]


def test_an_answer_that_noted_nobody_writes_nothing(officer_user):
    answered(lambda request: HttpResponse("page"), request_as(officer_user))
    answered(lambda request: (log.saw(request, []), HttpResponse("page"))[1],
             request_as(officer_user))
    assert not AccessEntry.objects.exists()


def test_what_defaults_to_the_url_name_and_can_be_said(officer_client, officer_user):
    participant = factories.ParticipantFactory()
    officer_client.get(reverse("activities:participant_detail", args=[participant.pk]))
    assert AccessEntry.objects.get().what == "activities:participant_detail"

    def view(request):
        log.saw(request, [participant.pk], what="import batch 5: 1 rows")
        return HttpResponse("page")

    answered(view, request_as(officer_user))
    assert AccessEntry.objects.order_by("-pk").first().what == "import batch 5: 1 rows"


def test_even_if_none_writes_an_entry_for_people_without_a_number(officer_user):
    def view(request):
        log.saw(request, [], what="files:file, attendance sheet 9", even_if_none=True)
        return HttpResponse("sheet")

    answered(view, request_as(officer_user))
    entry = AccessEntry.objects.get()
    assert (entry.what, entry.record_count, entry.records) == (
        "files:file, attendance sheet 9", 0, "")


def rows_view(numbers):
    """A view streaming one chunk per number, noting each as it is sent."""
    def view(request):
        def chunks():
            for number in numbers:
                log.saw(request, [number])
                yield f"{number}\n"
        return StreamingHttpResponse(chunks())
    return view


def test_a_streamed_answer_is_written_after_its_last_chunk(officer_user):
    response = AccessLogMiddleware(rows_view([4, 5, 6]))(request_as(officer_user))
    chunks = iter(response.streaming_content)
    next(chunks)
    assert not AccessEntry.objects.exists()  # still sending
    assert list(chunks) == [b"5\n", b"6\n"]
    assert numbers_of(AccessEntry.objects.get()) == [4, 5, 6]
    response.close()  # the server closes the answer: nothing written twice
    assert AccessEntry.objects.count() == 1


def test_a_streamed_answer_closed_early_writes_what_was_sent(officer_user):
    response = AccessLogMiddleware(rows_view([4, 5, 6]))(request_as(officer_user))
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)
    response.close()  # the reader went away
    assert numbers_of(AccessEntry.objects.get()) == [4, 5]


def test_a_streamed_answer_closed_before_its_first_chunk_writes_what_the_view_noted(
    officer_user
):
    def view(request):
        log.saw(request, [8])
        return StreamingHttpResponse(iter([b"a", b"b"]))

    response = AccessLogMiddleware(view)(request_as(officer_user))
    assert not AccessEntry.objects.exists()
    response.close()
    assert numbers_of(AccessEntry.objects.get()) == [8]


def test_a_streamed_answer_that_fails_midway_writes_what_was_sent(officer_user):
    def view(request):
        def chunks():
            log.saw(request, [1])
            yield b"1"
            raise RuntimeError("the database went away")
        return StreamingHttpResponse(chunks())

    response = AccessLogMiddleware(view)(request_as(officer_user))
    chunks = iter(response.streaming_content)
    next(chunks)
    with pytest.raises(RuntimeError):
        next(chunks)
    response.close()
    assert numbers_of(AccessEntry.objects.get()) == [1]


@pytest.mark.parametrize(("trusted", "forwarded", "expected"), [
    (0, "203.0.113.5", "10.0.0.1"),         # no proxy: the header is the client's, ignored
    (1, "203.0.113.5", "203.0.113.5"),      # one proxy: its entry
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own entry is not believed
])
def test_the_address_is_the_client_as_the_trusted_proxies_say(
    trusted, forwarded, expected, officer_user
):
    def view(request):
        log.saw(request, [1])
        return HttpResponse("page")

    with override_settings(TRUSTED_PROXIES=trusted):
        answered(view, request_as(officer_user, REMOTE_ADDR="10.0.0.1",
                                  HTTP_X_FORWARDED_FOR=forwarded))
    assert AccessEntry.objects.get().ip == expected


def test_an_api_answer_records_the_tokens_user(client, officer_user):
    """Django's own request knows no user for a token (DRF authenticates in the view): the
    user is read from the DRF request that ``saw`` is given."""
    event = factories.EventFactory()
    participant = factories.ParticipationFactory(event=event).participant
    token = Token.objects.create(user=officer_user)
    response = client.get(reverse("opendata:event-detail", args=[event.slug]) + "?format=json",
                          HTTP_AUTHORIZATION=f"Token {token.key}")
    assert participant.name in response.content.decode()
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.username, entry.path) == (
        officer_user, officer_user.username, reverse("opendata:event-detail", args=[event.slug]))
    assert numbers_of(entry) == [participant.pk]
