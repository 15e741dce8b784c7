"""Steps shared by the browser tests: signing in through the real sign-in pages, and watching a
page for Content-Security-Policy violations."""

import re

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's password

# Chromium logs the failed main request of an error page (404, 403) as a console error; the page
# itself is what the test looks at.
ERROR_STATUS = "Failed to load resource: the server responded with a status of"

# Registered before any page script runs, in every document the page opens.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`CSP ${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
    + `in ${e.sourceFile || e.documentURI}:${e.lineNumber} ${e.sample || ""}`.trim());
});
"""


def sign_in(page, username, *, next_url=None, password=PASSWORD):
    """Sign in through the portal's sign-in page, as a person does."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def admin_sign_in(page, username, *, password=PASSWORD):
    """Sign in through the Django admin's own login page."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def apply_filter(page, name, value):
    """Choose ``value`` in the list's ``name`` filter, press Apply, and wait for the filtered
    page (its address carries the filter)."""
    page.select_option(f"#id_{name}", value)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"[?&]{re.escape(name)}={re.escape(value)}(&|$)"))


def watch_csp(page):
    """Collect the page's CSP violations (from the securitypolicyviolation event, which names the
    directive and where) in page.csp_violations."""
    page.csp_violations = []
    page.expose_function("__cspViolation", lambda text: page.csp_violations.append(text))
    page.add_init_script(_CSP_LISTENER)
    # Which file a "Failed to load resource" error was about (the console does not say).
    page.on("response", lambda response: response.status >= 400
            and response.request.resource_type != "document"
            and page.csp_violations.append(f"HTTP {response.status} for {response.url}"))
    return page


def problems(page, *, error_page=False):
    """Console errors and CSP violations so far, then cleared."""
    found = [
        text for text in page.console_errors
        if not (error_page and text.startswith(ERROR_STATUS))
    ] + list(getattr(page, "csp_violations", []))
    page.console_errors.clear()
    if hasattr(page, "csp_violations"):
        page.csp_violations.clear()
    return found
