// Charts of the results and analytics pages, drawn by the vendored uPlot from the JSON in each
// .chart element's data-chart attribute: {x: [unix seconds], format, ylabel, series: [{label,
// color, values}]}. The same numbers are in a table under each chart for screen readers.
(function () {
  "use strict";

  function formatter(format) {
    if (format === "percent") {
      return function (v) { return v == null ? "–" : (v * 100).toFixed(1) + "%"; };
    }
    if (format === "money") {
      return function (v) { return v == null ? "–" : v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }); };
    }
    return function (v) { return v == null ? "–" : Math.round(v).toLocaleString(); };
  }

  function dayLabel(ts) {
    return new Date(ts * 1000).toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
  }

  function draw(el) {
    var spec;
    try {
      spec = JSON.parse(el.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    if (!spec.x || spec.x.length === 0 || !window.uPlot) {
      return;
    }
    var fmt = formatter(spec.format);
    var narrow = el.clientWidth < 480;
    var series = [{ label: "Day", value: function (u, ts) { return ts == null ? "–" : dayLabel(ts); } }];
    var data = [spec.x];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: 2,
        spanGaps: false,
        points: { show: spec.x.length <= 14 },
        value: function (u, v) { return fmt(v); }
      });
      data.push(s.values);
    });
    var opts = {
      width: Math.max(el.clientWidth, 200),
      height: narrow ? 200 : 260,
      series: series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      axes: [
        {
          label: "Day (UTC)",
          labelSize: 20,
          stroke: "#64748b",
          grid: { stroke: "#eef2f7" },
          values: function (u, splits) { return splits.map(dayLabel); },
          space: narrow ? 70 : 60,
          incrs: [86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400]
        },
        {
          label: spec.ylabel,
          labelSize: 20,
          stroke: "#64748b",
          grid: { stroke: "#eef2f7" },
          size: narrow ? 60 : 72,
          values: function (u, splits) { return splits.map(spec.format === "money" ? formatter("count") : fmt); }
        }
      ]
    };
    el.textContent = "";
    var plot = new window.uPlot(opts, data, el);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var w = Math.max(el.clientWidth, 200);
        if (Math.abs(w - plot.width) > 2) {
          plot.setSize({ width: w, height: w < 480 ? 200 : 260 });
        }
      }).observe(el);
    }
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
})();
