// Officers' pages: improvements on forms that work without JavaScript.
// - formset rows: "add another" buttons clone the row <template> (Django's empty_form)
// - participant search-as-you-type: picks add a row to the "from the register" formset
// - "Exact dates unknown" shows the worded dates, year and month only when ticked
// - quick-add of an organisation or person: posted in the background, the new record is added
//   to every matching list on the page, so what was typed elsewhere is kept
// - seizure page: the quantity in kilograms, as the server will compute it
"use strict";

(() => {
  // Django's JavaScript catalogue (/jsi18n/, loaded by base.html) translates; without it the
  // English text is shown.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));
  const language = document.documentElement.lang || "en-GB";

  const csrf = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // ---- formset rows --------------------------------------------------------------------------
  // The <template> holds the formset's empty_form rendered through the same include as the
  // server's rows; a copy gets the next form number in place of Django's __prefix__ (in
  // attributes only: names, ids, labels' for — an option's text is left as it is).
  function addRow(prefix) {
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const template = document.getElementById(`${prefix}-template`);
    const rows = document.querySelector(`[data-formset="${prefix}"]`);
    if (!total || !template || !rows) return null;
    const index = String(Number(total.value));
    const row = template.content.firstElementChild.cloneNode(true);
    [row, ...row.querySelectorAll("*")].forEach((element) => {
      Array.from(element.attributes).forEach((attribute) => {
        if (attribute.value.includes("__prefix__")) {
          attribute.value = attribute.value.replaceAll("__prefix__", index);
        }
      });
    });
    rows.appendChild(row);
    total.value = String(Number(index) + 1);
    if (window.portalLookup) {
      row.querySelectorAll("select[data-lookup-url]").forEach(window.portalLookup.setUp);
    }
    return row;
  }

  document.querySelectorAll("[data-add-row]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const row = addRow(button.dataset.addRow);
      const first = row && row.querySelector("input, select");
      if (first) first.focus();
    });
  });

  // ---- participant search ---------------------------------------------------------------------
  // A combobox (WAI-ARIA's "list autocomplete" pattern): the focus stays in the box; the arrow
  // keys move through the results (aria-activedescendant), Enter picks, Escape closes. The
  // results are not in the tab order, so Tab leaves the box for the next field, and they close
  // as soon as the focus leaves the search.
  const search = document.querySelector(".participant-search");
  if (search) {
    search.hidden = false;
    const input = search.querySelector("input[type=search]");
    const results = search.querySelector("[role=listbox]");
    const status = document.getElementById("participant-search-status");
    const text = (name) => search.dataset[name] || "";
    let timer = null;
    let controller = null;
    let active = -1;

    const chosenIds = () =>
      new Set(
        Array.from(document.querySelectorAll('[data-formset="part"] input.participant-number'))
          .map((el) => el.value)
          .filter(Boolean),
      );

    const options = () => Array.from(results.querySelectorAll("[role=option]"));

    const activate = (index) => {
      const all = options();
      active = all.length ? (index + all.length) % all.length : -1;
      all.forEach((option, i) => {
        option.classList.toggle("active", i === active);
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };

    const close = () => {
      clearTimeout(timer);
      if (controller) controller.abort();
      results.replaceChildren();
      results.hidden = true;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", "false");
    };

    const pick = (person) => {
      if (chosenIds().has(String(person.id))) {
        status.textContent = text("alreadyListed").replace("%(name)s", person.name);
        close();
        return;
      }
      // Reuse an empty row when there is one, else add a row.
      let row = Array.from(document.querySelectorAll('[data-formset="part"] .formset-row')).find(
        (r) => !r.querySelector("input.participant-number").value,
      );
      if (!row) row = addRow("part");
      row.querySelector("input.participant-number").value = person.id;
      const label = row.querySelector(".participant-label");
      label.replaceChildren();
      const strong = document.createElement("strong");
      strong.textContent = person.name;
      label.appendChild(strong);
      if (person.organisation) {
        label.appendChild(document.createElement("br"));
        const small = document.createElement("span");
        small.className = "small";
        small.textContent = person.organisation;
        label.appendChild(small);
      }
      status.textContent = text("added").replace("%(name)s", person.name);
      input.value = "";
      close();
      input.focus();
    };

    const show = (people, more) => {
      results.replaceChildren();
      people.forEach((person, i) => {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.id = `participant-option-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        const details = [person.organisation, person.country, person.position].filter(Boolean);
        const named = interpolate(gettext("%(name)s (No. %(number)s)"),
          { name: person.name, number: person.id }, true);
        item.textContent = `${named}${details.length ? " — " + details.join(", ") : ""}`;
        // The box keeps the focus while the pointer picks.
        item.addEventListener("mousedown", (event) => event.preventDefault());
        item.addEventListener("click", () => pick(person));
        results.appendChild(item);
      });
      results.hidden = !people.length;
      active = -1;
      input.setAttribute("aria-expanded", people.length ? "true" : "false");
      if (!people.length) status.textContent = text("none");
      else if (more) status.textContent = text("more").replace("%(count)s", String(people.length));
      else status.textContent = text("found").replace("%(count)s", String(people.length));
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2 && !/^\d+$/.test(q)) { close(); return; }
      timer = setTimeout(async () => {
        if (controller) controller.abort();
        controller = new AbortController();
        try {
          const url = `${search.dataset.searchUrl}?q=${encodeURIComponent(q)}`;
          const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
          if (!response.ok) throw new Error(String(response.status));
          const answer = await response.json();
          if (document.activeElement === input) show(answer.results, answer.more);
        } catch (error) {
          if (error.name !== "AbortError") status.textContent = text("failed");
        }
      }, 200);
    });
    input.addEventListener("keydown", (event) => {
      const open = options().length > 0;
      if (event.key === "ArrowDown" && open) { event.preventDefault(); activate(active + 1); }
      if (event.key === "ArrowUp" && open) { event.preventDefault(); activate(active - 1); }
      // Enter in the search box must not submit the whole event form.
      if (event.key === "Enter") {
        event.preventDefault();
        const all = options();
        if (all.length) all[Math.max(active, 0)].click();
      }
      if (event.key === "Escape" && open) { event.preventDefault(); close(); }
    });
    // The results close when the focus leaves the search (Tab, a click elsewhere).
    input.addEventListener("blur", close);
    results.hidden = true;
  }

  // ---- dates as worded -------------------------------------------------------------------------
  // Shown while "Exact dates unknown" is ticked, or while one of them has an error to correct.
  document.querySelectorAll("[data-shown-by]").forEach((group) => {
    const box = document.getElementById(group.dataset.shownBy);
    if (!box) return;
    const update = () => { group.hidden = !box.checked && !group.querySelector(".is-invalid"); };
    box.addEventListener("change", update);
    update();
  });

  // ---- quick-add ---------------------------------------------------------------------------------
  document.querySelectorAll("[data-nojs-note]").forEach((note) => {
    note.textContent = gettext("What you add here appears at once in the lists below; nothing you typed is lost.");
  });
  document.querySelectorAll("form[data-quick-add]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const kind = form.dataset.quickAdd;
      const status = form.querySelector(".quick-add-status");
      form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
      form.querySelectorAll(".quick-add-error").forEach((el) => el.remove());
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json", "X-CSRFToken": csrf() },
          credentials: "same-origin",
        });
        const answer = await response.json();
        if (response.status === 201) {
          document.querySelectorAll(`select[data-option-kind="${kind}"]`).forEach((select) => {
            if (select.tomselect) select.tomselect.addOption({ id: answer.id, text: answer.label });
            else select.add(new Option(answer.label, answer.id));
          });
          document.querySelectorAll("template").forEach((template) => {
            template.content.querySelectorAll(`select[data-option-kind="${kind}"]`).forEach((select) => {
              select.add(new Option(answer.label, answer.id));
            });
          });
          status.textContent = interpolate(gettext("Added “%(name)s”: it is now in the lists below."),
            { name: answer.label }, true);
          form.reset();
          return;
        }
        const errors = answer.errors || {};
        const messages = [];
        Object.entries(errors).forEach(([field, list]) => {
          const text = list.map((e) => e.message).join(" ");
          const prefix = kind === "person" ? "person" : "org";
          const input = field === "__all__" ? null : form.querySelector(`[name="${prefix}-${field}"]`);
          if (input) {
            input.classList.add("is-invalid");
            const note = document.createElement("div");
            note.className = "invalid-feedback quick-add-error";
            note.textContent = text;
            input.insertAdjacentElement("afterend", note);
          } else {
            messages.push(text);
          }
        });
        status.textContent = messages.length ? messages.join(" ") : gettext("Not added: correct the marked fields.");
      } catch (error) {
        status.textContent = gettext("Not added: the portal did not answer. Try again.");
      }
    });
  });

  // ---- seizure kilograms ---------------------------------------------------------------------
  const densities = document.getElementById("substance-densities");
  const kgOut = document.getElementById("kg-preview");
  if (densities && kgOut) {
    const density = JSON.parse(densities.textContent);
    const perUnit = { g: 0.001, kg: 1, t: 1000 };
    const field = (name) => document.getElementById(`id_${name}`);
    const update = () => {
      const quantity = parseFloat(field("quantity").value);
      const unit = field("unit").value;
      const substance = field("substance").value;
      if (Number.isNaN(quantity) || !unit) { kgOut.textContent = "—"; return; }
      let kg = null;
      let reason = "";
      if (unit in perUnit) kg = quantity * perUnit[unit];
      else if (unit === "L") {
        const d = parseFloat(density[substance] || "");
        if (Number.isNaN(d)) reason = gettext("no kilograms: the substance's density is not known");
        else kg = quantity * d;
      } else reason = gettext("no kilograms: units have no weight");
      kgOut.textContent = kg === null ? reason : interpolate(gettext("%(quantity)s kg"),
        { quantity: kg.toLocaleString(language, { maximumFractionDigits: 3 }) }, true);
    };
    ["quantity", "unit", "substance"].forEach((name) => {
      const el = field(name);
      if (el) { el.addEventListener("input", update); el.addEventListener("change", update); }
    });
    update();
  }
})();
