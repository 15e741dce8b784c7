"""Work done after the response has gone: the password-reset e-mail, so that a reset request
takes the same time whether or not an account has the address (sending takes hundreds of
milliseconds; the request itself only looks the address up and queues the job).

``after_response(job)`` keeps the job until the request ends (Django's ``request_finished``,
sent when the server closes the response), then hands it to one background thread that runs
jobs in order. Outside a request (a management command, a test calling a form directly) the
job is queued at once. ``drain()`` waits until every job queued so far has run and re-raises
the first error of those jobs (tests call it; a job's error is otherwise logged).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import connections

logger = logging.getLogger(__name__)

_jobs: queue.Queue = queue.Queue()
_local = threading.local()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()
_errors: list[BaseException] = []


def after_response(job: Callable[[], None]) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:  # not inside a request
        _enqueue(job)
    else:
        pending.append(job)


def _request_started(**kwargs):
    _local.pending = []


def _request_finished(**kwargs):
    pending, _local.pending = getattr(_local, "pending", None) or [], None
    for job in pending:
        _enqueue(job)


request_started.connect(_request_started, dispatch_uid="unodc_portal.core.after_response.start")
request_finished.connect(_request_finished, dispatch_uid="unodc_portal.core.after_response.finish")


def _enqueue(job) -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_run, name="after-response", daemon=True)
            _worker.start()
    _jobs.put(job)


def _run() -> None:
    while True:
        job = _jobs.get()
        try:
            job()
        except BaseException as exc:  # a test failure inside a job is reported by drain()
            logger.exception("A job run after the response failed")
            _errors.append(exc)
        finally:
            connections.close_all()  # a job that used the database leaves no connection open
            _jobs.task_done()


def drain() -> None:
    """Run what the current thread's request left pending, wait for every queued job, and
    re-raise the first error among them."""
    _request_finished()
    _jobs.join()
    if _errors:
        error = _errors.pop(0)
        _errors.clear()
        raise error
