/* /wilayah/<code>: production by year (OGC API rows of this area) and producers by sector. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var KEY = 'wilayah';

  PetaLayers.onMap(KEY, function (map) {
    var P = PetaLayers;
    var cfg = map._peta.config;
    var note = document.getElementById('chart-years-note');
    var filter = "area_code='" + page.code + "'";
    var requests = [['agriculture', 'commodity'], ['fisheries', 'kind']].map(function (pair) {
      return P.getJSON('/ogc/collections/' + pair[0] + '/items' + P.query({ filter: filter, limit: 1000 }))
        .then(function (fc) {
          return fc.features.map(function (f) {
            return { series: f.properties[pair[1]], year: f.properties.year, value: f.properties.production_ton };
          });
        });
    });
    Promise.all(requests).then(function (parts) {
      var rows = parts[0].concat(parts[1]);
      if (!rows.length) { note.textContent = P.msg(KEY, 'area.none'); return; }
      PetaCharts.trend(document.getElementById('chart-years'), rows, cfg.locale, page.labels);
    }).catch(function () { note.textContent = P.msg(KEY, 'common.error'); });

    var canvas = document.getElementById('chart-sectors');
    if (canvas && page.sections.length) {
      PetaCharts.bars(canvas, page.sections.map(function (s) { return (s.section || '–') + ' ' + (s.label || ''); }),
        page.sections.map(function (s) { return s.count; }), cfg.locale);
    }
  });
}());
