"""The Content-Security-Policy forbids inline scripts and styles (no 'unsafe-inline'): a style
attribute, a <style> or <script> block, an onclick= handler or a javascript: link anywhere in
the portal's templates or in HTML built in Python would be blocked in the browser. This scan
finds them before a page does; tests/browser/test_csp.py watches the rendered pages, the admin's
and the API documentation's included."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE = {
    "style attribute": re.compile(r"""<[a-zA-Z][^>]*\sstyle\s*=""", re.S),
    "<style> element": re.compile(r"<style\b", re.I),
    # json_script's <script type="application/json"> is data, not code, and is allowed.
    "inline <script>": re.compile(
        r"""<script\b(?![^>]*\bsrc\s*=)(?![^>]*type\s*=\s*["']application/(?:ld\+)?json)""",
        re.I,
    ),
    "event handler attribute": re.compile(r"""<[a-zA-Z][^>]*\son[a-z]+\s*=\s*["'{]""", re.S),
    "javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.I),
}


def sources():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    templates += sorted(ROOT.glob("*/templates/**/*.html"))
    python = [
        path
        for package in ("activities", "donors", "unodc_portal")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]
    return templates + python


def test_the_scan_sees_the_templates_and_the_code():
    files = {path.relative_to(ROOT).as_posix() for path in sources()}
    assert "templates/base.html" in files
    assert "templates/activities/event_form.html" in files
    assert "unodc_portal/core/admin_history.py" in files


@pytest.mark.parametrize("kind", INLINE)
def test_no_inline_script_or_style_in_templates_or_python_html(kind):
    pattern = INLINE[kind]
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: "
        f"{match.group(0)[:80]!r}"
        for path in sources()
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize(("kind", "html"), [
    ("style attribute", '<p class="x" style="color: red">'),
    ("style attribute", "<div\n  style='margin:0'>"),
    ("<style> element", "<style>p { color: red }</style>"),
    ("inline <script>", "<script>alert(1)</script>"),
    ("inline <script>", '<script type="module">import x from "./x.js"</script>'),
    ("event handler attribute", '<button onclick="go()">'),
    ("javascript: URL", '<a href="javascript:void(0)">'),
])
def test_the_scan_catches_each_kind(kind, html):
    assert INLINE[kind].search(html)


@pytest.mark.parametrize("html", [
    '<script src="/static/js/portal.js"></script>',
    '<script type="application/json" id="chart-data">{}</script>',
    '<p class="styled">The style of the bulletin</p>',
    '<a href="/events/?sort=-start">Online events</a>',
    "<p>Its numbers are in a table for readers without JavaScript: the table</p>",
])
def test_the_scan_lets_allowed_markup_through(html):
    assert not any(pattern.search(html) for pattern in INLINE.values())
