/* search.js: suggestions under the header's search box while typing.
 * GET /search/suggest?q= (JSON, cacheable) 150 ms after the last keystroke; a newer
 * keystroke aborts the request before it.  ARIA combobox pattern: the input is the
 * combobox, the list a listbox of options, the highlighted one named by
 * aria-activedescendant; Up/Down move, Enter opens the highlighted one (or submits the
 * form as usual when none is), Escape closes.  The header is replaced by every htmx
 * swap, so everything hangs off document and the list is made when first needed.
 * Without JS the form submits to /search as before. */
(function () {
  "use strict";
  var doc = document;
  var LIST_ID = "q-suggest";
  var timer = 0, ctrl = null, active = -1, items = [], lastQuery = null;
  var cache = Object.create(null);

  function box() { return doc.getElementById("q"); }

  function listFor(input) {
    var list = doc.getElementById(LIST_ID);
    if (list) return list;
    var form = input.closest("form");
    if (!form) return null;
    list = doc.createElement("ul");
    list.id = LIST_ID;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    form.appendChild(list);
    list.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus in the box
    list.addEventListener("click", function (e) {
      var li = e.target.closest("[role=option]");
      if (li) pick(Number(li.getAttribute("data-i")));
    });
    return list;
  }

  function setup(input) {
    if (input.getAttribute("role") === "combobox") return;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", LIST_ID);
  }

  function close() {
    var input = box(), list = doc.getElementById(LIST_ID);
    if (list) { list.hidden = true; list.textContent = ""; }
    if (input) {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    items = [];
    active = -1;
  }

  function highlight(i) {
    var input = box(), list = doc.getElementById(LIST_ID);
    if (!input || !list) return;
    active = i;
    var opts = list.querySelectorAll("[role=option]");
    for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
    if (i >= 0 && opts[i]) {
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  var KIND = { artist: "Artist", album: "Album", track: "Song", playlist: "Playlist" };

  function render(input, data) {
    var list = listFor(input);
    if (!list) return;
    items = (data && data.suggestions) || [];
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) { close(); return; }
    items.forEach(function (s, i) {
      var li = doc.createElement("li");
      li.id = LIST_ID + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-i", String(i));
      li.className = "suggest-item suggest-" + s.kind;
      var label = doc.createElement("span");
      label.className = "suggest-label";
      label.textContent = s.label;
      var sub = doc.createElement("span");
      sub.className = "suggest-sub";
      sub.textContent = s.sub || KIND[s.kind] || "";
      li.appendChild(label);
      li.appendChild(sub);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  // Open a URL the way a boosted link would (only #page swapped, history kept).
  function go(url) {
    var page = doc.getElementById("page");
    if (window.htmx && page) {
      var a = doc.createElement("a");
      a.href = url;
      a.hidden = true;
      page.appendChild(a);
      window.htmx.process(a);
      a.click();
      if (a.parentNode) a.parentNode.removeChild(a);
    } else {
      window.location.assign(url);
    }
  }

  function pick(i) {
    var s = items[i];
    if (!s || typeof s.url !== "string" || s.url.charAt(0) !== "/" || s.url.charAt(1) === "/") return;
    close();
    go(s.url);
  }

  function fetchSuggestions(input) {
    var q = input.value;
    if (q === lastQuery) return;
    lastQuery = q;
    if (ctrl) { ctrl.abort(); ctrl = null; }
    if (!q.trim() || q.length > 100) { close(); return; }
    if (cache[q]) { render(input, cache[q]); return; }
    var c = ctrl = new AbortController();
    fetch("/search/suggest?q=" + encodeURIComponent(q), { signal: c.signal, headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (c !== ctrl || !data) return;
        ctrl = null;
        cache[q] = data;
        if (doc.activeElement === box()) render(box(), data);
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  doc.addEventListener("input", function (e) {
    var input = e.target;
    if (!input || input.id !== "q") return;
    setup(input);
    clearTimeout(timer);
    timer = setTimeout(function () { fetchSuggestions(input); }, 150);
  });

  doc.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input || input.id !== "q") return;
    setup(input);
    var open = items.length > 0 && input.getAttribute("aria-expanded") === "true";
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!open) {
        if (items.length) { render(input, { suggestions: items }); }
        else { lastQuery = null; fetchSuggestions(input); }
        e.preventDefault();
        return;
      }
      e.preventDefault();
      var n = items.length;
      highlight(e.key === "ArrowDown" ? (active + 1 + 1) % (n + 1) - 1 : (active + n + 1) % (n + 1) - 1);
    } else if (e.key === "Enter") {
      if (open && active >= 0) { e.preventDefault(); pick(active); }
      else close();
    } else if (e.key === "Escape") {
      if (open) { e.preventDefault(); close(); }
    }
  });

  doc.addEventListener("focusout", function (e) {
    if (e.target && e.target.id === "q") setTimeout(close, 0);
  });
  doc.addEventListener("focusin", function (e) {
    if (e.target && e.target.id === "q") setup(e.target);
  });
  // A swap replaces the header: forget the old list and any answer in flight.
  doc.addEventListener("htmx:beforeSwap", function () {
    if (ctrl) { ctrl.abort(); ctrl = null; }
    clearTimeout(timer);
    items = [];
    active = -1;
    lastQuery = null;
  });
})();
