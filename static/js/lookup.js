// Searchable relation filters (KeyFilter(lookup=...) in unodc_portal/core/filters.py): the page
// renders a <select data-lookup-url> holding only the empty choice and the chosen record; Tom
// Select (static/vendor/tom-select/) asks that URL for up to 20 records as the user types.
// Without this file the select still shows and submits the chosen record.
"use strict";

document.querySelectorAll("select[data-lookup-url]").forEach((select) => {
  const url = select.dataset.lookupUrl;
  const min = Number(select.dataset.lookupMin || 2);
  // eslint-disable-next-line no-undef
  new TomSelect(select, {
    valueField: "value",
    labelField: "text",
    searchField: ["text"],
    allowEmptyOption: true,
    maxOptions: 20,
    loadThrottle: 250,
    placeholder: `Type ${min} letters or more to search`,
    shouldLoad: (query) => query.trim().length >= min,
    load(query, callback) {
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => callback(data.results))
        .catch(() => callback());
    },
    render: {
      no_results: () => '<div class="no-results">No match</div>',
      not_loading: () => `<div class="no-results">Type ${min} letters or more</div>`,
    },
  });
  // Tom Select moves the label to its own search box; the hidden select it keeps in step is
  // taken out of the accessibility tree so that no control is left without a name.
  select.setAttribute("aria-hidden", "true");
});
