/* The project page: its reported progress over time (ECharts). */
(function () {
  var el = document.getElementById("progress-chart");
  if (!el || !window.echarts) return;
  var labels = JSON.parse(document.getElementById("progress-labels").textContent);
  var values = JSON.parse(document.getElementById("progress-values").textContent);
  function fa(v) { return Number(v).toLocaleString("fa-IR") + "٪"; }
  var chart = echarts.init(el, null, {renderer: "svg"});
  chart.setOption({
    textStyle: {fontFamily: "Vazirmatn"},
    grid: {left: 44, right: 52, top: 28, bottom: 28},
    tooltip: {trigger: "axis"},
    // Right to left, like the page: the first report on the right.
    xAxis: {type: "category", data: labels, inverse: document.dir === "rtl", boundaryGap: false},
    yAxis: {type: "value", min: 0, max: 100, position: "right", axisLabel: {formatter: fa}},
    series: [{type: "line", data: values, symbolSize: 8, areaStyle: {opacity: .15}, itemStyle: {color: "#198754"},
              label: {show: true, position: "top", formatter: function (p) { return fa(p.value); }}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
