"""The portal's settings without the access log's middleware, for ``benchmarks/accesslog.py``
only: its second server measures the register page as it would be without the log (the views
still note their rows with ``saw()``, a few set insertions; nothing is written). Not a switch of
the production settings: a server runs it only when the benchmark starts it with
``DJANGO_SETTINGS_MODULE=settings_without_accesslog`` and ``benchmarks/`` on ``PYTHONPATH``."""

from unodc_portal.settings import *  # noqa: F403
from unodc_portal.settings import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "accesslog.middleware.AccessLogMiddleware"]
