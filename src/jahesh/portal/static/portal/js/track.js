/* The tracking page: the SMS-code button of the rating form (purpose "rating"). */
(function () {
  "use strict";
  var form = document.getElementById("jh-rate-form");
  if (!form) return;
  var button = document.getElementById("jh-rate-otp");
  var status = document.getElementById("jh-rate-otp-status");
  button.addEventListener("click", function () {
    button.disabled = true;
    fetch(form.dataset.otpUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify({ mobile: form.querySelector("[name=mobile]").value, purpose: "rating" }),
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().then(function (data) {
        status.textContent = r.ok ? button.dataset.sent : data.message;
        status.classList.toggle("text-danger", !r.ok);
        setTimeout(function () { button.disabled = false; }, r.ok ? 60000 : 2000);
      });
    }).catch(function () { button.disabled = false; });
  });
})();
