// Charts of the dashboards, drawn with Chart.js served from our own static files. Each <canvas data-chart="ID">
// reads its data from <script type="application/json" id="ID"> (no inline script: content security policy).
// Every chart has its figures in a table next to it; the page is complete without JavaScript.
(function () {
  "use strict";
  var RED = "#b3261e", GREY = "#b9b0ac", GREEN = "#1e6b35";

  function formatNumber(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values,
        backgroundColor: series.color || [RED, GREY, GREEN][index % 3],
        borderColor: series.color || [RED, GREY, GREEN][index % 3],
        borderWidth: spec.type === "line" ? 2 : 0,
        fill: false,
      };
    });
    new window.Chart(canvas, {
      type: spec.type === "hbar" ? "bar" : spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.type === "hbar" ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + formatNumber(ctx.raw);
              },
            },
          },
        },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
