/* Small Chart.js helpers shared by the investor and area pages (Chart.js is served from /static/vendor). */
(function () {
  'use strict';
  var PALETTE = ['#00695c', '#e65100', '#1565c0', '#6d4c41', '#8e24aa', '#c0ca33', '#00838f', '#d81b60'];

  function numberFormat(locale) {
    return function (value) { return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value); };
  }

  // Rows {series, year, value} summed per series and year: one line per series with two or more years.
  function seriesByYear(rows) {
    var bySeries = {};
    rows.forEach(function (r) {
      if (r.value === null || r.value === undefined) { return; }
      var s = bySeries[r.series] = bySeries[r.series] || {};
      s[r.year] = (s[r.year] || 0) + r.value;
    });
    return bySeries;
  }

  window.PetaCharts = {
    palette: PALETTE,
    seriesByYear: seriesByYear,
    trend: function (canvas, rows, locale, labels) {
      var bySeries = seriesByYear(rows);
      var long = Object.keys(bySeries).filter(function (s) { return Object.keys(bySeries[s]).length > 1; });
      if (long.length) {  // a trend needs two years: single-year series would only be dots
        Object.keys(bySeries).forEach(function (s) { if (long.indexOf(s) < 0) { delete bySeries[s]; } });
      }
      var years = {};
      Object.keys(bySeries).forEach(function (s) { Object.keys(bySeries[s]).forEach(function (y) { years[y] = 1; }); });
      var xs = Object.keys(years).map(Number).sort();
      var datasets = Object.keys(bySeries).sort().map(function (s, i) {
        return { label: (labels && labels[s]) || s, data: xs.map(function (y) { return bySeries[s][y] === undefined ? null : bySeries[s][y]; }),
          borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], spanGaps: true,
          tension: 0.2 };
      });
      var format = numberFormat(locale);
      var chart = new Chart(canvas, {
        type: xs.length > 1 ? 'line' : 'bar',
        data: { labels: xs, datasets: datasets },
        options: { maintainAspectRatio: false, animation: false, locale: locale,
          scales: { y: { type: datasets.length > 1 ? 'logarithmic' : 'linear', ticks: { callback: format } } },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } },
            tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + format(c.parsed.y); } } } } }
      });
      canvas.setAttribute('data-series', String(datasets.length));
      return chart;
    },
    bars: function (canvas, labels, values, locale) {
      var format = numberFormat(locale);
      canvas.setAttribute('data-series', '1');
      return new Chart(canvas, {
        type: 'bar',
        data: { labels: labels.map(function (l) { return l.length > 30 ? l.slice(0, 29) + '…' : l; }),
          datasets: [{ data: values, backgroundColor: PALETTE[0] }] },
        options: { maintainAspectRatio: false, animation: false, indexAxis: 'y', locale: locale,
          scales: { x: { ticks: { callback: format } } }, plugins: { legend: { display: false } } }
      });
    }
  };
}());
