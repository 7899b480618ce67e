"""Benchmark: vector tiles and items of our API against the raw SQL, tipg and pygeoapi on the same database.

Creates its own database (bundled boundaries + N producers generated in SQL inside the regency), then prints:
tile latency through the Flask app against the same tile SQL run directly in PostgreSQL, tile sizes and a
check that nothing is dropped, tiles/s at 8 connections (our gunicorn against tipg), and items latency
(ours, tipg, pygeoapi). tipg and pygeoapi run from a separate virtualenv that the bench creates.
A benchmark, not a test:
    .venv/bin/python bench/api_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import mapbox_vector_tile
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import http_get  # noqa: E402

from app import create_app  # noqa: E402
from gis import migrate  # noqa: E402
from gis.db import drop_database, ensure_database, get_engine  # noqa: E402
from gis.layers import PRODUCERS  # noqa: E402
from gis.settings import Settings, normalize_database_url  # noqa: E402
from gis.tiles import tile_sql  # noqa: E402

DB_NAME = "peta_api_bench"
ZOOMS = (8, 10, 12, 14)
HOST = "127.0.0.1"
CONNECTIONS = 8
MIN_TIMINGS = 30  # per zoom and method
ROUNDS = 3  # turns the servers take at each zoom of the throughput test
BENCH_VENV_PACKAGES = ["tipg", "uvicorn", "pygeoapi", "psycopg2-binary", "geoalchemy2", "gunicorn"]
PRODUCTS = [  # products, KBLI, section, tags
    ("krupuk udang", "10792", "C", "{krupuk,pengolahan-ikan}"), ("dodol mangga", "10792", "C", "{mangga}"),
    ("ikan asin", "10213", "C", "{ikan-asin,pengolahan-ikan}"), ("garam krosok", "08930", "B", "{garam}"),
    ("sembako", "47111", "G", "{migrant-owned}"), ("batik tulis", "13134", "C", "{batik}"),
    ("warung nasi", "56102", "I", "{kuliner}"), ("budidaya bandeng", "03221", "A", "{tambak}"),
]

# --- the bench database -------------------------------------------------------------------------------


def make_database(base_url: str, rows: int, clustered: float) -> Settings:
    """A fresh database with the bundled boundaries and ``rows`` producers generated in SQL."""
    url = make_url(base_url).set(database=DB_NAME).render_as_string(hide_password=False)
    settings = Settings(database_url=url, report_dir=Path("/tmp/peta_api_bench/reports"))
    drop_database(url)
    ensure_database(url)
    migrate.upgrade(settings)
    env = {**os.environ, "DATABASE_URL": url, "PETA_REPORT_DIR": str(settings.report_dir)}
    for level in ("kabupaten", "kecamatan", "desa"):
        path = ROOT / "datasets" / "boundaries" / f"{level}.geojson"
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "etl", "load", "boundaries",
                               str(path)], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"loading {path.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    started = time.perf_counter()
    generate_producers(settings, rows, clustered)
    print(f"generated {rows:,} producers in SQL in {time.perf_counter() - started:.1f} s")
    return settings


_GENERATE = """
WITH quota AS (  -- points per desa: area-proportional, summing exactly to :n (numeric sums are exact)
    SELECT code, geom,
           floor(:n * sum(a) OVER (ORDER BY code) / sum(a) OVER ())
           - floor(:n * (sum(a) OVER (ORDER BY code) - a) / sum(a) OVER ()) AS k
    FROM (SELECT code, geom, CAST(ST_Area(geom) AS numeric) AS a FROM areas WHERE level = 'desa') d
), pts AS (  -- a share near each desa centre (sentra), the rest spread over the desa
    SELECT code, (ST_Dump(ST_GeneratePoints(geom, CAST(k - floor(k * :clustered) AS int), 7))).geom AS geom
    FROM quota WHERE k - floor(k * :clustered) > 0
    UNION ALL
    SELECT code, (ST_Dump(ST_GeneratePoints(
               ST_Intersection(geom, ST_Buffer(ST_PointOnSurface(geom), 0.004)), CAST(floor(k * :clustered) AS int), 11
           ))).geom
    FROM quota WHERE floor(k * :clustered) > 0
), numbered AS (
    SELECT row_number() OVER () AS i, code, geom FROM pts
)
INSERT INTO producers (name, name_key, products, kbli, sector, address, area_code, geom, location_precision,
                       phone, whatsapp, website, employees, established_year, tags, load_run_id)
SELECT 'Usaha Contoh ' || i, 'usaha contoh ' || i, p.products, p.kbli, p.sector, 'Blok ' || (i % 97) || ' No. ' || i,
       code, geom, 'exact', '0812-' || lpad(CAST(i % 100000000 AS text), 8, '0'),
       CASE WHEN i % 3 = 0 THEN '62812' || lpad(CAST(i % 100000000 AS text), 8, '0') END,
       CASE WHEN i % 10 = 0 THEN 'https://usaha' || i || '.example.id' END,
       1 + CAST(i % 49 AS int), CAST(1980 + i % 45 AS smallint), CAST(p.tags AS text[]), :run
FROM numbered JOIN (VALUES {products}) AS p(j, products, kbli, sector, tags) ON p.j = i % {n_products}
"""


def generate_producers(settings: Settings, rows: int, clustered: float) -> None:
    """Insert ``rows`` producers inside the regency's desa, indexes rebuilt after the insert."""
    values = ", ".join(f"({j}, '{p}', '{k}', '{s}', '{t}')" for j, (p, k, s, t) in enumerate(PRODUCTS))
    sql = _GENERATE.format(products=values, n_products=len(PRODUCTS))
    engine = get_engine(settings)
    with engine.begin() as conn:
        run = conn.execute(text(
            "INSERT INTO load_runs (kind, source_key, source_name, checksum, options, status, rows_read, "
            "rows_loaded, rows_rejected, warnings, loaded_by, started_at) VALUES ('producers', 'api-bench', "
            "'generated', md5(CAST(:n AS text)), '{}', 'loaded', :n, :n, 0, 0, 'api_bench', now()) RETURNING id"
        ), {"n": rows}).scalar_one()
        indexes = conn.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'producers' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )).all()
        for name, _ in indexes:  # building an index once beats updating it a million times
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.execute(text(sql), {"n": rows, "clustered": clustered, "run": run})
        for _, definition in indexes:
            conn.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE producers"))
        count = conn.execute(text("SELECT count(*) FROM producers")).scalar_one()
    if count != rows:
        sys.exit(f"generated {count} producers, expected {rows}")


# --- which tiles ----------------------------------------------------------------------------------------


def regency_tiles(settings: Settings, z: int) -> list[tuple[int, int, int]]:
    """Every tile of zoom ``z`` that touches the regency, in a fixed shuffled order."""
    sql = """
    WITH r AS (SELECT geom, ST_Transform(ST_Envelope(geom), 3857) AS box FROM areas WHERE level = 'kabupaten'),
    span AS (SELECT floor((ST_XMin(box) + :w) / :s) AS x0, floor((ST_XMax(box) + :w) / :s) AS x1,
                    floor((:w - ST_YMax(box)) / :s) AS y0, floor((:w - ST_YMin(box)) / :s) AS y1, geom FROM r)
    SELECT x, y FROM span, generate_series(CAST(x0 AS int), CAST(x1 AS int)) x,
                           generate_series(CAST(y0 AS int), CAST(y1 AS int)) y
    WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope(:z, x, y), 4326))
    ORDER BY md5(x || '/' || y)
    """
    w = 20037508.342789244
    with get_engine(settings).connect() as conn:
        rows = conn.execute(text(sql), {"z": z, "w": w, "s": 2 * w / (1 << z)}).all()
    return [(z, int(x), int(y)) for x, y in rows]


def points_in_tile(settings: Settings, z: int, x: int, y: int, exact: bool = False) -> int:
    """Producers in the tile's envelope, counted in SQL: by bounding box as our tiles select them (which keeps a
    point within float4 rounding of an edge in both tiles), or ``exact`` by ST_Intersects as tipg selects them."""
    test = "ST_Intersects(geom, {env})" if exact else "geom && {env}"
    with get_engine(settings).connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM producers WHERE " + test.format(env="ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)")
        ), {"z": z, "x": x, "y": y}).scalar_one()


def points_in_mvt(data: bytes, layer: str = "producers") -> int:
    """Points a producers tile stands for: raw features count one, grid cells their ``point_count``."""
    if not data:
        return 0
    features = mapbox_vector_tile.decode(data).get(layer, {}).get("features", [])
    return sum(int(f["properties"].get("point_count", 1)) for f in features)


# --- timing helpers -------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def timed(call: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds taken by ``call`` and its result."""
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


# --- 1. latency: the Flask app against the same SQL run directly -----------------------------------------


@dataclass
class LatencyRow:
    """Latency of one zoom: the app's, the raw SQL's (psql and psycopg), sizes, and the nothing-dropped check."""

    zoom: int
    tiles: int
    app_ms: list[float] = field(default_factory=list)
    psql_ms: list[float] = field(default_factory=list)
    psycopg_ms: list[float] = field(default_factory=list)
    max_bytes: int = 0
    points_expected: int = 0
    points_in_tiles: int = 0


def raw_sql_runner(settings: Settings) -> Callable[[tuple[int, int, int]], bytes | None]:
    """Run the tile SQL of ``gis/tiles.py`` straight through psycopg (jit off, as the app's connections)."""
    from sqlalchemy.dialects.postgresql import psycopg as pg_dialect

    dialect = pg_dialect.dialect()
    conn = psycopg.connect(libpq_url(settings), autocommit=True, options="-c jit=off")

    def run(zxy: tuple[int, int, int]) -> bytes | None:
        sql, params = tile_sql(PRODUCERS, *zxy)
        compiled = text(sql).bindparams(**params).compile(dialect=dialect)
        # as gis.tiles.tile runs it: planned for each tile, the result in binary
        row = conn.execute(str(compiled), compiled.params, prepare=False,  # type: ignore[arg-type]
                           binary=True).fetchone()
        return bytes(row[0]) if row and row[0] else None

    return run


def libpq_url(settings: Settings) -> str:
    """The database URL as libpq (psql, psycopg) reads it."""
    return make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def psql_times(settings: Settings, tiles: list[tuple[int, int, int]], repeats: int) -> list[float]:
    """Milliseconds of each tile query as psql's \\timing reports them (one session, jit off, literal SQL)."""
    from sqlalchemy.dialects import postgresql

    queries = []
    for zxy in tiles:
        sql, params = tile_sql(PRODUCERS, *zxy)
        compiled = text(sql).bindparams(**params).compile(dialect=postgresql.dialect(),
                                                           compile_kwargs={"literal_binds": True})
        queries.append(f"{compiled};")
    # A new session's first query loads the catalogs (tens of ms): it runs once untimed, as the app's
    # pooled connections have done long before.
    lines = ["SET jit = off;", queries[0], "\\timing on", *(queries * repeats)]
    done = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-o", "/dev/null", libpq_url(settings)],
                          input="\n".join(lines), capture_output=True, text=True, timeout=1800)
    if done.returncode != 0 or done.stderr.strip():
        sys.exit(f"psql failed: {done.stderr[-2000:]}")
    return [float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("Time:")]


def bench_latency(settings: Settings, tiles_by_zoom: dict[int, list[tuple[int, int, int]]],
                  sample: int, repeats: int) -> list[LatencyRow]:
    """Median and p95 of each zoom through the in-process app (tile cache off) and as raw SQL."""
    app = create_app({"SETTINGS": replace(settings, tile_cache_mb=0)})
    client = app.test_client()
    raw = raw_sql_runner(settings)
    rows = []
    for z, tiles in tiles_by_zoom.items():
        chosen = tiles[:sample]
        row = LatencyRow(z, len(chosen))
        times = max(repeats, -(-MIN_TIMINGS // len(chosen)))  # few tiles at low zoom: time each more often
        for zxy in chosen:
            url = "/tiles/producers/{}/{}/{}.pbf".format(*zxy)
            for _ in range(times):  # interleaved, so drift in the machine hits both alike
                sql_ms, data = timed(lambda zxy=zxy: raw(zxy))
                app_ms, response = timed(lambda url=url: client.get(url))
                row.psycopg_ms.append(sql_ms)
                row.app_ms.append(app_ms)
            body = response.data  # type: ignore[attr-defined]
            in_tile = points_in_mvt(body)
            if in_tile != points_in_mvt(data or b""):  # bytes may differ in feature order, never in content
                sys.exit(f"the app and the raw SQL disagree on tile {zxy}")
            row.max_bytes = max(row.max_bytes, len(body))
            row.points_expected += points_in_tile(settings, *zxy)
            row.points_in_tiles += in_tile
            row.psql_ms += psql_times(settings, [zxy], times)  # right after: the same state of the machine
        rows.append(row)
        print(f"  latency z{z}: app p50 {statistics.median(row.app_ms):.1f} ms, psql p50 "
              f"{statistics.median(row.psql_ms):.1f} ms, psycopg p50 {statistics.median(row.psycopg_ms):.1f} ms",
              flush=True)
    return rows


# --- servers on 127.0.0.1 ---------------------------------------------------------------------------------


@dataclass
class Server:
    """A server process this bench started (and stops), and where it answers."""

    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return f"http://{HOST}:{self.port}{path}"


def bench_venv(path: Path) -> Path:
    """The separate virtualenv with tipg and pygeoapi (created with pip on first use)."""
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    missing = subprocess.run([str(python), "-c", "import tipg, pygeoapi, uvicorn, gunicorn, psycopg2, geoalchemy2"],
                             capture_output=True).returncode != 0
    if missing:
        print(f"installing {', '.join(BENCH_VENV_PACKAGES)} into {path} ...", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *BENCH_VENV_PACKAGES], check=True)
    return path


def start(server: Server, cmd: list[str], env: dict[str, str], ready_path: str, log: Path) -> Server:
    """Start ``cmd`` in its own process group and wait (bounded) until ``ready_path`` answers 200."""
    with log.open("wb") as out:
        server.process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                          start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name} exited at start; see {log}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200:
                conn.close()
                return server
            conn.close()
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    sys.exit(f"{server.name} did not answer {ready_path} within 90 s; see {log}")


def stop(server: Server) -> None:
    """Stop a server this bench started: its own process group, by id."""
    if server.process is None or server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def start_ours(settings: Settings, port: int, workers: int, threads: int, cache_mb: int, workdir: Path) -> Server:
    """Our app under gunicorn: ``workers`` processes of ``threads`` threads (gthread, as bench/load_test.py runs it)."""
    # One client address sends all the traffic: a limit no run reaches keeps the limiter in the path (its cost
    # is measured) without turning the benchmark into 429s; counters in memory, as in bench/load_test.py.
    env = {**os.environ, "DATABASE_URL": settings.database_url, "PETA_RATE_LIMIT": "10000000/minute",
           "PETA_RATE_LIMIT_READS": "10000000/minute",
           "PETA_TILE_CACHE_MB": str(cache_mb)}
    env.pop("REDIS_URL", None)
    app = "app:create_app()"
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "--threads", str(threads),
           "-b", f"{HOST}:{port}", "--log-level", "warning", app]
    name = "ours" if cache_mb else "ours, no cache"
    return start(Server(name, port), cmd, env, "/healthz", workdir / f"gunicorn_{port}.log")


def start_tipg(settings: Settings, venv: Path, port: int, workers: int, workdir: Path) -> Server:
    """tipg (uvicorn) serving the producers table of the bench database."""
    u = make_url(settings.database_url)
    env = {**os.environ, "DATABASE_URL": f"postgresql://{u.username}@{u.host or HOST}:{u.port or 5432}/{u.database}",
           "TIPG_DB_SCHEMAS": '["public"]', "TIPG_DB_TABLES": '["public.producers"]'}
    if u.password:
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{u.username}@", f"{u.username}:{u.password}@")
    cmd = [str(venv / "bin" / "uvicorn"), "tipg.main:app", "--host", HOST, "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    return start(Server("tipg", port), cmd, env, "/collections", workdir / f"tipg_{port}.log")


PYGEOAPI_CONFIG = """\
server:
  bind: {{host: {host}, port: {port}}}
  url: http://{host}:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: 'http://{host}/{{z}}/{{x}}/{{y}}.png', attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                   terms_of_service: none, url: 'http://{host}'}}
  license: {{name: none, url: 'http://{host}'}}
  provider: {{name: bench, url: 'http://{host}'}}
  contact: {{name: bench, email: bench@example.org, role: pointOfContact}}
resources:
  producers:
    type: collection
    title: producers
    description: producers
    keywords: [producers]
    extents:
      spatial: {{bbox: [107.8, -6.7, 108.6, -6.2], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: '{db_host}', port: {db_port}, dbname: {db_name}, user: {db_user}, password: '{db_password}',
               search_path: [public]}}
        id_field: id
        table: producers
        geom_field: geom
"""


def start_pygeoapi(settings: Settings, venv: Path, port: int, workers: int, workdir: Path) -> Server:
    """pygeoapi (gunicorn, Flask) with a config for the producers table of the bench database."""
    u = make_url(settings.database_url)
    config = workdir / "pygeoapi.yml"
    config.write_text(PYGEOAPI_CONFIG.format(host=HOST, port=port, db_host=u.host or HOST, db_port=u.port or 5432,
                                             db_name=u.database, db_user=u.username, db_password=u.password or ""))
    openapi = workdir / "pygeoapi-openapi.yml"
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run([str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config), "--output-file",
                    str(openapi)], env=env, check=True, capture_output=True)
    cmd = [str(venv / "bin" / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}", "--log-level", "warning",
           "pygeoapi.flask_app:APP"]
    return start(Server("pygeoapi", port), cmd, env, "/collections?f=json", workdir / f"pygeoapi_{port}.log")


# --- 2. throughput at 8 connections ----------------------------------------------------------------------


@dataclass
class LoadResult:
    """Tiles/s of one server at one zoom."""

    done: int
    errors: int
    seconds: float
    max_bytes: int

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.done / self.seconds if self.seconds else 0.0

    def __add__(self, other: LoadResult) -> LoadResult:
        """Two measurements of one server as one."""
        return LoadResult(self.done + other.done, self.errors + other.errors, self.seconds + other.seconds,
                          max(self.max_bytes, other.max_bytes))


def load(server: Server, paths: list[str], connections: int, time_limit_s: float) -> LoadResult:
    """GET every path once over ``connections`` keep-alive connections; stops early at ``time_limit_s``."""
    queue = iter(paths)
    lock = threading.Lock()
    stats = {"done": 0, "errors": 0, "max": 0}
    deadline = time.monotonic() + time_limit_s

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                path = next(queue, None)
            if path is None:
                break
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                ok = response.status in (200, 204)
            except (OSError, http.client.HTTPException):
                conn.close()
                ok, body = False, b""
            with lock:
                stats["done" if ok else "errors"] += 1
                stats["max"] = max(stats["max"], len(body))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(stats["done"], stats["errors"], time.perf_counter() - started, stats["max"])


def tile_paths(server: Server, tiles: list[tuple[int, int, int]], count: int) -> list[str]:
    """``count`` tile requests cycling over ``tiles``, in the URL scheme of ``server``."""
    props = ",".join(p.name for p in PRODUCERS.properties)
    paths = []
    for i in range(count):
        z, x, y = tiles[i % len(tiles)]
        if server.name == "tipg":  # the same properties as ours, so both encode the same columns
            paths.append(f"/collections/public.producers/tiles/WebMercatorQuad/{z}/{x}/{y}?properties={props}")
        else:
            paths.append(f"/tiles/producers/{z}/{x}/{y}.pbf")
    return paths


def children(tiles: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The four tiles of the next zoom inside each of ``tiles``."""
    return [(z + 1, 2 * x + dx, 2 * y + dy) for z, x, y in tiles for dy in (0, 1) for dx in (0, 1)]


def fetch(server: Server, path: str) -> tuple[int, bytes]:
    """One GET: status and body."""
    return http_get.get(HOST, server.port, path, timeout=120)


def tipg_dropped(settings: Settings, tipg: Server, tiles: list[tuple[int, int, int]]) -> tuple[int, int]:
    """Points in the busiest of ``tiles`` and how many of them tipg's tile leaves out."""
    counts = [(points_in_tile(settings, *zxy, exact=True), zxy) for zxy in tiles[:40]]
    expected, zxy = max(counts)
    _, body = fetch(tipg, tile_paths(tipg, [zxy], 1)[0])
    return expected, expected - points_in_mvt(body, "default")


# --- 3. items -------------------------------------------------------------------------------------------


ITEMS_PATHS = {
    "ours": "/ogc/collections/producers/items?limit={limit}",
    "tipg": "/collections/public.producers/items?limit={limit}",
    "pygeoapi": "/collections/producers/items?limit={limit}&f=json",
}


def items_latency(server: Server, limit: int, repeats: int) -> list[float] | None:
    """Sequential latencies (ms) of the first page of ``limit`` items; None when the server has no such route."""
    path = ITEMS_PATHS["ours" if server.name.startswith("ours") else server.name].format(limit=limit)
    status, body = fetch(server, path)
    if status != 200:
        return None
    returned = len(json.loads(body).get("features", []))
    if returned != limit:
        sys.exit(f"{server.name} returned {returned} items for limit={limit}")
    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
    times = []
    for i in range(repeats + 3):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Accept": "application/geo+json"})
        conn.getresponse().read()
        if i >= 3:  # three warm-up requests
            times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return times


# --- the report ------------------------------------------------------------------------------------------


def print_latency(rows: list[LatencyRow]) -> None:
    """Table 1: the app against the raw SQL, sizes and the nothing-dropped check."""
    print("\n1. Tile latency (ms): in-process Flask app, tile cache off, against the same tile SQL run directly: "
          "in psql (\\timing, the anchor) and through psycopg (run as the app runs it)")
    print(f"{'zoom':>4} {'tiles':>5} {'app p50':>8} {'app p95':>8} {'psql p50':>8} {'psql p95':>8} {'app/psql':>8} "
          f"{'<=1.3x':>6} {'psycopg':>8} {'app/pg':>6} {'max KB':>7} {'<500KB':>6} {'points':>9} {'in tiles':>9} "
          f"{'dropped':>7}")
    for r in rows:
        app, psql, pg = statistics.median(r.app_ms), statistics.median(r.psql_ms), statistics.median(r.psycopg_ms)
        print(f"{r.zoom:>4} {r.tiles:>5} {app:>8.1f} {pct(r.app_ms, 0.95):>8.1f} {psql:>8.1f} "
              f"{pct(r.psql_ms, 0.95):>8.1f} {app / psql:>7.2f}x {'yes' if app <= 1.3 * psql else 'NO':>6} "
              f"{pg:>8.1f} {app / pg:>5.2f}x {r.max_bytes / 1000:>7.1f} {'yes' if r.max_bytes < 500_000 else 'NO':>6} "
              f"{r.points_expected:>9,} {r.points_in_tiles:>9,} {r.points_expected - r.points_in_tiles:>7,}")


def print_throughput(results: dict[int, dict[str, LoadResult]], tiles_by_zoom: dict[int, list],
                     dropped: dict[int, tuple[int, int]], setup: str) -> None:
    """Table 2: tiles/s at 8 connections, ours (with and without the tile cache) against tipg."""
    print(f"\n2. Tiles/s at {CONNECTIONS} connections over HTTP (target: ours >= 1.5x tipg at every zoom); 'ours' "
          "keeps its tile cache (warmed where the zoom has few tiles; at z14 each tile is asked once, so it renders), "
          f"'no cache' renders every tile; {setup}")
    print(f"{'zoom':>4} {'tiles':>5} {'reqs':>5} {'ours':>8} {'no cache':>8} {'tipg':>8} {'ours/tipg':>9} "
          f"{'nocache/tipg':>12} {'>=1.5x':>6} {'errors':>6} {'max KB':>7} {'tipg drops':>16}")
    for z, by_server in results.items():
        ours, cold, tipg = by_server["ours"], by_server["ours, no cache"], by_server["tipg"]
        expected, lost = dropped[z]
        errors = ours.errors + cold.errors + tipg.errors
        print(f"{z:>4} {len(tiles_by_zoom[z]):>5} {ours.done + ours.errors:>5} {ours.rate:>8.1f} {cold.rate:>8.1f} "
              f"{tipg.rate:>8.1f} {ours.rate / tipg.rate:>8.2f}x {cold.rate / tipg.rate:>11.2f}x "
              f"{'yes' if ours.rate >= 1.5 * tipg.rate else 'NO':>6} {errors:>6} "
              f"{max(ours.max_bytes, cold.max_bytes) / 1000:>7.1f} {f'{lost:,} of {expected:,}':>16}")


def print_items(results: dict[int, dict[str, list[float] | None]]) -> None:
    """Table 3: items latency of ours, tipg and pygeoapi."""
    print("\n3. items, first page, sequential requests over one connection, ms (p50 / p95)")
    print(f"{'limit':>5} {'ours':>15} {'tipg':>15} {'pygeoapi':>15} {'tipg/ours':>9}  target")
    for limit, by_server in results.items():
        cells = {name: f"{statistics.median(t):.1f} / {pct(t, 0.95):.1f}" if t else "n/a"
                 for name, t in by_server.items()}
        ours, tipg = by_server.get("ours"), by_server.get("tipg")
        speedup = statistics.median(tipg) / statistics.median(ours) if ours and tipg else None
        if limit == 100:
            target = "p50 < 20 ms: " + ("n/a" if not ours else "yes" if statistics.median(ours) < 20 else "NO")
        else:
            target = ">= 2x tipg: " + ("n/a" if speedup is None else "yes" if speedup >= 2 else "NO")
        print(f"{limit:>5} {cells.get('ours', 'n/a'):>15} {cells.get('tipg', 'n/a'):>15} "
              f"{cells.get('pygeoapi', 'n/a'):>15} {f'{speedup:.2f}x' if speedup else 'n/a':>9}  {target}")


# --- main -------------------------------------------------------------------------------------------------


def run_servers(args: argparse.Namespace, settings: Settings, tiles_by_zoom: dict[int, list]) -> None:
    """Throughput against tipg and items against tipg and pygeoapi, servers started and stopped here."""
    venv = bench_venv(args.venv)
    servers: list[Server] = []
    try:
        ours = start_ours(settings, args.port, args.workers, args.threads, args.cache_mb, args.workdir)
        servers.append(ours)
        cold = start_ours(settings, args.port + 1, args.workers, args.threads, 0, args.workdir)
        servers.append(cold)
        tipg = start_tipg(settings, venv, args.port + 2, args.workers, args.workdir)
        servers.append(tipg)
        pygeoapi = start_pygeoapi(settings, venv, args.port + 3, args.workers, args.workdir)
        servers.append(pygeoapi)
        throughput: dict[int, dict[str, LoadResult]] = {}
        dropped = {}
        compared = (tipg, cold, ours)
        for z, tiles in tiles_by_zoom.items():
            count = min(max(len(tiles), args.min_requests), args.max_requests)
            for server in compared:
                # Connections and the database's buffers, with tiles the measurement does not ask for ...
                warm = tile_paths(server, children(tiles[:4]), 16)
                if server is ours and len(tiles) * args.workers * 2 <= args.max_requests:
                    warm = tile_paths(server, tiles, len(tiles) * args.workers * 2)  # ... or, where a zoom has
                    # few tiles, the steady state of each worker's cache
                load(server, warm, CONNECTIONS, 60)
            # The servers take turns on slices of the requests, in a rotating order: a burst of load from
            # elsewhere on the machine falls on all of them alike. Each tile is still asked once per server.
            throughput[z] = {s.name: LoadResult(0, 0, 0.0, 0) for s in compared}
            for turn in range(ROUNDS):
                for server in compared[turn % len(compared):] + compared[:turn % len(compared)]:
                    paths = tile_paths(server, tiles, count)[turn * count // ROUNDS:(turn + 1) * count // ROUNDS]
                    throughput[z][server.name] += load(server, paths, CONNECTIONS, args.time_limit / ROUNDS)
            for server in compared:
                result = throughput[z][server.name]
                print(f"  z{z} {server.name}: {result.rate:.1f} tiles/s ({result.done} in {result.seconds:.1f} s, "
                      f"{result.errors} errors)", flush=True)
            dropped[z] = tipg_dropped(settings, tipg, tiles)
        items: dict[int, dict[str, list[float] | None]] = {}
        for limit in (100, 1000):
            items[limit] = {s.name: items_latency(s, limit, args.item_repeats) for s in (ours, tipg, pygeoapi)}
        if items[100]["ours"] is None:
            print("\nnote: /ogc/collections/producers/items is not served by our app yet: the items comparison "
                  "shows tipg and pygeoapi only")
        print_throughput(throughput, tiles_by_zoom, dropped,
                         f"ours: gunicorn {args.workers} workers x {args.threads} threads, tipg: uvicorn "
                         f"{args.workers} workers")
        print_items(items)
    finally:
        for server in servers:
            stop(server)


def existing_rows(settings: Settings) -> int | None:
    """Producers already in the bench database (for --reuse), or None."""
    try:
        with get_engine(settings).connect() as conn:
            return conn.execute(text("SELECT count(*) FROM producers")).scalar_one()
    except Exception:  # noqa: BLE001 - no database, no table: generate
        return None


def main() -> None:
    """Set up the bench database, run the three measurements and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="producers to generate (default 100000)")
    parser.add_argument("--clustered", type=float, default=0.3, help="share of producers near desa centres")
    parser.add_argument("--reuse", action="store_true",
                        help="use (and keep) a bench database that has --rows producers; by default it is dropped")
    parser.add_argument("--sample", type=int, default=20, help="tiles per zoom timed in-process")
    parser.add_argument("--repeats", type=int, default=3, help="timings per sampled tile")
    parser.add_argument("--min-requests", type=int, default=120, help="least tile requests per zoom and server")
    parser.add_argument("--max-requests", type=int, default=600, help="most tile requests per zoom and server")
    parser.add_argument("--time-limit", type=float, default=45.0, help="seconds per zoom and server, at most")
    parser.add_argument("--item-repeats", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4, help="server processes of each server")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"threads per worker of ours (default: enough to serve the {CONNECTIONS} connections "
                             "at once, as tipg's asyncio workers do)")
    parser.add_argument("--cache-mb", type=int, default=64, help="our tile cache per worker")
    parser.add_argument("--port", type=int, default=18400, help="first of four loopback ports")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/peta_bench_venv"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/peta_api_bench"))
    parser.add_argument("--no-servers", action="store_true", help="only the in-process latency part")
    args = parser.parse_args()
    args.threads = args.threads or -(-CONNECTIONS // args.workers)
    args.workdir.mkdir(parents=True, exist_ok=True)
    base = normalize_database_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    url = make_url(base).set(database=DB_NAME).render_as_string(hide_password=False)
    settings = Settings(database_url=url, report_dir=args.workdir / "reports")
    if not (args.reuse and existing_rows(settings) == args.rows):
        settings = make_database(base, args.rows, args.clustered)
    tiles_by_zoom = {z: regency_tiles(settings, z) for z in ZOOMS}
    print(f"== Peta Ekonomi API bench: {args.rows:,} producers; tiles touching the regency: "
          + ", ".join(f"z{z} {len(t)}" for z, t in tiles_by_zoom.items()) + " ==", flush=True)
    latency = bench_latency(settings, tiles_by_zoom, args.sample, args.repeats)
    if not args.no_servers:
        run_servers(args, settings, tiles_by_zoom)
    print_latency(latency)
    get_engine(settings).dispose()
    if not args.reuse:
        drop_database(settings.database_url)


if __name__ == "__main__":
    main()
