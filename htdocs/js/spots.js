/* spots.js — sponsor spots between songs on plans that have them (Free).
 * After every song that plays to its end ("lyre:played" with event "complete",
 * player.js) it asks GET /plans/spot.json whether a spot is due; the server
 * counts the listener's completed songs (anonymous players send their own
 * count as ?played=N).  A due spot pauses the queue, plays in an <audio> of
 * its own under a banner ("Sponsor · title · Learn more", a link to Premium)
 * and then the queue goes on where it was.  A spot without audio shows its
 * banner for a few seconds.  Anything failing (network, autoplay refused)
 * simply lets the music go on. */
(function () {
  "use strict";
  var doc = document;
  var SPOT_URL = "/plans/spot.json";
  var COUNT_KEY = "lyre.spots.played";   // anonymous only: songs since the last spot
  var ASK_DELAY_MS = 1200;                // the "complete" play event lands first
  var TEXT_ONLY_MS = 8000;
  var MAX_SPOT_MS = 75000;                // a spot never holds the queue longer

  var busy = false;
  var ui = null;

  function signedIn() {
    var acc = doc.getElementById("account");
    return !!(acc && acc.getAttribute("data-csrf"));
  }
  function anonCount(add) {
    var n = 0;
    try {
      n = parseInt(window.sessionStorage.getItem(COUNT_KEY) || "0", 10) || 0;
      if (add !== undefined) {
        n = add < 0 ? 0 : n + add;
        window.sessionStorage.setItem(COUNT_KEY, String(n));
      }
    } catch (e) { /* private mode: no count, no spots */ }
    return n;
  }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function build() {
    if (ui) return ui;
    var root = el("section", "spot-banner");
    root.setAttribute("aria-label", "Sponsor message");
    root.setAttribute("aria-live", "polite");
    root.hidden = true;
    var line = el("p", "spot-line");
    var kicker = el("span", "spot-kicker", "Sponsor");
    var title = el("strong", "spot-title");
    var more = el("a", "spot-more", "Learn more");
    more.target = "_blank";
    more.rel = "noopener noreferrer sponsored";
    line.appendChild(kicker);
    line.appendChild(doc.createTextNode(" · "));
    line.appendChild(title);
    var moreSep = doc.createTextNode(" · ");
    line.appendChild(moreSep);
    line.appendChild(more);
    var body = el("p", "spot-body");
    var foot = el("p", "spot-foot");
    var time = el("span", "spot-time");
    var premium = el("a", "spot-premium", "No spots with Premium");
    premium.href = "/plans";
    foot.appendChild(time);
    foot.appendChild(premium);
    var audio = el("audio", "spot-audio");
    audio.preload = "auto";
    root.appendChild(line);
    root.appendChild(body);
    root.appendChild(foot);
    root.appendChild(audio);
    doc.body.appendChild(root);
    ui = { root: root, title: title, more: more, moreSep: moreSep, body: body, time: time, premium: premium, audio: audio };
    return ui;
  }

  // The queue's own audio, and pausing/resuming it: player.js's pause()/resume() when it
  // has them, else its current <audio> element.
  function player() { return window.lyrePlayer || null; }
  function queuePlaying() {
    var p = player();
    if (!p) return false;
    var s = p.state ? p.state() : null;
    if (s && typeof s.playing === "boolean") return s.playing;
    return !!(p.audio && !p.audio.paused);
  }
  function pauseQueue() {
    var p = player();
    if (!p) return;
    if (typeof p.pause === "function") p.pause();
    else if (p.audio) p.audio.pause();
  }
  function resumeQueue() {
    var p = player();
    if (!p) return;
    if (typeof p.resume === "function") { p.resume(); return; }
    if (p.audio && p.audio.paused) {
      var r = p.audio.play();
      if (r && r.catch) r.catch(function () {});
    }
  }

  function show(spot, premiumUrl) {
    var u = build();
    var wasPlaying = queuePlaying();
    var finished = false;
    var timer = null;
    var holdQueue = function () { if (!finished) pauseQueue(); };
    var decks = (player() && player().decks) || [];

    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      decks.forEach(function (a) { a.removeEventListener("play", holdQueue); });
      u.audio.pause();
      u.audio.removeAttribute("src");
      u.root.hidden = true;
      busy = false;
      if (wasPlaying) resumeQueue();
    }

    u.title.textContent = spot.title || "";
    u.body.textContent = spot.body || "";
    u.body.hidden = !spot.body;
    var link = typeof spot.link === "string" && /^https?:\/\//.test(spot.link) ? spot.link : "";
    u.more.hidden = !link;
    u.moreSep.textContent = link ? " · " : "";
    if (link) u.more.href = link;
    u.premium.href = premiumUrl || "/plans";
    u.time.textContent = "Your music goes on after this message. ";
    u.root.hidden = false;
    pauseQueue();
    // The listener pressing play during the spot: the spot goes first.
    decks.forEach(function (a) { a.addEventListener("play", holdQueue); });

    if (spot.audio) {
      u.audio.onended = finish;
      u.audio.onerror = finish;
      u.audio.src = spot.audio;
      var p = u.audio.play();
      if (p && p.catch) p.catch(finish);   // autoplay refused: no spot this time
      timer = setTimeout(finish, Math.min(MAX_SPOT_MS, (spot.ms || MAX_SPOT_MS) + 5000));
    } else {
      timer = setTimeout(finish, TEXT_ONLY_MS);
    }
  }

  function ask() {
    if (busy || !window.fetch) return;
    busy = true;
    var url = SPOT_URL;
    if (!signedIn()) url += "?played=" + anonCount();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.due || !j.spot) { busy = false; return; }
        if (!signedIn()) anonCount(-1);
        show(j.spot, j.premium);
      })
      .catch(function () { busy = false; });
  }

  doc.addEventListener("lyre:played", function (e) {
    var d = e.detail || {};
    if (d.event !== "complete" || busy) return;
    if (!signedIn()) anonCount(1);
    setTimeout(ask, ASK_DELAY_MS);
  });
})();
