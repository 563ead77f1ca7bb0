// The weekly availability grid: drag with a mouse or a finger to mark or
// clear hours (the cell a drag starts on decides which), mark a whole day
// or hour from its heading, and move with the arrow keys. Without this
// script the grid is plain checkboxes that submit the same way.

for (const table of document.querySelectorAll("table[data-availability]")) {
  const rows = [...table.tBodies[0].rows];
  const boxes = rows.map((row) => [...row.querySelectorAll('input[type="checkbox"]')]);
  const help = table.closest("fieldset")?.querySelector("[data-drag-help]");
  if (help) help.hidden = false;
  table.classList.add("paintable");

  // Painting: a pointer pressed on a cell sets every cell it passes over
  // to the opposite of where the first cell stood.
  let paint = null; // true marks, false clears, null: not dragging
  let pointer = null;
  let swallowClick = false;
  const boxAt = (x, y) => {
    const el = document.elementFromPoint(x, y);
    return el?.closest?.("td")?.querySelector('input[type="checkbox"]') || null;
  };
  const set = (box, on) => {
    if (box && box.checked !== on) {
      box.checked = on;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };
  table.addEventListener("pointerdown", (event) => {
    const box = event.target.closest("td")?.querySelector('input[type="checkbox"]');
    if (!box || event.button !== 0) return;
    event.preventDefault(); // no text selection, no scrolling the page
    paint = !box.checked;
    pointer = event.pointerId;
    swallowClick = true;
    box.focus({ preventScroll: true });
    set(box, paint);
  });
  table.addEventListener("pointermove", (event) => {
    if (paint === null || event.pointerId !== pointer) return;
    // A finger's events all go to the cell it pressed first, so the cell
    // under it is found from where it is now.
    set(boxAt(event.clientX, event.clientY), paint);
  });
  const stop = (event) => {
    if (event.pointerId !== pointer) return;
    paint = null;
    pointer = null;
    // The click that follows a press would toggle the first cell back.
    setTimeout(() => (swallowClick = false), 0);
  };
  for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, stop);
  table.addEventListener(
    "click",
    (event) => {
      if (swallowClick && event.target.matches('input[type="checkbox"]')) event.preventDefault();
    },
    true,
  );

  // Headings become buttons that mark their whole day or hour, or clear
  // it when every cell of it is marked already.
  const toggleAll = (cells) => {
    const on = !cells.every((box) => box.checked);
    for (const box of cells) set(box, on);
  };
  const headingButton = (th, label, cells) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "grid-head";
    button.textContent = th.textContent;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", () => toggleAll(cells()));
    th.replaceChildren(button);
  };
  for (const th of table.tHead.querySelectorAll("th[data-day]")) {
    const day = Number(th.dataset.day);
    headingButton(th, `Mark or clear all of ${th.textContent}`, () => boxes.map((row) => row[day]));
  }
  for (const [i, row] of rows.entries()) {
    const th = row.querySelector("th[data-minute]");
    headingButton(th, `Mark or clear ${th.textContent} on every day`, () => boxes[i]);
  }

  // Keyboard: arrows move between cells (space marks, as on any checkbox).
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  table.addEventListener("keydown", (event) => {
    const step = moves[event.key];
    if (!step || !event.target.matches('input[type="checkbox"]')) return;
    const r = boxes.findIndex((row) => row.includes(event.target));
    const c = boxes[r].indexOf(event.target);
    const next = boxes[r + step[0]]?.[c + step[1]];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });
}
