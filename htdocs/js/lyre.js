/* lyre.js: optional sugar; every page works without it.
 * - "/" anywhere outside a text field jumps to the search box.
 * - Boosted navigation (htmx, vendored into /static/vendor): links and forms fetch the
 *   next page and swap only #page, so the player outside it keeps playing.  This file
 *   sets htmx up for a strict CSP and makes a swap behave like a page load (focus, error
 *   pages, fallbacks). */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  function typing(t) {
    return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) &&
      !/^(range|checkbox|radio|button|submit|reset)$/.test(t.type || ""));
  }

  // The search box is replaced by every swap: look it up when the key is pressed.
  function searchBox() { return doc.getElementById("q"); }
  if (searchBox()) searchBox().setAttribute("aria-keyshortcuts", "/");
  doc.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (typing(e.target) || doc.querySelector("dialog[open]")) return;
    var box = searchBox();
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  // The CSRF token of this visitor (lib/csrf.h): the signed-in session's, from the
  // header's account area, else the anonymous cookie's.
  function csrfToken() {
    var acc = doc.getElementById("account");
    if (acc && acc.getAttribute("data-csrf")) return acc.getAttribute("data-csrf");
    var m = doc.cookie.match(/(?:^|;\s*)(?:__Host-)?lyre_csrf=([0-9a-f]{64})/);
    return m ? m[1] : "";
  }
  window.lyreCsrfToken = csrfToken;

  var htmx = window.htmx;
  if (!htmx) return;
  // Every request htmx makes carries the token (forms carry it as a field too).
  doc.addEventListener("htmx:configRequest", function (e) {
    var t = csrfToken();
    if (t) e.detail.headers["X-CSRF-Token"] = t;
  });
  var cfg = htmx.config;
  cfg.includeIndicatorStyles = false;   // no <style> injection
  cfg.allowEval = false;                // CSP: script-src 'self', no eval
  cfg.allowScriptTags = false;          // swapped content never runs scripts
  cfg.scrollBehavior = "instant";
  cfg.defaultFocusScroll = false;
  cfg.historyCacheSize = 10;
  cfg.getCacheBusterParam = false;
  // An error page (404, 503) is a page like any other: show it.
  cfg.responseHandling = [
    { code: "204", swap: false },
    { code: "...", swap: true }
  ];

  function fullLoad(url) {
    if (url) window.location.assign(url);
  }

  doc.addEventListener("htmx:beforeSwap", function (e) {
    var d = e.detail;
    // A response that is not one of our pages (a proxy's error, a file) is opened for real.
    var text = d.xhr && typeof d.xhr.responseText === "string" ? d.xhr.responseText : "";
    if (d.target && d.target.id === "page" && text.indexOf('id="page"') < 0) {
      d.shouldSwap = false;
      fullLoad(d.xhr.responseURL || (d.pathInfo && d.pathInfo.requestPath));
    }
  });
  // Network trouble or an aborted request: let the browser try the page itself.
  doc.addEventListener("htmx:sendError", function (e) {
    fullLoad(e.detail.pathInfo && e.detail.pathInfo.requestPath);
  });
  doc.addEventListener("htmx:historyCacheMissLoadError", function () {
    window.location.reload();
  });

  // After a swap, focus moves to the new content as it would after a page load, unless
  // htmx kept it in a field that survived (the search box after a search).
  doc.addEventListener("htmx:afterSettle", function (e) {
    if (!e.detail || !e.detail.elt || e.detail.elt.id !== "page") return;
    var active = doc.activeElement;
    if (active && active !== doc.body && doc.body.contains(active)) return;
    var main = doc.getElementById("main");
    if (main) main.focus({ preventScroll: true });
  });
})();
