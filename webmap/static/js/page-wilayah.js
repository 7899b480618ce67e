/* /wilayah/<code>: production by year (OGC API rows of this area) and producers by sector. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var KEY = 'wilayah';

  // Offline packages (_packages.html): each file's size, or "built on download" when it is not made yet.
  function showPackages(P) {
    var box = document.getElementById('packages');
    if (!box) { return; }
    P.getJSON('/api/v1/packages' + P.query({ area_code: box.getAttribute('data-area') })).then(function (body) {
      var formats = body.packages[0].formats;
      Array.prototype.forEach.call(box.querySelectorAll('.package-size'), function (el) {
        var found = formats[el.getAttribute('data-format')];
        el.textContent = found && found.built
          ? P.msg(KEY, 'area.package_mb', { size: P.fmt(KEY, found.size_bytes / 1048576, 1) })
          : P.msg(KEY, 'area.package_on_download');
      });
    }).catch(function () { /* the links work without the sizes */ });
  }

  PetaLayers.onMap(KEY, function (map) {
    var P = PetaLayers;
    var cfg = map._peta.config;
    showPackages(P);
    var note = document.getElementById('chart-years-note');
    var filter = "area_code='" + page.code + "'";
    // One request per statistical dataset of the registry: its subject and default measure (production, ton).
    var requests = P.statistics(KEY).map(function (declared) {
      return P.getJSON('/ogc/collections/' + declared.id + '/items' + P.query({ filter: filter, limit: 1000 }))
        .then(function (fc) {
          return fc.features.map(function (f) {
            var p = f.properties;
            return { series: p[declared.field], year: p.year, value: p[declared.measure] };
          });
        });
    });
    Promise.all(requests).then(function (parts) {
      var rows = [].concat.apply([], parts);
      if (!rows.length) { note.textContent = P.msg(KEY, 'area.none'); return; }
      PetaCharts.trend(document.getElementById('chart-years'), rows, cfg.locale, page.labels);
    }).catch(function () { note.textContent = P.msg(KEY, 'common.error'); });

    var canvas = document.getElementById('chart-sectors');
    if (canvas && page.sections.length) {
      PetaCharts.bars(canvas, page.sections.map(function (s) { return (s.section || '–') + ' ' + (s.label || ''); }),
        page.sections.map(function (s) { return s.count; }), cfg.locale);
    }

    // Shift-share of padi 2020→2024 (kecamatan only): this area's row of the analysis endpoint.
    var shiftTable = document.getElementById('shift-table');
    if (shiftTable && page.level === 'kecamatan') {
      var shiftNote = document.getElementById('shift-note');
      var params = { sector: 'agriculture', commodity: 'padi', level: 'kecamatan', from: 2020, to: 2024,
        reference: 'kabupaten', lang: cfg.lang };
      P.getJSON('/api/v1/analysis/shift-share' + P.query(params)).then(function (result) {
        var row = result.rows.filter(function (r) { return r.code === page.code; })[0];
        if (!row) { shiftTable.tBodies[0].innerHTML = ''; shiftNote.textContent = P.msg(KEY, 'area.none'); return; }
        var parts = [[P.msg(KEY, 'area.shift_national'), row.national_share],
          [P.msg(KEY, 'area.shift_proportional'), row.proportional_shift],
          [P.msg(KEY, 'area.shift_differential'), row.differential_shift]];
        shiftTable.tBodies[0].innerHTML = parts.map(function (c) {
          return '<tr><td>' + P.esc(c[0]) + '</td><td class="num">' + P.fmt(KEY, c[1], 1) + '</td></tr>';
        }).join('');
        shiftTable.insertAdjacentHTML('beforeend', '<tfoot><tr><td>' + P.esc(P.msg(KEY, 'area.shift_total')) +
          '</td><td class="num">' + P.fmt(KEY, row.change, 1) + '</td></tr></tfoot>');
        shiftTable.setAttribute('data-state', 'ready');
        shiftNote.textContent = row.class_label || '';
        PetaCharts.bars(document.getElementById('chart-shift'), parts.map(function (c) { return c[0]; }),
          parts.map(function (c) { return c[1]; }), cfg.locale);
      }).catch(function () { shiftNote.textContent = P.msg(KEY, 'common.error'); });
    }
  });
}());
