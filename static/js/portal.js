// Progressive enhancements for the portal. Everything works without this file.
"use strict";

// Auto-submit selects marked data-autosubmit (page size choosers). The submit button stays for
// readers without JavaScript.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
    target.form.requestSubmit();
  }
});

// List pages: on a phone, fold the filter panel away unless filters are in use, so the results
// come first. Without JavaScript it stays open.
document.querySelectorAll("details.filter-panel").forEach((panel) => {
  if (panel.dataset.active === undefined && window.matchMedia("(max-width: 767.98px)").matches) {
    panel.open = false;
  }
});
