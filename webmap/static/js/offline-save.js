/* "Simpan untuk offline": saves an area (a kecamatan, a desa or the regency) on the phone, and reads it back.
 * window.PetaOffline reads the saved records (search and "near me" of /produk offline) and saves or removes an
 * area: the page fetches what GET /api/v1/offline/<code> lists into the Cache API, one cache per area
 * (peta-saved-<code>), and keeps an index of the saved areas as a JSON entry of the cache peta-saved-index. The
 * service worker (/sw.js) answers from these caches when the network is away; it lets the page's own fetches
 * (header X-Peta-Save) go by. The panel (templates/_offline_save.html) shows the size before, the progress
 * during the download (cancel), the saved areas with "Hapus", and the storage estimate. */
(function () {
  'use strict';
  var SAVED_PREFIX = 'peta-saved-';
  var INDEX = { cache: 'peta-saved-index', url: '/offline/saved.json' };
  var SAVE_HEADER = 'X-Peta-Save';
  var PARALLEL = 6;
  var EARTH_RADIUS_M = 6371008.8;
  var MAX_RESULTS = 200;
  var available = 'caches' in window;

  // ---------------------------------------------------------------- saved areas and their records

  function fold(text) {  // case and accents ignored, as the server's search
    return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function distanceM(lon1, lat1, lon2, lat2) {  // haversine
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  function readIndex() {
    if (!available) { return Promise.resolve([]); }
    return caches.match(INDEX.url, { cacheName: INDEX.cache }).then(function (entry) {
      return entry ? entry.json().then(function (body) { return body.areas || []; }) : [];
    });
  }
  function writeIndex(areas) {
    return caches.open(INDEX.cache).then(function (cache) {
      return cache.put(INDEX.url, new Response(JSON.stringify({ areas: areas }),
        { headers: { 'Content-Type': 'application/json' } }));
    });
  }
  // Every saved record of a layer, each once (areas may overlap: a kecamatan and the regency).
  function records(layer) {
    return readIndex().then(function (areas) {
      var seen = {};
      return Promise.all(areas.map(function (area) {
        return caches.open(SAVED_PREFIX + area.code).then(function (cache) {
          return Promise.all(((area.record_urls || {})[layer] || []).map(function (url) {
            return cache.match(url).then(function (page) { return page ? page.json() : { features: [] }; });
          }));
        }).then(function (pages) {
          pages.forEach(function (page) { (page.features || []).forEach(function (f) { seen[String(f.id)] = f; }); });
        });
      })).then(function () {
        return areas.length ? Object.keys(seen).map(function (id) { return seen[id]; }) : null;
      });
    });
  }
  // Saved producers matching every word of q (name, products, tags) and, with near [lon, lat], within radius
  // metres, nearest first (distance_m in the properties). null when no area is saved.
  function searchProducers(options) {
    var words = fold(options.q).split(/\s+/).filter(function (w) { return w; });
    return records('producers').then(function (features) {
      if (!features) { return null; }
      var found = features.filter(function (f) {
        var p = f.properties || {};
        var text = fold([p.name, p.products, (p.tags || []).join(' ')].join(' '));
        var code = String(p.area_code || '');
        var inside = !options.area || code === options.area || code.indexOf(options.area + '.') === 0;
        return inside && words.every(function (w) { return text.indexOf(w) >= 0; });
      }).map(function (f) {
        var props = copy(f.properties);
        if (options.near) {
          var at = f.geometry.coordinates;
          props.distance_m = distanceM(options.near[0], options.near[1], at[0], at[1]);
        }
        return { type: 'Feature', id: f.id, geometry: f.geometry, properties: props };
      });
      if (options.near) {
        found = found.filter(function (f) { return f.properties.distance_m <= options.radius; });
        found.sort(function (a, b) { return a.properties.distance_m - b.properties.distance_m; });
      } else {
        found.sort(function (a, b) { return fold(a.properties.name) < fold(b.properties.name) ? -1 : 1; });
      }
      return found.slice(0, MAX_RESULTS);
    });
  }
  function copy(source) {
    var target = {};
    Object.keys(source || {}).forEach(function (key) { target[key] = source[key]; });
    return target;
  }

  // Every URL of a plan: the tiles, the records' pages, the pages, style, glyphs and basemap tiles.
  function planUrls(plan) {
    var tiles = plan.tiles.xyz.map(function (t) {
      return plan.tiles.url.replace('{z}', t[0]).replace('{x}', t[1]).replace('{y}', t[2]);
    });
    var pages = [].concat.apply([], plan.records.map(function (r) { return r.urls; }));
    return tiles.concat(pages, plan.resources.map(function (r) { return r.url; }));
  }
  // A response as the worker will give it back: the body as read (no Content-Encoding left), 204 without body.
  function keepable(response, body) {
    var headers = new Headers(response.headers);
    ['content-encoding', 'content-length', 'vary'].forEach(function (name) { headers.delete(name); });
    return new Response(response.status === 204 ? null : body,
      { status: response.status, statusText: response.statusText, headers: headers });
  }
  // A weak signal drops requests: a file that fails to arrive, or answers 429 or 5xx, is asked for again after
  // 1 s and 3 s before the save gives up (a cancel stops at once).
  var RETRY_DELAYS_MS = [1000, 3000];
  function fetchPatiently(url, options, attempt) {
    attempt = attempt || 0;
    function again(failure) {
      if (attempt >= RETRY_DELAYS_MS.length || (options.signal && options.signal.aborted)) { return failure(); }
      return new Promise(function (resolve) { setTimeout(resolve, RETRY_DELAYS_MS[attempt]); })
        .then(function () { return fetchPatiently(url, options, attempt + 1); });
    }
    return fetch(url, options).then(function (response) {
      var busy = response.status === 429 || response.status >= 500;
      return busy ? again(function () { return response; }) : response;
    }, function (error) {
      return error.name === 'AbortError' ? Promise.reject(error) : again(function () { return Promise.reject(error); });
    });
  }
  // Download a plan into peta-saved-<code>; onProgress({done, total, bytes, failed}); signal cancels it (the
  // partial cache is then removed). Resolves with the index entry.
  function save(plan, onProgress, signal) {
    var name = SAVED_PREFIX + plan.area.code;
    var urls = planUrls(plan);
    var state = { done: 0, total: urls.length, bytes: 0, failed: 0 };
    var next = 0;
    return caches.delete(name).then(function () { return caches.open(name); }).then(function (cache) {
      function one() {
        if (signal && signal.aborted) { return Promise.reject(new DOMException('cancelled', 'AbortError')); }
        if (next >= urls.length) { return Promise.resolve(); }
        var url = urls[next++];
        var headers = {};
        headers[SAVE_HEADER] = '1';
        return fetchPatiently(url, { headers: headers, signal: signal, credentials: 'same-origin' }).then(function (response) {
          if (!response.ok) { state.failed += 1; return null; }
          return response.arrayBuffer().then(function (body) {
            state.bytes += body.byteLength;
            return cache.put(url, keepable(response, body));
          });
        }).then(function () {
          state.done += 1;
          if (onProgress) { onProgress(state); }
          return one();
        });
      }
      var workers = [];
      for (var i = 0; i < PARALLEL; i++) { workers.push(one()); }
      return Promise.all(workers);
    }).then(function () {
      var recordUrls = {};
      plan.records.forEach(function (r) { recordUrls[r.layer] = r.urls; });
      var entry = {
        code: plan.area.code, name: plan.area.name, level: plan.area.level, bytes: state.bytes,
        tiles: plan.tiles.count, records: plan.records.reduce(function (n, r) { return n + r.count; }, 0),
        date: new Date().toISOString(), minzoom: plan.minzoom, maxzoom: plan.maxzoom, files: state.done,
        failed: state.failed, data_version: plan.data_version, tile_url: plan.tiles.url, record_urls: recordUrls
      };
      return readIndex().then(function (areas) {
        areas = areas.filter(function (a) { return a.code !== entry.code; }).concat([entry]);
        return writeIndex(areas);
      }).then(function () { return entry; });
    }, function (error) {
      return caches.delete(name).then(function () { throw error; });
    });
  }
  function remove(code) {
    return caches.delete(SAVED_PREFIX + code).then(readIndex).then(function (areas) {
      return writeIndex(areas.filter(function (a) { return a.code !== code; }));
    });
  }

  window.PetaOffline = {
    available: available, fold: fold, distanceM: distanceM, index: readIndex, records: records,
    searchProducers: searchProducers, planUrls: planUrls, save: save, remove: remove
  };

  // ---------------------------------------------------------------- the panel

  function formatter(lang) {
    var number = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 });
    return {
      bytes: function (n) {
        var units = ['B', 'KB', 'MB', 'GB'], i = 0;
        n = n || 0;
        while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
        return number.format(i ? n : Math.round(n)) + ' ' + units[i];
      },
      count: function (n) { return number.format(n); },
      date: function (iso) {
        return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID',
          { dateStyle: 'medium', timeStyle: 'short' });
      }
    };
  }
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }

  // The panel's elements, texts and state.
  function panelUi(root) {
    var cfg = JSON.parse(document.getElementById('offline-save-config').textContent);
    var el = function (id) { return document.getElementById(id); };
    return {
      root: root, code: cfg.code, tx: cfg.texts, f: formatter(cfg.lang), plan: null, controller: null,
      size: el('offline-size'), start: el('offline-start'), cancel: el('offline-cancel'),
      progress: el('offline-progress'), bar: el('offline-bar'), progressText: el('offline-progress-text'),
      list: el('offline-list'), storage: el('offline-storage')
    };
  }
  function chosenZoom(ui) { return ui.root.querySelector('input[name="offline-maxzoom"]:checked').value; }
  // The size before the download: the plan of the chosen detail.
  function loadPlan(ui) {
    ui.plan = null;
    ui.start.disabled = true;
    ui.size.textContent = ui.tx.measuring;
    var zoom = chosenZoom(ui);
    return fetch('/api/v1/offline/' + encodeURIComponent(ui.code) + '?maxzoom=' + zoom,
      { headers: { Accept: 'application/json' }, cache: 'no-cache' }).then(function (r) {  // offline: no size
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (plan) {
      if (String(plan.maxzoom) !== chosenZoom(ui)) { return; }  // another choice was made meanwhile
      ui.plan = plan;
      var count = plan.records.reduce(function (n, r) { return n + r.count; }, 0);
      ui.size.textContent = fill(ui.tx.size, { size: ui.f.bytes(plan.bytes), tiles: ui.f.count(plan.tiles.count),
        records: ui.f.count(count) });
      ui.size.dataset.bytes = plan.bytes;
      ui.start.disabled = !!ui.controller;
    }).catch(function () { ui.size.textContent = ui.tx.plan_failed; });
  }
  function showStorage(ui) {
    if (!(navigator.storage && navigator.storage.estimate)) { return Promise.resolve(); }
    return Promise.all([navigator.storage.estimate(),
      navigator.storage.persisted ? navigator.storage.persisted() : Promise.resolve(false)]).then(function (r) {
      ui.storage.textContent = fill(ui.tx.storage, { used: ui.f.bytes(r[0].usage), quota: ui.f.bytes(r[0].quota) }) +
        ' ' + (r[1] ? ui.tx.persisted : ui.tx.not_persisted);
    });
  }
  function listItem(ui, area) {
    var item = document.createElement('li');
    item.dataset.code = area.code;
    var text = document.createElement('span');
    text.textContent = fill(ui.tx.item, { name: area.name, size: ui.f.bytes(area.bytes), tiles: ui.f.count(area.tiles),
      records: ui.f.count(area.records), date: ui.f.date(area.date), zoom: area.maxzoom });
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = ui.tx.remove;
    button.setAttribute('aria-label', ui.tx.remove + ' ' + area.name);
    button.addEventListener('click', function () {
      button.disabled = true;
      remove(area.code).then(function () { return showList(ui); });
    });
    item.appendChild(text);
    item.appendChild(button);
    return item;
  }
  // The saved areas, each with "Hapus", and the storage estimate.
  function showList(ui) {
    return readIndex().then(function (areas) {
      ui.list.innerHTML = '';
      if (!areas.length) {
        var none = document.createElement('li');
        none.className = 'muted';
        none.textContent = ui.tx.none;
        ui.list.appendChild(none);
      }
      areas.forEach(function (area) { ui.list.appendChild(listItem(ui, area)); });
    }).then(function () { return showStorage(ui); });
  }
  // The download, with its progress; asks the browser to keep the storage first.
  function run(ui) {
    if (!ui.plan) { return; }
    var plan = ui.plan;
    ui.controller = new AbortController();
    ui.start.disabled = true;
    ui.cancel.hidden = false;
    ui.progress.hidden = false;
    ui.bar.value = 0;
    ui.progressText.textContent = '';
    var persist = navigator.storage && navigator.storage.persist ? navigator.storage.persist() : Promise.resolve(false);
    persist.catch(function () { return false; }).then(function () {
      return save(plan, function (state) {
        ui.bar.value = state.done / state.total;
        ui.progressText.textContent = fill(ui.tx.progress, { done: ui.f.count(state.done),
          total: ui.f.count(state.total), size: ui.f.bytes(state.bytes) });
      }, ui.controller.signal);
    }).then(function (entry) {
      ui.progressText.textContent = fill(ui.tx.done, { name: entry.name, size: ui.f.bytes(entry.bytes) });
      ui.root.dataset.saved = entry.code;
    }, function (error) {
      ui.progressText.textContent = error && error.name === 'AbortError' ? ui.tx.cancelled
        : fill(ui.tx.failed, { error: String(error) });
    }).then(function () {
      ui.cancel.hidden = true;
      ui.controller = null;
      ui.start.disabled = !ui.plan;
      return showList(ui);
    });
  }
  function panel(root) {
    var ui = panelUi(root);
    root.hidden = false;
    if (!available) { ui.size.textContent = ui.tx.unsupported; return; }
    Array.prototype.forEach.call(root.querySelectorAll('input[name="offline-maxzoom"]'), function (input) {
      input.addEventListener('change', function () { loadPlan(ui); });
    });
    ui.start.addEventListener('click', function () { run(ui); });
    ui.cancel.addEventListener('click', function () { if (ui.controller) { ui.controller.abort(); } });
    loadPlan(ui);
    showList(ui);
  }

  // The /offline page: links to the saved areas' pages, in each of its languages.
  function savedLinks() {
    readIndex().then(function (areas) {
      Array.prototype.forEach.call(document.querySelectorAll('.offline-saved'), function (box) {
        var lang = box.getAttribute('data-lang'), f = formatter(lang);
        var ul = box.querySelector('ul');
        areas.forEach(function (area) {
          var li = document.createElement('li');
          var a = document.createElement('a');
          a.href = '/wilayah/' + encodeURIComponent(area.code) + (lang === 'en' ? '?lang=en' : '');
          a.textContent = area.name + ' (' + f.bytes(area.bytes) + ', ' + f.date(area.date) + ')';
          li.appendChild(a);
          ul.appendChild(li);
        });
        box.hidden = !areas.length;
      });
    });
  }

  var root = document.getElementById('offline-save');
  if (root) { panel(root); }
  if (document.querySelector('.offline-saved') && available) { savedLinks(); }
}());
