// The week at a glance (handover/workflow.py, /week): draws the page's two charts with
// Chart.js (served from web/node_modules as /static/chart.umd.js) from the numbers the page
// carries in <script type="application/json" id="week-data">, the same as its tables.
"use strict";
(function () {
  const LEVEL_COLOURS = { crisis: "#6a1b9a", emergency: "#b00020", urgent: "#8a4b00", routine: "#4a6fa5" };
  const PALETTE = ["#1b5e20", "#b00020", "#8a4b00", "#4a6fa5", "#6a1b9a", "#00695c", "#ad1457",
    "#37474f", "#9e9d24", "#5d4037", "#0277bd", "#ef6c00"];

  function draw(canvas, labels, series, colour) {
    if (!canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels,
        datasets: series.map((one, n) => ({ label: one.label, data: one.counts, backgroundColor: colour(one, n) })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const source = document.getElementById("week-data");
    if (!source || typeof Chart === "undefined") return;  // the tables say it all anyway
    const data = JSON.parse(source.textContent);
    draw(document.getElementById("by-level"), data.labels, data.levels,
      (one) => LEVEL_COLOURS[one.key] || "#555");
    draw(document.getElementById("by-reason"), data.labels, data.reasons,
      (one, n) => PALETTE[n % PALETTE.length]);
  });
})();
