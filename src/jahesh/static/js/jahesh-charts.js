/* Charts with ECharts in Jahesh's type and numbers (loaded by partials/echarts.html).
 *
 *   var chart = jaheshChart(document.getElementById("jobs"), option);
 *
 * Sets Vazirmatn everywhere in the chart, Persian digits with the Persian
 * thousands separator (٬) on a Persian page, a right-to-left tooltip and
 * legend on a Persian page, and resizes with the window (phones rotate).
 * jaheshChart.number(1234567) gives "۱٬۲۳۴٬۵۶۷" on a Persian page.
 */
(function () {
  "use strict";

  var rtl = document.documentElement.dir === "rtl";
  var numberFormat = new Intl.NumberFormat(rtl ? "fa-IR" : "en-US");

  function number(value) {
    if (value === null || value === undefined || value === "") return "";
    var n = Number(value);
    return isNaN(n) ? String(value) : numberFormat.format(n);
  }

  function isObject(v) { return v && typeof v === "object" && !Array.isArray(v); }

  // ECharts writes its own tooltips as HTML full of style="" attributes, which the
  // Content-Security-Policy refuses (core/csp.py). This formatter builds the same
  // tooltip as DOM nodes: classes for the layout (css/jahesh.css .jh-tt-*) and the
  // series colour through element.style, which the policy allows.
  function autoName(name) { return !name || /^series\s*\d+$/.test(name) || name.indexOf("\u0000") >= 0; }

  function tooltipDom(format) {
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      var box = document.createElement("div");
      var heading = Array.isArray(params) ? list[0] && list[0].axisValueLabel : list[0].seriesName;
      if (heading && !autoName(heading)) {
        var title = document.createElement("div");
        title.className = "jh-tt-title";
        title.textContent = heading;
        box.appendChild(title);
      }
      list.forEach(function (p) {
        var row = document.createElement("div");
        row.className = "jh-tt-row";
        var dot = document.createElement("span");
        dot.className = "jh-tt-dot";
        if (typeof p.color === "string") dot.style.backgroundColor = p.color;
        var label = document.createElement("span");
        label.textContent = Array.isArray(params) ? (autoName(p.seriesName) ? "" : p.seriesName) : p.name;
        var value = document.createElement("strong");
        value.className = "jh-tt-value";
        value.textContent = format(Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value);
        row.appendChild(dot); row.appendChild(label); row.appendChild(value);
        box.appendChild(row);
      });
      return box;
    };
  }

  function withDefaults(option) {
    var font = "Vazirmatn, system-ui, sans-serif";
    option = Object.assign({}, option);
    option.textStyle = Object.assign({ fontFamily: font }, option.textStyle || {});
    option.tooltip = Object.assign(
      {
        textStyle: { fontFamily: font },
        className: rtl ? "jh-chart-tooltip-rtl" : "",
        valueFormatter: number
      },
      option.tooltip || {}
    );
    if (option.tooltip.formatter === undefined) {
      option.tooltip.formatter = tooltipDom(option.tooltip.valueFormatter || number);
    }
    if (isObject(option.legend) && rtl && option.legend.left === undefined) {
      option.legend = Object.assign({ right: 0, align: "right" }, option.legend);
    }
    ["xAxis", "yAxis"].forEach(function (key) {
      var axes = option[key];
      if (!axes) return;
      (Array.isArray(axes) ? axes : [axes]).forEach(function (axis) {
        if (axis.type === "value") {
          axis.axisLabel = Object.assign({ formatter: number }, axis.axisLabel || {});
        }
      });
    });
    return option;
  }

  function jaheshChart(element, option, theme) {
    if (!window.echarts || !element) return null;
    var chart = window.echarts.init(element, theme || null, { renderer: "canvas" });
    // Wait for Vazirmatn, or the canvas keeps the fallback font's text.
    var draw = function () { chart.setOption(withDefaults(option)); };
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(draw); } else { draw(); }
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  jaheshChart.number = number;
  jaheshChart.options = withDefaults;
  window.jaheshChart = jaheshChart;
})();
