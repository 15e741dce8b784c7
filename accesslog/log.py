"""Writing the access log.

Views call ``saw(request, ids)`` for the participants whose personal data their answer shows
(a DRF request is accepted too); ``AccessLogMiddleware`` writes one entry when the answer
leaves — for a streamed answer (an export), when its last chunk has been sent, so that the
participants noted while streaming are in it. Commands (backup, subject-access file) call
``write()`` directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accesslog.models import AccessedRecord, AccessEntry
from unodc_portal.core.client_ip import client_ip

BATCH = 1000


class Pending:
    """What one request has shown so far."""

    __slots__ = ("even_if_none", "ids", "user", "what")

    def __init__(self):
        self.ids: set[int] = set()
        self.user = None
        self.what = ""
        self.even_if_none = False


def _django_request(request):
    return getattr(request, "_request", request)  # a DRF Request wraps Django's


def saw(request, ids: Iterable[int], *, what: str = "", even_if_none: bool = False) -> None:
    """Note that the answer to ``request`` shows the personal data of participants ``ids``
    (register numbers). The user is read here, from ``request`` (a DRF request knows its
    token-authenticated user; Django's own may not). ``even_if_none``: the answer shows people
    who have no register number (an import batch's new rows, the names on an attendance sheet),
    so its entry is written even when ``ids`` is empty; ``what`` should then say what was
    shown."""
    inner = _django_request(request)
    pending = inner.__dict__.get("_accesslog")
    if pending is None:
        pending = inner.__dict__["_accesslog"] = Pending()
    pending.ids.update(int(pk) for pk in ids if pk is not None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        pending.user = user
    if what:
        pending.what = what
    if even_if_none:
        pending.even_if_none = True


def number_ranges(ids: Iterable[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` as ``"1-3, 7, 9-10"``."""
    runs: list[list[int]] = []
    for number in sorted(set(ids)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def write(*, ids: Iterable[int], what: str, user=None, method: str = "", path: str = "",
          ip: str | None = None, per_record: bool = True,
          even_if_none: bool = False) -> AccessEntry | None:
    """One entry and its participants (two INSERTs for a page; more for a big export, in
    batches of 1,000). Nothing when ``ids`` is empty, unless ``even_if_none`` (people without a
    register number were shown: the entry then has no participants, and ``what`` says what it
    was). ``per_record=False`` keeps the numbers as ranges only, without one ``AccessedRecord``
    each: for a backup, which holds every participant every day (README, "Access log")."""
    numbers = sorted({int(pk) for pk in ids})
    if not numbers and not even_if_none:
        return None
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    # Both INSERTs or neither; inside a caller's transaction, part of it (no savepoint: the
    # log is written on every page that shows personal data, and costs two queries there).
    with transaction.atomic(savepoint=False):
        entry = AccessEntry.objects.create(
            user=user if authenticated else None,
            username=user.get_username() if authenticated else "",
            what=what[:120], method=method[:10], path=path[:500], ip=ip or None,
            records=number_ranges(numbers), record_count=len(numbers),
        )
        for start in range(0, len(numbers) if per_record else 0, BATCH):
            AccessedRecord.objects.bulk_create(
                AccessedRecord(entry=entry, participant=number)
                for number in numbers[start:start + BATCH]
            )
    return entry


def write_pending(request) -> AccessEntry | None:
    """The entry for what ``request`` noted with ``saw()`` (none when it noted nothing)."""
    pending = request.__dict__.pop("_accesslog", None)
    if pending is None or not (pending.ids or pending.even_if_none):
        return None
    user = pending.user or getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    what = pending.what or (match.view_name if match else "") or request.path
    return write(ids=pending.ids, what=what, user=user, method=request.method,
                 path=request.path, ip=client_ip(request), even_if_none=pending.even_if_none)
