/* The unit page: its risk score over its visits (ECharts, newest on the left). */
(function () {
  var el = document.getElementById("risk-chart");
  if (!el || !window.echarts) return;
  var values = JSON.parse(document.getElementById("risk-values").textContent);
  var labels = JSON.parse(document.getElementById("risk-labels").textContent);
  var chart = echarts.init(el, null, {renderer: "svg"});
  chart.setOption({
    grid: {left: 8, right: 8, top: 10, bottom: 8, containLabel: true},
    textStyle: {fontFamily: "Vazirmatn"},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: labels, inverse: true},
    yAxis: {type: "value", min: 0, max: 100, position: "right", axisLabel: {formatter: function (v) { return v.toLocaleString("fa-IR"); }}},
    series: [{type: "line", data: values, smooth: true, areaStyle: {opacity: 0.15}, color: "#c0392b"}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
