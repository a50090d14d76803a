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

  // The Content-Security-Policy allows no inline handler (onchange=…) and no
  // style= attribute, so pages declare these behaviours with data attributes:
  //   <div class="progress-bar" data-jh-pct="40">   width 40% (through the DOM,
  //                                                   which the policy allows)
  //   <select data-jh-autosubmit data-jh-clear="county">  submit the form on
  //                                                   change, emptying county first
  //   <input type="checkbox" data-jh-check-all="ids">  (un)check every name="ids"
  function initBehaviours(root) {
    var all = function (sel) {
      var found = Array.prototype.slice.call(root.querySelectorAll(sel));
      if (root.matches && root.matches(sel)) found.push(root);
      return found;
    };
    all("[data-jh-pct]").forEach(function (el) {
      var pct = Math.max(0, Math.min(100, Number(el.dataset.jhPct) || 0));
      el.style.width = pct + "%";
    });
    all("[data-jh-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () {
        var form = el.form, clear = el.dataset.jhClear;
        if (!form) return;
        if (clear && form.elements[clear]) form.elements[clear].value = "";
        form.submit();
      });
    });
    all("[data-jh-check-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var scope = box.form || document;
        scope.querySelectorAll('input[type="checkbox"][name="' + box.dataset.jhCheckAll + '"]')
          .forEach(function (c) { c.checked = box.checked; });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initBehaviours(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt !== document.body) initBehaviours(event.detail.elt);
  });
})();
