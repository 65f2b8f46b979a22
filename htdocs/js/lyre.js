/* lyre.js: optional sugar; every page works without it.
 * "/" anywhere outside a text field jumps to the search box. */
(function () {
  "use strict";
  var box = document.getElementById("q");
  if (!box) return;
  document.documentElement.classList.add("js");
  box.setAttribute("aria-keyshortcuts", "/");
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})();
