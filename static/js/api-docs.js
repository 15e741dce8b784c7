// Starts Swagger UI (drf-spectacular-sidecar's local copy) on /api/docs/ from a static file, so
// that the page needs no inline script under the portal's Content-Security-Policy. The schema's
// address comes from the data-schema-url attribute.
//
// Accessibility (WCAG 2.1 AA, checked with axe-core by tests/browser/test_admin_accessibility.py):
// deep links are off, since Swagger UI draws each one as a link inside the operation's button
// (nested controls a keyboard or screen reader cannot tell apart); and each time Swagger UI draws,
// a parameter's select is named by the parameter, and a scrolling example can be reached with
// the keyboard; examples are not colour-highlighted (the highlighter's colours lack contrast). Colours: static/css/api-docs.css.
"use strict";

(() => {
  const target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") {
    return;
  }

  function nameControls() {
    target.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach((select) => {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    target.querySelectorAll("select:not([aria-label]):not([id])").forEach((select) => {
      const label = select.closest("label");
      if (!label || !label.textContent.trim()) {
        select.setAttribute("aria-label", select.title || select.className || "choice");
      }
    });
    target.querySelectorAll("pre:not([tabindex])").forEach((block) => {
      block.setAttribute("tabindex", "0");
    });
  }

  let pending = false;
  new MutationObserver(() => {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        nameControls();
      });
    }
  }).observe(target, { childList: true, subtree: true });

  window.ui = SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: false,
    // The session cookie goes with "Try it out" requests; they are read-only GETs.
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    // Plain examples: the highlighter's colours on its dark ground are below 4.5:1.
    syntaxHighlight: { activated: false },
  });
})();
