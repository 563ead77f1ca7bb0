// The live meeting room: the server holds the state and pushes it by
// Server-Sent Events; this page counts down locally against the server's
// clock and swaps in what changed. Forms post in the background and the
// page updates in place. Without this file the room still works, one
// form post and page load at a time.
//
// Nothing pressed is lost: while the server cannot be reached, a timer
// command waits (with the version of the meeting it was pressed on) and
// a check-in, an offer or a note waits with its words, and each is sent
// when the room is back. The server refuses a command the meeting has
// moved past, and the page says so.

const root = document.querySelector("[data-room]");
if (root) start(root);

function start(root) {
  let snap = JSON.parse(document.getElementById("room-snapshot").textContent);
  // offset is server time minus local time, measured on every snapshot:
  // counting down against it keeps every page on the same second.
  let offset = Date.parse(snap.server_now) - Date.now();
  let seq = snap.seq;
  let overtimeSounded = false;
  // cut: the live stream broke and has not come back, so snap may no
  // longer be the server's state. Meanwhile the clock stops where it was
  // rather than guess.
  let cut = false;
  let frozen = null;
  // The status is hidden without JavaScript, when nothing is live; it
  // says "Live" once the stream is open.
  const status = root.querySelector("[data-live-status]");
  const message = root.querySelector("[data-room-message]");
  if (status) status.hidden = false;
  showStatus("Connecting…", true);

  function showStatus(text, offline) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("offline", offline);
  }

  // say shows a message in the pinned bar, where it is seen whatever the
  // page is scrolled to. A problem stays until the next message; news
  // goes after a while.
  let sayTimer = 0;
  function say(text, kind) {
    if (!message) return;
    clearTimeout(sayTimer);
    message.textContent = text;
    message.hidden = !text;
    message.className = "room-message " + (kind || "");
    if (kind === "news") sayTimer = setTimeout(() => say(""), 5000);
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
    const card = root.querySelector("[data-timer-card]");
    const note = root.querySelector("[data-timer-note]");
    card?.classList.toggle("stale", cut);
    if (cut) {
      // The last second the server vouched for, held still.
      if (frozen === null) frozen = left();
      timer.textContent = fmt(frozen);
      card?.classList.remove("warning", "overtime");
      if (note) note.textContent = "The clock waits until the connection is back.";
      return;
    }
    frozen = null;
    const ms = left();
    timer.textContent = fmt(ms);
    const step = snap.agenda[snap.step];
    const total = step ? step.seconds * 1000 : 1;
    const bar = root.querySelector("[data-bar]");
    if (bar) bar.style.width = Math.max(0, Math.min(100, 100 - (ms / total) * 100)) + "%";
    const running = snap.phase === "running";
    const warning = running && ms > 0 && ms <= 60000;
    const over = running && ms <= 0;
    card?.classList.toggle("warning", warning);
    card?.classList.toggle("overtime", over);
    if (note) note.textContent = over ? "Time is up — finish your thought." : warning ? "One minute left." : "";
    if (over && !overtimeSounded) {
      overtimeSounded = true;
      chime();
    }
  }

  // blocked reports whether el holds words the member is typing or has
  // typed and not sent: those are never thrown away by a refresh.
  function blocked(el) {
    const active = document.activeElement;
    const typing = active && el.contains(active) && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && !["checkbox", "radio", "hidden", "submit"].includes(active.type)));
    return typing || [...el.querySelectorAll("textarea, input[type=text], input:not([type])")].some((f) => f.value !== f.defaultValue);
  }

  // swap puts fresh in old's place, or, when old holds unsent words, its
  // parts with an id one by one, around the words.
  let held = false;
  function swap(old, fresh) {
    if (!blocked(old)) {
      keepChoices(old, fresh);
      old.replaceWith(fresh);
      return;
    }
    held = true;
    for (const part of old.querySelectorAll(":scope > [id]")) {
      const twin = [...fresh.children].find((f) => f.id === part.id);
      if (twin) swap(part, twin);
    }
  }

  // refresh fetches the page again and swaps the live regions. A second
  // call while one runs makes it run once more at the end, so the last
  // change is always shown.
  let refreshing = null;
  let again = false;
  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        held = false;
        let doc;
        try {
          // The query keeps a question the runner is answering (start early,
          // end) on screen, drawn anew at the meeting's newest version.
          const res = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" } });
          if (!res.ok) return;
          doc = new DOMParser().parseFromString(await res.text(), "text/html");
        } catch {
          // Offline: the stream's return brings a refresh.
          return;
        }
        for (const region of root.querySelectorAll("[data-live]")) {
          const fresh = doc.querySelector(`[data-live="${region.dataset.live}"]`);
          if (fresh) swap(region, fresh);
        }
        bind();
        tick();
      } while (again);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
  }

  // A part held back for the member's words is brought up to date when
  // they leave it.
  root.addEventListener("focusout", () => {
    if (held) setTimeout(() => held && !refreshing && refresh(), 200);
  });

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
    if (stepChanged) overtimeSounded = false;
    if (next.seq !== seq) {
      seq = next.seq;
      refresh();
    }
    tick();
    // A guest cannot be invited to a meeting that has ended.
    if (next.phase === "ended") document.getElementById("guests")?.remove();
  }

  // What waits to be sent, in the order it was pressed: at most one timer
  // command (a later press replaces an earlier one, as the latest
  // intention) and one post per form.
  let waiting = [];

  // post sends one thing; it answers {ok, text} for an answer from the
  // server, and throws when the server cannot be reached.
  async function post(item) {
    const res = await fetch(item.action, { method: "POST", body: item.body, headers: { Accept: "application/json" } });
    let text = "";
    if ((res.headers.get("Content-Type") || "").startsWith("application/json")) {
      text = (await res.json().catch(() => ({}))).message || "";
    }
    if (!res.ok && !text) {
      text = res.status >= 500 ? "Something went wrong on our side. Try again in a moment." : "That did not work. Reload the page and try again.";
    }
    return { ok: res.ok, status: res.status, text };
  }

  function describeWaiting() {
    if (!waiting.length) return;
    const names = waiting.map((i) => "“" + i.label + "”").join(", ");
    say("Offline — " + names + " will be sent when reconnected.", "waiting");
  }

  // wait keeps item for later. The stream's return sends it; so does a
  // try every few seconds, for a post that failed while the stream held.
  let retry = 0;
  function wait(item) {
    waiting = waiting.filter((i) => i.key !== item.key);
    waiting.push(item);
    describeWaiting();
    if (!retry) {
      retry = setInterval(() => {
        if (!waiting.length) {
          clearInterval(retry);
          retry = 0;
          return;
        }
        if (!cut) flush();
      }, 3000);
    }
  }

  // send posts item now, or keeps it for later when the server cannot be
  // reached.
  async function send(item) {
    if (waiting.length) {
      // Behind what waits, in the order pressed.
      wait(item);
      if (!cut) flush();
      return;
    }
    let answer;
    try {
      answer = await post(item);
    } catch {
      wait(item);
      return;
    }
    done(item, answer);
  }

  function done(item, answer) {
    // A start the meeting's time makes early is asked about first, on the
    // page, as without this script.
    if (answer.status === 409 && item.body.get("kind") === "start" && !item.body.get("confirm")) {
      location.assign(root.dataset.base + "?confirm=start#confirm");
      return;
    }
    if (answer.ok) {
      item.sent?.();
      if (answer.text) say(answer.text, "news");
      // The stream brings the change, to this page as to everyone's;
      // should it not come, the page fetches it itself.
      const before = seq;
      setTimeout(() => seq === before && refresh(), 1500);
      return;
    }
    say((item.late ? "“" + item.label + "” was not sent: " : "") + answer.text, "problem");
  }

  // flush sends what waited, in order, once the room is back.
  let flushing = false;
  async function flush() {
    if (flushing || !waiting.length) return;
    flushing = true;
    try {
      while (waiting.length) {
        const item = waiting[0];
        item.late = true;
        let answer;
        try {
          answer = await post(item);
        } catch {
          describeWaiting();
          return;
        }
        waiting = waiting.filter((i) => i !== item);
        if (answer.ok && !answer.text) answer.text = "“" + item.label + "” was sent.";
        done(item, answer);
      }
    } finally {
      flushing = false;
    }
  }

  let commanding = false;
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-command], form[data-inplace]")) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    const button = event.submitter || form.querySelector("button");
    const label = (button?.textContent || "Your change").trim();
    if (form.matches("[data-command]")) {
      // A second press while the first is on its way (a double tap) would
      // only be refused as made on an old version: it is not sent.
      if (commanding) return;
      // A timer command goes with the version of the meeting this page
      // shows: if the meeting has moved on by the time it arrives, the
      // server refuses it rather than act on what nobody saw.
      body.set("version", String(snap.version));
      commanding = true;
      send({ key: "command", action: form.action, body, label }).finally(() => {
        commanding = false;
      });
      return;
    }
    // The help a presenter asks for is theirs alone to say, so it goes
    // with the meeting's newest version.
    if (form.querySelector('input[name="kind"][value="help"]')) body.set("version", String(snap.version));
    send({
      key: form.getAttribute("action") + "\n" + (body.get("presenter_id") || ""),
      action: form.action,
      body,
      label,
      // Sent: the words are the server's now, so the form is clean and
      // the refresh may replace it; an offer's box is emptied for the
      // next one.
      sent() {
        if (form.isConnected && form.contains(document.activeElement)) document.activeElement.blur();
        if (form.getAttribute("action").endsWith("/offers")) form.reset();
        for (const f of form.querySelectorAll("input, textarea")) f.defaultValue = f.value;
      },
    });
  });

  function bind() {
    const soundBox = root.querySelector("[data-sound]");
    if (soundBox) soundBox.checked = soundOn();
  }

  // lost marks the page as cut off from the room.
  function lost() {
    cut = true;
    showStatus("Reconnecting…", true);
    tick();
  }

  let backoff = 1000;
  function connect() {
    const source = new EventSource(root.dataset.events);
    const live = () => {
      backoff = 1000;
      const was = cut;
      cut = false;
      showStatus("Live", false);
      // Back after a gap: the stream's first state brings what changed
      // meanwhile; then what waited is sent.
      if (was && message?.classList.contains("waiting")) say("");
      tick();
      flush();
    };
    // A page that reconnects already holding the current state is sent
    // nothing new, so being connected is what says "live".
    source.addEventListener("open", live);
    source.addEventListener("state", (event) => {
      live();
      apply(JSON.parse(event.data));
    });
    source.addEventListener("error", () => {
      lost();
      // EventSource reconnects by itself after a dropped stream, sending
      // Last-Event-ID; the server answers with the current state. An
      // answer other than a stream (a server restarting says 503) closes
      // it for good, so then we open a new one, waiting longer each time.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 8000);
      }
    });
  }
  window.addEventListener("offline", lost);

  bind();
  tick();
  setInterval(tick, 250);
  connect();
}
