/* /perencana: planner console. Layer, filters and aggregation drive one stats request: table, map, downloads. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var KEY = 'perencana';
  var FORMATS = [['csv', 'CSV'], ['geojson', 'GeoJSON'], ['gpkg', 'GeoPackage'], ['xlsx', 'XLSX']];

  PetaLayers.onMap(KEY, function (map) {
    var P = PetaLayers;
    var lang = map._peta.config.lang;
    var t = function (key, values) { return P.msg(KEY, key, values); };
    var form = document.getElementById('planner-form');
    var table = document.getElementById('planner-table');
    var caption = document.getElementById('table-caption');
    var downloads = document.getElementById('downloads');
    var choropleth = P.layer(KEY, 'choropleth-agriculture');
    var producers = P.layer(KEY, 'producers');
    var field = function (name) { return form.elements[name]; };
    var lastStats = null;

    function options(select, items, selected) {
      select.innerHTML = items.map(function (it) {
        return '<option value="' + P.esc(it[0]) + '"' + (String(it[0]) === String(selected) ? ' selected' : '') + '>' +
          P.esc(it[1]) + '</option>';
      }).join('');
    }
    function links(title, base, params) {
      return '<h3>' + P.esc(title) + '</h3>' + FORMATS.map(function (f) {
        return '<a class="button secondary" download href="' + P.esc(base + P.query(L.extend({}, params, { f: f[0] }))) +
          '">' + f[1] + '</a>';
      }).join('');
    }
    function subjectParam(dataset) { return dataset === 'fisheries' ? 'kind' : 'commodity'; }
    function withLang(params) { params.lang = lang; return params; }

    function renderDownloads() {
      var dataset = field('dataset').value;
      var html = '';
      if (dataset === 'producers') {
        html = links(t('planner.download_producers'), '/api/v1/export/producers', withLang({ sector: field('sector').value }));
      } else if (lastStats) {
        var stats = {};
        stats[subjectParam(dataset)] = lastStats[subjectParam(dataset)];
        L.extend(stats, { year: lastStats.year, level: lastStats.level, measure: lastStats.measure, method: lastStats.method });
        html = links(t('planner.download_table'), '/api/v1/stats/' + dataset, withLang(stats));
        var raw = { level: lastStats.level, datetime: String(lastStats.year) };
        raw[subjectParam(dataset)] = lastStats[subjectParam(dataset)];
        html += links(t('planner.download_rows'), '/api/v1/export/' + dataset, withLang(raw));
      }
      downloads.innerHTML = html;
    }

    function renderTable(stats) {
      var area = field('area').value;
      var rows = stats.values.filter(function (v) { return !area || v.code.indexOf(area) === 0; });
      var total = rows.reduce(function (sum, v) { return sum + v.value; }, 0);
      caption.textContent = stats.label + ' · ' + stats.year + ' · ' + t('measure.' + stats.measure) + ' · ' +
        t('level.' + stats.level);
      table.innerHTML = '<thead><tr><th>' + P.esc(t('common.code')) + '</th><th>' + P.esc(t('common.name')) +
        '</th><th class="num">' + P.esc(t('common.value')) + ' (' + P.esc(stats.unit) + ')</th><th class="num">' +
        P.esc(t('common.class')) + '</th></tr></thead><tbody>' + rows.map(function (v) {
          return '<tr><td><a href="/wilayah/' + P.esc(v.code) + (lang === 'en' ? '?lang=en' : '') + '">' +
            P.esc(v.code) + '</a></td><td>' + P.esc(v.name) + '</td><td class="num">' + P.fmt(KEY, v.value) +
            '</td><td class="num">' + (v['class'] + 1) + '</td></tr>';
        }).join('') + '</tbody><tfoot><tr><td></td><td>' + P.esc(t('planner.total')) + ' (' + rows.length +
        ')</td><td class="num">' + P.fmt(KEY, total) + '</td><td></td></tr></tfoot>';
    }

    function renderSectors() {
      var code = field('area').value || page.region;
      P.getJSON('/api/v1/areas/' + code + P.query(withLang({}))).then(function (area) {
        caption.textContent = t('common.producers') + ' · ' + area.name;
        table.innerHTML = '<thead><tr><th>' + P.esc(t('common.sector')) + '</th><th></th><th class="num">' +
          P.esc(t('common.producers')) + '</th></tr></thead><tbody>' + area.producers.by_section.map(function (s) {
            return '<tr><td>' + P.esc(s.section || '–') + '</td><td>' + P.esc(s.label || '') + '</td><td class="num">' +
              P.fmt(KEY, s.count, 0) + '</td></tr>';
          }).join('') + '</tbody><tfoot><tr><td></td><td>' + P.esc(t('planner.total')) + '</td><td class="num">' +
          P.fmt(KEY, area.producers.total, 0) + '</td></tr></tfoot>';
      }).catch(function () { caption.textContent = t('common.error'); });
    }

    function zoomToArea() {
      var code = field('area').value;
      if (!code) { return; }
      P.getJSON('/ogc/collections/kecamatan/items/' + encodeURIComponent(code)).then(function (f) {
        map.fitBounds(L.geoJSON(f).getBounds(), { padding: [10, 10] });
      }).catch(function () {});
    }

    function setMode() {
      var dataset = field('dataset').value;
      var isProducers = dataset === 'producers';
      Array.prototype.forEach.call(form.querySelectorAll('[data-for="stats"]'), function (el) { el.hidden = isProducers; });
      Array.prototype.forEach.call(form.querySelectorAll('[data-for="producers"]'), function (el) { el.hidden = !isProducers; });
      if (isProducers) {
        if (map.hasLayer(choropleth)) { map.removeLayer(choropleth); }
        producers.setFilters(field('sector').value ? { sector: field('sector').value } : {});
        if (!map.hasLayer(producers)) { map.addLayer(producers); }
        renderSectors();
        renderDownloads();
        return;
      }
      if (map.hasLayer(producers)) { map.removeLayer(producers); }
      if (!map.hasLayer(choropleth)) { map.addLayer(choropleth); }
      var subjects = page.subjects[dataset] || [];
      options(field('subject'), subjects.map(function (s) { return [s.id, s.label]; }), subjects[0] && subjects[0].id);
      options(field('measure'), page.measures[dataset].map(function (m) { return [m, t('measure.' + m)]; }),
        'production_ton');
      field('level').value = (subjects[0] && subjects[0].level) || 'kecamatan';
      loadStats({ dataset: dataset, subjects: subjects, subject: field('subject').value, year: null,
        level: field('level').value, measure: 'production_ton' });
    }

    function loadStats(changes) {
      changes.method = field('method').value;
      changes.area = field('area').value || null;
      choropleth.load(changes).catch(function () {
        caption.textContent = t('common.no_data');
        table.innerHTML = '';
        lastStats = null;
        renderDownloads();
      });
    }

    choropleth.on('data', function (e) {
      lastStats = e.stats;
      options(field('year'), e.stats.available_years.slice().reverse().map(function (y) { return [y, y]; }), e.stats.year);
      renderTable(e.stats);
      renderDownloads();
    });

    form.addEventListener('change', function (e) {
      var name = e.target.name;
      if (name === 'dataset') { setMode(); return; }
      if (name === 'sector') { setMode(); return; }
      if (name === 'area') {
        zoomToArea();
        if (field('dataset').value === 'producers') { renderSectors(); return; }
        choropleth.state.area = field('area').value || null;
        choropleth.restyle();
        if (lastStats) { renderTable(lastStats); }
        return;
      }
      if (name === 'subject') {
        var s = (page.subjects[field('dataset').value] || []).filter(function (x) { return x.id === e.target.value; })[0];
        if (s) { field('level').value = s.level; }
        loadStats({ subject: e.target.value, year: null, level: field('level').value });
        return;
      }
      loadStats({ year: Number(field('year').value) || null, level: field('level').value,
        measure: field('measure').value });
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    setMode();
  });

  // The "Analisis" section: LQ or Klassen typology per kecamatan from /api/v1/analysis, on its own map.
  var ANALYSES = {
    lq_padi: { path: 'lq', params: { commodity: 'padi' }, method: 'analysis.lq_method', refs: true },
    klassen_padi: { path: 'klassen', params: { commodity: 'padi', from: 2020, to: 2024 },
      method: 'analysis.klassen_method', refs: true },
    lq_tambak: { path: 'lq', params: { sector: 'fisheries', kind: 'tambak', year: 2021 },
      method: 'analysis.lq_method', refs: false }
  };
  var COLORS = { basis: '#1b7837', non_basis: '#f1b6da', prime: '#1a9641', developed_depressed: '#fdae61',
    potential: '#a6d96a', lagging: '#d7191c' };
  var GREY = '#cfd8dc';
  var REFERENCES = { kabupaten: 'analysis.ref_kabupaten', provinsi: 'analysis.ref_provinsi',
    nasional: 'analysis.ref_nasional' };

  PetaLayers.onMap(KEY, function (planner) {
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
  });
}());
