// The live meeting room: the server holds the state and pushes it by
// Server-Sent Events; this page counts down locally against the server's
// clock and swaps in what changed. Without this file the room still works,
// one form post and page load at a time.

const root = document.querySelector("[data-room]");
if (root) start(root);

function start(root) {
  let snap = JSON.parse(document.getElementById("room-snapshot").textContent);
  // offset is server time minus local time, measured on every snapshot:
  // counting down against it keeps every page on the same second.
  let offset = Date.parse(snap.server_now) - Date.now();
  let seq = snap.seq;
  let warned = false;
  let overtimeSounded = false;
  // The status is hidden without JavaScript, when nothing is live; it
  // says "Live" once the stream is open.
  const status = root.querySelector("[data-live-status]");
  if (status) {
    status.hidden = false;
    status.textContent = "Connecting…";
    status.classList.add("offline");
  }

  // The sound is the member's own preference, kept in this browser. A
  // live refresh replaces its box, so bind sets each new box from the
  // preference, and changes are heard on the room element, which stays.
  const soundOn = () => localStorage.getItem("holdspace-sound") === "on";
  root.addEventListener("change", (event) => {
    if (event.target.matches("[data-sound]")) localStorage.setItem("holdspace-sound", event.target.checked ? "on" : "off");
  });

  function chime() {
    if (!soundOn()) return;
    try {
      const ctx = new AudioContext();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 528;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.08, ctx.currentTime + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 1.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 1.3);
    } catch {
      // No audio here: the visual signal is enough.
    }
  }

  function left() {
    if (snap.phase === "running" && snap.ends_at) return Date.parse(snap.ends_at) - (Date.now() + offset);
    return snap.remaining_ms;
  }

  function fmt(ms) {
    const sign = ms < 0 ? "−" : "";
    const s = Math.round(Math.abs(ms) / 1000);
    return sign + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    const timer = root.querySelector("[data-timer]");
    if (!timer) return;
    const ms = left();
    timer.textContent = fmt(ms);
    const card = root.querySelector("[data-timer-card]");
    const step = snap.agenda[snap.step];
    const total = step ? step.seconds * 1000 : 1;
    const bar = root.querySelector("[data-bar]");
    if (bar) bar.style.width = Math.max(0, Math.min(100, 100 - (ms / total) * 100)) + "%";
    const note = root.querySelector("[data-timer-note]");
    const running = snap.phase === "running";
    const warning = running && ms > 0 && ms <= 60000;
    const over = running && ms <= 0;
    card?.classList.toggle("warning", warning);
    card?.classList.toggle("overtime", over);
    if (note) note.textContent = over ? "Time is up — finish your thought." : warning ? "One minute left." : "";
    if (warning && !warned) warned = true;
    if (over && !overtimeSounded) {
      overtimeSounded = true;
      chime();
    }
  }

  // refresh fetches the page again and swaps the live regions, except one
  // in which the member is typing: their words are never thrown away.
  async function refresh() {
    const res = await fetch(location.pathname, { headers: { Accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    for (const region of root.querySelectorAll("[data-live]")) {
      const fresh = doc.querySelector(`[data-live="${region.dataset.live}"]`);
      if (!fresh) continue;
      const active = document.activeElement;
      const typing = active && region.contains(active) && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type !== "checkbox" && active.type !== "radio"));
      const dirty = [...region.querySelectorAll("textarea, input[type=text], input:not([type])")].some((el) => el.value !== el.defaultValue);
      if (typing || dirty) continue;
      keepChoices(region, fresh);
      region.replaceWith(fresh);
    }
    bind();
    tick();
  }

  // keepChoices carries the choices the member has made in region and
  // not yet sent — a mood, the presenters ticked, the help asked for, a
  // form opened — into fresh, so that a new step or someone else's
  // check-in does not undo them. A control is the same one in both when
  // its form, name and (for a box or a radio button) value are.
  function keepChoices(region, fresh) {
    const key = (el) => [el.form?.getAttribute("action"), el.name, el.tagName === "SELECT" ? "" : el.value].join("\n");
    const twins = new Map();
    const choices = "input[type=checkbox][name], input[type=radio][name], select[name]";
    for (const el of fresh.querySelectorAll(choices)) twins.set(key(el), el);
    for (const el of region.querySelectorAll(choices)) {
      const twin = twins.get(key(el));
      if (!twin) continue;
      if (el.tagName === "SELECT") {
        if ([...el.options].some((o) => o.selected !== o.defaultSelected)) twin.value = el.value;
      } else if (el.checked !== el.defaultChecked) {
        twin.checked = el.checked;
      }
    }
    // A form the member opened ("Make it mine") stays open.
    const formOf = (d) => d.querySelector("form")?.getAttribute("action");
    for (const d of region.querySelectorAll("details[open]")) {
      const twin = [...fresh.querySelectorAll("details")].find((f) => formOf(f) && formOf(f) === formOf(d));
      if (twin) twin.open = true;
    }
  }

  function apply(next) {
    const stepChanged = next.step !== snap.step || next.phase !== snap.phase;
    offset = Date.parse(next.server_now) - Date.now();
    snap = next;
    if (stepChanged) {
      warned = false;
      overtimeSounded = false;
    }
    if (next.seq !== seq) {
      seq = next.seq;
      refresh();
    }
    tick();
    // A guest cannot be invited to a meeting that has ended.
    if (next.phase === "ended") document.getElementById("guests")?.remove();
  }

  // The help a presenter asks for is theirs alone to say, so it goes with
  // the meeting's newest version, even from a form that a refresh left
  // as it was because someone was typing nearby.
  root.addEventListener("submit", (event) => {
    const form = event.target;
    const version = form.querySelector('input[name="version"]');
    if (version && form.querySelector('input[name="kind"][value="help"]')) version.value = String(snap.version);
  });

  // Timer buttons post in the background; the new state arrives by the
  // stream, for this page as for everyone else's.
  function bind() {
    const soundBox = root.querySelector("[data-sound]");
    if (soundBox) soundBox.checked = soundOn();
    for (const form of root.querySelectorAll("form[data-command]")) {
      if (form.dataset.bound) continue;
      form.dataset.bound = "1";
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const body = new URLSearchParams(new FormData(form));
        body.set("version", String(snap.version));
        const res = await fetch(form.action, { method: "POST", body, headers: { Accept: "application/json" } });
        if (!res.ok && status) {
          status.textContent = (await res.text()) || "That did not work.";
          status.classList.add("problem");
          setTimeout(() => status.classList.remove("problem"), 4000);
        }
      });
    }
  }

  let backoff = 1000;
  function connect() {
    const source = new EventSource(root.dataset.events);
    const live = () => {
      backoff = 1000;
      if (status) {
        status.textContent = "Live";
        status.classList.remove("offline");
      }
    };
    // A page that reconnects already holding the current state is sent
    // nothing new, so being connected is what says "live".
    source.addEventListener("open", live);
    source.addEventListener("state", (event) => {
      live();
      apply(JSON.parse(event.data));
    });
    source.addEventListener("error", () => {
      if (status) {
        status.textContent = "Reconnecting…";
        status.classList.add("offline");
      }
      // EventSource reconnects by itself after a dropped stream, sending
      // Last-Event-ID; the server answers with the current state. An
      // answer other than a stream (a server restarting says 503) closes
      // it for good, so then we open a new one, waiting longer each time.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 15000);
      }
    });
  }

  bind();
  tick();
  setInterval(tick, 250);
  connect();
}
