/* /investor: production trends, leading kecamatan, producers by sector, and the opportunities list + map. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var KEY = 'investor';

  PetaLayers.onMap(KEY, function (map) {
    var P = PetaLayers;
    var cfg = map._peta.config;
    var lang = cfg.lang;
    function withLang(params) { params.lang = lang; return params; }
    function unit(name) { return name === 'ton' ? P.msg(KEY, 'common.ton') : name; }
    function fail(box) { box.innerHTML = '<p class="muted">' + P.esc(P.msg(KEY, 'common.error')) + '</p>'; }

    // Trends: the regency's own rows of each statistical dataset of the registry (one OGC request per dataset).
    P.statistics(KEY).forEach(function (declared) {
      var dataset = declared.id;
      var labels = page.labels;
      var url = '/ogc/collections/' + dataset + '/items' +
        P.query({ filter: "area_code='" + page.region + "'", limit: 1000 });
      P.getJSON(url).then(function (fc) {
        var rows = fc.features.map(function (f) {
          var p = f.properties;
          return { series: p[declared.field], year: p.year, value: p[declared.measure] };
        });
        PetaCharts.trend(document.getElementById('trend-' + dataset), rows, cfg.locale, labels);
      }).catch(function () { fail(document.getElementById('trend-' + dataset).parentNode); });

      // Leading kecamatan: the top three of each mappable subject in its latest year.
      var box = document.getElementById('leading-' + dataset);
      var subjects = (page.subjects[dataset] || []).filter(function (s) { return s.level === 'kecamatan'; });
      Promise.all(subjects.map(function (s) {
        var params = { level: 'kecamatan' };
        params[declared.subject] = s.id;
        return P.getJSON('/api/v1/stats/' + dataset + P.query(withLang(params)));
      })).then(function (all) {
        box.innerHTML = all.map(function (stats) {
          var top = stats.values.slice().sort(function (a, b) { return b.value - a.value; }).slice(0, 3);
          return '<h4>' + P.esc(stats.label) + ' (' + stats.year + ')</h4><ol>' + top.map(function (v) {
            return '<li><a href="/wilayah/' + P.esc(v.code) + (lang === 'en' ? '?lang=en' : '') + '">' +
              P.esc(v.name) + '</a> · ' + P.fmt(KEY, v.value) + ' ' + P.esc(unit(v.unit)) + '</li>';
          }).join('') + '</ol>';
        }).join('') || '<p class="muted">' + P.esc(P.msg(KEY, 'common.no_data')) + '</p>';
      }).catch(function () { fail(box); });
    });

    // Processing industry: producers of the regency by KBLI section.
    P.getJSON('/api/v1/areas/' + page.region + P.query(withLang({}))).then(function (area) {
      var sections = area.producers.by_section.slice(0, 8);
      PetaCharts.bars(document.getElementById('chart-sections'),
        sections.map(function (s) { return (s.section || '–') + ' ' + (s.label || ''); }),
        sections.map(function (s) { return s.count; }), cfg.locale);
    }).catch(function () { fail(document.getElementById('chart-sections').parentNode); });

    // Opportunities: the same query feeds the list and the map layer.
    var form = document.getElementById('opp-filters');
    var list = document.getElementById('opp-list');
    var count = document.getElementById('opp-count');
    var layer = P.layer(KEY, 'opportunities');
    // NPV, B/C ratio, payback period and land status, those the opportunity has.
    function figures(p) {
      var items = P.opportunityFigures(KEY, p);
      return items.length ? '<div class="opp-meta opp-figures">' + items.map(function (f) {
        return P.esc(f[0]) + ': <strong>' + P.esc(f[1]) + '</strong>';
      }).join(' · ') + '</div>' : '';
    }
    // The opportunity's printable project profile (/investor/peluang/<code>), to forward or print.
    function profileLink(p) {
      if (!p.code) { return ''; }
      return '<p class="opp-profile"><a class="button secondary" href="/investor/peluang/' +
        P.esc(encodeURIComponent(p.code)) + (lang === 'en' ? '?lang=en' : '') + '">' +
        P.esc(P.msg(KEY, 'share.page_opportunity')) + ' →</a></p>';
    }
    function render(features) {
      count.textContent = P.msg(KEY, 'investor.count', { n: P.fmt(KEY, features.length, 0) });
      list.innerHTML = features.map(function (f) {
        var p = f.properties;
        var licensing = p.licensing_url && /^https?:\/\//.test(p.licensing_url) ? ' · <a href="' +
          P.esc(p.licensing_url) + '" rel="noopener" target="_blank">' + P.esc(P.msg(KEY, 'popup.licensing')) + '</a>' : '';
        return '<li data-id="' + P.esc(f.id) + '"><h3>' + P.esc(p.title) + '</h3><div class="opp-meta">' +
          P.esc(P.label(KEY, 'sector', p.sector)) + ' · <strong>' + P.esc(P.fmtIdr(KEY, p.value_idr)) + '</strong> · ' +
          P.esc(P.label(KEY, 'status', p.status)) + (p.readiness ? ' · ' + P.esc(P.label(KEY, 'readiness', p.readiness)) : '') +
          (p.irr_pct ? ' · IRR ' + P.fmt(KEY, p.irr_pct, 1) + '%' : '') + '</div>' + figures(p) +
          '<p>' + P.esc(p.description || '') +
          '</p><div class="opp-meta">' + P.esc(P.msg(KEY, 'popup.contact')) + ': ' + P.esc(p.contact_agency || '–') +
          licensing + ' · <a href="/wilayah/' + P.esc(p.area_code) + (lang === 'en' ? '?lang=en' : '') + '">' +
          P.esc(p.area_name || p.area_code) + '</a></div>' + profileLink(p) + '</li>';
      }).join('');
    }
    layer.on('data', function (e) { render(e.features); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var data = new FormData(form);
      layer.load({ sector: data.get('sector'), status: data.get('status'), min_value: data.get('min_value') })
        .then(function () { if (layer.getLayers().length && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { maxZoom: 12 }); } })
        .catch(function () { count.textContent = P.msg(KEY, 'common.error'); });
    });

    // LQ and Klassen choropleths per kecamatan (shared with the planner console).
    PetaAnalysisMap.attach(KEY, map);
  });
}());
