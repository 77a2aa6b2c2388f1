// Tandem web UI: the little behaviour htmx does not give. Dialogs loaded into #modal open as modal <dialog>s
// (focus moves in, Escape closes, focus returns); menus close when an item is chosen; the busy banner names the work.
(function () {
  var opener = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var t = document.getElementById("busy-text");
    var el = e.detail.elt;
    if (t && el) { t.textContent = (el.closest("[data-busy]") && el.closest("[data-busy]").dataset.busy) || "Working… writing to the servers can take a minute while Kea restarts HA."; }
    if (el && el.closest && el.closest("details.menu")) { opener = el.closest("details.menu").querySelector("summary"); el.closest("details.menu").open = false; }
  });
  // Opened after settling, not after the swap: htmx wires the new form's hx-post only when it settles (20 ms later),
  // and Enter in a field before that would submit the form natively, as a GET with the CSRF token in the URL.
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "modal") {
      var d = e.detail.target.querySelector("dialog");
      if (d && !d.open) {
        d.showModal();
        var bad = d.querySelector("[aria-invalid=true], .bad input, .bad select");
        (bad || d.querySelector("input:not([type=hidden]), select, textarea, button.primary") || d).focus();
      }
      if (d) { d.addEventListener("close", function () { e.detail.target.innerHTML = ""; if (opener) opener.focus(); }); }
    }
  });
  document.addEventListener("click", function (e) {
    if (e.target.matches("[data-close]")) { var d = e.target.closest("dialog"); if (d) d.close(); }
    document.querySelectorAll("details.menu[open]").forEach(function (m) { if (!m.contains(e.target)) m.open = false; });
  });
  // A field that applies to one choice of another (data-only-when="failoverMode=LoadBalance") follows that choice;
  // the server renders the same state, and ignores the field's value when it does not apply.
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form || !e.target.name) { return; }
    form.querySelectorAll("[data-only-when]").forEach(function (f) {
      var when = f.dataset.onlyWhen.split("=");
      if (when[0] === e.target.name) { f.hidden = e.target.value !== when[1]; }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { document.querySelectorAll("details.menu[open]").forEach(function (m) { m.open = false; m.querySelector("summary").focus(); }); }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var t = document.getElementById("busy-text");
    var b = document.getElementById("busy");
    if (b && t) { t.textContent = "The request failed (HTTP " + e.detail.xhr.status + "). Reload the page and try again."; b.classList.add("failed"); }
  });
})();
