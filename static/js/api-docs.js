// Starts Swagger UI (drf-spectacular-sidecar's local copy) on /api/docs/ from a static file, so
// that the page needs no inline script under the portal's Content-Security-Policy. The schema's
// address comes from the data-schema-url attribute.
"use strict";

(() => {
  const target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  window.ui = SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The session cookie goes with "Try it out" requests; they are read-only GETs.
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
  });
})();
