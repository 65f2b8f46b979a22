/* library.js: likes and follows for signed-in visitors.
 * - Buttons <button class="like" data-like="track|album|artist" data-id="N"> (hidden on
 *   cached pages, which are the same for everybody) get their state from one
 *   GET /library/state per page load or swap, and are shown then.
 * - A press toggles at once and POSTs /library/like; on failure it goes back.
 * - The row menu's "Like" item (player.js: events "lyre:menu-open", "lyre:menu").
 * Without JavaScript the Liked Songs page's buttons are plain forms. */
(function () {
  "use strict";
  var doc = document;
  var KINDS = { track: "tracks", album: "albums", artist: "artists" };
  var MAX = 500;   // ids per kind per request (the server's limit)
  var known = { track: {}, album: {}, artist: {} };   // id -> true | false

  function signedIn() {
    var a = doc.getElementById("account");
    return !!(a && a.getAttribute("data-csrf"));
  }
  function token() { return window.lyreCsrfToken ? window.lyreCsrfToken() : ""; }
  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }

  var toastTimer = 0;
  function say(text) {
    var t = doc.getElementById("library-toast");
    if (!t) {
      t = doc.createElement("p");
      t.id = "library-toast";
      t.className = "toast";
      t.setAttribute("role", "status");
      doc.body.appendChild(t);
    }
    t.textContent = text;
    t.classList.add("is-on");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.classList.remove("is-on"); }, 1800);
  }

  function paint(b) {
    var kind = b.getAttribute("data-like"), id = b.getAttribute("data-id");
    if (!known[kind] || !(id in known[kind])) return;
    var on = known[kind][id];
    b.setAttribute("aria-pressed", on ? "true" : "false");
    var text = b.querySelector(".like-text");
    if (text) {
      text.textContent = kind === "artist" ? (on ? "Following" : "Follow")
                       : kind === "album" ? (on ? "Saved" : "Save") : (on ? "Liked" : "Like");
    }
    b.hidden = false;
  }

  function set(kind, id, on) {
    known[kind][id] = on;
    all('button.like[data-like="' + kind + '"][data-id="' + id + '"]').forEach(paint);
  }

  // Ask the server about every like button and track row of root not known yet.
  function refresh(root) {
    if (!signedIn()) return;
    var want = { track: {}, album: {}, artist: {} }, any = false;
    function add(kind, id) {
      if (!/^[0-9]{1,10}$/.test(id || "") || id in known[kind] || Object.keys(want[kind]).length >= MAX) return;
      want[kind][id] = true;
      any = true;
    }
    all("button.like[data-like][data-id]", root).forEach(function (b) {
      if (KINDS[b.getAttribute("data-like")]) add(b.getAttribute("data-like"), b.getAttribute("data-id"));
    });
    all("[data-track-id]", root).forEach(function (r) { add("track", r.getAttribute("data-track-id")); });
    all("button.like[data-like][data-id]", root).forEach(paint);
    if (!any) return Promise.resolve();
    var q = Object.keys(KINDS).filter(function (k) { return Object.keys(want[k]).length; })
      .map(function (k) { return KINDS[k] + "=" + Object.keys(want[k]).join(","); }).join("&");
    return fetch("/library/state?" + q, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        Object.keys(KINDS).forEach(function (k) {
          Object.keys(want[k]).forEach(function (id) { known[k][id] = false; });
          (j[KINDS[k]] || []).forEach(function (id) { known[k][String(id)] = true; });
        });
        all("button.like[data-like][data-id]", root).forEach(paint);
      })
      .catch(function () { /* buttons stay hidden; the page still works */ });
  }

  function toggle(kind, id, on) {
    var before = !!known[kind][id];
    set(kind, id, on);
    var body = new URLSearchParams();
    body.set("csrf", token());
    body.set("kind", kind);
    body.set("id", id);
    body.set("on", on ? "1" : "0");
    return fetch("/library/like", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": token() }
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      say(kind === "artist" ? (on ? "Following" : "Unfollowed")
        : kind === "album" ? (on ? "Saved to Your Library" : "Removed from Your Library")
        : (on ? "Added to Liked Songs" : "Removed from Liked Songs"));
    }).catch(function () {
      set(kind, id, before);
      say("That did not work. Try again.");
    });
  }

  doc.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.like[data-like][data-id]");
    if (!b || !signedIn() || !KINDS[b.getAttribute("data-like")]) return;
    e.preventDefault();   // the Liked Songs rows are forms too, for pages without JS
    toggle(b.getAttribute("data-like"), b.getAttribute("data-id"), b.getAttribute("aria-pressed") !== "true");
  });

  // The row menu: its Like item says what a press would do.
  function menuLabel(menu, id) {
    var item = menu && menu.querySelector('[data-act="menu-like"]');
    var span = item && item.querySelector("span");
    if (span) span.textContent = known.track[id] ? "Remove from Liked Songs" : "Like";
  }
  doc.addEventListener("lyre:menu-open", function (e) {
    var d = e.detail || {}, id = d.row && d.row.getAttribute("data-track-id");
    if (!id) return;
    menuLabel(d.menu, id);
    if (!(id in known.track) && signedIn()) {
      var p = refresh(d.row);
      if (p) p.then(function () { menuLabel(d.menu, id); });
    }
  });
  doc.addEventListener("lyre:menu", function (e) {
    var d = e.detail || {};
    if (d.act !== "menu-like" || !d.item || !d.item.id || !signedIn()) return;
    toggle("track", String(d.item.id), !known.track[String(d.item.id)]);
  });

  function page() { return doc.getElementById("page") || doc.body; }
  refresh(page());
  doc.addEventListener("htmx:afterSettle", function (e) {
    var t = e.detail && e.detail.elt;
    refresh(t && t.nodeType === 1 ? t : page());
  });
  doc.addEventListener("htmx:historyRestore", function () { refresh(page()); });
})();
