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
// Imports: a form marked data-progress sends its file with XMLHttpRequest so
// the page shows how much of a large file (a month of scan logs is tens of
// megabytes) has been uploaded, then that the server is reading it; the
// answer (the import report) then replaces the page, as a normal submit
// would. Without script the form submits as usual.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var box = form.querySelector("[data-upload-progress]");
    if (!box || !window.FormData || !window.XMLHttpRequest) { return; }
    var bar = box.querySelector("progress");
    var msg = box.querySelector("[role=status]");
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      ev.preventDefault();
      var data = new FormData(form);
      if (ev.submitter && ev.submitter.name) { data.append(ev.submitter.name, ev.submitter.value); }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.floor(e.loaded * 100 / e.total);
        bar.value = pct;
        msg.textContent = "Mengunggah berkas: " + pct + "% (" + Math.round(e.loaded / 1048576 * 10) / 10 + " dari " + Math.round(e.total / 1048576 * 10) / 10 + " MB)";
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate: the server is reading the file
        msg.textContent = "Berkas terunggah; server sedang membaca dan memeriksa setiap baris. Jangan tutup halaman ini.";
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href) { window.history.replaceState(null, "", xhr.responseURL); }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
        bar.value = 0;
        msg.textContent = "Unggahan terputus. Periksa sambungan lalu kirim lagi.";
      });
      xhr.send(data);
    });
  });
});
