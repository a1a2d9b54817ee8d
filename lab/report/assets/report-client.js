/*
 * Draws the report's charts from the inline JSON (#lab-data) with the inlined Chart.js.
 * Cut/restore markers and outage shading come from a small plugin of our own, so the page
 * needs no annotation plugin and no network. When every chart has drawn, the body gets
 * data-rendered="true" and data-charts=<count>; on failure, data-rendered="error".
 */
(function () {
  'use strict';
  var body = document.body;

  function fail(message) {
    body.dataset.rendered = 'error';
    body.dataset.renderError = message;
    var p = document.getElementById('chart-error');
    if (p) {
      p.textContent = 'Charts could not be drawn: ' + message;
      p.hidden = false;
    }
  }

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // Shades each outage (cut → restore) in the cut path's colour, then draws the markers on top.
  var labEvents = {
    id: 'labEvents',
    beforeDatasetsDraw: function (chart, _args, opts) {
      var x = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      (opts.outages || []).forEach(function (o) {
        var from = Math.max(area.left, x.getPixelForValue(o.fromS));
        var to = Math.min(area.right, x.getPixelForValue(o.toS));
        if (to <= from) return;
        ctx.fillStyle = withAlpha(o.color, 0.13);
        ctx.fillRect(from, area.top, to - from, area.bottom - area.top);
      });
      // Middlebox faults: a light band with a solid bar along the bottom, labelled with the mode.
      (opts.faults || []).forEach(function (f, i) {
        var from = Math.max(area.left, x.getPixelForValue(f.fromS));
        var to = Math.min(area.right, x.getPixelForValue(f.toS));
        if (to <= from) return;
        ctx.fillStyle = withAlpha(f.color, 0.07);
        ctx.fillRect(from, area.top, to - from, area.bottom - area.top);
        ctx.fillStyle = withAlpha(f.color, 0.8);
        ctx.fillRect(from, area.bottom - 6 - i * 8, to - from, 6);
        if (opts.labels) {
          ctx.font = '11px system-ui, sans-serif';
          ctx.fillStyle = '#222';
          ctx.fillText('fault ' + f.mode + ' ' + f.path, from + 3, area.bottom - 20 - i * 8);
        }
      });
      ctx.restore();
    },
    afterDatasetsDraw: function (chart, _args, opts) {
      var x = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      (opts.events || []).forEach(function (e, i) {
        var px = x.getPixelForValue(e.s);
        if (px < area.left || px > area.right) return;
        ctx.strokeStyle = '#333';
        ctx.lineWidth = 1.5;
        ctx.setLineDash(e.kind === 'cut' ? [] : [5, 4]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        if (opts.labels) {
          var text = e.kind + ' ' + e.path;
          var w = ctx.measureText(text).width + 6;
          var left = px + w + 2 > area.right ? px - w - 2 : px + 2;
          var top = area.top + 2 + (i % 2) * 15;
          ctx.fillStyle = 'rgba(255,255,255,0.85)';
          ctx.fillRect(left, top, w, 14);
          ctx.fillStyle = '#222';
          ctx.fillText(text, left + 3, top + 1);
        }
      });
      ctx.restore();
    },
  };

  function lineChart(canvasId, lines, data, opts) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) throw new Error('no canvas #' + canvasId);
    return new Chart(canvas, {
      type: 'line',
      data: {
        datasets: lines.map(function (l) {
          var main = /^goodput/.test(l.label);
          return {
            label: l.label,
            data: l.points.map(function (p) { return { x: p[0], y: p[1] }; }),
            borderColor: l.color,
            backgroundColor: l.color,
            borderWidth: main ? 2.5 : 1.5,
            borderDash: /^aggregate|^all paths/.test(l.label) ? [6, 4] : [],
            pointRadius: 0,
            stepped: opts.stepped ? 'before' : false,
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
          x: { type: 'linear', min: 0, max: data.endS, ticks: { includeBounds: false }, title: { display: true, text: 'time since traffic start (s)' } },
          y: { beginAtZero: true, suggestedMax: opts.suggestedMax, ticks: { precision: opts.integer ? 0 : undefined }, title: { display: true, text: opts.yTitle } },
        },
        plugins: {
          // Lines in the legend, dashed where the series is, instead of filled boxes.
          legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', pointStyleWidth: 28 } },
          decimation: { enabled: true, algorithm: 'lttb', samples: 800 },
          labEvents: { events: data.events, outages: data.outages, faults: data.faults, labels: opts.labels },
        },
      },
      plugins: [labEvents, renderedCounter],
    });
  }

  var expected = 0;
  var drawn = {};
  // Counts charts that have completed a render; the flag goes up once all have.
  var renderedCounter = {
    id: 'renderedCounter',
    afterRender: function (chart) {
      drawn[chart.id] = true;
      var n = Object.keys(drawn).length;
      if (expected > 0 && n >= expected && body.dataset.rendered !== 'true') {
        body.dataset.charts = String(n);
        body.dataset.rendered = 'true';
      }
    },
  };

  try {
    if (typeof Chart === 'undefined') throw new Error('Chart.js is missing from the page');
    var data = JSON.parse(document.getElementById('lab-data').textContent);
    var maxSubflows = 1;
    data.subflows.forEach(function (l) { l.points.forEach(function (p) { if (p[1] > maxSubflows) maxSubflows = p[1]; }); });
    var inside = data.subflowRtt && data.subflowRtt.length > 0;
    expected = inside ? 5 : 2;
    lineChart('chart-throughput', data.throughput, data, { yTitle: 'Mbit/s', labels: true });
    lineChart('chart-subflows', data.subflows, data, { yTitle: 'established subflows', stepped: true, integer: true, suggestedMax: maxSubflows + 1, labels: false });
    if (inside) {
      lineChart('chart-subflow-rtt', data.subflowRtt, data, { yTitle: 'smoothed RTT, ms', labels: false });
      lineChart('chart-subflow-cwnd', data.subflowCwnd, data, { yTitle: 'cwnd, segments', labels: false });
      lineChart('chart-subflow-retrans', data.subflowRetrans, data, { yTitle: 'retransmitted segments, so far', stepped: true, integer: true, labels: false });
    }
  } catch (e) {
    fail(e && e.message ? e.message : String(e));
  }
})();
