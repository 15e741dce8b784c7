"""benchmarks/pages.py takes its pages from the URL resolver and stops on a URL pattern without a
sample: this keeps it in step with the URLs, so that a page added later is measured too."""

import subprocess
import sys
from pathlib import Path

from tests.engine import sqlite_only

ROOT = Path(__file__).resolve().parents[2]


@sqlite_only("benchmarks/pages.py --list runs in a process of its own, on its own database "
             "settings, and reads only the URL resolver")
def test_every_url_pattern_has_a_benchmark_sample_or_a_reason_to_skip():
    listed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--list"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    assert "activities:participant_list" in listed.stdout
