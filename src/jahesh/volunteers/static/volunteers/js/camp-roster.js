/* The camp roster: apply one number of hours, or one skill, to every filled row. */
(function () {
  var t = document.getElementById("roster-table");
  document.getElementById("apply-hours").addEventListener("click", function () {
    var v = document.getElementById("all-hours").value;
    t.querySelectorAll("tbody tr").forEach(function (tr) {
      if (tr.querySelector('input[name="nc"]').value.trim()) tr.querySelector('input[name="hours"]').value = v;
    });
  });
  document.getElementById("apply-skill").addEventListener("click", function () {
    var v = document.getElementById("all-skill").value;
    t.querySelectorAll("tbody tr").forEach(function (tr) {
      var s = tr.querySelector('select[name="skill"]');
      if (tr.querySelector('input[name="nc"]').value.trim() && !s.value) s.value = v;
    });
  });
})();
