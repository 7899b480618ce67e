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
const NEVER = ["/api/v1/export", "/api/v1/uploads", "/api/v1/docs", "/basemap.pmtiles", "/sw.js"];

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
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && !keep.has(n)).map((n) => caches.delete(n)));
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
    const cached = await caches.match(event.request, { cacheName: CACHES[kind] });
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
  return fresh;
}

async function shellFirst(event) {
  const cached = await caches.match(event.request, { cacheName: CACHES.shell });
  return cached || fetch(event.request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.has("Range")) return;
  if (NEVER.some((p) => url.pathname.startsWith(p))) return;
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
