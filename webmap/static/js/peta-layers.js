/* Peta Ekonomi: the layers, legend and search of the Folium maps.
 * Data come from vector tiles (/tiles/...) and the APIs (/api/v1/..., /ogc/...), never from the page.
 * Titles, colours, ramps, subject parameters and measures come from the layer registry (gis/layers.py) through
 * the page's configuration: config.layers (by layer id) and config.statistics (webmap/layer_config.py).
 * window.petaStatus tells tests and benchmarks what each layer has drawn. */
(function () {
  'use strict';

  // Leaflet.VectorGrid 1.3 calls L.DomEvent.fakeStop, which Leaflet 1.8 removed.
  if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function (e) { e._stopped = true; }; }

  var maps = {};
  var status = window.petaStatus = window.petaStatus || { maps: {} };
  var GREY = '#cfd8dc';
  var UNDECLARED = '#607d8b';  // a colour the registry did not give (never expected)
  var MAX_NATIVE_ZOOM = 16;

  // ---------------------------------------------------------------- helpers

  function peta(map) { return map._peta; }
  // The registry's declaration of a layer (title and drawing), and of a statistical dataset.
  function layerCfg(map, id) { return (peta(map).config.layers || {})[id] || {}; }
  function statsCfg(map, id) {
    return (peta(map).config.statistics || []).filter(function (s) { return s.id === id; })[0] || {};
  }
  function measureTitle(map, dataset, measure) {
    var found = (statsCfg(map, dataset).measures || []).filter(function (m) { return m.id === measure; })[0];
    return found ? found.title : measure;
  }
  function msg(map, key, values) {
    var text = (peta(map).config.messages || {})[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.replace('{' + name + '}', values[name]); });
    return text;
  }
  // Label of a coded value (sector.fisheries -> "Perikanan"); the value, tidied, when the catalogue lacks it.
  function label(map, prefix, value) {
    if (value === null || value === undefined || value === '') { return ''; }
    var text = (peta(map).config.messages || {})[prefix + '.' + value];
    return text || String(value).replace(/_/g, ' ').replace(/^./, function (c) { return c.toUpperCase(); });
  }
  function fmt(map, value, digits) {
    if (value === null || value === undefined || isNaN(value)) { return '–'; }
    if (digits === undefined) { digits = Math.abs(value) >= 10 ? 1 : 2; }  // as webmap/i18n.py
    return new Intl.NumberFormat(peta(map).config.locale, { maximumFractionDigits: digits }).format(value);
  }
  function fmtIdr(map, value) {
    if (value === null || value === undefined) { return '–'; }
    var en = peta(map).config.lang === 'en';
    var units = en ? [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million']]
      : [[1e12, 'triliun'], [1e9, 'miliar'], [1e6, 'juta']];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(value) >= units[i][0]) {
        return (en ? 'IDR ' : 'Rp ') + fmt(map, value / units[i][0], 1) + ' ' + units[i][1];
      }
    }
    return (en ? 'IDR ' : 'Rp ') + fmt(map, value, 0);
  }
  function esc(text) {
    return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function query(params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (key) {
      var value = params[key];
      if (value !== null && value !== undefined && value !== '') {
        parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(value));
      }
    });
    return parts.length ? '?' + parts.join('&') : '';
  }
  function withLang(map, params) {
    // Always explicit: without it the APIs follow the browser's Accept-Language.
    return L.extend({}, params, { lang: peta(map).config.lang });
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
      if (!response.ok) { throw new Error(url + ': HTTP ' + response.status); }
      return response.json();
    });
  }
  function pageUrl(map, path) { return path + (peta(map).config.lang === 'en' ? '?lang=en' : ''); }
  function profileLink(map, code) {
    if (!code) { return ''; }
    return '<a class="peta-popup-link" href="' + esc(pageUrl(map, '/wilayah/' + code)) + '">' +
      esc(msg(map, 'popup.open_profile')) + ' →</a>';
  }
  function row(label, value) {
    return value === null || value === undefined || value === '' ? '' :
      '<tr><th>' + esc(label) + '</th><td>' + value + '</td></tr>';
  }

  function track(map, id, kind) {
    var st = { kind: kind, features: 0, loaded: false, visible: false, error: null };
    status.maps[peta(map).key].layers[id] = st;
    return st;
  }

  // ---------------------------------------------------------------- vector tiles

  // A layer's tiles: its registry id and its filters (each sent qualified by the layer in composite tiles).
  function tileUrl(layerId, filters) {
    return { layer: layerId, filters: filters || {} };
  }
  function sourceKey(src) {
    var parts = [];
    Object.keys(src.filters || {}).sort().forEach(function (key) {
      var value = src.filters[key];
      if (value !== null && value !== undefined && value !== '') {
        parts.push(encodeURIComponent(src.layer + '.' + key) + '=' + encodeURIComponent(value));
      }
    });
    return src.layer + (parts.length ? '?' + parts.join('&') : '');
  }

  // One loader per map: the vector layers on the map share their tiles. A grid asking for z/x/y gets its layer
  // from a tile already fetched for that z/x/y or, within the same moment, from one composite request
  // (/tiles/a,b,c/{z}/{x}/{y}.pbf?a.key=value) for every source on the map that lacks that tile.
  var TILE_CACHE = 256;  // z/x/y entries kept (the tiles of a few screens)
  var MAX_COMPOSITE = 12;  // layers of one composite tile (MAX_COMPOSITE_LAYERS, gis/tiles.py)
  function tileLoader(map) {
    if (map._petaTiles) { return map._petaTiles; }
    var loader = map._petaTiles = { grids: [], cache: {}, order: [], pending: {}, timer: null };
    function cached(key, src) { return loader.cache[key] && loader.cache[key][src]; }
    function remember(key, src, promise) {
      if (!loader.cache[key]) {
        loader.cache[key] = {};
        loader.order.push(key);
        while (loader.order.length > TILE_CACHE) { delete loader.cache[loader.order.shift()]; }
      }
      loader.cache[key][src] = promise;
    }
    function flush() {
      loader.timer = null;
      var pending = loader.pending;
      loader.pending = {};
      Object.keys(pending).forEach(function (key) {
        var job = pending[key];
        // The other sources on the map come along, so that a layer asking a moment later needs no request.
        loader.grids.forEach(function (grid) {
          var src = grid._petaSource;
          if (grid._map && !job.sources[sourceKey(src)] && !cached(key, sourceKey(src))) {
            job.sources[sourceKey(src)] = src;
          }
        });
        // One request per group; two sources of one layer with other filters cannot share one.
        var groups = [];
        Object.keys(job.sources).forEach(function (skey) {
          var src = job.sources[skey];
          var group = groups.filter(function (g) {
            return g.length < MAX_COMPOSITE && !g.some(function (s) { return s.layer === src.layer; });
          })[0];
          if (!group) { groups.push(group = []); }
          group.push(src);
        });
        groups.forEach(function (group) {
          // A single layer's own tile takes its filters unqualified; a composite's name their layer.
          var url = group.length === 1 ? '/tiles/' + encodeURIComponent(group[0].layer) + '/{z}/{x}/{y}.pbf' +
            query(group[0].filters) : '/tiles/' + group.map(function (src) {
              return encodeURIComponent(src.layer);
            }).join(',') + '/{z}/{x}/{y}.pbf' + (function () {
              var params = group.map(function (src) { return sourceKey(src).split('?')[1]; })
                .filter(function (q) { return q; });
              return params.length ? '?' + params.join('&') : '';
            }());
          // VectorGrid's own fetch and decoding, on the composite URL.
          var saved = job.grid._url;
          job.grid._url = url;
          var promise;
          try { promise = L.VectorGrid.Protobuf.prototype._getVectorTilePromise.call(job.grid, job.coords); }
          finally { job.grid._url = saved; }
          promise = promise.catch(function () {
            // Not kept: the next time the tile is asked for, it is fetched again.
            group.forEach(function (src) { if (loader.cache[key]) { delete loader.cache[key][sourceKey(src)]; } });
            return { layers: {} };
          });
          group.forEach(function (src) {
            var skey = sourceKey(src);
            var part = promise.then(function (tile) {
              var layers = {};
              if (tile.layers && tile.layers[src.layer]) { layers[src.layer] = tile.layers[src.layer]; }
              return { layers: layers };
            });
            remember(key, skey, part);
            // Each layer draws its part in a task of its own: no long task for all the layers of a tile.
            (job.waiting[skey] || []).forEach(function (w) {
              part.then(function (tile) { setTimeout(function () { w.resolve(tile); }, 0); });
            });
          });
        });
      });
    }
    loader.get = function (grid, coords) {
      var key = coords.z + '/' + coords.x + '/' + coords.y;
      var skey = sourceKey(grid._petaSource);
      var hit = cached(key, skey);
      if (hit) { return hit; }
      var job = loader.pending[key];
      if (!job) { job = loader.pending[key] = { coords: coords, grid: grid, sources: {}, waiting: {} }; }
      job.sources[skey] = grid._petaSource;
      if (!loader.timer) { loader.timer = setTimeout(flush, 0); }
      return new Promise(function (resolve) { (job.waiting[skey] = job.waiting[skey] || []).push({ resolve: resolve }); });
    };
    return loader;
  }

  // A VectorGrid whose tiles come from its map's shared loader.
  var SharedGrid = L.VectorGrid.Protobuf.extend({
    onAdd: function (map) {
      var loader = tileLoader(map);
      if (loader.grids.indexOf(this) < 0) { loader.grids.push(this); }
      return L.VectorGrid.Protobuf.prototype.onAdd.call(this, map);
    },
    onRemove: function (map) {
      var loader = tileLoader(map);
      var i = loader.grids.indexOf(this);
      if (i >= 0) { loader.grids.splice(i, 1); }
      return L.VectorGrid.Protobuf.prototype.onRemove.call(this, map);
    },
    _getVectorTilePromise: function (coords) {
      return this._map ? tileLoader(this._map).get(this, coords) : Promise.resolve({ layers: {} });
    }
  });

  // One VectorGrid (canvas) inside a LayerGroup, so that the layer control keeps one entry while the
  // tiles are swapped (VectorGrid 1.3 has no setUrl). Clicks are identified by PetaLayers' hit test.
  function vectorGroup(map, st, layerName, src, style, pane, extra) {
    var group = L.layerGroup();
    group.reload = function (newSrc, newStyle) {
      src = newSrc || src;
      style = newStyle || style;
      group.clearLayers();
      st.features = 0;
      st.loaded = false;
      var styles = {};
      styles[src.layer] = function (props, zoom) {
        var s = style(props, zoom);
        if (!(s instanceof Array) || s.length) { st.features += 1; }
        return s;
      };
      // Its URL is the layer's own tile (what it would fetch alone); the loader fetches the composite.
      var grid = new SharedGrid('/tiles/' + encodeURIComponent(src.layer) + '/{z}/{x}/{y}.pbf' + query(src.filters),
        L.extend({
          vectorTileLayerStyles: styles, rendererFactory: L.canvas.tile, interactive: false,
          maxNativeZoom: MAX_NATIVE_ZOOM, pane: pane || 'overlayPane', attribution: '',
          // With a feature id VectorGrid keeps its tiles in _vectorTiles (the hit test reads them) and
          // removes a tile's renderer when the tile unloads (without it, renderers pile up as one pans).
          getFeatureId: function (f) { return f.id || (f.properties && f.properties.code) || 0; }
        }, extra));
      grid._petaSource = { layer: src.layer, filters: L.extend({}, src.filters) };
      grid.on('load', function () { st.loaded = true; group.fire('petaload'); });
      group.grid = grid;
      group.addLayer(grid);
    };
    group.reload();
    return group;
  }

  // The features of a VectorGrid under a point (the same test VectorGrid's own click handler uses).
  function hitTest(grid, latlng) {
    if (!grid || !grid._map || grid._tileZoom === undefined) { return []; }
    var size = grid.getTileSize();
    var pixel = grid._map.project(latlng, grid._tileZoom);
    var coords = pixel.unscaleBy(size).floor();
    coords.z = grid._tileZoom;
    var renderer = grid._vectorTiles[grid._tileCoordsToKey(coords)];
    if (!renderer || !renderer._layers) { return []; }
    var scale = grid._map.getZoomScale(grid._map.getZoom(), grid._tileZoom);
    var local = pixel.subtract(coords.scaleBy(size));
    var found = [];
    var featureIds = {};  // path stamp -> MVT feature id (VectorGrid keeps its features by id), for page links
    Object.keys(renderer._features || {}).forEach(function (fid) {
      featureIds[L.stamp(renderer._features[fid].feature)] = fid;
    });
    Object.keys(renderer._layers).forEach(function (id) {
      var path = renderer._layers[id];
      // VectorGrid computes pixel bounds only for interactive layers (makeInteractive); do it on demand.
      if (!path._point && !path._pxBounds && path._getPixelBounds) { path._pxBounds = path._getPixelBounds(); }
      var tolerance = path._point ? 4 / scale : 0;
      if (path._point ? path._point.distanceTo(local) <= path._radius + tolerance : path._containsPoint(local)) {
        found.push(L.extend({ feature_id: featureIds[id] }, path.properties || (path.feature && path.feature.properties)));
      }
    });
    return found;
  }

  // ---------------------------------------------------------------- layer kinds

  var kinds = {};

  kinds.boundaries = function (map, o) {
    var st = track(map, o.id, 'boundaries');
    var declared = layerCfg(map, o.layer);
    var line = declared.line || UNDECLARED;
    var weight = declared.width || 1;
    var group = vectorGroup(map, st, o.layer, tileUrl(o.layer, o.filters), function (props) {
      var strong = o.highlight && props.code === o.highlight;
      return { color: strong ? '#bf360c' : line, weight: strong ? 3 : weight,
        fill: true, fillColor: '#ffffff', fillOpacity: strong ? 0.15 : 0, opacity: 0.9 };
    });
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    group.identify = function (latlng) {
      var hits = hitTest(group.grid, latlng);
      return hits.length ? { area: hits[0], level: o.layer } : null;
    };
    group.legend = function () {
      return '<div class="peta-legend-row"><span class="peta-swatch peta-swatch-line" style="border-color:' +
        line + '"></span>' + esc(msg(map, 'legend.boundary')) + '</div>';
    };
    return group;
  };

  kinds.choropleth = function (map, o) {
    var st = track(map, o.id, 'choropleth');
    o.colors = o.colors || statsCfg(map, o.dataset).ramp || [GREY];
    var state = { subject: o.subject || (o.subjects[0] && o.subjects[0].id), year: o.year, stats: null,
      level: null, measure: o.measure, method: o.method, area: o.area };
    var byCode = {};
    function subjectInfo() {
      return o.subjects.filter(function (s) { return s.id === state.subject; })[0] || o.subjects[0] || {};
    }
    function style(props) {
      var item = byCode[props.code];
      if (state.area && props.code && props.code.indexOf(state.area) !== 0) { return []; }
      if (!item) {
        return o.only_data ? [] : { fill: true, fillColor: GREY, fillOpacity: 0.25, color: '#ffffff', weight: 0.6 };
      }
      return { fill: true, fillColor: o.colors[Math.min(item['class'], o.colors.length - 1)], fillOpacity: 0.78,
        color: '#ffffff', weight: 0.8 };
    }
    var group = L.layerGroup();
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    group.state = state;
    group.load = function (changes) {
      if (changes && changes.dataset && changes.dataset !== o.dataset) {
        o.dataset = changes.dataset;
        o.colors = statsCfg(map, o.dataset).ramp || o.colors;
      }
      if (changes && changes.subjects) { o.subjects = changes.subjects; }
      L.extend(state, changes || {});
      var info = subjectInfo();
      var param = statsCfg(map, o.dataset).subject;
      state.level = (changes && changes.level) || state.level || info.level || 'kecamatan';
      if (changes && changes.subject && !changes.level) { state.level = info.level || 'kecamatan'; }
      st.loaded = false;
      st.error = null;
      var params = { level: state.level, year: state.year, measure: state.measure, method: state.method };
      params[param] = state.subject;
      var url = '/api/v1/stats/' + o.dataset + query(withLang(map, params));
      group.statsUrl = url;
      return getJSON(url).then(function (stats) {
        state.stats = stats;
        state.year = stats.year;
        byCode = {};
        stats.values.forEach(function (v) { byCode[v.code] = v; });
        var vurl = tileUrl(stats.level, {});
        if (!group.vector) {
          group.vector = vectorGroup(map, st, stats.level, vurl, style);
          group.addLayer(group.vector);
        } else {
          group.vector.reload(vurl, style);
        }
        group.layerName = stats.level;
        group.fire('data', { stats: stats });
        refreshLegend(map);
        return stats;
      }).catch(function (err) {
        st.error = String(err);
        st.loaded = true;
        refreshLegend(map);
        throw err;
      });
    };
    group.identify = function (latlng) {
      var hits = group.vector ? hitTest(group.vector.grid, latlng) : [];
      if (!hits.length) { return null; }
      var item = byCode[hits[0].code];
      return { area: hits[0], level: group.layerName, value: item, stats: state.stats, title: group._title };
    };
    group.legend = function () {
      var stats = state.stats;
      var html = '';
      if (o.picker) {
        html += '<div class="peta-picker"><select data-role="subject" aria-label="' +
          esc(statsCfg(map, o.dataset).subjectTitle || '') + '">';
        o.subjects.forEach(function (s) {
          html += '<option value="' + esc(s.id) + '"' + (s.id === state.subject ? ' selected' : '') + '>' +
            esc(s.label) + '</option>';
        });
        html += '</select><select data-role="year" aria-label="' + esc(msg(map, 'control.year')) + '">';
        ((stats && stats.available_years) || []).slice().reverse().forEach(function (y) {
          html += '<option' + (stats && y === stats.year ? ' selected' : '') + '>' + y + '</option>';
        });
        html += '</select></div>';
      }
      if (st.error) { return html + '<div class="peta-legend-note">' + esc(msg(map, 'common.no_data')) + '</div>'; }
      if (!stats) { return html + '<div class="peta-legend-note">' + esc(msg(map, 'common.loading')) + '</div>'; }
      html += '<div class="peta-legend-note">' + esc(stats.label) + ' · ' + stats.year + ' · ' +
        esc(measureTitle(map, o.dataset, stats.measure)) + '</div>';
      var lower = stats.min;
      stats.breaks.forEach(function (upper, i) {
        html += '<div class="peta-legend-row"><span class="peta-swatch" style="background:' +
          o.colors[Math.min(i, o.colors.length - 1)] + '"></span>' + fmt(map, lower) + ' – ' + fmt(map, upper) +
          '</div>';
        lower = upper;
      });
      if (!o.only_data) {
        html += '<div class="peta-legend-row"><span class="peta-swatch" style="background:' + GREY +
          '"></span>' + esc(msg(map, 'common.no_data')) + '</div>';
      }
      return html;
    };
    group.bindPicker = function (box) {
      var subject = box.querySelector('select[data-role="subject"]');
      var year = box.querySelector('select[data-role="year"]');
      if (subject) { subject.addEventListener('change', function () { group.load({ subject: subject.value, year: null }); }); }
      if (year) { year.addEventListener('change', function () { group.load({ year: Number(year.value) }); }); }
    };
    group.restyle = function () { if (group.vector) { group.vector.reload(); } };
    group.on('add', function () {
      if (!state.stats && !st.error && !o.manual) { group.load().catch(function () {}); }
    });
    return group;
  };

  kinds.producers = function (map, o) {
    var st = track(map, o.id, 'producers');
    var declared = layerCfg(map, 'producers');
    var colors = declared.palette || {};
    var base = declared.color || UNDECLARED;
    var group = vectorGroup(map, st, 'producers', tileUrl('producers', o.filters), function (props) {
      var color = colors[props[declared.colorBy]] || base;
      var count = props.point_count;
      if (count) {
        var radius = Math.min(14, 3 + 2.2 * Math.log10(count + 1) * 2);
        return { radius: radius, fill: true, fillColor: color, fillOpacity: 0.7, color: '#ffffff', weight: 1 };
      }
      return { radius: declared.radius || 5, fill: true, fillColor: color, fillOpacity: 0.9, color: '#ffffff',
        weight: 1.2 };
    }, 'markerPane');
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    group.identify = function (latlng) {
      var hits = hitTest(group.grid, latlng);
      return hits.length ? { producer: hits[0] } : null;
    };
    group.setFilters = function (filters) { o.filters = filters; group.reload(tileUrl('producers', filters)); };
    group.legend = function () {
      var cfg = peta(map).config;
      var html = '<div class="peta-legend-row"><span class="peta-dot peta-dot-big" style="background:' +
        esc(base) + '"></span>' + esc(msg(map, 'legend.cell')) + '</div><div class="peta-legend-row">' +
        '<span class="peta-dot" style="background:' + esc(base) + '"></span>' + esc(msg(map, 'legend.producer')) +
        '</div>';
      (cfg.sectorLegend || []).forEach(function (s) {
        html += '<div class="peta-legend-row peta-legend-small"><span class="peta-dot" style="background:' +
          esc(colors[s.section] || base) + '"></span>' + esc(s.section + ' ' + s.label) + '</div>';
      });
      return html;
    };
    return group;
  };

  function pointLayer(map, o, kind, url, popup, legendKey) {
    var declared = layerCfg(map, o.id);
    var color = declared.color || UNDECLARED;
    var radius = declared.radius || 8;
    var st = track(map, o.id, kind);
    var group = L.featureGroup();
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    group.load = function (params) {
      st.loaded = false;
      var full = url + query(withLang(map, L.extend({}, o.query || {}, params || {})));
      return getJSON(full).then(function (fc) {
        group.clearLayers();
        var layer = L.geoJSON(fc, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: radius, color: '#263238', weight: 2, fillColor: color,
              fillOpacity: 0.9, bubblingMouseEvents: false });
          },
          style: function () { return { color: color, weight: 2, fillOpacity: 0.3, bubblingMouseEvents: false }; },
          onEachFeature: function (feature, lyr) { lyr.bindPopup(function () { return popup(feature.properties); }); }
        });
        group.addLayer(layer);
        st.features = fc.features.length;
        st.loaded = true;
        group.fire('data', { features: fc.features });
        return fc;
      }).catch(function (err) { st.error = String(err); st.loaded = true; throw err; });
    };
    group.legend = function () {
      return '<div class="peta-legend-row"><span class="peta-dot peta-dot-ring" style="background:' + color +
        '"></span>' + esc(msg(map, legendKey)) + '</div>';
    };
    group.on('add', function () { if (!st.loaded && !group._loading) { group._loading = true; group.load().catch(function () {}); } });
    return group;
  }

  kinds.landing_sites = function (map, o) {
    o.query = { limit: 500 };
    return pointLayer(map, o, 'landing_sites', '/ogc/collections/' + o.id + '/items', function (p) {
      return '<div class="peta-popup"><h3>' + esc(p.name) + '</h3><table>' + row(msg(map, 'common.area'),
        esc(p.area_code)) + row('', esc(p.note)) + '</table>' + profileLink(map, p.area_code) + '</div>';
    }, 'legend.tpi');
  };

  kinds.opportunities = function (map, o) {
    o.query = L.extend({ limit: 500 }, o.query || {});
    return pointLayer(map, o, 'opportunities', '/api/v1/opportunities', function (p) {
      return opportunityHtml(map, p);
    }, 'legend.opportunity');
  };

  kinds.results = function (map, o) {
    var st = track(map, o.id, 'results');
    var group = L.featureGroup();
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    group.setData = function (features, onClick) {
      group.clearLayers();
      features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var marker = L.circleMarker([c[1], c[0]], { radius: 9, color: '#ffffff', weight: 2,
          fillColor: layerCfg(map, 'producers').color || UNDECLARED,
          fillOpacity: 0.95, bubblingMouseEvents: false });
        marker.feature = f;
        marker.on('click', function () { if (onClick) { onClick(f); } });
        group.addLayer(marker);
      });
      st.features = features.length;
      st.loaded = true;
    };
    group.legend = function () { return ''; };
    st.loaded = true;
    return group;
  };

  function known(value) { return value !== null && value !== undefined && value !== ''; }

  // The project's feasibility figures that the opportunity has: [label, text] pairs (NPV, B/C, payback, land).
  function opportunityFigures(map, p) {
    var figures = [];
    if (known(p.npv_idr)) { figures.push([msg(map, 'popup.npv'), fmtIdr(map, p.npv_idr)]); }
    if (known(p.bc_ratio)) { figures.push([msg(map, 'popup.bc_ratio'), fmt(map, p.bc_ratio, 2)]); }
    if (known(p.payback_years)) {
      figures.push([msg(map, 'popup.payback'), msg(map, 'popup.years', { n: fmt(map, p.payback_years, 1) })]);
    }
    if (known(p.land_status)) { figures.push([msg(map, 'popup.land_status'), String(p.land_status)]); }
    return figures;
  }

  function opportunityHtml(map, p) {
    var link = p.licensing_url && /^https?:\/\//.test(p.licensing_url) ?
      '<a href="' + esc(p.licensing_url) + '" rel="noopener" target="_blank">' + esc(msg(map, 'popup.licensing')) +
      '</a>' : '';
    return '<div class="peta-popup"><h3>' + esc(p.title) + '</h3><p>' + esc(p.description || '') + '</p><table>' +
      row(msg(map, 'common.sector'), esc(label(map, 'sector', p.sector))) +
      row(msg(map, 'popup.value_idr'), esc(fmtIdr(map, p.value_idr))) +
      row(msg(map, 'common.status'), esc(label(map, 'status', p.status))) +
      row(msg(map, 'popup.readiness'), esc(label(map, 'readiness', p.readiness))) +
      row(msg(map, 'popup.irr'), known(p.irr_pct) ? esc(fmt(map, p.irr_pct, 1)) + '%' : '') +
      opportunityFigures(map, p).map(function (f) { return row(f[0], esc(f[1])); }).join('') +
      row(msg(map, 'popup.contact'), esc(p.contact_agency)) + '</table>' + link + ' ' +
      profileLink(map, p.area_code) +
      placePageLink(map, p.code && '/investor/peluang/' + encodeURIComponent(p.code), 'share.page_opportunity') +
      '</div>';
  }

  // ---------------------------------------------------------------- outline and place names

  // The regency's outline (its coast and islands) over every fill, at every zoom; clicks go through it. Only the
  // tiles within the regency's bounds are asked for (the sea around it would answer 204 No Content).
  kinds.outline = function (map, o) {
    var st = track(map, o.id, 'outline');
    paneFor(map, 'petaOutline', 450);  // over the fills and boundaries (400), under producers (600)
    var b = o.bounds;
    var declared = layerCfg(map, o.layer);
    var group = vectorGroup(map, st, o.layer, tileUrl(o.layer, {}), function () {
      return { color: declared.line || UNDECLARED, weight: declared.width || 2, opacity: 0.9, fill: false };
    }, 'petaOutline', b ? { bounds: L.latLngBounds([b[1], b[0]], [b[3], b[2]]) } : {});
    group._petaStatus = st;
    peta(map).layers[o.id] = group;
    return group;
  };

  function paneFor(map, name, zIndex) {
    var pane = map.getPane(name);
    if (!pane) {
      pane = map.createPane(name);
      pane.style.zIndex = String(zIndex);
      pane.style.pointerEvents = 'none';
    }
    return pane;
  }

  var LABEL_GAP = 3;  // px kept clear around each label
  var LABEL_SHIFT = 0.4;  // ems: an area's name may move above or below its point by this and half its height
  var LABEL_BESIDE = 13;  // px from a point to its label: the circle's radius (8), its stroke and a gap
  var LABEL_MARGIN = 150;  // px around the view within which labels take part (they may stick out of it)
  var fetched = {};  // url -> promise of its features, shared by the maps of a page

  function fetchOnce(url) {
    if (!fetched[url]) {
      fetched[url] = getJSON(url).catch(function (err) { delete fetched[url]; throw err; });  // asked again later
    }
    return fetched[url];
  }

  // Names of kecamatan, desa, TPI and opportunities, as the layer registry declares them (gis/layers.py, Label):
  // areas from one GeoJSON request of their label points (o.sources), points from the page's own TPI and
  // opportunity layers, next to their circles. After every move and zoom a greedy pass places them by priority
  // (kecamatan, TPI, opportunities, desa; then each rule's sort property) and leaves out every label whose box
  // would overlap one already placed, so that names never pile up on a phone screen.
  function labelLayer(map, o, st) {
    var items = [];  // {rule, text, latlng, key, el, w, h} in placing order
    var elements = {};  // key -> element, kept while the layer lives
    var data = {};  // source -> [{id, latlng, props}] of the fetched sources
    var watched = [];
    var pane = paneFor(map, 'petaLabels', 620);  // over every layer, under tooltips (650) and popups (700)
    pane.classList.add('peta-labels-pane');
    var layer = new (L.Layer.extend({
      onAdd: function () {
        map.on('zoomstart', hide);
        map.on('moveend resize', place);
        map.on('layeradd layerremove', onLayer);
        map.getContainer().addEventListener('toggle', place, true);  // the legend folds: room for more names
        load().then(function () { collect(); place(); st.loaded = true; });
      },
      onRemove: function () {
        map.off('zoomstart', hide);
        map.off('moveend resize', place);
        map.off('layeradd layerremove', onLayer);
        map.getContainer().removeEventListener('toggle', place, true);
        Object.keys(elements).forEach(function (key) { elements[key].style.display = 'none'; });
        st.features = 0;
      }
    }))();

    function load() {
      var urls = o.sources || {};
      return Promise.all(Object.keys(urls).map(function (source) {
        return fetchOnce(urls[source]).then(function (fc) {
          data[source] = fc.features.filter(function (f) { return f.geometry && f.geometry.type === 'Point'; })
            .map(function (f) {
              var c = f.geometry.coordinates;
              return { id: f.id, latlng: L.latLng(c[1], c[0]), props: f.properties || {} };
            });
        }).catch(function (err) { st.error = String(err); });
      }));
    }

    // The features of a rule's source: fetched ones, or those the page's layer of that id shows now.
    function features(rule) {
      if (data[rule.source]) { return data[rule.source]; }
      var group = peta(map) && peta(map).layers[rule.source];
      if (!group || !map.hasLayer(group) || !group.eachLayer) { return []; }
      if (watched.indexOf(group) < 0) { watched.push(group); group.on('data', refresh); }
      var found = [];
      group.eachLayer(function (child) {
        (child.eachLayer ? child : L.layerGroup([child])).eachLayer(function (l) {
          if (!l.feature) { return; }
          var latlng = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
          found.push({ id: l.feature.id, latlng: latlng, props: l.feature.properties || {} });
        });
      });
      return found;
    }

    function collect() {
      items = [];
      o.rules.forEach(function (rule) {
        features(rule).forEach(function (f) {
          var p = f.props;
          if (rule.only && p[rule.only[0]] !== rule.only[1]) { return; }
          var text = known(p[rule.text]) ? p[rule.text] : p[rule.fallback];
          if (!known(text)) { return; }
          var sort = rule.sort && known(p[rule.sort]) ? Number(p[rule.sort]) : Infinity;
          items.push({ rule: rule, text: String(text), latlng: f.latlng, sort: sort, key: rule.id + '|' + f.id,
            code: p.code || '' });
        });
      });
      items.sort(function (a, b) {
        return a.rule.priority - b.rule.priority || a.sort - b.sort || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
      });
    }

    function refresh() { if (map.hasLayer(layer)) { collect(); place(); } }
    function onLayer(e) { if (watched.indexOf(e.layer) >= 0 || peta(map) && isSource(e.layer)) { refresh(); } }
    function isSource(l) {
      return o.rules.some(function (rule) { return peta(map).layers[rule.source] === l; });
    }
    function hide() { pane.classList.add('peta-labels-moving'); }

    function element(item) {
      var el = elements[item.key];
      if (!el) {
        var rule = item.rule;
        el = elements[item.key] = L.DomUtil.create('div', 'peta-label peta-label-' + rule.id + (rule.beside ?
          ' peta-label-beside' : ''), pane);
        el.textContent = item.text;
        el.setAttribute('data-label', rule.id);
        if (item.code) { el.setAttribute('data-code', item.code); }
        el.style.fontSize = rule.size + 'px';
        el.style.color = rule.color;
        if (rule.bold) { el.style.fontWeight = '700'; }
        if (rule.caps) { el.classList.add('peta-label-caps'); }
        el.style.display = 'none';
      }
      if (el.textContent !== item.text) { el.textContent = item.text; item.w = 0; }
      item.el = el;
      return el;
    }

    // The first of the item's places whose box overlaps none of ``placed``: an area's name on its point, else
    // just above or below it (as the MapLibre style's variable anchors); a point's name right, else left of it.
    function fit(item, placed) {
      var x = item.pt.x, y = item.pt.y - item.h / 2, shift = LABEL_SHIFT * item.rule.size + item.h / 2;
      var places = item.rule.beside ? [[x + LABEL_BESIDE, y], [x - LABEL_BESIDE - item.w, y]] :
        [[x - item.w / 2, y], [x - item.w / 2, y - shift], [x - item.w / 2, y + shift]];
      for (var i = 0; i < places.length; i++) {
        var left = places[i][0], top = places[i][1];
        var box = { x1: left - LABEL_GAP, y1: top - LABEL_GAP, x2: left + item.w + LABEL_GAP,
          y2: top + item.h + LABEL_GAP, left: left, top: top };
        var free = true;
        for (var j = 0; j < placed.length && free; j++) {
          var other = placed[j];
          free = box.x2 <= other.x1 || box.x1 >= other.x2 || box.y2 <= other.y1 || box.y1 >= other.y2;
        }
        if (free) { return box; }
      }
      return null;
    }

    function place() {
      if (!map.hasLayer(layer)) { return; }
      var zoom = map.getZoom();
      var size = map.getSize();
      var candidates = [];
      var keep = {};
      // The map's controls (zoom, search, legend) come first: a name under them would be hidden yet take room.
      var origin = map.getContainer().getBoundingClientRect();
      var placed = [];
      Array.prototype.forEach.call(map.getContainer().querySelectorAll('.leaflet-control'), function (control) {
        var r = control.getBoundingClientRect();
        if (r.width && r.height) {
          placed.push({ x1: r.left - origin.left, y1: r.top - origin.top, x2: r.right - origin.left,
            y2: r.bottom - origin.top });
        }
      });
      var controls = placed.length;
      items.forEach(function (item) {
        var rule = item.rule;
        if (zoom < rule.minZoom || zoom >= rule.maxZoom) { return; }
        item.pt = map.latLngToContainerPoint(item.latlng);
        if (item.pt.x < -LABEL_MARGIN || item.pt.y < -LABEL_MARGIN || item.pt.x > size.x + LABEL_MARGIN ||
            item.pt.y > size.y + LABEL_MARGIN) { return; }
        candidates.push(item);
      });
      // Sizes of labels not yet measured, in one layout: all shown (unseen) first, then all read.
      var fresh = candidates.filter(function (item) { element(item); return !item.w; });
      fresh.forEach(function (item) { item.el.style.visibility = 'hidden'; item.el.style.display = ''; });
      fresh.forEach(function (item) { item.w = item.el.offsetWidth; item.h = item.el.offsetHeight; });
      candidates.forEach(function (item) {
        var box = fit(item, placed);
        if (!box) { return; }
        placed.push(box);
        keep[item.key] = true;
        L.DomUtil.setPosition(item.el, map.containerPointToLayerPoint([box.left, box.top]).round());
        item.el.style.visibility = '';
        item.el.style.display = '';
      });
      Object.keys(elements).forEach(function (key) { if (!keep[key]) { elements[key].style.display = 'none'; } });
      pane.classList.remove('peta-labels-moving');
      st.features = placed.length - controls;
    }

    layer.place = place;
    return layer;
  }

  kinds.labels = function (map, o) {
    var st = track(map, o.id, 'labels');
    var layer = labelLayer(map, o, st);
    layer.petaOptions = o;
    layer._petaStatus = st;
    peta(map).layers[o.id] = layer;
    return layer;
  };

  // ---------------------------------------------------------------- identify (one popup per click)

  // The share page of a producer or an opportunity (/produk/<id>, /investor/peluang/<code>), when it has one.
  function placePageLink(map, path, key) {
    if (!path) { return ''; }
    return '<a class="peta-popup-link" href="' + esc(pageUrl(map, path)) + '">' + esc(msg(map, key)) + ' →</a>';
  }

  function producerHtml(map, p) {
    if (p.point_count) {
      return '<div class="peta-popup">' + esc(msg(map, 'popup.cell', { n: fmt(map, p.point_count, 0) })) + '</div>';
    }
    var phone = p.whatsapp || p.phone;
    return '<div class="peta-popup"><h3>' + esc(p.name) + '</h3><table>' +
      row(msg(map, 'popup.products'), esc(p.products)) + row(msg(map, 'popup.address'), esc(p.address)) +
      row(msg(map, 'popup.phone'), phone ? '<a href="tel:' + esc(phone) + '">' + esc(phone) + '</a>' : '') +
      '</table>' + placePageLink(map, (p.feature_id || p.id) && '/produk/' + encodeURIComponent(p.feature_id || p.id),
        'share.page_producer') + profileLink(map, p.area_code) + '</div>';
  }

  function areaHtml(map, hit) {
    var a = hit.area;
    var html = '<div class="peta-popup"><h3>' + esc(a.name) + '</h3><table>' +
      row(msg(map, 'common.level'), esc(msg(map, 'level.' + (a.level || hit.level)))) +
      row(msg(map, 'popup.population'), a.population ? fmt(map, a.population, 0) : '');
    if (hit.value && hit.stats) {
      html += row(hit.stats.label + ' ' + hit.stats.year, fmt(map, hit.value.value) + ' ' + esc(hit.value.unit));
    }
    return html + '</table>' + profileLink(map, a.code) + '</div>';
  }

  function onMapClick(map, e) {
    var layers = peta(map).order.map(function (id) { return peta(map).layers[id]; })
      .filter(function (l) { return l && map.hasLayer(l) && l.identify; });
    var producer = null, areas = [];
    layers.forEach(function (l) {
      var hit = l.identify(e.latlng);
      if (!hit) { return; }
      if (hit.producer && !producer) { producer = hit.producer; } else if (hit.area) { areas.push(hit); }
    });
    var html = '';
    if (producer) {
      html = producerHtml(map, producer);
    } else if (areas.length) {
      var valued = areas.filter(function (h) { return h.value; });
      var best = areas.filter(function (h) { return h.level === 'desa'; })[0] || areas[0];
      html = areaHtml(map, L.extend({}, best, valued[0] ? { value: valued[0].value, stats: valued[0].stats } : {}));
    }
    if (html) { L.popup({ maxWidth: 300 }).setLatLng(e.latlng).setContent(html).openOn(map); }
  }

  // ---------------------------------------------------------------- controls

  function refreshLegend(map) {
    var box = peta(map).legendBox;
    if (!box) { return; }
    var html = '';
    peta(map).order.forEach(function (id) {
      var layer = peta(map).layers[id];
      if (!layer || !map.hasLayer(layer) || !layer.legend) { return; }
      var body = layer.legend();
      if (!body) { return; }
      html += '<section class="peta-legend-block" data-layer="' + esc(id) + '"><h4>' + esc(layer._title || id) +
        '</h4>' + body + '</section>';
    });
    if (peta(map).legendOpen === undefined) {  // folded on a phone: the map comes first
      peta(map).legendOpen = map.getSize().y >= 600 && map.getSize().x >= 600;
    }
    box.innerHTML = html ? '<details' + (peta(map).legendOpen ? ' open' : '') + '><summary class="peta-legend-title">' +
      esc(msg(map, 'common.legend')) + '</summary>' + html + '</details>' : '';
    box.style.display = html ? '' : 'none';
    var details = box.querySelector('details');
    if (details) { details.addEventListener('toggle', function () { peta(map).legendOpen = details.open; }); }
    peta(map).order.forEach(function (id) {
      var layer = peta(map).layers[id];
      var block = box.querySelector('section[data-layer="' + id + '"]');
      if (block && layer.bindPicker) { layer.bindPicker(block); }
    });
  }

  var controls = {};

  controls.legend = function (map, o) {
    var Legend = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create('div', 'peta-legend leaflet-bar');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        peta(map).legendBox = box;
        setTimeout(function () { refreshLegend(map); }, 0);
        return box;
      }
    });
    new Legend({ position: o.position || 'bottomright' }).addTo(map);
    map.on('overlayadd overlayremove layeradd layerremove', function () {
      clearTimeout(peta(map).legendTimer);
      peta(map).legendTimer = setTimeout(function () { refreshLegend(map); }, 30);
    });
  };

  controls.search = function (map, o) {
    var Search = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create('div', 'peta-search leaflet-bar');
        box.innerHTML = '<input type="search" autocomplete="off" placeholder="' +
          esc(msg(map, 'map.search_placeholder')) + '" aria-label="' + esc(msg(map, 'common.search')) + '">' +
          '<div class="peta-search-results" role="listbox" aria-label="' + esc(msg(map, 'common.search')) + '"></div>';
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var input = box.querySelector('input');
        var results = box.querySelector('.peta-search-results');
        var timer = null;
        input.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(function () { runSearch(map, input.value.trim(), results); }, 250);
        });
        return box;
      }
    });
    new Search({ position: o.position || 'topleft' }).addTo(map);
  };

  function cqlLike(text) { return "CASEI(name) LIKE CASEI('%" + text.replace(/'/g, "''") + "%')"; }

  function runSearch(map, text, box) {
    if (text.length < 2) { box.innerHTML = ''; return; }
    var places = ['kecamatan', 'desa'].map(function (level) {
      return getJSON('/ogc/collections/' + level + '/items' + query({ filter: cqlLike(text), limit: 5 }))
        .then(function (fc) { return fc.features.map(function (f) { f.level = level; return f; }); })
        .catch(function () { return []; });
    });
    var products = getJSON('/api/v1/producers' + query(withLang(map, { q: text, limit: 6 })))
      .then(function (fc) { return fc.features; }).catch(function () { return []; });
    Promise.all([Promise.all(places), products]).then(function (found) {
      var placeHits = found[0][0].concat(found[0][1]);
      var html = '';
      var items = [];
      if (placeHits.length) {
        html += '<div class="peta-search-head">' + esc(msg(map, 'map.search_places')) + '</div>';
        placeHits.forEach(function (f) {
          items.push(f);
          html += '<button type="button" data-i="' + (items.length - 1) + '">' + esc(f.properties.name) +
            ' <small>' + esc(msg(map, 'level.' + f.level)) + '</small></button>';
        });
      }
      if (found[1].length) {
        html += '<div class="peta-search-head">' + esc(msg(map, 'map.search_products')) + '</div>';
        found[1].forEach(function (f) {
          items.push(f);
          html += '<button type="button" data-i="' + (items.length - 1) + '">' + esc(f.properties.name) +
            ' <small>' + esc(f.properties.products || '') + '</small></button>';
        });
      }
      box.innerHTML = html || '<div class="peta-search-head">' + esc(msg(map, 'map.search_none')) + '</div>';
      Array.prototype.forEach.call(box.querySelectorAll('button'), function (button) {
        button.addEventListener('click', function (e) {
          // The list is emptied below: once detached, the button would no longer shield the map from this
          // click, and the map would close the popup opened here.
          L.DomEvent.stopPropagation(e);
          var f = items[Number(button.getAttribute('data-i'))];
          if (f.geometry.type === 'Point') {
            var c = f.geometry.coordinates;
            map.setView([c[1], c[0]], 16);
            L.popup().setLatLng([c[1], c[0]]).setContent(producerHtml(map, L.extend({ id: f.id }, f.properties))).openOn(map);
          } else {
            map.fitBounds(L.geoJSON(f).getBounds());
            L.popup().setLatLng(L.geoJSON(f).getBounds().getCenter())
              .setContent(areaHtml(map, { area: L.extend({ code: f.id }, f.properties), level: f.level }))
              .openOn(map);
          }
          box.innerHTML = '';
        });
      });
    });
  }

  // ---------------------------------------------------------------- the map keeps its place

  // A map page reopens where it was left: centre, zoom and the overlays switched in the layer control, kept per
  // map and page in localStorage. The URL wins when it names a place: a #map=zoom/lat/lng hash, or a page that is
  // a place's own (its map opens on that place).
  var PLACE_STORE = 'peta.place.';
  var PLACE_PAGES = { wilayah: true };
  function placeStore(map) { return PLACE_STORE + peta(map).key + ':' + location.pathname; }
  function askedPlace() {
    var m = /(?:^#|&)map=(\d{1,2}(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)/.exec(location.hash);
    return m ? { zoom: Number(m[1]), lat: Number(m[2]), lng: Number(m[3]) } : null;
  }
  function savedPlace(map) {
    try {
      var place = JSON.parse(localStorage.getItem(placeStore(map)) || 'null');
      return place && isFinite(place.lat) && isFinite(place.lng) && isFinite(place.zoom) ? place : null;
    } catch (err) { return null; }  // storage off (private mode) or a value from elsewhere
  }
  function savePlace(map, place) {
    try { localStorage.setItem(placeStore(map), JSON.stringify(place)); } catch (err) { /* storage off or full */ }
  }
  function layerId(map, layer) {
    return Object.keys(peta(map).layers).filter(function (id) { return peta(map).layers[id] === layer; })[0];
  }
  function keepPlace(map) {
    var saved = PLACE_PAGES[peta(map).key] ? null : savedPlace(map);
    var place = askedPlace() || saved;
    var switched = (saved && saved.layers) || {};  // layer id -> shown, as the user last switched it
    if (place) {
      map.setView([place.lat, place.lng], place.zoom, { animate: false });
      // The page's opening view, set next by the map's own script, gives way; later fits (results) do not.
      map.fitBounds = function () { return map; };
      setTimeout(function () { delete map.fitBounds; }, 0);
    }
    setTimeout(function () {  // once the map's script has made every layer; its tiles leave in a later task
      Object.keys(switched).forEach(function (id) {
        var layer = peta(map).layers[id];
        if (layer && switched[id] !== map.hasLayer(layer)) { map[switched[id] ? 'addLayer' : 'removeLayer'](layer); }
      });
    }, 0);
    function save() {
      var c = map.getCenter();
      savePlace(map, { lat: Math.round(c.lat * 1e5) / 1e5, lng: Math.round(c.lng * 1e5) / 1e5, zoom: map.getZoom(),
        layers: switched });
    }
    map.on('moveend', save);
    map.on('overlayadd overlayremove', function (e) {  // fired by the layer control: the user's choice
      var id = layerId(map, e.layer);
      if (id) { switched[id] = e.type === 'overlayadd'; save(); }
    });
  }

  // ---------------------------------------------------------------- public API

  window.PetaLayers = {
    register: function (key, map, config) {
      map._peta = { key: key, config: config, layers: {}, order: [] };
      maps[key] = map;
      status.maps[key] = { layers: {}, ready: false };
      map.getContainer().classList.add('peta-map');
      keepPlace(map);
      map.on('click', function (e) { onMapClick(map, e); });
      map.whenReady(function () {
        setTimeout(function () {
          status.maps[key].ready = true;
          document.dispatchEvent(new CustomEvent('peta:map', { detail: { key: key, map: map } }));
        }, 0);
      });
      map.on('layeradd layerremove', function () {
        Object.keys(map._peta.layers).forEach(function (id) {
          var layer = map._peta.layers[id];
          if (layer._petaStatus) { layer._petaStatus.visible = map.hasLayer(layer); }
        });
      });
    },
    create: function (map, kind, options) {
      var layer = kinds[kind](map, options);
      layer._title = options.title || null;
      peta(map).order.push(options.id);
      return layer;
    },
    control: function (map, kind, options) { controls[kind](map, options || {}); },
    map: function (key) { return maps[key]; },
    layer: function (key, id) { return maps[key] && maps[key]._peta.layers[id]; },
    onMap: function (key, callback) {
      if (maps[key] && status.maps[key].ready) { callback(maps[key]); return; }
      document.addEventListener('peta:map', function (e) { if (e.detail.key === key) { callback(e.detail.map); } });
    },
    fmt: function (key, value, digits) { return fmt(maps[key], value, digits); },
    fmtIdr: function (key, value) { return fmtIdr(maps[key], value); },
    msg: function (key, name, values) { return msg(maps[key], name, values); },
    label: function (key, prefix, value) { return label(maps[key], prefix, value); },
    // The registry's statistical datasets (config.statistics: id, subject parameter, measures, ramp, labels).
    statistics: function (key) { return (maps[key]._peta.config.statistics || []).slice(); },
    stats: function (key, id) { return statsCfg(maps[key], id); },
    measureTitle: function (key, dataset, measure) { return measureTitle(maps[key], dataset, measure); },
    esc: esc,
    query: query,
    getJSON: getJSON,
    producerHtml: function (key, p) { return producerHtml(maps[key], p); },
    opportunityHtml: function (key, p) { return opportunityHtml(maps[key], p); },
    opportunityFigures: function (key, p) { return opportunityFigures(maps[key], p); },
    refreshLegend: function (key) { refreshLegend(maps[key]); },
    // The area names of page ``key``'s map on another map of the page (the analysis map), from the same request.
    labels: function (key, other) {
      var main = maps[key] && maps[key]._peta.layers.labels;
      if (!main) { return null; }
      var o = main.petaOptions;
      var rules = o.rules.filter(function (rule) { return (o.sources || {})[rule.source]; });
      return labelLayer(other, { rules: rules, sources: o.sources }, { features: 0, loaded: false }).addTo(other);
    }
  };
}());
