/**
 * The comparison page's script, as text (the project compiles without the DOM library): three
 * line charts (aggregate, per path, goodput), run A solid and run B dashed. As the other pages:
 * body data-rendered="true" and data-charts once every chart has drawn, data-datasets with each
 * chart's dataset count ("2,4,2"), data-rendered="error" and a visible message on failure.
 */
export const COMPARE_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var body = document.body;
  function fail(message) {
    body.dataset.rendered = 'error';
    body.dataset.renderError = message;
    var p = document.getElementById('chart-error');
    if (p) { p.textContent = 'Charts could not be drawn: ' + message; p.hidden = false; }
  }
  var expected = 0;
  var drawn = {};
  var counts = [];
  var renderedCounter = {
    id: 'renderedCounter',
    afterRender: function (chart) {
      drawn[chart.id] = true;
      var n = Object.keys(drawn).length;
      if (expected > 0 && n >= expected && body.dataset.rendered !== 'true') {
        body.dataset.charts = String(n);
        body.dataset.datasets = counts.join(',');
        body.dataset.rendered = 'true';
      }
    },
  };
  function lineChart(id, lines, endS) {
    var canvas = document.getElementById(id);
    if (!canvas) throw new Error('no canvas #' + id);
    counts.push(lines.length);
    return new Chart(canvas, {
      type: 'line',
      data: {
        datasets: lines.map(function (l) {
          return {
            label: l.label,
            data: l.points.map(function (p) { return { x: p[0], y: p[1] }; }),
            borderColor: l.color,
            backgroundColor: l.color,
            borderWidth: 2,
            borderDash: l.dashed ? [6, 4] : [],
            pointRadius: 0,
            tension: 0,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', min: 0, max: endS, title: { display: true, text: 'time since traffic start (s)' } },
          y: { beginAtZero: true, title: { display: true, text: 'Mbit/s' } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', pointStyleWidth: 28 } },
          decimation: { enabled: true, algorithm: 'lttb', samples: 800 },
        },
      },
      plugins: [renderedCounter],
    });
  }
  try {
    if (typeof Chart === 'undefined') throw new Error('Chart.js is missing from the page');
    var data = JSON.parse(document.getElementById('compare-data').textContent);
    expected = 3;
    lineChart('chart-aggregate', data.aggregate, data.endS);
    lineChart('chart-paths', data.paths, data.endS);
    lineChart('chart-goodput', data.goodput, data.endS);
  } catch (e) {
    fail(e && e.message ? e.message : String(e));
  }
})();
`;
