/* The period picker: show only the fields the chosen kind of period needs. */
(function () {
  var form = document.getElementById("jh-picker"), kind = form.querySelector("#id_period");
  function sync() {
    form.querySelectorAll("[data-show]").forEach(function (el) {
      el.classList.toggle("d-none", el.dataset.show.split(" ").indexOf(kind.value) < 0);
    });
  }
  kind.addEventListener("change", sync); sync();
})();
