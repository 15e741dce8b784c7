// A record's files page: the upload form improved. Without this script the form posts all the
// chosen files at once with one set of details, and the page answers with what was stored and
// what was refused. With it:
// - each chosen file gets its own details (a copy of the form's details, the title set to the
//   file's name; the photo fields only for photos);
// - each file is sent as its own request (XMLHttpRequest, for its upload progress) with the
//   CSRF token, and a progress bar (role=progressbar, aria values) shows while it uploads;
// - the answer (JSON) adds the stored file to the list, or shows the refusal beside the file.
"use strict";

(() => {
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));

  const form = document.querySelector("form[data-attachment-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector("input[type=file][data-upload-files]");
  const details = form.querySelector("[data-upload-details]");
  const queue = form.querySelector("[data-upload-queue]");
  const list = document.querySelector("#attachment-list tbody");
  if (!input || !details || !queue) return;

  const csrf = () => {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return token ? token.value : "";
  };

  const titleFrom = (name) => {
    const base = name.split(/[\\/]/).pop();
    const dot = base.lastIndexOf(".");
    return (dot > 0 ? base.slice(0, dot) : base).trim() || base;
  };

  // Photo fields (alternative text, caption, credit, consent) only when the kind is "photo".
  const togglePhotoFields = (scope) => {
    const kind = scope.querySelector("select[name=kind]");
    const photo = !kind || kind.value === "photo";
    scope.querySelectorAll("[data-photo-field]").forEach((field) => { field.hidden = !photo; });
  };

  let counter = 0;
  // A copy of the details for one file: ids (and the labels and descriptions naming them)
  // made unique, errors of an earlier answer left out.
  function detailsFor(file) {
    counter += 1;
    const copy = details.cloneNode(true);
    copy.removeAttribute("data-upload-details");
    copy.hidden = false;
    copy.querySelectorAll(".invalid-feedback").forEach((node) => node.remove());
    copy.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
    const suffix = `-file${counter}`;
    copy.querySelectorAll("[id]").forEach((node) => { node.id += suffix; });
    copy.querySelectorAll("label[for]").forEach((node) => {
      node.htmlFor += suffix;
    });
    copy.querySelectorAll("[aria-describedby]").forEach((node) => {
      const ids = node.getAttribute("aria-describedby").split(/\s+/).filter(Boolean);
      node.setAttribute("aria-describedby", ids.map((id) => id + suffix).join(" "));
    });
    copy.querySelectorAll("input, select, textarea").forEach((field) => { field.disabled = false; });
    const legend = copy.querySelector("legend");
    if (legend) legend.textContent = interpolate(gettext("Details of %(name)s"), { name: file.name }, true);
    const title = copy.querySelector("input[name=title]");
    if (title) title.value = titleFrom(file.name);
    const kind = copy.querySelector("select[name=kind]");
    if (kind) {
      if (file.type.startsWith("image/") && kind.querySelector("option[value=photo]")) {
        kind.value = "photo";
      }
      kind.addEventListener("change", () => togglePhotoFields(copy));
    }
    togglePhotoFields(copy);
    return copy;
  }

  function entryFor(file) {
    const entry = document.createElement("div");
    entry.className = "upload-entry border rounded p-3 mb-3";
    entry.upload = file;
    const heading = document.createElement("p");
    heading.className = "fw-bold mb-2";
    heading.textContent = file.name;
    const progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.hidden = true;
    progress.className = "w-100";
    progress.setAttribute("role", "progressbar");
    progress.setAttribute("aria-valuemin", "0");
    progress.setAttribute("aria-valuemax", "100");
    progress.setAttribute("aria-valuenow", "0");
    progress.setAttribute("aria-label", interpolate(gettext("Uploading %(name)s"), { name: file.name }, true));
    const message = document.createElement("div");
    message.className = "upload-message";
    message.setAttribute("aria-live", "polite");
    entry.append(heading, progress, message, detailsFor(file));
    return entry;
  }

  input.addEventListener("change", () => {
    queue.replaceChildren(...Array.from(input.files).map(entryFor));
    const several = input.files.length > 0;
    details.hidden = several;
    details.querySelectorAll("input, select, textarea").forEach((field) => {
      field.disabled = several;
    });
  });

  const show = (entry, text, kind) => {
    const message = entry.querySelector(".upload-message");
    message.replaceChildren();
    const box = document.createElement("div");
    box.className = `alert alert-${kind} mb-2`;
    if (kind === "danger") box.setAttribute("role", "alert");
    box.textContent = text;
    message.append(box);
  };

  function send(entry) {
    return new Promise((resolve) => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", csrf());
      data.append("files", entry.upload, entry.upload.name);
      entry.querySelectorAll("input[name], select[name], textarea[name]").forEach((field) => {
        if (field.type !== "file") data.append(field.name, field.value);
      });
      const progress = entry.querySelector("progress");
      progress.hidden = false;
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("X-CSRFToken", csrf());
      request.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((event.loaded / event.total) * 100);
        progress.value = percent;
        progress.setAttribute("aria-valuenow", String(percent));
      });
      request.addEventListener("load", () => {
        progress.value = 100;
        progress.setAttribute("aria-valuenow", "100");
        let answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
        if (answer && answer.stored && answer.stored.length) {
          answer.stored.forEach((stored) => {
            if (list) list.insertAdjacentHTML("beforeend", stored.row);
          });
          const empty = document.getElementById("attachment-list-empty");
          if (empty) empty.remove();
          show(entry, interpolate(gettext("Stored: %(title)s."), { title: answer.stored[0].title }, true),
               "success");
          entry.querySelector("fieldset").remove();
          entry.dataset.done = "stored";
        } else {
          const messages = [];
          if (answer) {
            (answer.refused || []).forEach((refusal) => messages.push(refusal.message));
            Object.values(answer.errors || {}).forEach((errors) => {
              errors.forEach((text) => { if (!messages.includes(text)) messages.push(text); });
            });
          }
          show(entry, messages.join(" ") || gettext("The file could not be stored."), "danger");
          entry.dataset.done = "refused";
        }
        resolve();
      });
      const failed = () => {
        show(entry, gettext("The upload was interrupted before the whole file arrived. Nothing was stored: send the file again."), "danger");
        entry.dataset.done = "refused";
        resolve();
      };
      request.addEventListener("error", failed);
      request.addEventListener("abort", failed);
      request.send(data);
    });
  }

  form.addEventListener("submit", async (event) => {
    const entries = Array.from(queue.querySelectorAll(".upload-entry"))
      .filter((entry) => entry.dataset.done !== "stored");
    if (!entries.length) return; // nothing chosen: the server says so
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    for (const entry of entries) {
      await send(entry); // one at a time: the server and the connection are shared
    }
    button.disabled = false;
    input.value = "";
  });
})();
