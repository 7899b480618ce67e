"""Build the bundled boundaries of Kabupaten Indramayu from the real polygons, with their figures.

Input (``real/``, verbatim copies of the research snapshot; see ``real/SOURCE.md``):

- ``indramayu_desa.geojson``: 317 desa and kelurahan (cahyadsn/wilayah_boundaries, MIT;
  Kepmendagri 300.2.2-2138/2025), simplified polygons;
- ``indramayu_kecamatan_from_desa.geojson`` and ``indramayu_kabupaten_from_desa.geojson``: the
  same polygons dissolved per kecamatan and for the whole regency (the islands of Pasekan
  included);
- ``kecamatan_population_area.csv`` and ``kabupaten.csv``: published area and population figures.

Each area gets the published figure with its source and year where there is one: area from the
BPS 2024 series, else the older BPS series (year not stated); population from the newest dated
figure, else an undated one. Where there is none the property is left out: the ETL then measures
the polygon (``area_source = computed``) and the profile says that no population figure exists
yet. Coordinates are rounded to 6 decimals; the output is deterministic.

    python datasets/build_boundaries.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REAL_DIR = HERE / "real"
OUT_DIR = HERE / "boundaries"
DECIMALS = 6

# Population figures in order of preference: (metric, source name).
POPULATION_METRICS = {
    "population_registered_dukcapil": "Dukcapil",
    "population_estimate_mid_year": "BPS",
    "population_census": "BPS SP",
    "population": "",
}
# Source names of undated or secondary figures, by the host of their source_url.
SOURCE_BY_HOST = {"trends.tribunnews.com": "Kompas.com via Tribunnews", "text-id.123dok.com": "Bapenda"}


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file of ``real/``."""
    with (REAL_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_features(name: str) -> list[dict[str, Any]]:
    """The features of a GeoJSON file of ``real/``."""
    return json.loads((REAL_DIR / name).read_text(encoding="utf-8"))["features"]


def rounded(coords: Any) -> Any:
    """Coordinates rounded to ``DECIMALS`` places, at any nesting depth."""
    if isinstance(coords[0], (int, float)):
        return [round(c, DECIMALS) for c in coords]
    return [rounded(c) for c in coords]


def multipolygon(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry as a MultiPolygon with rounded coordinates."""
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return {"type": "MultiPolygon", "coordinates": rounded(parts)}


def _source_name(row: dict[str, str], default: str) -> str:
    host = row["source_url"].split("/")[2] if "://" in row["source_url"] else ""
    return SOURCE_BY_HOST.get(host, default)


def area_figure(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The BPS area with its year: the 2024 series first, else the older (undated) series."""
    areas = sorted((r for r in rows if r["metric"] == "area_km2" and "wiki" in r["source_url"]),
                   key=lambda r: r["year"] or "0", reverse=True)
    if not areas:
        return {}
    best = areas[0]
    return {"area_km2": float(best["value"]), "area_source": "BPS",
            "area_year": int(best["year"]) if best["year"] else None}


def population_figure(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The newest dated population figure (the most official of one year), else an undated one."""
    ranked = [(r["year"] or "0", -list(POPULATION_METRICS).index(r["metric"]), r)
              for r in rows if r["metric"] in POPULATION_METRICS]
    if not ranked:
        return {}
    year, _, best = max(ranked, key=lambda item: item[:2])
    source = POPULATION_METRICS[best["metric"]]
    if source == "BPS SP":
        source = f"BPS SP{year}"  # Sensus Penduduk, the census
    return {"population": int(float(best["value"])), "population_year": int(year) if year != "0" else None,
            "population_source": _source_name(best, source or "BPS")}


def kabupaten_feature() -> dict[str, Any]:
    """The regency: dissolved polygon, BPS 2024 area, Dukcapil 2025 population."""
    rows = read_csv("kabupaten.csv")
    [feature] = read_features("indramayu_kabupaten_from_desa.geojson")
    return {"type": "Feature", "properties": {
        "code": "32.12", "name": "Indramayu", "level": "kabupaten", "parent_code": "32",
        **area_figure(rows), **population_figure(rows)}, "geometry": multipolygon(feature["geometry"])}


def kecamatan_features() -> list[dict[str, Any]]:
    """The 31 kecamatan: dissolved polygons with the published figures found for each."""
    figures: dict[str, list[dict[str, str]]] = {}
    for row in read_csv("kecamatan_population_area.csv"):
        figures.setdefault(row["kecamatan_code"], []).append(row)
    features = []
    dissolved = read_features("indramayu_kecamatan_from_desa.geojson")
    for feature in sorted(dissolved, key=lambda f: f["properties"]["kode"]):
        code = feature["properties"]["kode"]
        rows = figures.get(code, [])
        features.append({"type": "Feature", "properties": {
            "code": code, "name": feature["properties"]["nama"], "level": "kecamatan", "parent_code": "32.12",
            **area_figure(rows), **population_figure(rows)}, "geometry": multipolygon(feature["geometry"])})
    return features


def desa_features() -> list[dict[str, Any]]:
    """The 317 desa and kelurahan: no published figures (areas are measured by the ETL)."""
    features = []
    for feature in sorted(read_features("indramayu_desa.geojson"), key=lambda f: f["properties"]["kode"]):
        props = feature["properties"]
        features.append({"type": "Feature", "properties": {
            "code": props["kode"], "name": props["nama"], "level": "desa",
            "parent_code": props["kecamatan_kode"], "type": props["jenis"]},
            "geometry": multipolygon(feature["geometry"])})
    return features


def write(name: str, features: list[dict[str, Any]]) -> None:
    """Write a FeatureCollection, one feature a line (readable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    (OUT_DIR / name).write_text(text, encoding="utf-8")


def main() -> None:
    """Write ``boundaries/{kabupaten,kecamatan,desa}.geojson`` and check them."""
    kabupaten, kecamatan, desa = [kabupaten_feature()], kecamatan_features(), desa_features()
    assert len(kecamatan) == 31 and len(desa) == 317, (len(kecamatan), len(desa))
    assert {f["properties"]["parent_code"] for f in desa} == {f["properties"]["code"] for f in kecamatan}
    OUT_DIR.mkdir(exist_ok=True)
    write("kabupaten.geojson", kabupaten)
    write("kecamatan.geojson", kecamatan)
    write("desa.geojson", desa)
    with_area = sum("area_km2" in f["properties"] for f in kecamatan)
    with_population = sum("population" in f["properties"] for f in kecamatan)
    print(f"1 kabupaten, 31 kecamatan ({with_area} with a BPS area, {with_population} with a population), 317 desa")


if __name__ == "__main__":
    main()
