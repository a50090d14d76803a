/* The project page: its reported progress over time (ECharts). */
(function () {
  "use strict";
  var el = document.getElementById("progress-chart");
  if (!el || !window.jaheshChart) return;
  var labels = JSON.parse(document.getElementById("progress-labels").textContent);
  var values = JSON.parse(document.getElementById("progress-values").textContent);
  function fa(v) { return Number(v).toLocaleString("fa-IR") + "٪"; }
  // jaheshChart: canvas, and tooltips the Content-Security-Policy allows (ECharts'
  // SVG renderer writes style="" attributes, which it refuses).
  window.jaheshChart(el, {
    grid: {left: 44, right: 52, top: 28, bottom: 28},
    tooltip: {trigger: "axis", valueFormatter: fa},
    // Right to left, like the page: the first report on the right.
    xAxis: {type: "category", data: labels, inverse: document.dir === "rtl", boundaryGap: false},
    yAxis: {type: "value", min: 0, max: 100, position: "right", axisLabel: {formatter: fa}},
    series: [{type: "line", data: values, symbolSize: 8, areaStyle: {opacity: .15}, itemStyle: {color: "#198754"},
              label: {show: true, position: "top", formatter: function (p) { return fa(p.value); }}}]
  });
})();
