/**
 * The summary page's script, as text: a Chart.js bar chart of median goodput per variant,
 * with min–max whiskers drawn by a tiny plugin of our own (no error-bar plugin, no network).
 * It follows lab/report/assets/report-client.js: body data-rendered="true" and data-charts
 * once drawn, data-rendered="error" (and a visible message) on failure. Kept as a string
 * because the project compiles without the DOM library (the browser test does the same).
 */
export const MATRIX_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var body = document.body;

  function fail(message) {
    body.dataset.rendered = 'error';
    body.dataset.renderError = message;
    var p = document.getElementById('chart-error');
    if (p) {
      p.textContent = 'The chart could not be drawn: ' + message;
      p.hidden = false;
    }
  }

  // A vertical line from min to max over each bar, with caps: the spread of the runs.
  var whiskers = {
    id: 'whiskers',
    afterDatasetsDraw: function (chart, _args, opts) {
      var y = chart.scales.y;
      var bars = chart.getDatasetMeta(0).data;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = opts.color || '#000';
      ctx.lineWidth = 2;
      (opts.ranges || []).forEach(function (r, i) {
        var bar = bars[i];
        if (!bar || !r) return;
        var top = y.getPixelForValue(r[1]);
        var bottom = y.getPixelForValue(r[0]);
        var cap = Math.min(10, bar.width / 4);
        // On a whole pixel, a 2-pixel line is crisp black rather than two grey half-pixels.
        var x = Math.round(bar.x);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top);
        ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom);
        ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
    afterRender: function () {
      if (body.dataset.rendered === 'true') return;
      body.dataset.charts = '1';
      body.dataset.rendered = 'true';
    },
  };

  try {
    if (typeof Chart === 'undefined') throw new Error('Chart.js is missing from the page');
    var data = JSON.parse(document.getElementById('matrix-data').textContent);
    var canvas = document.getElementById('chart-goodput');
    if (!canvas) throw new Error('no canvas #chart-goodput');
    var top = 0;
    data.ranges.forEach(function (r, i) { top = Math.max(top, r ? r[1] : 0, data.medians[i]); });
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [{ label: 'goodput, median of the runs', data: data.medians, backgroundColor: data.color, borderColor: data.color, borderWidth: 1, maxBarThickness: 90 }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { title: { display: true, text: 'variant' } },
          y: { beginAtZero: true, suggestedMax: top * 1.08, title: { display: true, text: 'goodput (Mbit/s)' } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                var r = data.ranges[item.dataIndex];
                return r ? 'min ' + r[0] + ', max ' + r[1] + ' Mbit/s over ' + data.runs[item.dataIndex] + ' runs' : '';
              },
            },
          },
          whiskers: { ranges: data.ranges },
        },
      },
      plugins: [whiskers],
    });
  } catch (e) {
    fail(e && e.message ? e.message : String(e));
  }
})();
`;
