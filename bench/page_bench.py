"""Benchmark: the economic map page at 10k / 100k / 1M producers against a plain Folium MarkerCluster page.

For each size, on its own database (bundled datasets plus generated producers, made in SQL with
generate_series): bytes of HTML + JS + CSS of ``/`` and the time until headless Chromium has drawn its
producers; then the same points as a plain Folium page (folium.Marker in a MarkerCluster, assets made local,
built in a subprocess capped at --build-cap seconds) served locally: build time, bytes, time until its
markers are drawn (capped at --draw-cap). Prints one table.

    .venv/bin/python bench/page_bench.py [--sizes 10000,100000,1000000] [--build-cap 180] [--draw-cap 180]

``--lighthouse`` instead audits every page with Lighthouse's mobile profile (``bench/lighthouse.py``; ``make
bench-pages`` installs it) on the bundled data, beside the same pages of ``--baseline REV`` served from a git
worktree against the same database: performance, accessibility, LCP, CLS, TBT, requests and bytes, the median
of ``--runs`` runs, with the budgets of issue 15 and PASS/FAIL:

    .venv/bin/python bench/page_bench.py --lighthouse [--baseline 5590c64] [--runs 3] [--pages /,/produk]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402
from werkzeug.wrappers import Response  # noqa: E402

from app import create_app  # noqa: E402
from gis import migrate  # noqa: E402
from gis.db import drop_database, ensure_database, get_engine  # noqa: E402
from gis.settings import PROJECT_ROOT, Settings, normalize_database_url  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
GENERATE = """
WITH d AS (SELECT code, ST_PointOnSurface(geom) AS c, row_number() OVER (ORDER BY code) - 1 AS i
           FROM areas WHERE level = 'desa'),
     n AS (SELECT count(*) AS n FROM d)
INSERT INTO producers (name, name_key, products, kbli, sector, area_code, geom, location_precision, tags, load_run_id)
SELECT 'Usaha Bench ' || g, 'usaha bench ' || g,
       (ARRAY['krupuk ikan', 'mangga gedong gincu', 'ikan asin', 'garam krosok', 'warung makan'])[1 + g % 5],
       (ARRAY['10794', '01251', '10213', '08930', '56102'])[1 + g % 5], (ARRAY['C', 'A', 'C', 'B', 'I'])[1 + g % 5],
       d.code, ST_SetSRID(ST_MakePoint(ST_X(d.c) + (random() - 0.5) * 0.012,
                                       ST_Y(d.c) + (random() - 0.5) * 0.012), 4326),
       'exact', '{umkm}', (SELECT min(id) FROM load_runs)
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) g, n JOIN d ON true WHERE d.i = g % n.n
"""
PLAIN_BUILDER = """
import sys, time
import folium
from folium import plugins
from sqlalchemy import create_engine, text
sys.path.insert(0, sys.argv[3])
from webmap import assets
started = time.perf_counter()
engine = create_engine(sys.argv[1])
with engine.connect() as conn:
    rows = conn.execute(text("SELECT ST_Y(geom), ST_X(geom), name FROM producers")).all()
m = folium.Map(location=[-6.43, 108.2], zoom_start=10, tiles=None, maxZoom=18)
cluster = plugins.MarkerCluster().add_to(m)
for lat, lon, name in rows:
    folium.Marker([lat, lon], popup=name).add_to(cluster)
assets.localize(m, jquery=True)
m.save(sys.argv[2])
print(time.perf_counter() - started)
"""


class QuietHandler(WSGIRequestHandler):
    """No access log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


@dataclass
class Row:
    size: int
    ours_bytes: int = 0
    ours_draw_s: float | None = None
    plain_build: str = ""
    plain_bytes: int | None = None
    plain_draw: str = ""


def settings_for(name: str) -> Settings:
    base = normalize_database_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    return replace(Settings.from_env({}), database_url=url, report_dir=Path(tempfile.mkdtemp()) / "reports")


def load_bundled(settings: Settings) -> None:
    from etl.context import LoadOptions
    from etl.package import read_package
    from etl.pipeline import run_job

    engine = get_engine(settings)
    for res in read_package(PROJECT_ROOT / "datasets"):
        report = run_job(engine, settings, res.kind, res.path,
                         LoadOptions(commodity=res.commodity, year=res.year, loaded_by="page-bench"))
        assert report.status == "loaded", res.path


def grow_producers(settings: Settings, size: int) -> None:
    """Add generated producers until the table holds ``size`` rows."""
    engine = get_engine(settings)
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM producers")).scalar_one()
        step = 200_000
        for first in range(have + 1, size + 1, step):
            conn.execute(text(GENERATE), {"first": first, "last": min(size, first + step - 1)})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE producers"))


def page_bytes(base: str, path: str) -> int:
    """Bytes of a page and of every local script and stylesheet it references (uncompressed)."""
    html = urllib.request.urlopen(base + path, timeout=300).read()
    total = len(html)
    page = html.decode("utf-8", "replace")
    urls = set(re.findall(r'<script[^>]+src="(/[^"]+)"', page))
    urls |= set(re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"', page))
    for url in sorted(urls):
        total += len(urllib.request.urlopen(base + url, timeout=60).read())
    return total


def draw_time(browser: object, url: str, ready_js: str, cap_s: float) -> float | None:
    """Seconds from navigation until ``ready_js`` is true in the page (None when over the cap)."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=cap_s * 1000)
        page.wait_for_function(ready_js, timeout=cap_s * 1000, polling=50)
        return time.perf_counter() - started
    except Exception:  # Playwright's TimeoutError (or a crashed tab on a huge page): report a time-out
        return None
    finally:
        context.close()


OURS_READY = """() => { const st = window.petaStatus && window.petaStatus.maps.economy;
  if (!st || !st.ready) return false; const p = st.layers.producers;
  return p && p.loaded && p.features > 0 && Object.values(st.layers).filter(l => l.visible).every(l => l.loaded); }"""
PLAIN_READY = "() => document.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length > 0"


def serve(app: object, plain_file: Path) -> tuple[object, str]:
    """The app plus /plain.html (the plain Folium page) on a random local port."""

    def dispatch(environ: dict, start_response: object) -> object:
        if environ.get("PATH_INFO") == "/plain.html":
            body = plain_file.read_bytes() if plain_file.exists() else b"not built"
            return Response(body, mimetype="text/html")(environ, start_response)
        return app(environ, start_response)  # type: ignore[operator]

    server = make_server("127.0.0.1", 0, dispatch, threaded=True,
                         request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def build_plain(settings: Settings, target: Path, cap_s: float) -> tuple[str, float | None]:
    """Build the plain Folium page in a subprocess; (label, seconds) or a time-out label."""
    try:
        command = [sys.executable, "-c", PLAIN_BUILDER, settings.database_url, str(target), str(PROJECT_ROOT)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap_s, check=True)
    except subprocess.TimeoutExpired:
        return f"> {cap_s:.0f} s (time-out)", None
    seconds = float(done.stdout.strip().splitlines()[-1])
    return f"{seconds:.1f} s", seconds


PAGES = ("/", "/produk", "/investor", "/perencana", "/perencana/unggah")
# Pages of one record: (path template, query of a record's key); audited when the code serves them.
RECORD_PAGES = (("/wilayah/{}", "SELECT code FROM areas WHERE level = 'kecamatan' ORDER BY code LIMIT 1"),
                ("/produk/{}", "SELECT id FROM producers ORDER BY id LIMIT 1"),
                ("/investor/peluang/{}", "SELECT code FROM opportunities ORDER BY code LIMIT 1"))


def lighthouse_pages(settings: Settings, only: str | None) -> list[str]:
    """The pages to audit: the fixed ones and one of each record page (``only``: a comma-separated subset)."""
    paths = list(PAGES)
    with get_engine(settings).connect() as conn:
        for template, sql in RECORD_PAGES:
            key = conn.execute(text(sql)).scalar()
            if key is not None:
                paths.append(template.format(key))
    if only:
        wanted = only.split(",")
        paths = [p for p in paths if p in wanted or any(w != "/" and p.startswith(w.rstrip("/") + "/") for w in wanted)]
    return paths


def run_lighthouse(args: argparse.Namespace) -> None:
    """Audit every page of this code (and of ``--baseline``) with Lighthouse's mobile profile; print the table."""
    from bench import lighthouse

    if not lighthouse.CLI.is_file():
        sys.exit(f"{lighthouse.CLI} is missing: run make bench-pages (it installs Lighthouse into bench/.node)")
    settings = settings_for(f"peta_lighthouse_{uuid.uuid4().hex[:8]}")
    ensure_database(settings.database_url)
    try:
        migrate.upgrade(settings)
        load_bundled(settings)
        paths = lighthouse_pages(settings, args.pages)
        get_engine(settings).dispose()
        with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
            bases: dict[str, str] = {}
            if args.baseline:
                tree = stack.enter_context(lighthouse.baseline_tree(args.baseline))
                bases[args.baseline] = stack.enter_context(
                    lighthouse.gunicorn(tree, settings.database_url, args.port + 1, Path(tmp) / "baseline.log"))
            bases["this code"] = stack.enter_context(
                lighthouse.gunicorn(PROJECT_ROOT, settings.database_url, args.port, Path(tmp) / "current.log"))
            results = lighthouse.compare(bases, paths, args.runs, Path(tmp))
        lighthouse.print_comparison(results, list(bases), args.runs)
    finally:
        get_engine(settings).dispose()
        drop_database(settings.database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--build-cap", type=float, default=180.0, help="seconds allowed to build the plain page")
    parser.add_argument("--draw-cap", type=float, default=180.0, help="seconds allowed to draw a page")
    parser.add_argument("--lighthouse", action="store_true", help="audit every page with Lighthouse (mobile)")
    parser.add_argument("--baseline", metavar="REV", help="with --lighthouse: also audit this git revision")
    parser.add_argument("--runs", type=int, default=3, help="with --lighthouse: runs per page; medians shown")
    parser.add_argument("--pages", help="with --lighthouse: only these pages (comma-separated path prefixes)")
    parser.add_argument("--port", type=int, default=5081, help="with --lighthouse: port of this code (baseline: +1)")
    args = parser.parse_args()
    if args.lighthouse:
        run_lighthouse(args)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if not Path(CHROMIUM).is_file():
        sys.exit(f"{CHROMIUM} is missing: run bash scripts/setup.sh")
    from playwright.sync_api import sync_playwright

    settings = settings_for(f"peta_page_bench_{uuid.uuid4().hex[:8]}")
    ensure_database(settings.database_url)
    rows: list[Row] = []
    try:
        migrate.upgrade(settings)
        load_bundled(settings)
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size in sizes:
                print(f"[page-bench] {size:,} producers: generating", file=sys.stderr, flush=True)
                grow_producers(settings, size)
                row = Row(size)
                plain = Path(tmp) / f"plain_{size}.html"
                app = create_app({"SETTINGS": settings, "COMPRESS_STREAMS": False})
                server, base = serve(app, plain)
                try:
                    # Warm the process (imports, cached subject lists), not the tiles: those stay cold.
                    for path in ("/", "/api/v1/stats/agriculture?commodity=padi"):
                        urllib.request.urlopen(base + path, timeout=300).read()
                    row.ours_bytes = page_bytes(base, "/")
                    row.ours_draw_s = draw_time(browser, base + "/", OURS_READY, args.draw_cap)
                    print(f"[page-bench] {size:,}: ours done; building the plain Folium page", file=sys.stderr,
                          flush=True)
                    row.plain_build, seconds = build_plain(settings, plain, args.build_cap)
                    if seconds is not None:
                        row.plain_bytes = page_bytes(base, "/plain.html")
                        drawn = draw_time(browser, base + "/plain.html", PLAIN_READY, args.draw_cap)
                        row.plain_draw = f"{drawn:.1f} s" if drawn is not None else f"> {args.draw_cap:.0f} s"
                    else:
                        row.plain_draw = "not built"
                finally:
                    server.shutdown()  # type: ignore[attr-defined]
                    get_engine(settings).dispose()
                rows.append(row)
                print_table(rows)
            browser.close()
    finally:
        get_engine(settings).dispose()
        drop_database(settings.database_url)


def _mb(value: int | None) -> str:
    return "–" if value is None else f"{value / 1e6:.2f} MB"


def print_table(rows: list[Row]) -> None:
    head = ("producers", "/ bytes (HTML+JS+CSS)", "/ drawn", "plain Folium build", "plain bytes", "plain drawn")
    # our bytes exactly, to show they do not change with the number of producers
    lines = [head] + [(f"{r.size:,}", f"{r.ours_bytes:,} B = {_mb(r.ours_bytes)}",
                       "–" if r.ours_draw_s is None else f"{r.ours_draw_s:.2f} s",
                       r.plain_build, _mb(r.plain_bytes), r.plain_draw) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    print()
    for i, line in enumerate(lines):
        print(" | ".join(cell.rjust(widths[j]) for j, cell in enumerate(line)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
