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

// Tables wider than their box scroll sideways: a keyboard user must be able to reach and scroll
// them, so a region that overflows becomes a named, focusable region (and stops being one when
// the window grows). The name is the table's caption, else the nearest heading.
const SCROLL_REGION = "data-scroll-region";
function markScrollRegions() {
  document.querySelectorAll(".table-responsive").forEach((region) => {
    const overflows = region.scrollWidth > region.clientWidth;
    if (overflows && !region.hasAttribute("tabindex")) {
      const caption = region.querySelector("caption");
      const heading = region.closest("section, .card, main")?.querySelector("h2, h3, h1");
      const name = (caption || heading)?.textContent.trim();
      region.setAttribute(SCROLL_REGION, "");
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      if (name) {
        region.setAttribute("aria-label", name);
      }
    } else if (!overflows && region.hasAttribute(SCROLL_REGION)) {
      ["tabindex", "role", "aria-label", SCROLL_REGION].forEach((name) => region.removeAttribute(name));
    }
  });
}
markScrollRegions();
let resizing;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(markScrollRegions, 150);
});

// The navigation menu, folded behind its toggle on a phone, closes with Escape and gives focus
// back to the toggle. (Escape in an open dropdown inside it closes only the dropdown: Bootstrap
// handles that key first and marks it handled.)
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented) {
    return;
  }
  const menu = document.querySelector(".navbar-collapse.show");
  const toggle = menu && document.querySelector(`[data-bs-target="#${menu.id}"]`);
  if (!toggle) {
    return;
  }
  // eslint-disable-next-line no-undef
  bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
  toggle.focus();
});
