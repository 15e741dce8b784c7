// Officers' pages: improvements on forms that work without JavaScript.
// - formset rows: "add another" buttons clone the row <template> (Django's empty_form)
// - participant search-as-you-type: picks add a row to the "from the register" formset
// - quick-add of an organisation or person: posted in the background, the new record is added
//   to every matching list on the page, so what was typed elsewhere is kept
// - seizure page: the quantity in kilograms, as the server will compute it
"use strict";

(() => {
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
  const search = document.querySelector(".participant-search");
  if (search) {
    search.hidden = false;
    const input = search.querySelector("input[type=search]");
    const results = search.querySelector("[role=listbox]");
    const status = document.getElementById("participant-search-status");
    let timer = null;
    let controller = null;

    const chosenIds = () =>
      new Set(
        Array.from(document.querySelectorAll('[data-formset="part"] input.participant-number'))
          .map((el) => el.value)
          .filter(Boolean),
      );

    const close = () => {
      results.replaceChildren();
      input.setAttribute("aria-expanded", "false");
    };

    const pick = (person) => {
      if (chosenIds().has(String(person.id))) {
        status.textContent = `${person.name} is already listed.`;
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
      status.textContent = `Added ${person.name}.`;
      input.value = "";
      close();
      input.focus();
    };

    const show = (people) => {
      results.replaceChildren();
      people.forEach((person, i) => {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.id = `participant-option-${i}`;
        item.setAttribute("role", "option");
        item.tabIndex = -1;
        const details = [person.organisation, person.country, person.position].filter(Boolean);
        item.textContent = `${person.name} (No. ${person.id})${details.length ? " — " + details.join(", ") : ""}`;
        item.addEventListener("click", () => pick(person));
        item.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); pick(person); }
          if (event.key === "ArrowDown" && item.nextElementSibling) item.nextElementSibling.focus();
          if (event.key === "ArrowUp") (item.previousElementSibling || input).focus();
          if (event.key === "Escape") { close(); input.focus(); }
        });
        results.appendChild(item);
      });
      input.setAttribute("aria-expanded", people.length ? "true" : "false");
      status.textContent = people.length ? `${people.length} found.` : "No one found.";
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
          show((await response.json()).results);
        } catch (error) {
          if (error.name !== "AbortError") status.textContent = "The search did not answer; try again.";
        }
      }, 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && results.firstElementChild) {
        event.preventDefault();
        results.firstElementChild.focus();
      }
      // Enter in the search box must not submit the whole event form.
      if (event.key === "Enter") {
        event.preventDefault();
        if (results.firstElementChild) results.firstElementChild.click();
      }
      if (event.key === "Escape") close();
    });
  }

  // ---- quick-add ---------------------------------------------------------------------------------
  document.querySelectorAll("[data-nojs-note]").forEach((note) => {
    note.textContent = "What you add here appears at once in the lists below; nothing you typed is lost.";
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
            select.add(new Option(answer.label, answer.id));
          });
          document.querySelectorAll("template").forEach((template) => {
            template.content.querySelectorAll(`select[data-option-kind="${kind}"]`).forEach((select) => {
              select.add(new Option(answer.label, answer.id));
            });
          });
          status.textContent = `Added “${answer.label}”: it is now in the lists below.`;
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
        status.textContent = messages.length ? messages.join(" ") : "Not added: correct the marked fields.";
      } catch (error) {
        status.textContent = "Not added: the portal did not answer. Try again.";
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
        if (Number.isNaN(d)) reason = "no kilograms: the substance's density is not known";
        else kg = quantity * d;
      } else reason = "no kilograms: units have no weight";
      kgOut.textContent = kg === null ? reason : `${kg.toLocaleString("en-GB", { maximumFractionDigits: 3 })} kg`;
    };
    ["quantity", "unit", "substance"].forEach((name) => {
      const el = field(name);
      if (el) { el.addEventListener("input", update); el.addEventListener("change", update); }
    });
    update();
  }
})();
