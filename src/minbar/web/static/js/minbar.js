/* minbar web UI: HTMX CSRF header and charts. Data comes from <script type="application/json">
   blocks (never runnable code); no inline scripts anywhere (CSP script-src 'self'). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  var PALETTE = ["#1d4e89", "#d1495b", "#00798c", "#edae49", "#66a182", "#8d6a9f",
                 "#e07a5f", "#3d405b", "#999999"];

  function readData(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    var lang = document.documentElement.getAttribute("lang") || "en";
    var canvases = (root || document).querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      if (canvas.dataset.drawn) return;
      var spec = readData(canvas.dataset.chart);
      if (!spec) return;
      canvas.dataset.drawn = "1";
      var datasets = spec.datasets.map(function (ds, i) {
        var color = PALETTE[i % PALETTE.length];
        return {
          label: ds.label, data: ds.data, borderColor: color, backgroundColor: color,
          tension: 0, pointRadius: 2, borderWidth: 2, fill: false
        };
      });
      var stacked = !!spec.stacked;
      new window.Chart(canvas, {
        type: spec.type || "line",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false, locale: lang,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { position: "bottom", rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
            tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
          },
          scales: {
            x: { reverse: rtl, stacked: stacked, ticks: { maxRotation: 0, autoSkip: true } },
            y: { position: rtl ? "right" : "left", beginAtZero: true, stacked: stacked,
                 ticks: { precision: 0 } }
          }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
