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
    var first = P.statistics(KEY)[0] || {};  // the registry's first statistical dataset: the opening view
    var choropleth = P.layer(KEY, 'choropleth-' + first.id);
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
    function declared(dataset) { return P.stats(KEY, dataset); }
    function withLang(params) { params.lang = lang; return params; }

    // Downloads carry the filters of the form: area (kecamatan), sector, subject, year, level.
    function renderDownloads() {
      var dataset = field('dataset').value;
      var area = field('area').value;
      var html = '';
      if (dataset === 'producers') {
        html = links(t('planner.download_producers'), '/api/v1/export/producers',
          withLang({ sector: field('sector').value, area: area }));
      } else if (lastStats) {
        var stats = {};
        var subject = lastStats[declared(dataset).subject];
        stats[declared(dataset).subject] = subject;
        L.extend(stats, { year: lastStats.year, level: lastStats.level, measure: lastStats.measure, method: lastStats.method,
          area: area });
        html = links(t('planner.download_table'), '/api/v1/stats/' + dataset, withLang(stats));
        var raw = { level: lastStats.level, datetime: String(lastStats.year), area: area };
        raw[declared(dataset).field] = subject;  // the export filters by the subject's property
        html += links(t('planner.download_rows'), '/api/v1/export/' + dataset, withLang(raw));
      }
      downloads.innerHTML = html;
    }

    function renderTable(stats) {
      var area = field('area').value;
      var rows = stats.values.filter(function (v) { return !area || v.code.indexOf(area) === 0; });
      var total = rows.reduce(function (sum, v) { return sum + v.value; }, 0);
      caption.textContent = stats.label + ' · ' + stats.year + ' · ' + P.measureTitle(KEY, stats.dataset, stats.measure) + ' · ' +
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

    // The producers' tiles keep the chosen sector and the producers inside the chosen kecamatan.
    function producerFilters() {
      var filters = {};
      if (field('sector').value) { filters.sector = field('sector').value; }
      if (field('area').value) { filters.area_code = field('area').value; }
      return filters;
    }

    function setMode() {
      var dataset = field('dataset').value;
      var isProducers = dataset === 'producers';
      Array.prototype.forEach.call(form.querySelectorAll('[data-for="stats"]'), function (el) { el.hidden = isProducers; });
      Array.prototype.forEach.call(form.querySelectorAll('[data-for="producers"]'), function (el) { el.hidden = !isProducers; });
      if (isProducers) {
        if (map.hasLayer(choropleth)) { map.removeLayer(choropleth); }
        producers.setFilters(producerFilters());
        if (!map.hasLayer(producers)) { map.addLayer(producers); }
        renderSectors();
        renderDownloads();
        return;
      }
      if (map.hasLayer(producers)) { map.removeLayer(producers); }
      if (!map.hasLayer(choropleth)) { map.addLayer(choropleth); }
      var subjects = page.subjects[dataset] || [];
      options(field('subject'), subjects.map(function (s) { return [s.id, s.label]; }), subjects[0] && subjects[0].id);
      var measures = declared(dataset).measures || [];
      options(field('measure'), measures.map(function (m) { return [m.id, m.title]; }), declared(dataset).measure);
      field('level').value = (subjects[0] && subjects[0].level) || 'kecamatan';
      loadStats({ dataset: dataset, subjects: subjects, subject: field('subject').value, year: null,
        level: field('level').value, measure: declared(dataset).measure });
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
        renderDownloads();
        if (field('dataset').value === 'producers') {
          producers.setFilters(producerFilters());
          renderSectors();
          return;
        }
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

  // The "Analisis" section: drawn by the shared module analysis-map.js.
  PetaLayers.onMap(KEY, function (planner) { PetaAnalysisMap.attach(KEY, planner); });
}());
