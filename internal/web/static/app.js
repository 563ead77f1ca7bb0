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

// Ask before actions that cannot be undone with one click.
for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}
