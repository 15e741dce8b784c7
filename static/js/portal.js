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
