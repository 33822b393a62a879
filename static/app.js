// ekinerja: small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A role switcher submits as soon as a role is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
    var btn = sel.form.querySelector("button[type=submit]");
    if (btn) { btn.hidden = true; }
  });
  // Buttons that need a second thought ask for it.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  // "Select all" checkboxes in tables.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var form = all.form || document;
      form.querySelectorAll("input[name='" + all.getAttribute("data-select-all") + "']").forEach(function (cb) { cb.checked = all.checked; });
    });
  });
});
// tpp: a page that shows work still running (a claim being computed) reloads
// itself every data-refresh seconds; without script the page offers a link.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.querySelector("[data-refresh]");
  if (!el) { return; }
  var secs = parseInt(el.getAttribute("data-refresh"), 10);
  if (secs > 0) { window.setTimeout(function () { window.location.reload(); }, secs * 1000); }
});
