/* playlists.js: playlists from any page, for signed-in visitors.
 * - "Add to playlist…" in a song's row menu (player.js sends "lyre:menu" with act
 *   "menu-playlist") and the album page's "Add to playlist" button open one dialog:
 *   the playlists the visitor may add to (/playlists/mine.json) and "New playlist".
 * - On a playlist page the owner and collaborators drag rows by their grip to reorder
 *   (pointer events, so mouse, pen and touch alike).  The move and remove buttons of
 *   every row are plain forms and work without this file, from the keyboard too.
 * - Each row of the player's queue has an "Add to playlist…" button (data-pl="queue-add",
 *   not data-qact, so player.js leaves it alone) opening the same dialog.
 * - The move buttons of a playlist's rows, used from the keyboard: the move is sent
 *   with fetch, the page reloaded in place, and the focus put back on the moved row's
 *   same button while a live region says where it went.
 * - The cover form checks type and size before uploading (the server checks again).
 * Every edit names the version it was made on; a 409 means someone else changed the
 * playlist meanwhile.  Adding at the end is retried on the fresh version (nothing of
 * the other edit is lost); a drag is not, since the rows moved under it: the person
 * is asked to reload. */
(function () {
  "use strict";
  var doc = document;

  function signedIn() {
    var a = doc.getElementById("account");
    return !!(a && a.getAttribute("data-csrf"));
  }
  function token() { return window.lyreCsrfToken ? window.lyreCsrfToken() : ""; }

  // POST a form to url; resolves to {status, data} (data: parsed JSON or null).
  function post(url, fields) {
    var body = new URLSearchParams();
    body.append("csrf", token());
    fields.forEach(function (kv) { body.append(kv[0], String(kv[1])); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token() }
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (d) { return { status: r.status, data: d }; });
    });
  }

  function mine() {
    return fetch("/playlists/mine.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("Your playlists could not be loaded (" + r.status + ").");
        return r.json();
      }).then(function (d) { return d.playlists || []; });
  }

  function refreshPage() {
    if (window.htmx) {
      window.htmx.ajax("GET", location.pathname + location.search, { target: "#page", select: "#page", swap: "outerHTML" });
    } else {
      location.reload();
    }
  }

  function onPlaylistPage(id) {
    return location.pathname === "/playlist/" + id;
  }

  // Add what (fields: track_id…/album_id) to playlist pl at its end.  A 409 answers
  // with the fresh version; the add is made again on it, a few times at most.
  function addTo(pl, fields, tries) {
    return post("/playlist/" + pl.id + "/items", fields.concat([["version", pl.version]])).then(function (res) {
      if (res.status === 409 && res.data && res.data.version && tries > 0) {
        pl.version = res.data.version;
        return addTo(pl, fields, tries - 1);
      }
      if (res.status !== 200) {
        throw new Error(res.data && res.data.error ? res.data.error : "The playlist could not be changed (" + res.status + ").");
      }
      pl.version = res.data.version;
      pl.count = res.data.count;
      return pl;
    });
  }

  /* ------------------------------------------------------------ the dialog */

  var dialog = null, what = null, opener = null, openerUid = null;

  function cssEscape(v) { return window.CSS && CSS.escape ? CSS.escape(v) : String(v).replace(/["\\]/g, "\\$&"); }

  function el(tag, cls, text) {
    var n = doc.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function buildDialog() {
    var d = el("dialog", "pl-dialog");
    d.id = "pl-dialog";
    d.setAttribute("aria-labelledby", "pl-dialog-title");
    var head = el("div", "pl-dialog-head");
    var h = el("h2", "", "Add to playlist");
    h.id = "pl-dialog-title";
    var close = el("button", "pbtn", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { d.close(); });
    head.appendChild(h);
    head.appendChild(close);
    d.appendChild(head);
    d.appendChild(el("p", "pl-dialog-what"));
    d.appendChild(el("ul", "pl-choices"));
    var form = el("form", "pl-new");
    var label = el("label", "", "New playlist");
    label.setAttribute("for", "pl-new-name");
    var input = el("input");
    input.id = "pl-new-name";
    input.name = "name";
    input.type = "text";
    input.maxLength = 100;
    input.required = true;
    input.placeholder = "Name";
    input.autocomplete = "off";
    var make = el("button", "button", "Create and add");
    make.type = "submit";
    var row = el("div", "pl-new-row");
    row.appendChild(input);
    row.appendChild(make);
    form.appendChild(label);
    form.appendChild(row);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var name = input.value.trim();
      if (!name) return;
      make.disabled = true;
      say("Creating “" + name + "”…");
      post("/playlists", [["name", name]]).then(function (res) {
        if (res.status !== 200 || !res.data) throw new Error(res.data && res.data.error ? res.data.error : "The playlist could not be made.");
        input.value = "";
        return choose({ id: res.data.id, name: res.data.name, version: res.data.version, count: 0 });
      }).catch(function (err) { say(err.message, true); }).then(function () { make.disabled = false; });
    });
    d.appendChild(form);
    var status = el("p", "pl-dialog-status");
    status.setAttribute("role", "status");
    d.appendChild(status);
    d.addEventListener("close", function () {
      var back = opener;
      // The queue is drawn again when songs change: the same row's button then.
      if (back && !doc.body.contains(back) && openerUid) {
        back = doc.querySelector('.qi[data-uid="' + cssEscape(openerUid) + '"] [data-pl="queue-add"]');
      }
      if (back && doc.body.contains(back)) back.focus();
      opener = null;
      openerUid = null;
    });
    // A click on the backdrop (outside the box) closes it.
    d.addEventListener("click", function (e) {
      if (e.target !== d) return;
      var r = d.getBoundingClientRect();
      if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) d.close();
    });
    doc.body.appendChild(d);
    return d;
  }

  function say(text, bad) {
    var s = dialog.querySelector(".pl-dialog-status");
    s.textContent = text;
    s.classList.toggle("is-bad", !!bad);
  }

  function choose(pl) {
    say("Adding to “" + pl.name + "”…");
    return addTo(pl, what.fields, 3).then(function () {
      say("Added to “" + pl.name + "” (" + pl.count + (pl.count === 1 ? " song" : " songs") + ").");
      setTimeout(function () { if (dialog.open) dialog.close(); }, 900);
      if (onPlaylistPage(pl.id)) refreshPage();
    }).catch(function (err) { say(err.message, true); });
  }

  function list(playlists) {
    var ul = dialog.querySelector(".pl-choices");
    ul.textContent = "";
    if (!playlists.length) {
      ul.appendChild(el("li", "pl-choices-empty", "You have no playlists yet: make one below."));
      return;
    }
    playlists.forEach(function (pl) {
      var li = el("li");
      var b = el("button", "pl-choice");
      b.type = "button";
      b.appendChild(el("span", "pl-choice-name", pl.name));
      b.appendChild(el("span", "pl-choice-count", pl.count + (pl.count === 1 ? " song" : " songs") + (pl.own ? "" : " · shared with you")));
      b.addEventListener("click", function () { choose(pl); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  // Open the dialog for w = {label, fields}.
  function open(w, from) {
    if (!signedIn()) {
      location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
      return;
    }
    dialog = dialog && doc.body.contains(dialog) ? dialog : buildDialog();
    what = w;
    opener = from || doc.activeElement;
    dialog.querySelector(".pl-dialog-what").textContent = w.label;
    say("");
    dialog.querySelector(".pl-choices").textContent = "";
    dialog.querySelector(".pl-choices").appendChild(el("li", "pl-choices-empty", "Loading your playlists…"));
    if (!dialog.open) dialog.showModal();
    mine().then(list).catch(function (err) { say(err.message, true); });
    var first = dialog.querySelector("#pl-new-name");
    if (first) first.focus();
  }

  doc.addEventListener("lyre:menu", function (e) {
    var d = e.detail || {};
    if (d.act !== "menu-playlist" || !d.item) return;
    open({ label: "“" + d.item.title + "”" + (d.item.artist ? " by " + d.item.artist : ""), fields: [["track_id", d.item.id]] },
      d.row && d.row.querySelector('[data-player="menu"]'));
  });

  // The queue row's button names its song (player.js draws the rows from one template).
  function nameQueueButton(e) {
    var q = e.target.closest && e.target.closest('[data-pl="queue-add"]');
    var li = q && q.closest(".qi");
    var item = li && window.lyrePlayer && window.lyrePlayer.item ? window.lyrePlayer.item(li.getAttribute("data-uid")) : null;
    if (item) q.setAttribute("aria-label", "Add " + item.title + (item.artist ? " by " + item.artist : "") + " to a playlist…");
  }
  doc.addEventListener("focusin", nameQueueButton);
  doc.addEventListener("pointerover", nameQueueButton);

  doc.addEventListener("click", function (e) {
    var q = e.target.closest && e.target.closest('[data-pl="queue-add"]');
    if (q) {
      var li = q.closest(".qi");
      var item = li && window.lyrePlayer && window.lyrePlayer.item ? window.lyrePlayer.item(li.getAttribute("data-uid")) : null;
      e.preventDefault();
      if (!item) return;
      open({ label: "“" + item.title + "”" + (item.artist ? " by " + item.artist : ""), fields: [["track_id", item.id]] }, q);
      openerUid = li.getAttribute("data-uid");
      return;
    }
    var b = e.target.closest && e.target.closest("[data-pl-album]");
    if (b) {
      e.preventDefault();
      open({ label: "Every song of “" + (b.getAttribute("data-pl-title") || "this album") + "”",
        fields: [["album_id", b.getAttribute("data-pl-album")]] }, b);
    }
  });

  // The delete button asks first.
  doc.addEventListener("submit", function (e) {
    var f = e.target;
    if (f && f.matches && f.matches('form[data-pl="delete"]') &&
        !window.confirm("Delete this playlist for everybody? This cannot be undone.")) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  /* ------------------------------------------------------------ moving by keyboard */

  // A polite live region outside #page, which htmx replaces: it must exist before the
  // text changes for screen readers to say it.
  function live() {
    var r = doc.getElementById("pl-live");
    if (!r) {
      r = el("p", "visually-hidden");
      r.id = "pl-live";
      r.setAttribute("role", "status");
      r.setAttribute("aria-live", "polite");
      doc.body.appendChild(r);
    }
    return r;
  }
  function announce(text) {
    var r = live();
    r.textContent = "";
    // A change of text, even to the same sentence twice, is read.
    setTimeout(function () { r.textContent = text; }, 60);
  }

  var pendingFocus = null;   // {pl, position, dir, title, count} after a move, until the page is back

  function focusMoved() {
    var f = pendingFocus;
    if (!f) return;
    pendingFocus = null;
    var table = doc.querySelector('table[data-playlist="' + f.pl + '"]');
    if (!table) {   // the last song was removed
      var main = doc.getElementById("main");
      if (main) main.focus();
      announce(f.said);
      return;
    }
    var row = table.querySelector('tr[data-position="' + f.position + '"]');
    var target = row && (row.querySelector('[data-pl="' + f.dir + '"]') ||
      row.querySelector('[data-pl="' + (f.dir === "up" ? "down" : "up") + '"]'));
    (target || table).focus();
    announce(f.said);
  }

  function loadPage(url) {
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#page", select: "#page", swap: "outerHTML" });
    } else {
      location.assign(url);
    }
  }

  doc.addEventListener("submit", function (e) {
    var f = e.target, b = e.submitter;
    if (!f || !f.matches || !f.matches("form[data-pl-rows]") || !b) return;
    var dir = b.getAttribute("data-pl");
    var places = dir === "remove" ? /^(\d+)$/.exec(b.value || "") : /^(\d+):(\d+)$/.exec(b.value || "");
    if ((dir !== "up" && dir !== "down" && dir !== "remove") || !places) return;
    var table = tableOf(b);
    if (!table || !window.fetch) return;
    e.preventDefault();
    e.stopPropagation();
    var from = parseInt(places[1], 10), to = dir === "remove" ? from : parseInt(places[2], 10);
    var row = b.closest("tr[data-position]");
    var title = (row && row.getAttribute("data-title")) || "The song";
    var id = table.getAttribute("data-playlist");
    var version = ["version", table.getAttribute("data-version")];
    b.disabled = true;
    (dir === "remove" ? post("/playlist/" + id + "/items/remove", [["position", from], version])
      : post("/playlist/" + id + "/items/move", [["from", from], ["to", to], version]))
      .then(function (res) {
        b.disabled = false;
        if (res.status === 409) {
          notice(table, "This playlist changed while you were editing it; reload to see the latest order.");
          b.focus();
          return;
        }
        if (res.status !== 200) {
          notice(table, res.data && res.data.error ? res.data.error : "The playlist could not be changed (" + res.status + ").");
          b.focus();
          return;
        }
        var count = res.data.count;
        if (dir === "remove") {
          // The focus goes to the remove button of the song that took its place.
          to = Math.max(0, Math.min(from, count - 1));
          pendingFocus = { pl: id, position: to, dir: dir, said: "Removed “" + title + "”; " +
            count + (count === 1 ? " song" : " songs") + " left." };
        } else {
          pendingFocus = { pl: id, position: to, dir: dir,
            said: "Moved “" + title + "” to position " + (to + 1) + " of " + count + "." };
        }
        // The row may have crossed to the neighbouring page: show the page it is on now.
        var per = parseInt(table.getAttribute("data-per-page"), 10) || 0;
        var page = per ? Math.floor(to / per) + 1 : 0;
        var url = location.pathname + location.search;
        if (page && page !== (parseInt(table.getAttribute("data-page"), 10) || 1)) {
          url = location.pathname + (page > 1 ? "?page=" + page : "");
          if (window.history && history.replaceState) history.replaceState(history.state, "", url);
        }
        loadPage(url);
      })
      .catch(function () {
        b.disabled = false;
        notice(table, "The song could not be moved: no connection.");
        b.focus();
      });
  }, true);

  /* ------------------------------------------------------------ the cover */

  var COVER_TYPES = ["image/jpeg", "image/png", "image/webp"];
  var COVER_MAX = 4 * 1024 * 1024;

  doc.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f || !f.matches || !f.matches('form[data-pl="cover"]')) return;
    var input = f.querySelector('input[type="file"]');
    var status = f.querySelector(".pl-cover-status");
    var file = input && input.files && input.files[0];
    var problem = !file ? "Choose an image file for the cover."
      : COVER_TYPES.indexOf(file.type) < 0 ? "A cover must be a JPEG, PNG or WebP image."
      : file.size > COVER_MAX ? "This image is " + (file.size / 1048576).toFixed(1) + " MB; a cover can be at most 4 MB."
      : "";
    if (problem) {
      e.preventDefault();
      e.stopPropagation();
      if (status) { status.textContent = problem; status.classList.add("is-bad"); }
      input.focus();
    } else if (status) {
      status.textContent = "Uploading…";
      status.classList.remove("is-bad");
    }
  }, true);

  /* ------------------------------------------------------------ dragging rows */

  var drag = null;

  function tableOf(node) { return node.closest("table[data-playlist]"); }

  function notice(table, text) {
    var p = doc.getElementById("pl-notice");
    if (!p) {
      p = el("p", "pl-notice");
      p.id = "pl-notice";
      p.setAttribute("role", "alert");
      table.parentNode.insertBefore(p, table);
    }
    p.textContent = text + " ";
    var again = el("button", "button button-small", "Reload");
    again.type = "button";
    again.addEventListener("click", refreshPage);
    p.appendChild(again);
  }

  doc.addEventListener("pointerdown", function (e) {
    var grip = e.target.closest && e.target.closest(".pl-grip");
    if (!grip || e.button !== 0) return;
    var table = tableOf(grip);
    var row = grip.closest("tr[data-position]");
    if (!table || !row || table.getAttribute("data-editable") !== "1") return;
    e.preventDefault();
    grip.setPointerCapture(e.pointerId);
    drag = { table: table, row: row, grip: grip, from: parseInt(row.getAttribute("data-position"), 10), over: row };
    row.classList.add("is-dragging");
    table.classList.add("is-sorting");
  });

  doc.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var rows = Array.prototype.slice.call(drag.table.querySelectorAll("tbody tr[data-position]"));
    var target = null;
    rows.forEach(function (r) {
      var b = r.getBoundingClientRect();
      if (e.clientY >= b.top && e.clientY < b.bottom) target = r;
    });
    if (!target) {
      var firstBox = rows[0].getBoundingClientRect();
      target = e.clientY < firstBox.top ? rows[0] : rows[rows.length - 1];
    }
    if (target === drag.over) return;
    drag.over = target;
    // Show the order it would have: the dragged row moves in the DOM as the pointer goes.
    var tbody = drag.row.parentNode;
    var fromIdx = rows.indexOf(drag.row), toIdx = rows.indexOf(target);
    tbody.insertBefore(drag.row, toIdx > fromIdx ? target.nextSibling : target);
  });

  function endDrag(cancel) {
    if (!drag) return;
    var d = drag;
    drag = null;
    d.row.classList.remove("is-dragging");
    d.table.classList.remove("is-sorting");
    var rows = Array.prototype.slice.call(d.table.querySelectorAll("tbody tr[data-position]"));
    var firstPos = Math.min.apply(null, rows.map(function (r) { return parseInt(r.getAttribute("data-position"), 10); }));
    var to = firstPos + rows.indexOf(d.row);
    if (cancel || to === d.from) {
      if (to !== d.from) refreshPage();
      return;
    }
    var id = d.table.getAttribute("data-playlist");
    var version = d.table.getAttribute("data-version");
    post("/playlist/" + id + "/items/move", [["from", d.from], ["to", to], ["version", version]]).then(function (res) {
      if (res.status === 409) {
        notice(d.table, "This playlist changed while you were editing it; reload to see the latest order.");
        return;
      }
      if (res.status !== 200) {
        notice(d.table, res.data && res.data.error ? res.data.error : "The song could not be moved (" + res.status + ").");
        return;
      }
      refreshPage();
    }).catch(function () { notice(d.table, "The song could not be moved: no connection."); });
  }
  doc.addEventListener("pointerup", function () { endDrag(false); });
  doc.addEventListener("pointercancel", function () { endDrag(true); });

  /* ------------------------------------------------------------ page set-up */

  function enhance() {
    var page = doc.getElementById("page") || doc.body;
    var on = signedIn();
    // The queue's "Add to playlist…" buttons (css: html.pl-signed-in .qi-pl).
    doc.documentElement.classList.toggle("pl-signed-in", on);
    focusMoved();
    Array.prototype.forEach.call(page.querySelectorAll("[data-pl-album]"), function (b) {
      b.hidden = !on;
    });
    Array.prototype.forEach.call(page.querySelectorAll(".pl-grip"), function (g) { g.removeAttribute("data-js"); });
    // The share link as a whole address, easy to copy.
    Array.prototype.forEach.call(page.querySelectorAll('a[data-pl="share"]'), function (a) {
      a.textContent = new URL(a.getAttribute("href"), location.href).href;
    });
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  doc.addEventListener("htmx:afterSettle", enhance);
  doc.addEventListener("htmx:historyRestore", enhance);
})();
