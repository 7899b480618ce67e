/* /produk: producer finder. Search by product, near me (browser geolocation), list + map, producer cards. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var KEY = 'produk';
  var PAGE_SIZE = 20;
  var NEAR_RADIUS_M = 25000;

  PetaLayers.onMap(KEY, function (map) {
    var P = PetaLayers;
    var lang = map._peta.config.lang;
    var form = document.getElementById('finder-form');
    var input = document.getElementById('finder-q');
    var statusBox = document.getElementById('finder-status');
    var results = document.getElementById('finder-results');
    var more = document.getElementById('finder-more');
    var nearButton = document.getElementById('near-me');
    var layer = P.layer(KEY, 'results');
    var state = { q: page.q || '', near: null, cursor: null, features: [] };
    var t = function (key, values) { return P.msg(KEY, key, values); };

    function waLink(number) {
      var digits = String(number || '').replace(/\D/g, '');
      if (digits.indexOf('0') === 0) { digits = '62' + digits.slice(1); }
      return digits ? 'https://wa.me/' + digits : '';
    }
    function distanceText(m) {
      return m >= 1000 ? P.fmt(KEY, m / 1000, 1) + ' km' : P.fmt(KEY, m, 0) + ' m';
    }

    // The producer's own page and a share button for it (static/js/share.js handles [data-share]).
    function sharePage(f) {
      var path = '/produk/' + encodeURIComponent(f.id) + (lang === 'en' ? '?lang=en' : '');
      var p = f.properties;
      return '<a class="button secondary" href="' + P.esc(path) + '">' + P.esc(t('share.page_producer')) + '</a>' +
        '<button type="button" class="button secondary" data-share data-share-title="' + P.esc(p.name) +
        '" data-share-text="' + P.esc(p.name + (p.products ? ' · ' + p.products : '')) + '" data-share-url="' +
        P.esc(path) + '" data-share-copied="' + P.esc(t('share.copied')) + '">' + P.esc(t('share.share')) + '</button>';
    }

    function card(f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var lat = c[1].toFixed(6), lon = c[0].toFixed(6);
      var wa = waLink(p.whatsapp);
      var tags = (p.tags || []).indexOf('migrant-owned') >= 0 ? '<p class="muted">' + P.esc(t('produk.migrant')) + '</p>' : '';
      var actions = [
        wa ? '<a class="button wa" href="' + P.esc(wa) + '" rel="noopener" target="_blank">' + P.esc(t('produk.whatsapp')) + '</a>' : '',
        p.phone ? '<a class="button secondary" href="tel:' + P.esc(p.phone) + '">' + P.esc(t('produk.call')) + '</a>' : '',
        '<a class="button secondary" href="geo:' + lat + ',' + lon + '?q=' + lat + ',' + lon + '(' +
          encodeURIComponent(p.name) + ')">' + P.esc(t('produk.open_map_app')) + '</a>',
        '<a class="button secondary" rel="noopener" target="_blank" href="https://www.openstreetmap.org/directions?to=' +
          lat + '%2C' + lon + '#map=17/' + lat + '/' + lon + '">' + P.esc(t('produk.directions')) + ' (' +
          P.esc(t('produk.osm')) + ')</a>',
        sharePage(f)
      ].join('');
      var dist = p.distance_m !== undefined ? ' · ' + P.esc(t('produk.distance', { d: distanceText(p.distance_m) })) : '';
      return '<article class="card" id="producer-' + P.esc(f.id) + '" data-id="' + P.esc(f.id) + '">' +
        '<button type="button" class="card-open" aria-expanded="false" aria-controls="producer-body-' + P.esc(f.id) + '">' +
        '<strong>' + P.esc(p.name) + '</strong><span>' + P.esc(p.products || '') + ' · ' + P.esc(p.area_name || '') +
        dist + '</span></button><div class="card-body" id="producer-body-' + P.esc(f.id) + '" hidden><dl>' +
        '<dt>' + P.esc(t('popup.products')) + '</dt><dd>' + P.esc(p.products || '–') + '</dd>' +
        '<dt>' + P.esc(t('common.sector')) + '</dt><dd>' + P.esc((p.sector || '') + ' ' + (p.sector_label || '')) + '</dd>' +
        '<dt>' + P.esc(t('popup.address')) + '</dt><dd>' + P.esc(p.address || '–') + '</dd>' +
        '<dt>' + P.esc(t('popup.phone')) + '</dt><dd>' + P.esc(p.phone || p.whatsapp || '–') + '</dd>' +
        (p.employees ? '<dt>' + P.esc(t('produk.employees')) + '</dt><dd>' + P.fmt(KEY, p.employees, 0) + '</dd>' : '') +
        (p.established_year ? '<dt>' + P.esc(t('produk.since')) + '</dt><dd>' + p.established_year + '</dd>' : '') +
        '</dl>' + tags + '<div class="card-actions">' + actions + '</div>' +
        '<p><a href="/wilayah/' + P.esc(p.area_code) + (lang === 'en' ? '?lang=en' : '') + '">' +
        P.esc(t('popup.open_profile')) + ' →</a></p></div></article>';
    }

    function openCard(id, scroll) {
      Array.prototype.forEach.call(results.querySelectorAll('.card'), function (el) {
        var open = el.getAttribute('data-id') === String(id);
        el.setAttribute('aria-current', open ? 'true' : 'false');
        el.querySelector('.card-open').setAttribute('aria-expanded', open ? 'true' : 'false');
        el.querySelector('.card-body').hidden = !open;
        if (open && scroll) { el.scrollIntoView({ block: 'nearest' }); }
      });
      var f = state.features.filter(function (x) { return String(x.id) === String(id); })[0];
      if (f) { map.setView([f.geometry.coordinates[1], f.geometry.coordinates[0]], Math.max(map.getZoom(), 14)); }
    }

    function show(fc, append) {
      state.features = append ? state.features.concat(fc.features) : fc.features;
      state.cursor = fc.next_cursor;
      more.hidden = !fc.next_cursor;
      statusBox.textContent = state.features.length ? t('produk.results', { n: P.fmt(KEY, state.features.length, 0) +
        (fc.next_cursor ? '+' : '') }) : t('produk.none');
      results.innerHTML = state.features.map(card).join('');
      layer.setData(state.features, function (f) { openCard(f.id, true); });
      if (state.features.length && !append) {
        map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] });
      }
    }

    function search(append) {
      var params = { q: state.q, area: page.area, limit: PAGE_SIZE, cursor: append ? state.cursor : null };
      if (state.near) { params.near = state.near.join(','); params.radius = NEAR_RADIUS_M; }
      params.lang = lang;
      if (!params.q && !params.near && !params.area) { return; }
      statusBox.textContent = t('common.loading');
      P.getJSON('/api/v1/producers' + P.query(params)).then(function (fc) { show(fc, append); })
        .catch(function (err) {
          if (navigator.onLine && !(err instanceof TypeError)) { statusBox.textContent = t('common.error'); return; }
          searchSaved(params);  // the network is away: the producers of the saved areas
        });
    }

    // Search and "near me" over the saved areas' producers (static/js/offline-save.js), with a notice.
    function searchSaved(params) {
      var near = state.near ? [Number(state.near[0]), Number(state.near[1])] : null;
      var saved = window.PetaOffline ? PetaOffline.searchProducers({ q: params.q, near: near, radius: NEAR_RADIUS_M,
        area: params.area }) : Promise.resolve(null);
      saved.then(function (features) {
        if (!features) { statusBox.textContent = t('offline.nothing_saved'); return; }
        show({ features: features, next_cursor: null }, false);
        statusBox.textContent = t('offline.from_saved') + ' · ' + statusBox.textContent;
      }).catch(function () { statusBox.textContent = t('common.error'); });
    }

    results.addEventListener('click', function (e) {
      var button = e.target.closest('.card-open');
      if (button) { openCard(button.parentNode.getAttribute('data-id'), false); }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      state.q = input.value.trim();
      var url = new URL(window.location.href);
      if (state.q) { url.searchParams.set('q', state.q); } else { url.searchParams.delete('q'); }
      window.history.replaceState(null, '', url.toString());
      search(false);
    });
    Array.prototype.forEach.call(document.querySelectorAll('.chip[data-q]'), function (chip) {
      chip.addEventListener('click', function (e) {
        e.preventDefault();
        input.value = chip.getAttribute('data-q');
        form.requestSubmit();
      });
    });
    more.addEventListener('click', function () { search(true); });
    nearButton.addEventListener('click', function () {
      if (!navigator.geolocation) { statusBox.textContent = t('produk.no_location'); return; }
      statusBox.textContent = t('produk.locating');
      navigator.geolocation.getCurrentPosition(function (pos) {
        state.near = [pos.coords.longitude.toFixed(6), pos.coords.latitude.toFixed(6)];
        state.q = input.value.trim();
        search(false);
      }, function () { statusBox.textContent = t('produk.no_location'); }, { timeout: 10000, maximumAge: 60000 });
    });
    search(false);
  });
}());
