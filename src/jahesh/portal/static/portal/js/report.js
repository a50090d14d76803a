/* The public report page: the SMS-code button and the proof-of-work captcha
   (portal/captcha.py: find n with sha256(salt + n) == challenge). No inline
   script (CSP 'self'): wired to the form by ids and data- attributes. */
(function () {
  "use strict";
  var form = document.getElementById("jh-report-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    });
  }

  // --- SMS code ---
  var send = document.getElementById("jh-otp-send");
  var otpStatus = document.getElementById("jh-otp-status");
  send.addEventListener("click", function () {
    var mobile = form.querySelector("[name=mobile]").value;
    send.disabled = true;
    postJson(form.dataset.otpUrl, { mobile: mobile }).then(function (res) {
      otpStatus.textContent = res.ok ? send.dataset.sent || "✓" : res.data.message +
        (res.data.errors && res.data.errors.length ? " " + res.data.errors[0].message : "");
      otpStatus.classList.toggle("text-danger", !res.ok);
      setTimeout(function () { send.disabled = false; }, res.ok ? 60000 : 2000);
    }).catch(function () { send.disabled = false; });
  });

  // --- Captcha (ALTCHA-style proof of work) ---
  var run = document.getElementById("jh-captcha-run");
  var status = document.getElementById("jh-captcha-status");
  var keyField = form.querySelector("[name=captcha_key]");
  var answerField = form.querySelector("[name=captcha_answer]");

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
    return out;
  }

  function solve(ch) {
    var enc = new TextEncoder();
    var n = 0;
    function step() {
      var batch = [];
      for (var i = 0; i < 500 && n + i <= ch.maxnumber; i++) {
        batch.push(crypto.subtle.digest("SHA-256", enc.encode(ch.salt + (n + i))));
      }
      return Promise.all(batch).then(function (hashes) {
        for (var j = 0; j < hashes.length; j++) {
          if (hex(hashes[j]) === ch.challenge) return n + j;
        }
        n += hashes.length;
        if (n > ch.maxnumber) throw new Error("no solution");
        return step();
      });
    }
    return step();
  }

  function runCaptcha() {
    run.disabled = true;
    status.textContent = status.dataset.working;
    fetch(form.dataset.captchaUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (ch) {
        return solve(ch).then(function (n) {
          keyField.value = ch.key;
          answerField.value = String(n);
          status.textContent = status.dataset.done;
          status.classList.add("text-success");
          run.hidden = true;
        });
      })
      .catch(function () {
        status.textContent = status.dataset.failed;
        run.disabled = false;
      });
  }
  run.addEventListener("click", runCaptcha);
  // A page shown again after an error needs a fresh challenge (each is spent once).
  keyField.value = "";
  answerField.value = "";
})();
