/* radio.js: endless radio for the player, and "Don't play this" on recommendation rows.
 *
 * A radio is a player context "radio:KIND:ID" (KIND track, artist or playlist).  "Start
 * radio" ([data-radio="KIND:ID"], a link to /radio/KIND/ID without JavaScript) fetches the
 * first batch from /radio/KIND/ID.json and plays it; from then on, whenever a song becomes
 * current in a radio context with fewer than LOW songs after it, the next batch is fetched
 * and added to the end of the queue.  Each request sends the last WINDOW songs played or
 * queued (oldest first, so the last one is the end of the queue: the server never repeats
 * them and never starts a batch with that song's artist) and the songs skipped (the server
 * steers away from them).  Playing a row of a radio page starts the same context, so it is
 * fed too.  What was played and skipped survives a reload (localStorage), like the queue.
 * Uses only window.lyrePlayer (play, add, current, upcoming, context) and its events. */
(function () {
  "use strict";
  var doc = document;
  var KEY = "lyre.radio.v1";
  var WINDOW = 50;      // recent songs sent (the server's no-repeat window)
  var LOW = 3;          // fetch more when fewer songs than this are left
  var SKIPS = 30;       // skipped songs remembered
  var busy = false;

  function load() {
    var s = null;
    try { s = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { s = null; }
    if (s && typeof s.context === "string" && Array.isArray(s.played) && Array.isArray(s.skipped)) return s;
    return { context: "", played: [], skipped: [] };
  }
  var st = load();
  function save() { try { localStorage.setItem(KEY, JSON.stringify(st)); } catch (e) { /* private mode */ } }
  function reset(context) { st = { context: context, played: [], skipped: [] }; save(); }
  function tail(list, n) { return list.slice(Math.max(0, list.length - n)); }
  function ids(list) { return list.filter(function (x) { return /^[0-9]+$/.test(String(x)); }).join(","); }
  function parse(context) {
    var m = /^radio:(track|artist|playlist):([0-9]+)$/.exec(context || "");
    return m ? { kind: m[1], id: m[2], context: m[0] } : null;
  }
  function player() { var p = window.lyrePlayer; return p && typeof p.play === "function" ? p : null; }

  function batch(radio, recent, skipped) {
    var url = "/radio/" + radio.kind + "/" + radio.id + ".json?recent=" + ids(recent) + "&skipped=" + ids(skipped);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("radio: " + res.status);
        return res.json();
      })
      .then(function (j) { return Array.isArray(j.items) ? j.items : []; });
  }
  function report(err) { if (window.console) console.warn(err); }

  function start(kind, id) {
    var p = player();
    if (!p || busy) return;
    var radio = parse("radio:" + kind + ":" + id);
    reset(radio.context);
    busy = true;
    batch(radio, [], [])
      .then(function (items) { if (items.length) p.play(items, 0, radio.context); })
      .catch(report)
      .then(function () { busy = false; topUp(); });
  }

  // Fetch the next batch when the queue of a radio runs low.
  function topUp() {
    var p = player();
    var radio = p && parse(p.context);
    if (!radio || busy) return;
    if (st.context !== radio.context) reset(radio.context);
    var upcoming = p.upcoming();
    if (upcoming.length >= LOW) return;
    var cur = p.current();
    var recent = st.played.slice();
    if (cur && recent[recent.length - 1] !== cur.id) recent.push(cur.id);
    upcoming.forEach(function (it) { recent.push(it.id); });
    busy = true;
    batch(radio, tail(recent, WINDOW), tail(st.skipped, SKIPS))
      .then(function (items) {
        var now = player();
        if (now && now.context === radio.context && items.length) now.add(items, false);
      })
      .catch(report)
      .then(function () { busy = false; });
  }

  doc.addEventListener("lyre:track", function (e) {
    var d = e.detail || {};
    var radio = parse(d.context);
    if (!radio) return;
    if (st.context !== radio.context) reset(radio.context);
    if (d.item && d.item.id) {
      var id = String(d.item.id);
      st.played = tail(st.played.filter(function (x) { return x !== id; }).concat([id]), WINDOW);
      save();
    }
    topUp();
  });

  doc.addEventListener("lyre:played", function (e) {
    var d = e.detail || {};
    if (d.event !== "skip" || !d.item || !parse(d.context)) return;
    st.skipped = tail(st.skipped.concat([String(d.item.id)]), SKIPS);
    save();
  });

  doc.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("[data-radio]");
    if (!a || !player()) return;
    var m = /^(track|artist|playlist):([0-9]+)$/.exec(a.getAttribute("data-radio") || "");
    if (!m) return;
    e.preventDefault();
    start(m[1], m[2]);
  });

  // "Don't play this": post in the background and take the row away; without a token or
  // on failure the form is sent the ordinary way (and comes back to this page).
  doc.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-dislike]") || !window.fetch) return;
    var token = window.lyreCsrfToken ? window.lyreCsrfToken() : "";
    if (!token) return;
    e.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": token, Accept: "application/json" }
    }).then(function (res) {
      if (res.status !== 204) throw new Error("dislike: " + res.status);
      var id = body.get("track_id");
      if (id && st.context) { st.skipped = tail(st.skipped.concat([id]), SKIPS); save(); }
      var row = form.closest("[data-track-id]");
      if (row) row.parentNode.removeChild(row);
    }).catch(function (err) { report(err); form.submit(); });
  });

  // After a reload in the middle of a radio: top up once the player has restored its queue.
  setTimeout(topUp, 500);
})();
