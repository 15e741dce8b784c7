// Searchable relations: the page renders a <select data-lookup-url> holding only the empty
// choice and the chosen records; Tom Select (static/vendor/tom-select/) asks that URL for up to
// 20 records as the user types. The filters (KeyFilter(lookup=...) in
// unodc_portal/core/filters.py) post a record's key ("value"); the event page's fields
// (unodc_portal/core/lookups.py) post its id (data-lookup-value="id"), and a <select multiple>
// keeps several. Without this file the select still shows and submits the chosen records.
"use strict";

(() => {
  // Django's JavaScript catalogue (/jsi18n/, loaded by base.html) translates; without it the
  // English text is shown.
  const ngettext = window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));
  const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));
  const gettext = window.gettext || ((text) => text);
  // Tom Select's render functions return HTML: the translated text is escaped first.
  const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  const lookups = document.querySelectorAll("select[data-lookup-url]");

  // A select inside a formset row <template> is set up when static/js/officer.js adds the row
  // (window.portalLookup), not before: Tom Select needs the element in the page.
  function setUp(select) {
    if (select.tomselect || select.closest("template")) return;
    const url = select.dataset.lookupUrl;
    const min = Number(select.dataset.lookupMin || 2);
    const valueField = select.dataset.lookupValue || "value";
    const plugins = select.multiple ? ["remove_button"] : [];
    // eslint-disable-next-line no-undef
    const widget = new TomSelect(select, {
      valueField,
      labelField: "text",
      searchField: ["text"],
      allowEmptyOption: true,
      maxOptions: 20,
      loadThrottle: 250,
      plugins,
      placeholder: interpolate(ngettext("Type %(count)s letter or more to search",
        "Type %(count)s letters or more to search", min), { count: min }, true),
      // The server chose and ordered the results (every word in one of the searched fields;
      // trainers first, newest events first): they are shown as they come, in that order.
      score: () => () => 1,
      shouldLoad: (query) => query.trim().length >= min,
      load(query, callback) {
        fetch(`${url}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => {
            this.clearOptions(); // the chosen records stay; the last search's results go
            callback(data.results);
          })
          .catch(() => callback());
      },
      render: {
        no_results: () => `<div class="no-results">${escape(gettext("No match"))}</div>`,
        not_loading: () => `<div class="no-results">${escape(interpolate(ngettext(
          "Type %(count)s letter or more", "Type %(count)s letters or more", min),
        { count: min }, true))}</div>`,
      },
    });
    // Tom Select points the field's label at its own search box; the original select, kept
    // for the form, is still named by that label for assistive technology.
    const label = document.querySelector(`label[for="${widget.control_input.id}"]`);
    if (label && label.id) select.setAttribute("aria-labelledby", label.id);
    // The hidden select Tom Select keeps in step is taken out of the accessibility tree, so that
    // no control is left without a name where the label has no id.
    select.setAttribute("aria-hidden", "true");
  }

  lookups.forEach(setUp);
  window.portalLookup = { setUp };
})();
