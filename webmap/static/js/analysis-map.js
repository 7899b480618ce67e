/* Shared by /perencana and /investor: LQ or Klassen typology per kecamatan from /api/v1/analysis, on its own
   Leaflet map with a legend and popups. Usage: PetaLayers.onMap(KEY, function (map) { PetaAnalysisMap.attach(KEY, map); }). */
(function () {
  'use strict';
  // The analyses offered (the page's choices): a sector is a statistical layer of the registry, its subject goes
  // as ``commodity`` (the analysis API's one subject parameter, whatever the sector).
  var ANALYSES = {
    lq_padi: { path: 'lq', params: { sector: 'agriculture', commodity: 'padi' }, method: 'analysis.lq_method',
      refs: true },
    klassen_padi: { path: 'klassen', params: { sector: 'agriculture', commodity: 'padi', from: 2020, to: 2024 },
      method: 'analysis.klassen_method', refs: true },
    lq_tambak: { path: 'lq', params: { sector: 'fisheries', commodity: 'tambak', year: 2021 },
      method: 'analysis.lq_method', refs: false }
  };
  var COLORS = { basis: '#1b7837', non_basis: '#f1b6da', prime: '#1a9641', developed_depressed: '#fdae61',
    potential: '#a6d96a', lagging: '#d7191c' };
  var GREY = '#cfd8dc';
  var REFERENCES = { kabupaten: 'analysis.ref_kabupaten', provinsi: 'analysis.ref_provinsi',
    nasional: 'analysis.ref_nasional' };

  // Draws the analysis chosen in #analysis-form on #analysis-map of page KEY (its main Leaflet map gives the bounds).
  function attach(KEY, planner) {
    var P = PetaLayers;
    var t = function (key, values) { return P.msg(KEY, key, values); };
    var form = document.getElementById('analysis-form');
    var box = document.getElementById('analysis-map');
    var methodText = document.getElementById('analysis-method');
    var warning = document.getElementById('analysis-warning');
    var caption = document.getElementById('analysis-caption');
    if (!form || !box) { return; }
    var map = L.map(box, { renderer: L.svg(), minZoom: 7, maxZoom: 18, zoomSnap: 0.25 });
    map.fitBounds(planner.getBounds());
    L.control.scale().addTo(map);
    P.labels(KEY, map);  // the kecamatan and desa names of the page's main map (its request, its rules)
    var layer = null;
    var fitted = false;
    var legend = L.control({ position: 'bottomright' });
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'peta-legend leaflet-bar analysis-legend');
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
    var legendBox = legend.getContainer();
    var seq = 0;

    function pct(value) { return value === null || value === undefined ? '–' : P.fmt(KEY, value * 100, 1) + ' %'; }
    function row(label, value) { return '<tr><th>' + P.esc(label) + '</th><td>' + value + '</td></tr>'; }
    function popup(p, fc) {
      var html = '<div class="peta-popup"><h3>' + P.esc(p.name) + '</h3><table>';
      if (fc.analysis === 'klassen') {
        html += row(t('analysis.growth') + ' ' + fc.from + '→' + fc.to, pct(p.growth)) +
          row(t('analysis.share'), pct(p.share));
      } else {
        html += row(t('analysis.value_lq'), P.fmt(KEY, p.lq, 2)) + row(t('analysis.production'), P.fmt(KEY, p.production));
      }
      html += row(t('analysis.class'), P.esc(p.class_label || t('analysis.unclassified')));
      return html + '</table><a class="peta-popup-link" href="/wilayah/' + P.esc(p.code) +
        (planner._peta.config.lang === 'en' ? '?lang=en' : '') + '">' + P.esc(t('popup.open_profile')) + ' →</a></div>';
    }
    function renderLegend(fc) {
      var html = '<div class="peta-legend-title">' + P.esc(fc.label) + ' · ' +
        P.esc(fc.analysis === 'klassen' ? fc.from + '→' + fc.to : String(fc.year)) + '</div>';
      var order = Object.keys(COLORS).filter(function (cls) { return cls in fc.classes; });
      Object.keys(fc.classes).forEach(function (cls) { if (order.indexOf(cls) < 0) { order.push(cls); } });
      order.forEach(function (cls) {
        var n = fc.summary && fc.summary[cls];
        html += '<div class="peta-legend-row"><span class="peta-swatch" style="background:' + (COLORS[cls] || GREY) +
          '"></span>' + P.esc(fc.classes[cls]) + (n === undefined ? '' : ' (' + P.fmt(KEY, n, 0) + ')') + '</div>';
      });
      if (fc.summary && fc.summary.unclassified) {
        html += '<div class="peta-legend-row"><span class="peta-swatch" style="background:' + GREY + '"></span>' +
          P.esc(t('analysis.unclassified')) + ' (' + P.fmt(KEY, fc.summary.unclassified, 0) + ')</div>';
      }
      legendBox.innerHTML = html;
    }

    function load() {
      var choice = ANALYSES[form.elements.analysis.value] || ANALYSES.lq_padi;
      var reference = form.elements.reference;
      reference.disabled = !choice.refs;
      if (!choice.refs) { reference.value = 'kabupaten'; }
      var params = L.extend({ level: 'kecamatan', reference: reference.value, geometry: 'true',
        lang: planner._peta.config.lang }, choice.params);
      var mine = ++seq;
      methodText.textContent = t(choice.method);
      caption.textContent = t('common.loading');
      box.setAttribute('data-state', 'loading');
      return P.getJSON('/api/v1/analysis/' + choice.path + P.query(params)).then(function (fc) {
        if (mine !== seq) { return; }
        if (layer) { map.removeLayer(layer); }
        layer = L.geoJSON(fc, {
          style: function (f) {
            return { className: 'peta-analysis-area', fillColor: COLORS[f.properties['class']] || GREY,
              fillOpacity: 0.8, color: '#ffffff', weight: 1 };
          },
          onEachFeature: function (f, lyr) { lyr.bindPopup(function () { return popup(f.properties, fc); }); }
        }).addTo(map);
        if (!fitted && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); fitted = true; }
        renderLegend(fc);
        warning.hidden = !fc.warnings.length;
        warning.textContent = fc.warnings.length ? t('analysis.warning') + ': ' + fc.warnings.join(' ') : '';
        var scope = REFERENCES[fc.reference.scope] ? t(REFERENCES[fc.reference.scope]) : fc.reference.scope;
        caption.textContent = t('analysis.summary', { n: P.fmt(KEY, fc.features.length, 0),
          ref: (fc.reference.name ? fc.reference.name + ' (' + scope + ')' : scope) });
        box.setAttribute('data-analysis', form.elements.analysis.value);
        box.setAttribute('data-state', 'ready');
      }).catch(function () {
        if (mine !== seq) { return; }
        if (layer) { map.removeLayer(layer); layer = null; }
        legendBox.innerHTML = '';
        warning.hidden = true;
        caption.textContent = t('common.no_data');
        box.setAttribute('data-state', 'error');
      });
    }

    form.addEventListener('change', load);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    window.petaAnalysis = { map: map, load: load };
    load();
    return window.petaAnalysis;
  }

  window.PetaAnalysisMap = { ANALYSES: ANALYSES, COLORS: COLORS, attach: attach };
}());
