/* The import page (core/import_page.html). */
// Large files: show the upload's progress, then a "processing" note while the
// server reads and checks every row.
(function () {
  var form = document.getElementById("upload-form");
  if (form) form.addEventListener("submit", function (ev) {
    if (!window.XMLHttpRequest || !window.FormData) return;
    ev.preventDefault();
    var bar = document.getElementById("upload-progress"), inner = bar.firstElementChild;
    bar.classList.remove("d-none");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { inner.style.width = Math.round(100 * e.loaded / e.total) + "%"; } };
    xhr.upload.onload = function () { inner.style.width = "100%"; inner.textContent = bar.dataset.checking; };
    xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
    xhr.send(new FormData(form));
  });
  var confirm = document.getElementById("confirm-form");
  if (confirm) confirm.addEventListener("submit", function () {
    confirm.querySelector(".jh-busy").classList.remove("d-none");
    confirm.querySelector("button[type=submit]").disabled = true;
  });
})();
