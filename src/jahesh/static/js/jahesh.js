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

/* --- Forms: one validation style, money in words, the Jalali date picker -------
 * (ux14) Kept apart from the block above so merges stay easy.
 *  - Every form is novalidate: the server's Persian messages show all field
 *    errors in one round; the browser's own (English) bubbles never appear.
 *  - <input class="money-input" data-unit="تومان"> (core.forms.MoneyField):
 *    the amount is written in words under the box as one types, into
 *    <div data-jh-money-words="<input id>"> (partials/form_field.html).
 *    Persian, Arabic or Latin digits and ٬ , or spaces as separators.
 *  - <input data-jh-number> (a number box on a Persian page, made by
 *    core.form_renderer): typed digits are shown Persian and «٫» becomes
 *    "." (the server reads Persian digits as they are), digit for digit so
 *    the caret stays where it was.
 *  - <input data-jdp> (core.forms.JalaliDateInput): the Jalali calendar of
 *    vendor/jalalidatepicker pops up on focus; a typed date is kept. The box
 *    shows Persian digits; the picker reads and writes Latin ones, so the
 *    digits are turned while the box has the focus. */
(function () {
  "use strict";

  var FA = "۰۱۲۳۴۵۶۷۸۹", AR = "٠١٢٣٤٥٦٧٨٩";
  function toLatin(text) {
    return String(text).replace(/[۰-۹٠-٩]/g, function (d) {
      var i = FA.indexOf(d);
      return String(i >= 0 ? i : AR.indexOf(d));
    });
  }
  function toPersian(text) {
    return String(text).replace(/[0-9]/g, function (d) { return FA[Number(d)]; });
  }

  // Persian number words, e.g. 1500000 → «یک میلیون و پانصد هزار».
  var ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"];
  var TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"];
  var TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"];
  var HUNDREDS = ["", "یکصد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"];
  var SCALES = ["", "هزار", "میلیون", "میلیارد", "هزار میلیارد", "میلیون میلیارد"];
  function threeDigits(n) {
    var parts = [], h = Math.floor(n / 100), rest = n % 100;
    if (h) parts.push(HUNDREDS[h]);
    if (rest >= 10 && rest < 20) parts.push(TEENS[rest - 10]);
    else {
      if (Math.floor(rest / 10)) parts.push(TENS[Math.floor(rest / 10)]);
      if (rest % 10) parts.push(ONES[rest % 10]);
    }
    return parts.join(" و ");
  }
  function persianWords(digits) {
    digits = digits.replace(/^0+/, "");
    if (!digits) return "صفر";
    var groups = [];
    while (digits.length) {
      groups.unshift(Number(digits.slice(-3)));
      digits = digits.slice(0, -3);
    }
    if (groups.length > SCALES.length) return "";
    var words = [];
    groups.forEach(function (g, i) {
      var scale = SCALES[groups.length - 1 - i];
      if (!g) return;
      words.push(threeDigits(g) + (scale ? " " + scale : ""));
    });
    return words.join(" و ");
  }
  // What a person typed → {whole, decimals} (Latin digits) or null when it is not a number.
  function parseAmount(text) {
    var t = toLatin(text).replace(/[,\s\u066c\u060c'_]/g, "").replace(/\u066b/g, ".");
    var m = /^(\d+)(?:\.(\d+))?$/.exec(t);
    return m ? { whole: m[1], decimals: m[2] || "" } : null;
  }
  function moneyWords(input) {
    var out = document.querySelector('[data-jh-money-words="' + input.id + '"]');
    if (!out) return;
    var amount = input.value.trim() ? parseAmount(input.value) : null;
    if (!amount) { out.textContent = ""; return; }
    var unit = input.dataset.unit || "";
    var persian = (document.documentElement.lang || "fa").indexOf("fa") === 0;
    var text;
    if (persian) {
      text = persianWords(amount.whole);
      if (!text) { out.textContent = ""; return; }
      if (amount.decimals && /[1-9]/.test(amount.decimals)) {
        text += " ممیز " + persianWords(amount.decimals.replace(/0+$/, ""));
      }
    } else {
      text = Number(amount.whole).toLocaleString("en") + (amount.decimals ? "." + amount.decimals : "");
    }
    out.textContent = text + " " + unit;
  }

  function initForms(root) {
    var all = function (sel) {
      var found = Array.prototype.slice.call(root.querySelectorAll(sel));
      if (root.matches && root.matches(sel)) found.push(root);
      return found;
    };
    all("form").forEach(function (form) { form.noValidate = true; });
    all("input.money-input").forEach(function (input) {
      if (input.dataset.jhMoneyBound) return;
      input.dataset.jhMoneyBound = "1";
      input.addEventListener("input", function () { moneyWords(input); });
      moneyWords(input);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initForms(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt !== document.body) initForms(event.detail.elt);
  });

  // Digit for digit, so the caret and a selection stay where they were.
  function retype(box, turn) {
    var value = turn(box.value);
    if (value === box.value) return;
    var start = box.selectionStart, end = box.selectionEnd;
    box.value = value;
    try { box.setSelectionRange(start, end); } catch (e) { /* not a text box */ }
  }
  function persianNumber(text) { return toPersian(toLatin(text)).replace(/\u066b/g, "."); }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box && box.matches && box.matches("input[data-jh-number]")) retype(box, persianNumber);
  });

  // The date picker: one watcher for the whole document (swapped-in forms too).
  function isDateBox(el) { return el && el.matches && el.matches("input[data-jdp]"); }
  document.addEventListener("focusin", function (event) {
    // Before the picker reads the box (it is registered later): Latin digits,
    // which it needs to open on the box's date.
    if (isDateBox(event.target)) retype(event.target, toLatin);
  }, true);
  document.addEventListener("focusout", function (event) {
    if (isDateBox(event.target)) retype(event.target, toPersian);
  }, true);
  document.addEventListener("jdp:change", function (event) {
    if (isDateBox(event.target) && document.activeElement !== event.target) {
      event.target.value = toPersian(event.target.value);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.jalaliDatepicker) return;
    window.jalaliDatepicker.startWatch({
      persianDigits: true,
      autoReadOnlyInput: false, // typing a date stays possible, on a phone too
      showTodayBtn: true,
      showEmptyBtn: true,
      zIndex: 1080,
      selector: "input[data-jdp]"
    });
  });

  // For tests (tests/core/test_money_words_js.py would need a JS engine; the
  // browser test calls this).
  window.jaheshMoneyWords = persianWords;
})();
