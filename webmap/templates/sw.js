/* Peta Ekonomi service worker (served by webmap/pwa.py, which fills in the version and the shell). */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL = {{ precache|tojson }};
const START_PAGES = {{ start_pages|tojson }};
const OFFLINE = {{ offline|tojson }};
const PREFIX = "peta-";
const CACHES = {
  shell: `${PREFIX}shell-${VERSION}`,
  pages: `${PREFIX}pages-${VERSION}`,
  tiles: `${PREFIX}tiles-${VERSION}`,
  api: `${PREFIX}api-${VERSION}`,
};
const LIMITS = { pages: 30, tiles: 600, api: 150 };
const TILE_PATHS = ["/tiles/", "/fonts/", "/basemap/", "/basemap.json", "/styles/"];
const API_PATHS = ["/api/v1/", "/ogc/"];
const NEVER = ["/api/v1/export", "/api/v1/uploads", "/api/v1/docs", "/api/v1/offline", "/api/v1/packages/", "/basemap.pmtiles", "/sw.js"];
// Saved areas ("Simpan untuk offline", static/js/offline-save.js): one cache per area, never versioned away, and
// an index of them (a JSON entry of its own cache). The page downloads with SAVE_HEADER, which the worker lets by.
const SAVED_PREFIX = `${PREFIX}saved-`;
const SAVED_INDEX = { cache: `${SAVED_PREFIX}index`, url: "/offline/saved.json" };
const SAVE_HEADER = "X-Peta-Save";
const TILE_XYZ = /^\/tiles\/[^/]+\/(\d+)\/(\d+)\/(\d+)\.pbf$/;
const RECORD_READS = [  // API reads the pages make that saved records answer: [path pattern, layer]
  [/^\/ogc\/collections\/([^/]+)\/items$/, null],
  [/^\/api\/v1\/opportunities$/, "opportunities"],
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHES.shell);
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
    const pages = await caches.open(CACHES.pages);
    await Promise.all(START_PAGES.map((url) => pages.add(new Request(url, { cache: "reload" })).catch(() => null)));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set(Object.values(CACHES));
    const names = await caches.keys();
    const old = names.filter((n) => n.startsWith(PREFIX) && !n.startsWith(SAVED_PREFIX) && !keep.has(n));
    await Promise.all(old.map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

async function trim(name, limit) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map((k) => cache.delete(k)));
}

async function store(name, limit, request, response) {
  if (!response || !response.ok || response.type !== "basic" || response.status === 206) return;
  if ((response.headers.get("Cache-Control") || "").includes("no-store")) return;
  const cache = await caches.open(name);
  await cache.put(request, response);
  await trim(name, limit);
}

async function networkFirst(event, kind, fallback) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(store(CACHES[kind], LIMITS[kind], event.request, response.clone()));
    return response;
  } catch (error) {
    const cached = (await caches.match(event.request, { cacheName: CACHES[kind] })) || (await fromSaved(event.request));
    if (cached && kind === "pages") event.waitUntil(tellOffline(event.resultingClientId));
    if (cached) return cached;
    if (fallback) return (await caches.match(fallback, { cacheName: CACHES.shell })) || Response.error();
    throw error;
  }
}

async function tellOffline(clientId) {
  // The page was answered from the cache: tell it, once it exists, so that it shows the offline notice.
  for (let attempt = 0; attempt < 50 && clientId; attempt += 1) {
    const client = await self.clients.get(clientId);
    if (client) {
      client.postMessage({ type: "OFFLINE" });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function staleWhileRevalidate(event) {
  const cached = await caches.match(event.request, { cacheName: CACHES.tiles });
  const fresh = fetch(event.request).then((response) => {
    event.waitUntil(store(CACHES.tiles, LIMITS.tiles, event.request, response.clone()));
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh.catch(async (error) => (await fromSaved(event.request)) || Promise.reject(error));
}

async function savedAreas() {
  const entry = await caches.match(SAVED_INDEX.url, { cacheName: SAVED_INDEX.cache });
  return entry ? (await entry.json()).areas || [] : [];
}

async function fromSaved(request) {
  // Offline and not in the other caches: the same URL in a saved area, else the saved composite tile of every
  // layer at that z/x/y (the loader takes its layers by name; filters are not applied), else saved records.
  const url = new URL(request.url);
  const xyz = url.pathname.match(TILE_XYZ);
  const records = RECORD_READS.find(([pattern]) => pattern.test(url.pathname));
  for (const area of await savedAreas()) {
    const cache = await caches.open(SAVED_PREFIX + area.code);
    const same = await cache.match(url.pathname + url.search);
    if (same) return same;
    const tile = xyz && area.tile_url ? await cache.match(area.tile_url.replace("{z}", xyz[1]).replace("{x}", xyz[2])
      .replace("{y}", xyz[3])) : null;
    if (tile) return tile;
  }
  if (records) {
    const layer = records[1] || url.pathname.match(records[0])[1];
    return savedRecordsResponse(layer, url.searchParams);
  }
  if (xyz) return null;
  for (const area of await savedAreas()) {  // a saved page or profile in another language (?lang=en)
    const other = await (await caches.open(SAVED_PREFIX + area.code)).match(url.pathname, { ignoreSearch: true });
    if (other) return other;
  }
  return null;
}

function recordFilter(params) {
  // What saved records can answer: limit, lang, an area (area or area_code: inside it) and the pages' one CQL2
  // filter, area_code='<code>' (equal); any other parameter is not applied offline, so the read is not answered.
  const known = ["limit", "lang", "area", "area_code", "filter", "f"];
  if ([...params.keys()].some((k) => !known.includes(k)) || (params.get("f") || "json") !== "json") return null;
  const inside = params.get("area_code") || params.get("area");
  const filter = params.get("filter");
  const equal = filter ? (filter.match(/^area_code\s*=\s*'([0-9.]+)'$/) || [])[1] : null;
  if (filter && !equal) return null;
  return (code) => (!inside || code === inside || code.startsWith(`${inside}.`)) && (!equal || code === equal);
}

async function savedRecordsResponse(layer, params) {
  // Every saved record of the layer (each once), as many as the request's limit: a FeatureCollection.
  const seen = new Map();
  for (const area of await savedAreas()) {
    const cache = await caches.open(SAVED_PREFIX + area.code);
    for (const url of (area.record_urls || {})[layer] || []) {
      const page = await cache.match(url);
      if (page) for (const feature of (await page.json()).features || []) seen.set(String(feature.id), feature);
    }
  }
  const keep = recordFilter(params);
  if (!seen.size || !keep) return null;
  const en = params.get("lang") === "en";
  const inside = Array.from(seen.values()).filter((f) => keep(String(f.properties.area_code || "")));
  const features = inside.slice(0, Number(params.get("limit")) || inside.length).map((f) => (layer === "opportunities"
    ? { ...f, properties: { title: en ? f.properties.title_en : f.properties.title_id, ...f.properties } } : f));
  const body = { type: "FeatureCollection", features, numberReturned: features.length, numberMatched: inside.length,
    links: [], "peta:offline": true };
  return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/geo+json" } });
}

async function shellFirst(event) {
  const cached = await caches.match(event.request, { cacheName: CACHES.shell });
  return cached || fetch(event.request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.has("Range")) return;
  if (NEVER.some((p) => url.pathname.startsWith(p)) || request.headers.has(SAVE_HEADER)) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(event, "pages", OFFLINE));
  } else if (SHELL.includes(url.pathname + url.search)) {
    event.respondWith(shellFirst(event));
  } else if (TILE_PATHS.some((p) => url.pathname.startsWith(p))) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (url.pathname === "/ogc" || API_PATHS.some((p) => url.pathname.startsWith(p))) {
    event.respondWith(networkFirst(event, "api", null));
  }
});
