"""What the server benchmarks share: the virtualenv's programs, the production-like settings a
benchmark server runs with (debug off, no HTTPS redirect), and the measures of a worker's
resident memory (the kernel's high-water mark, and a sampling thread to cross-check it)."""

import threading
import time
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
}


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
