// The staff view's live alerts (handover/live.py): every new referral is added to the list
// without a reload; an emergency, a crisis or an urgent one also brings a visible alert and
// a short sound made here with Web Audio (nothing is fetched). Browsers start sound only
// after the nurse has used the page once: "Turn on sound alerts" (or any click) does that.
"use strict";
(function () {
  const LEVEL_ORDER = { crisis: 0, emergency: 0, urgent: 1, routine: 2 };
  const LABEL = { crisis: "CRISIS", emergency: "EMERGENCY", urgent: "URGENT", routine: "routine" };
  const CALLBACK = {
    declined: "Declined: the patient chose not to be called (told how to reach the clinic)",
    "not offered": "Not offered (crisis: the help lines were given)",
    offered: "Offered, no answer yet",
    confirmed: "Confirmed (open the referral)",
  };
  let audio = null;
  const title = document.title;

  function soundButton() { return document.getElementById("sound"); }

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    return audio;
  }

  function showSound() {
    const button = soundButton();
    if (!button) return;
    const on = audio && audio.state === "running";
    button.textContent = on ? "Sound alerts on" : "Turn on sound alerts";
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function enableSound() {
    const context = audioContext();
    if (!context) return;
    context.resume().then(showSound, showSound);
  }

  // Beeps: three high ones for an emergency or a crisis, two lower ones for urgent.
  function beep(level) {
    const context = audioContext();
    if (!context) return false;
    if (context.state !== "running") context.resume().catch(() => {});
    const urgent = level === "urgent";
    const count = urgent ? 2 : 3;
    const start = context.currentTime + 0.05;
    for (let n = 0; n < count; n += 1) {
      const at = start + n * 0.3;
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = "square";
      tone.frequency.value = urgent ? 660 : 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      tone.connect(gain).connect(context.destination);
      tone.start(at);
      tone.stop(at + 0.22);
    }
    document.body.dataset.lastSound = String(Date.now());
    return context.state === "running";
  }

  // A cell as the server writes the list: its column's name in data-label, shown before it
  // where the table is laid out as cards (a narrow screen, staff.css).
  function cell(row, label, text, className) {
    const td = document.createElement("td");
    td.dataset.label = label;
    if (className) {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      td.appendChild(span);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
    return td;
  }

  // The list keeps its order: the most urgent level first, the newest first within it. A
  // new referral is added only where the list would show it: the server names the levels
  // in data-live (none on a later page, a search, or filters a new referral is outside).
  function addRow(referral) {
    const body = document.getElementById("referrals");
    if (!body || body.querySelector(`tr[data-id="${referral.id}"]`)) return;
    if (!(body.dataset.live || "").split(" ").includes(referral.level)) return;
    const row = document.createElement("tr");
    row.dataset.level = referral.level;
    row.dataset.id = String(referral.id);
    row.className = "new";
    cell(row, "Level", referral.level, referral.level);
    cell(row, "Received", referral.created_at_text);  // in the clinic's zone
    const link = document.createElement("a");
    link.href = referral.url;
    link.textContent = referral.summary;
    cell(row, "Summary", "").appendChild(link);
    cell(row, "Callback", CALLBACK[referral.callback] || referral.callback);
    cell(row, "Status", "new", "status status-new");
    cell(row, "Assigned to", "");
    const rank = LEVEL_ORDER[referral.level] ?? 3;
    const before = Array.from(body.rows).find((r) => (LEVEL_ORDER[r.dataset.level] ?? 3) >= rank);
    body.insertBefore(row, before || null);
    const count = document.getElementById("count");
    if (count) count.textContent = String(Number(count.textContent) + 1);
    const empty = document.querySelector(".empty");
    if (empty) empty.hidden = true;
  }

  function alertFor(referral) {
    const box = document.getElementById("live");
    const alert = document.createElement("p");
    alert.className = `live-alert ${referral.level}`;
    alert.dataset.id = String(referral.id);
    const label = LABEL[referral.level] || referral.level;
    alert.append(`New ${label} referral: ${referral.summary} `);
    const link = document.createElement("a");
    link.href = referral.url;
    link.textContent = "Open it";
    alert.appendChild(link);
    box.prepend(alert);
    alert.dataset.shownAt = String(Date.now());
    const played = beep(referral.level);
    alert.dataset.sound = played ? "played" : "off";
    document.title = `🚨 New ${label} – ${title}`;
  }

  function connect() {
    const after = document.body.dataset.after;
    const status = document.getElementById("live-status");
    const source = new EventSource(after ? `/events?after=${encodeURIComponent(after)}` : "/events");
    source.addEventListener("open", () => { status.textContent = "Live updates: on"; });
    source.addEventListener("error", () => {
      status.textContent = "Live updates: reconnecting…";
      // The browser retries a dropped stream by itself, not one refused (a 503 while the
      // database is down): start again in a while, from the last referral shown.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
    source.addEventListener("referral", (event) => {
      const referral = JSON.parse(event.data);
      document.body.dataset.after = String(referral.id);
      addRow(referral);
      if (referral.alert) alertFor(referral);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!document.getElementById("live-status")) return; // the sign-in page: no live updates
    const button = soundButton();
    if (button) button.addEventListener("click", enableSound);
    // Any use of the page lets the browser play sound from then on.
    document.addEventListener("click", () => { if (audio && audio.state !== "running") enableSound(); });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) document.title = title; });
    if (window.localStorage && localStorage.getItem("staff-sound") === "on") audioContext();
    if (button) button.addEventListener("click", () => localStorage.setItem("staff-sound", "on"));
    showSound();
    connect();
  });
})();
