"""Transcribe the administrative reference lists from the research snapshot.

One-off step (the outputs ``reference/kabupaten.csv``, ``reference/kecamatan.csv`` and
``reference/desa.csv`` are committed): it needs the read-only research snapshot described in its ``SOURCE.md``
(default ``datasets/real``, a verbatim copy; pass another directory as the first argument).
Only names, codes, centroids and published figures are copied; no geometry is read.

    python datasets/build_reference.py [REAL_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE_DIR = HERE / "reference"
DEFAULT_REAL_DIR = HERE / "real"

NAMES_SOURCE = (
    "names/codes: idn-area-data 4.0.1 (https://github.com/fityannugroho/idn-area-data, "
    "data ODbL 1.0; Kepmendagri 300.2.2-2138/2025)"
)
CENTROID_SOURCE = (
    "lon/lat: polygon centroid from cahyadsn/wilayah_boundaries "
    "(https://github.com/cahyadsn/wilayah_boundaries @3c5a7960, MIT)"
)
DESA_AREA_SOURCE = (
    "area_km2: geodesic area computed from the simplified cahyadsn polygon "
    "(NOT an official area)"
)
URL_LABELS = {
    "https://en.wikipedia.org/wiki/Indramayu_Regency": "en.wikipedia Indramayu Regency, citing BPS",
    "https://de.wiki.li/Indramayu_(Regierungsbezirk)": "de.wikipedia mirror, citing BPS",
}

KECAMATAN_COLUMNS = [
    "code", "name", "lon", "lat", "area_km2", "population", "population_year", "source",
]
DESA_COLUMNS = ["code", "name", "kecamatan_code", "type", "lon", "lat", "area_km2", "source"]
KABUPATEN_COLUMNS = ["code", "name", "source"]
# The regency itself (the snapshot lists its figures, not its name): idn-area-data's name.
KABUPATEN = {"code": "32.12", "name": "Indramayu", "source": NAMES_SOURCE}


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file into a list of dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write dict rows as UTF-8 CSV with LF line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def label_url(url: str) -> str:
    """Return a short human label for a source URL."""
    for prefix, label in URL_LABELS.items():
        if url.startswith(prefix):
            return f"{label} ({prefix})"
    return url


def pick_area(rows: list[dict[str, str]]) -> tuple[str, str]:
    """Pick the BPS 2024 area series, else the older BPS series; return (value, source)."""
    areas = [r for r in rows if r["metric"] == "area_km2"]
    newer = [r for r in areas if r["year"] == "2024" and "wikipedia.org" in r["source_url"]]
    older = [r for r in areas if r["year"] == "" and "de.wiki.li" in r["source_url"]]
    if newer:
        return newer[0]["value"], f"area_km2: BPS 2024 area series via {label_url(newer[0]['source_url'])}"
    if older:
        return older[0]["value"], f"area_km2: older BPS area series via {label_url(older[0]['source_url'])}"
    return "", "area_km2: no BPS figure found"


def pick_population(rows: list[dict[str, str]]) -> tuple[str, str, str]:
    """Pick the newest population figure; return (value, year, source)."""
    pops = [r for r in rows if r["metric"].startswith("population")]
    dated = sorted((r for r in pops if r["year"]), key=lambda r: r["year"], reverse=True)
    if dated:
        best = dated[0]
        kind = {
            "population_estimate_mid_year": "BPS mid-year estimate",
            "population_census": "BPS Sensus Penduduk",
            "population": "figure cited from Bapenda Kab. Indramayu (2011 report; exact date not stated)",
        }.get(best["metric"], "population as published")
        note = f"population: {kind} {best['year']} via {label_url(best['source_url'])}"
        return best["value"], best["year"], note
    undated = [r for r in pops if not r["year"]]
    if undated:
        best = undated[0]
        note = (
            f"population: figure of unstated reference year (news article 2024-08-07) "
            f"via {best['source_url']}"
        )
        return best["value"], "", note
    return "", "", "population: not found"


def build_kecamatan(real_dir: Path) -> list[dict[str, str]]:
    """Build reference/kecamatan.csv rows from the snapshot."""
    long_rows = read_rows(real_dir / "kecamatan_population_area.csv")
    out = []
    for kec in read_rows(real_dir / "kecamatan.csv"):
        mine = [r for r in long_rows if r["kecamatan_code"] == kec["code"]]
        area, area_note = pick_area(mine)
        population, year, pop_note = pick_population(mine)
        source = "; ".join([NAMES_SOURCE, CENTROID_SOURCE, area_note, pop_note])
        out.append({
            "code": kec["code"], "name": kec["name"], "lon": kec["lon"], "lat": kec["lat"],
            "area_km2": area, "population": population, "population_year": year,
            "source": source,
        })
    return out


def build_desa(real_dir: Path) -> list[dict[str, str]]:
    """Build reference/desa.csv rows from the snapshot."""
    source = "; ".join([NAMES_SOURCE, CENTROID_SOURCE, DESA_AREA_SOURCE])
    return [
        {
            "code": d["code"], "name": d["name"], "kecamatan_code": d["kecamatan_code"],
            "type": d["type"], "lon": d["lon"], "lat": d["lat"],
            "area_km2": d["area_km2_computed_from_polygon"], "source": source,
        }
        for d in read_rows(real_dir / "desa.csv")
    ]


def main() -> None:
    """Write the three reference files."""
    real_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REAL_DIR
    kecamatan = build_kecamatan(real_dir)
    desa = build_desa(real_dir)
    if len(kecamatan) != 31 or len(desa) != 317:
        raise SystemExit(f"unexpected counts: {len(kecamatan)} kecamatan, {len(desa)} desa")
    write_rows(REFERENCE_DIR / "kecamatan.csv", KECAMATAN_COLUMNS, kecamatan)
    write_rows(REFERENCE_DIR / "desa.csv", DESA_COLUMNS, desa)
    write_rows(REFERENCE_DIR / "kabupaten.csv", KABUPATEN_COLUMNS, [KABUPATEN])
    print(f"wrote 1 kabupaten, {len(kecamatan)} kecamatan and {len(desa)} desa to {REFERENCE_DIR}")


if __name__ == "__main__":
    main()
