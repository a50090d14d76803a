/* Jahesh: the little script every page loads (after Bootstrap and htmx). */
(function () {
  "use strict";

  // A failed HTMX request would otherwise do nothing visible: say so, in the
  // page's language (the texts come from base.html, translated there).
  function showError(status) {
    var box = document.getElementById("jh-htmx-error");
    if (!box) return;
    box.textContent = status === 403 ? box.dataset.forbidden : box.dataset.message;
    box.classList.remove("d-none");
    box.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:responseError", function (event) {
    showError(event.detail.xhr ? event.detail.xhr.status : 0);
  });
  document.addEventListener("htmx:sendError", function () { showError(0); });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("jh-htmx-error");
    if (box) box.classList.add("d-none");
  });

  // Tooltips in swapped-in content too.
  function initTooltips(root) {
    if (!window.bootstrap) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initTooltips(document); });
  document.addEventListener("htmx:load", function (event) { initTooltips(event.detail.elt); });
})();
