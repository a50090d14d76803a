/* The dashboard: definitions in popovers, trend charts by Jalali year (ECharts). */
(function () {
  "use strict";
  document.querySelectorAll('[data-bs-toggle="popover"]').forEach(function (el) {
    if (window.bootstrap) new bootstrap.Popover(el);
  });
  var data = JSON.parse(document.getElementById("jh-chart-data").textContent);
  var rtl = document.documentElement.dir === "rtl";
  var fa = new Intl.NumberFormat(rtl ? "fa-IR" : "en-US");
  function yearLabel(y) { return rtl ? fa.format(Number(y)).replace(/٬/g, "") : y; }
  function short(unit, v) {
    if (unit !== "rial") return fa.format(v);
    var t = v / 10;  // tomans
    if (t >= 1e12) return fa.format(Math.round(t / 1e11) / 10) + (rtl ? " هزار میلیارد" : "T");
    if (t >= 1e9) return fa.format(Math.round(t / 1e8) / 10) + (rtl ? " میلیارد" : "B");
    if (t >= 1e6) return fa.format(Math.round(t / 1e5) / 10) + (rtl ? " میلیون" : "M");
    return fa.format(t);
  }
  data.forEach(function (chart) {
    var el = document.getElementById("chart-" + chart.code);
    if (!el || !window.jaheshChart) return;
    window.jaheshChart(el, {
      grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return short(chart.unit, v); } },
      xAxis: { type: "category", inverse: rtl, data: chart.years.map(yearLabel) },
      yAxis: { type: "value", position: rtl ? "right" : "left",
               axisLabel: { formatter: function (v) { return short(chart.unit, v); } } },
      series: [{ type: "bar", data: chart.values, itemStyle: { color: "#1f8a70" },
                 label: { show: true, position: "top", fontSize: 10,
                          formatter: function (p) { return short(chart.unit, p.value); } } }]
    });
  });
})();
