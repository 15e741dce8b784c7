"""What the benchmarks share: the virtualenv's programs, the production-like settings a
benchmark runs with (debug off, no HTTPS redirect), Django set up in the benchmark's own process
(``setup_django``) or a gunicorn server started and waited for (``start_server``), and the
measures of a worker's resident memory (the kernel's high-water mark, and a sampling thread to
cross-check it)."""

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "unodc_portal.settings",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    # The benchmark's accounts ask for many report packs in an hour: measured, not throttled.
    "DJANGO_REPORT_PACK_LIMIT_PER_USER": "100000",
}


def setup_django(database: str | None = None) -> None:
    """Django in this process, as the benchmark servers run it (the test client's host
    allowed); ``database`` becomes ``DATABASE_URL`` where given."""
    sys.path.insert(0, str(ROOT))
    if database:
        os.environ["DATABASE_URL"] = database
    for name, value in {**SERVER_ENV, "DJANGO_ALLOWED_HOSTS": "testserver"}.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


def start_server(database: str, port: int, **popen) -> tuple[subprocess.Popen, str]:
    """One sync gunicorn worker on ``database`` at 127.0.0.1:``port``, answering ``/healthz``
    before this returns: (the server process, its base address)."""
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database}
    server = subprocess.Popen(
        [str(GUNICORN), "unodc_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--worker-class", "sync", "--timeout", "900", "--log-level",
         "warning"],
        cwd=ROOT, env=env, start_new_session=True, **popen,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def high_water_mark(pid: int) -> int:
    """Peak resident memory of a process so far (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def reset_high_water_mark(pid: int) -> bool:
    """Start the process's high-water mark afresh (Linux ``clear_refs``); False where refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    """Samples ``process``'s RSS every ``interval`` seconds; ``peak`` is the largest seen."""

    def __init__(self, process: psutil.Process, interval: float = 0.02):
        super().__init__(daemon=True)
        self.process, self.interval, self.peak, self.running = process, interval, 0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(self.interval)


def start_gthread_server(database: str, port: int, *, extra_env: dict | None = None,
                         base_env: dict | None = None, workers: int = 3,
                         threads: int = 8) -> tuple[subprocess.Popen, str]:
    """The server as ``make serve`` runs it — gunicorn, ``workers`` gthread workers of
    ``threads`` threads — on ``database`` at 127.0.0.1:``port``, with the benchmark settings
    (``SERVER_ENV``) and ``extra_env``; answering ``/healthz`` before this returns. Started in a
    session of its own (``stop_server`` ends it and its workers)."""
    env = {**(os.environ if base_env is None else base_env), **SERVER_ENV,
           **(extra_env or {}), "DATABASE_URL": database}
    server = subprocess.Popen(
        [str(GUNICORN), "unodc_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
         "--timeout", "900", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"the server on {port} exited ({server.returncode})")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        stop_server(server)
        raise RuntimeError(f"the server on {port} did not answer /healthz")
    return server, base


def maintenance(sql: str, params=()) -> list:
    """A statement on the server's maintenance database (CREATE/DROP DATABASE of our own)."""
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def stop_server(server: subprocess.Popen) -> None:
    """End a server started here, and its workers (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
