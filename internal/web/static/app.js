// Small progressive enhancements; every page works without this file.

// Pre-select the browser's time zone in time-zone menus that nobody has
// chosen for yet (a fresh sign-up or invitation form).
for (const select of document.querySelectorAll("select[data-detect-tz]")) {
  if (select.dataset.touched || select.closest("form")?.querySelector("[aria-invalid]")) continue;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const current = select.value;
  if (!zone || (current && current !== "UTC")) continue;
  let option = [...select.options].find((o) => o.value === zone);
  if (!option) {
    option = new Option(zone, zone);
    select.add(option, 0);
  }
  select.value = zone;
}

// The site menu on a phone: the button opens and closes it, Escape closes
// it and gives the focus back to the button. Wider screens never show the
// button, and without this script the menu is simply open.
const menuToggle = document.querySelector("[data-menu-toggle]");
if (menuToggle) {
  const setOpen = (open) => menuToggle.setAttribute("aria-expanded", String(open));
  menuToggle.addEventListener("click", () => setOpen(menuToggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || menuToggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    menuToggle.focus();
  });
}

// Copy buttons put a read-only field's text on the clipboard. Without this
// script the button stays hidden, and the field is there to select.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) continue;
  const status = button.closest(".copy-field")?.querySelector("[data-copy-status]");
  button.hidden = false;
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    let copied;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch {
      // Without the clipboard API (an old browser, or a page not served
      // over HTTPS), the browser's own copy of a selection.
      field.select();
      copied = document.execCommand("copy");
    }
    button.textContent = copied ? "Copied" : "Copy";
    if (status) status.textContent = copied ? "Copied: paste it where your calendar asks for a URL." : "Select the address and copy it.";
  });
}

// Folds that only a phone needs open on a wider screen, where there is
// room: once, as the page loads, so the reader can still close them.
if (matchMedia("(min-width: 56rem)").matches) {
  for (const fold of document.querySelectorAll("details[data-open-wide]")) fold.open = true;
}

// Ask before actions that cannot be undone with one click.
for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}

// Person pickers: find people as someone types, from the directory's API,
// a page of at most eight at a time. Without this script the typed name is
// resolved when the form is sent.
for (const picker of document.querySelectorAll("[data-picker]")) {
  const field = picker.dataset.picker;
  const multi = picker.hasAttribute("data-multi");
  const input = picker.querySelector('input[type="search"]');
  const list = picker.querySelector('[role="listbox"]');
  const picked = picker.querySelector("[data-picked]");
  let found = [];
  let active = -1;
  let timer = 0;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (i) => {
    active = i;
    for (const [j, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(j === i));
    if (i >= 0) input.setAttribute("aria-activedescendant", list.children[i].id);
  };
  const choose = (person) => {
    if (multi) {
      const chips = picker.querySelector("[data-chips]");
      if (!chips.querySelector(`input[value="${CSS.escape(person.id)}"]`)) {
        const li = document.createElement("li");
        const label = document.createElement("label");
        label.className = "chip";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = field;
        box.value = person.id;
        box.checked = true;
        label.append(box, " " + person.name);
        li.append(label);
        chips.append(li);
      }
      input.value = "";
    } else {
      picked.value = person.id;
      input.value = person.name;
    }
    input.removeAttribute("aria-invalid");
    close();
  };
  const show = () => {
    list.replaceChildren();
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "Nobody matches yet: try a surname or an email address.";
      list.append(li);
    }
    for (const [i, person] of found.entries()) {
      const li = document.createElement("li");
      li.id = `${input.id}-option-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = person.name;
      const about = document.createElement("span");
      about.className = "muted small";
      about.textContent = [person.department, person.email].filter(Boolean).join(" · ");
      li.append(name, about);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(person);
      });
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    mark(found.length ? 0 : -1);
  };
  const ask = async () => {
    const q = input.value.trim();
    if (!q) {
      close();
      return;
    }
    const mine = ++asked;
    try {
      const response = await fetch(`/api/v1/people?limit=8&q=${encodeURIComponent(q)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || mine !== asked) return;
      found = (await response.json()).people || [];
      show();
    } catch {
      close(); // the form still resolves the typed name when sent
    }
  };

  input.addEventListener("input", () => {
    if (picked) picked.value = "";
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (found.length) mark((active + step + found.length) % found.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(found[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}
