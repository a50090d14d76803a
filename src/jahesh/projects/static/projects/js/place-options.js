/* Project and service forms: reload the village and city options when the
 * county changes (the options URL comes from the script tag's data-url). */
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  document.addEventListener("DOMContentLoaded", function () {
    var county = document.getElementById("id_county");
    if (!county) return;
    county.addEventListener("change", function () {
      ["village", "city"].forEach(function (kind) {
        var target = document.getElementById("id_" + kind);
        if (!target) return;
        htmx.ajax("GET", url + "?kind=" + kind + "&county=" + encodeURIComponent(county.value),
                  {target: target, swap: "innerHTML"});
      });
    });
  });
})();
