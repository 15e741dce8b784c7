"""axe-core's WCAG 2.1 A and AA rules run in the page the browser test has open.

axe-core is vendored from the npm registry (tests/browser/vendor/axe-core/, axe-core 4.14.1,
MPL-2.0): it is a test tool, never served to readers. It is evaluated through the DevTools
protocol, which the page's Content-Security-Policy does not govern, so the policy stays strict.
"""

from functools import cache
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


@cache
def _source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page, tags=WCAG_21_AA) -> list[dict]:
    """The violations of ``tags`` on the page as it is now: each with axe's rule id, impact,
    help text and (at most five) offending elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    return page.evaluate(_RUN, list(tags))


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['nodes'])}" for v in violations
    )


def assert_accessible(page, tags=WCAG_21_AA):
    """Fail with a readable list when axe finds any violation on the page."""
    violations = axe_violations(page, tags)
    assert not violations, f"{page.url}:\n{describe(violations)}"
