// Draws every chart on the page with Chart.js (static/vendor/chartjs). A chart is a
// <canvas data-chart="ID"> whose data is the JSON in <script type="application/json" id="ID">
// (Django's json_script). The same numbers are always in a table on the page, so the page
// reads the same without JavaScript.
"use strict";

(() => {
  if (typeof Chart === "undefined") {
    return;
  }
  // Colour-blind-safe palette (Okabe and Ito), starting with the UNODC blue.
  const PALETTE = ["#00457c", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#0072b2", "#8c6d00", "#555555"];
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Numbers on axes and in tooltips in the page's language (3 000 in Russian, 3,000 in English).
  const locale = document.documentElement.lang || undefined;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#212529";

  // A value axis of counts ("counts": true in the spec: contributions, participants) ticks
  // whole numbers only; amounts and kilograms keep Chart.js's decimal ticks.
  function axis(title, stacked, counts) {
    const options = {
      stacked: Boolean(stacked),
      beginAtZero: true,
      title: { display: Boolean(title), text: title || "" },
    };
    if (counts) {
      options.ticks = { precision: 0 };
    }
    return options;
  }

  function config(spec) {
    const round = spec.type === "doughnut" || spec.type === "pie";
    const datasets = spec.datasets.map((dataset, index) => ({
      label: dataset.label,
      data: dataset.data,
      backgroundColor: round ? spec.labels.map((_, i) => PALETTE[i % PALETTE.length]) : PALETTE[index % PALETTE.length],
      borderColor: round ? "#ffffff" : PALETTE[index % PALETTE.length],
      borderWidth: round ? 2 : 0,
    }));
    const options = {
      responsive: true,
      locale,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 400 },
      plugins: {
        legend: { display: round || datasets.length > 1, position: "bottom" },
      },
    };
    if (!round) {
      options.indexAxis = spec.horizontal ? "y" : "x";
      const counts = Boolean(spec.counts);
      options.scales = {
        x: axis(spec.x_title, spec.stacked, counts && spec.horizontal),
        y: axis(spec.y_title, spec.stacked, counts && !spec.horizontal),
      };
    }
    return { type: spec.type || "bar", data: { labels: spec.labels, datasets }, options };
  }

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    try {
      new Chart(canvas, config(JSON.parse(source.textContent)));
    } catch (error) {
      console.warn("Chart not drawn:", canvas.dataset.chart, error);
    }
  });
})();
