"""Benchmark: load N producer rows (CSV, validation on) through our ETL and through ogr2ogr.

Prints rows/s of both, their ratio and the peak RSS of our load, and, for information, ogr2ogr followed
by building the other indexes our table has (unique key, tags, search words). Runs alternate, medians
are compared. ``--baseline REV`` also loads with an earlier revision of the project (same migrations),
in the same alternation: what a change gained, whatever else the machine is doing. A benchmark, not
a test:
    .venv/bin/python bench/etl_bench.py [--rows 1000000] [--repeat 3] [--baseline REV]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis import migrate  # noqa: E402
from gis.db import drop_database, ensure_database, get_engine  # noqa: E402
from gis.settings import Settings, normalize_database_url  # noqa: E402

PRODUCTS = [("krupuk udang", "10792", "krupuk"), ("dodol mangga", "10792", "mangga"),
            ("ikan asin", "10213", "ikan-asin"), ("garam krosok", "08930", "garam"),
            ("sembako", "47111", "migrant-owned"), ("batik tulis", "13134", "batik")]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` illustrative producers placed near the bundled desa centroids."""
    rng = np.random.default_rng(seed)
    desa = pd.read_csv(ROOT / "datasets" / "reference" / "desa.csv", dtype={"code": str})
    pick = rng.integers(0, len(desa), rows)
    product = rng.integers(0, len(PRODUCTS), rows)
    ids = np.arange(1, rows + 1)
    frame = pd.DataFrame({
        "name": [f"Usaha Contoh {i}" for i in ids],
        "products": [PRODUCTS[p][0] for p in product],
        "kbli": [PRODUCTS[p][1] for p in product],
        "address": [f"Blok {i % 97}" for i in ids],
        "area_code": desa["code"].to_numpy()[pick],
        "lat": np.round(desa["lat"].to_numpy()[pick] + rng.uniform(-0.002, 0.002, rows), 6),
        "lon": np.round(desa["lon"].to_numpy()[pick] + rng.uniform(-0.002, 0.002, rows), 6),
        "phone": [f"0812-0000-{i % 10000:04d}" for i in ids],
        "employees": rng.integers(1, 50, rows),
        "established_year": rng.integers(1980, 2025, rows),
        "tags": [PRODUCTS[p][2] for p in product],
    })
    frame.to_csv(path, index=False)


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Run a command, fail loudly, return its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


# What our producers table indexes beyond ogr2ogr's GiST, built on ogr2ogr's table for the second anchor:
# the same unique key, tag and search-word indexes (on words made in SQL).
SAME_INDEXES = [
    "CREATE UNIQUE INDEX ON ogr_producers (area_code, lower(name))",
    "CREATE INDEX ON ogr_producers USING gin (string_to_array(tags, ';'))",
    "CREATE INDEX ON ogr_producers USING gin (regexp_split_to_array(lower(name || ' ' || products || ' ' || tags), "
    "'[^a-z]+'))",
]


def load_ours(flask: list[str], csv: Path, env: dict[str, str], settings: Settings, rows: int,
              tree: Path = ROOT) -> float:
    """Load the CSV into an empty producers table through our ETL (the code in ``tree``); seconds."""
    with get_engine(settings).begin() as conn:
        conn.execute(text("TRUNCATE producers"))
        conn.execute(text("DELETE FROM load_runs WHERE kind = 'producers'"))
    seconds = run([*flask, "producers", str(csv)], env, cwd=tree)
    with get_engine(settings).connect() as conn:
        loaded = conn.execute(text("SELECT count(*) FROM producers")).scalar_one()
    if loaded != rows:
        sys.exit(f"our load wrote {loaded} rows, expected {rows}")
    return seconds


def load_ogr(pg: str, csv: Path, env: dict[str, str], settings: Settings, rows: int) -> tuple[float, float]:
    """Load the CSV with ogr2ogr; seconds for ogr2ogr alone and with our other indexes built after it."""
    seconds = run(["ogr2ogr", "-f", "PostgreSQL", pg, str(csv), "-nln", "ogr_producers", "-overwrite",
                   "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326",
                   "-lco", "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES", "-gt", "65536"], env)
    start = time.perf_counter()
    with get_engine(settings).begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for statement in SAME_INDEXES:
            conn.execute(text(statement))
        loaded = conn.execute(text("SELECT count(*) FROM ogr_producers")).scalar_one()
    if loaded != rows:
        sys.exit(f"ogr2ogr wrote {loaded} rows, expected {rows}")
    return seconds, seconds + time.perf_counter() - start


def baseline_tree(revision: str, workdir: Path) -> Path:
    """A git worktree of ``revision`` using this checkout's virtualenv."""
    tree = workdir / "baseline"
    if tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True,
                   capture_output=True)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    return tree


def main() -> None:
    """Set up a bench database, load the same CSV both ways (alternating) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each loader, alternating; medians shown")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/peta_etl_bench"))
    parser.add_argument("--baseline", metavar="REV", help="also load with this git revision, alternating")
    args = parser.parse_args()
    if shutil.which("ogr2ogr") is None:
        sys.exit("ogr2ogr is missing: apt-get install gdal-bin")
    base = normalize_database_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x"))
    url = make_url(base).set(database="peta_etl_bench").render_as_string(hide_password=False)
    settings = Settings(database_url=url, report_dir=args.workdir / "reports")
    drop_database(url)
    ensure_database(url)
    migrate.upgrade(settings)
    env = {**os.environ, "DATABASE_URL": url, "PETA_REPORT_DIR": str(args.workdir / "reports")}
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "etl", "load"]
    for level in ("kabupaten", "kecamatan", "desa"):
        run([*flask, "boundaries", str(ROOT / "datasets" / "boundaries" / f"{level}.geojson")], env)

    args.workdir.mkdir(parents=True, exist_ok=True)
    csv = args.workdir / f"producers_{args.rows}.csv"
    if not csv.exists():
        make_csv(csv, args.rows)
    size_mb = csv.stat().st_size / 1e6
    u = make_url(url)
    pg = f"PG:dbname={u.database} host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username}"

    tree = baseline_tree(args.baseline, args.workdir) if args.baseline else None
    ours, ogr, ogr_indexed, baseline = [], [], [], []
    for _ in range(args.repeat):
        if tree is not None:
            baseline.append(load_ours(flask, csv, env, settings, args.rows, tree))
        ours.append(load_ours(flask, csv, env, settings, args.rows))
        plain, indexed = load_ogr(pg, csv, env, settings, args.rows)
        ogr.append(plain)
        ogr_indexed.append(indexed)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child: a load of ours
    if tree is not None:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)

    rate = {name: args.rows / statistics.median(times)
            for name, times in (("ours", ours), ("ogr", ogr), ("ogr_indexed", ogr_indexed))}
    print(f"file: {csv.name}, {args.rows:,} rows, {size_mb:.0f} MB; {args.repeat} runs each, alternating, medians")
    print(f"{'loader':<44}{'seconds':>9}{'rows/s':>11}   runs")
    for label, name, times in (("peta etl (validation on, all indexes)", "ours", ours),
                               ("ogr2ogr (anchor)", "ogr", ogr),
                               ("ogr2ogr + the same other indexes (info)", "ogr_indexed", ogr_indexed)):
        runs = " ".join(f"{t:.1f}" for t in times)
        print(f"{label:<44}{statistics.median(times):>9.1f}{rate[name]:>11,.0f}   {runs}")
    ratio = rate["ours"] / rate["ogr"]
    print(f"ratio ours/ogr2ogr rows/s: {ratio:.2f}x (target >= 1.0x: {'PASS' if ratio >= 1.0 else 'FAIL'})")
    print(f"ratio ours/(ogr2ogr + same indexes): {rate['ours'] / rate['ogr_indexed']:.2f}x (information)")
    print(f"peak RSS of our load: {rss_mb:,.0f} MB (target < 1024 MB: {'PASS' if rss_mb < 1024 else 'FAIL'})")
    if baseline:
        then, now = statistics.median(baseline), statistics.median(ours)
        runs = " ".join(f"{t:.1f}" for t in baseline)
        print(f"baseline {args.baseline}: {then:.1f} s ({runs}); this code {now:.1f} s: {now / then - 1:+.0%}")
    get_engine(settings).dispose()
    drop_database(url)


if __name__ == "__main__":
    main()
