// Names for the admin's searchable selects (select2, behind Django's autocomplete_fields), which
// assistive technology otherwise meets unnamed: the box that opens the list is named by the
// field's label (or, in a tabular inline, by the select's own aria-label: "Participant, row 3")
// followed by the value chosen; the typing box of a multiple select by the same name; and
// select2's list of chosen values, which holds a non-item element, is not announced as a list.
// select2 redraws these parts whenever the value changes, so the names are set again on every
// change of the page. A row added to a tabular inline ("Add another") is a copy of the template
// row, whose fields are named "…, new row" (unodc_portal.core.admin_history.LabelledRowsFormSet):
// they are renamed with the row's number.
"use strict";

(() => {
  // The JavaScript catalogue (/jsi18n/) where the page loads it; the English words otherwise.
  const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
  let counter = 0;

  function idOf(element) {
    if (!element.id) {
      counter += 1;
      element.id = `admin-label-${counter}`;
    }
    return element.id;
  }

  // The field's label; in a tabular inline, where there is none, a hidden copy of the select's
  // aria-label kept in select2's box (a name may be read from a hidden element).
  function nameOf(select, container) {
    const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    if (label) {
      return { id: idOf(label), text: label.textContent.replace(/:\s*$/, "").trim() };
    }
    const text = select.getAttribute("aria-label") || select.name;
    let copy = container.querySelector(".admin-label-name");
    if (!copy) {
      copy = document.createElement("span");
      copy.className = "admin-label-name";
      copy.hidden = true;
      container.appendChild(copy);
    }
    if (copy.textContent !== text) {
      copy.textContent = text;
    }
    return { id: idOf(copy), text };
  }

  function nameSelect(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) {
      return;
    }
    const name = nameOf(select, container);
    const box = container.querySelector(".select2-selection");
    const rendered = container.querySelector(".select2-selection__rendered");
    if (box && rendered) {
      const wanted = rendered.tagName === "UL" ? name.id : `${name.id} ${idOf(rendered)}`;
      if (box.getAttribute("aria-labelledby") !== wanted) {
        box.setAttribute("aria-labelledby", wanted);
      }
    }
    // A single select's chosen value is text, read as part of the box's name: not a read-only
    // text box of its own (which would need a name too).
    if (rendered && rendered.getAttribute("role") === "textbox") {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
    if (rendered && rendered.tagName === "UL" && rendered.getAttribute("role") !== "presentation") {
      rendered.setAttribute("role", "presentation");
    }
    container.querySelectorAll(".select2-selection__rendered > li").forEach((item) => {
      if (item.getAttribute("role") !== "presentation") {
        item.setAttribute("role", "presentation");
      }
    });
    container.querySelectorAll(".select2-search__field").forEach((field) => {
      if (field.getAttribute("aria-label") !== name.text) {
        field.setAttribute("aria-label", name.text);
      }
    });
  }

  // The two boxes of a date and time field (AdminSplitDateTime: "Date: [ ] Time: [ ]") have no
  // label of their own: each is named by the field's label and its part.
  function nameSplitDateTime(paragraph) {
    const row = paragraph.closest(".form-row, .fieldBox, td");
    const label = row ? row.querySelector("label") : null;
    const field = label ? label.textContent.replace(/:\s*$/, "").trim() : "";
    const parts = [gettext("date"), gettext("time")];
    paragraph.querySelectorAll("input").forEach((input, index) => {
      const name = field ? `${field}, ${parts[index] || ""}` : parts[index] || "";
      if (name && !input.labels.length && input.getAttribute("aria-label") !== name) {
        input.setAttribute("aria-label", name);
      }
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameSelect);
    document.querySelectorAll("p.datetime").forEach(nameSplitDateTime);
    // SelectFilter2's search icons carry an aria-label, which a plain span may not: they are
    // images with that name.
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  let pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        nameAll();
      });
    }
  }

  // Django's inlines.js sends formset:added from the new row; its id ends with the row's index.
  document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const index = Number(row.id.split("-").pop());
    if (Number.isNaN(index)) {
      return;
    }
    const rowName = gettext("row %(number)s").replace("%(number)s", String(index + 1));
    row.querySelectorAll("[aria-label]").forEach((field) => {
      const label = field.getAttribute("aria-label");
      const comma = label.lastIndexOf(", ");
      if (comma > 0) {
        field.setAttribute("aria-label", `${label.slice(0, comma)}, ${rowName}`);
      }
    });
    schedule();
  });

  document.addEventListener("DOMContentLoaded", () => {
    nameAll();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
