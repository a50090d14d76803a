/* The unit page: its risk score over its visits (ECharts, newest on the left).
 * Drawn by jaheshChart (canvas, and tooltips the Content-Security-Policy allows;
 * ECharts' SVG renderer writes style="" attributes, which it refuses). */
(function () {
  "use strict";
  var el = document.getElementById("risk-chart");
  if (!el || !window.jaheshChart) return;
  var values = JSON.parse(document.getElementById("risk-values").textContent);
  var labels = JSON.parse(document.getElementById("risk-labels").textContent);
  window.jaheshChart(el, {
    grid: {left: 8, right: 8, top: 10, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: labels, inverse: true},
    yAxis: {type: "value", min: 0, max: 100, position: "right"},
    series: [{type: "line", data: values, smooth: true, areaStyle: {opacity: 0.15}, color: "#c0392b"}]
  });
})();
