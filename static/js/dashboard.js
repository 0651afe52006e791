// Monitoring dashboard: draws the charts from the numbers the server put in <script type="application/json"
// id="dashboard-data"> (json_script). The same numbers are in the tables under each chart, which stay the
// accessible source; a chart is a picture of its table. Loaded as a file: inline scripts are not allowed.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Bootstrap Italia's palette, distinguishable also in grey scale (contrast between adjacent bars).
  var colours = ["#0066cc", "#00264d", "#008055", "#cc7a00", "#5c6f82", "#d9364f"];
  var euro = new Intl.NumberFormat("it-IT", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var number = new Intl.NumberFormat("it-IT");
  window.Chart.defaults.font.family = "'Titillium Web', Geneva, Tahoma, sans-serif";
  window.Chart.defaults.animation = false; // no motion: nothing to wait for, nothing to distract

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      canvas.chart = new window.Chart(canvas, config);
    }
  }

  draw("chart-money", {
    type: "bar",
    data: {
      labels: data.money.labels,
      datasets: data.money.series.map(function (series, index) {
        return { label: series.label, data: series.values, backgroundColor: colours[index % colours.length] };
      })
    },
    options: {
      responsive: true,
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return euro.format(v); } } } },
      plugins: {
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + euro.format(c.parsed.y); } } }
      }
    }
  });

  draw("chart-statuses", {
    type: "bar",
    data: {
      labels: data.statuses.labels,
      datasets: [{ label: data.statuses.label, data: data.statuses.values, backgroundColor: colours[0] }]
    },
    options: { indexAxis: "y", responsive: true, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });

  draw("chart-applications", {
    type: "line",
    data: {
      labels: data.applications.labels,
      datasets: [{ label: data.applications.label, data: data.applications.values, borderColor: colours[0], backgroundColor: colours[0] }]
    },
    options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });

  draw("chart-indicators", {
    type: "bar",
    data: {
      labels: data.indicators.labels,
      datasets: [
        { label: data.indicators.actual_label, data: data.indicators.actual, backgroundColor: colours[0] },
        { label: data.indicators.target_label, data: data.indicators.target, backgroundColor: colours[3] }
      ]
    },
    options: {
      responsive: true,
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return number.format(v); } } } }
    }
  });
})();
