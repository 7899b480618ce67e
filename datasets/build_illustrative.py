"""Build the Indramayu demo tables: REAL transcriptions plus ILLUSTRATIVE (generated) data.

Every figure written here is either

* REAL: transcribed below from the research snapshot (each constant names its source), or
* ILLUSTRATIVE: generated with a seeded numpy RNG, consistent with the real totals where
  totals exist (sums are checked exactly to 2 decimals before the script finishes).

Needs ``reference/*.csv`` and ``boundaries/desa.geojson`` (run ``build_boundaries.py``
first). Deterministic: running it twice gives byte-identical files.

    python datasets/build_illustrative.py
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from pyproj import Transformer
from shapely.geometry import Point, shape

HERE = Path(__file__).resolve().parent
SEED = 3212
KAB = "32.12"

# --------------------------------------------------------------------------------------
# REAL figures (transcribed from the research snapshot; see README.md for full sources)
# --------------------------------------------------------------------------------------

PADI_SOURCE = (
    "BPS Jawa Barat KSA table as transcribed in github.com/dzakwanalifi/YELP-BI-2025 "
    "(create_rice_production_csv.py @819ae287)"
)
# year: (harvested ha, production ton GKG) -- BPS Kerangka Sampel Area basis only (no DKPP)
PADI_KSA = {
    2020: ("226626.09", "1363311.87"),
    2021: ("227051.34", "1319623.64"),
    2022: ("245329.29", "1482255.86"),
    2023: ("230456.96", "1424303.10"),
    2024: ("212866.19", "1399352.12"),
}

# BPS Kab. Indramayu mango production in kuintal, as quoted by detik.com (d-7351111)
MANGGA_KABUPATEN_KW = {2020: 1265402, 2021: 933979, 2022: 1556682, 2023: 1118941}

# 30-kecamatan mango table (kuintal) from github.com/Nflhdyt/Mangga Statistik.html @728db907,
# citing BPS Dalam Angka; labelled 2023 there (year uncertain). Source order and spelling.
MANGGA_KECAMATAN_KW = [
    ("32.12.23", "Anjatan", 92577), ("32.12.04", "Cikedung", 150795),
    ("32.12.03", "Gabuswetan", 15840), ("32.12.31", "Patrol", 2744),
    ("32.12.05", "Lelea", 51643), ("32.12.21", "Kandanghaur", 2832),
    ("32.12.26", "Terisi", 30404), ("32.12.18", "Lohbener", 138564),
    ("32.12.24", "Sukra", 35129), ("32.12.02", "Kroya", 70832),
    ("32.12.25", "Gantar", 22059), ("32.12.22", "Bongas", 34510),
    ("32.12.01", "Haurgeulis", 158675), ("32.12.20", "Losarang", 14016),
    ("32.12.19", "Arahan", 53740), ("32.12.29", "Pasekan", 7218),
    ("32.12.06", "Bangodua", 26827), ("32.12.17", "Cantigi", 65685),
    ("32.12.30", "Tukdana", 35257), ("32.12.07", "Widasari", 20718),
    ("32.12.15", "Indramayu", 3239), ("32.12.16", "Sindang", 29942),
    ("32.12.14", "Balongan", 14756), ("32.12.11", "Juntinyuat", 87851),
    ("32.12.13", "Jatibarang", 141817), ("32.12.12", "Sliyeg", 71999),
    ("32.12.10", "Karangampel", 24868), ("32.12.09", "Krangkeng", 60539),
    ("32.12.28", "Kedokan Bunder", 7054), ("32.12.08", "Kertasemaya", 20383),
]
MANGGA_TABLE_TOTAL_KW = 1492513

# BPS Jawa Barat 2024 production table, Kab. Indramayu row (YELP-BI-2025 @ed862ef0), ton
OTHER_2024_TON = [
    ("bawang_merah", "2272.09"), ("cabai_besar", "3363.98"), ("cabai_rawit", "1056.69"),
    ("daging_ayam", "40430.74"), ("telur_ayam", "1207.02"), ("daging_sapi", "1638.39"),
]

# Jawa Barat mango 2023 (Bisnis.com 2024-02-05: Indramayu 155,668 t = 34.50% of 451,174 t)
JABAR_MANGGA_2023_TON = "451174"

# (kind, year, production_ton, area_ha) -- Diskanla figures quoted in news, KKP for salt
FISHERIES_KABUPATEN = [
    ("laut", 2020, "150467", ""), ("laut", 2021, "166673", ""),
    ("laut", 2024, "178319.60", ""),
    ("tambak", 2020, "213317", ""), ("tambak", 2021, "205831", ""),
    ("tambak", 2025, "", "22500"),
    ("kolam", 2021, "105780", ""), ("kolam", 2025, "", "560"),
    ("rumput_laut", 2020, "42242", ""), ("rumput_laut", 2021, "39921", ""),
    ("perairan_umum", 2021, "8587", ""),
    ("garam", 2024, "135891.10", "1445.65"),
]
GARAM_DESA = [
    "32.12.09.2003", "32.12.09.2007", "32.12.09.2008",
    "32.12.09.2009", "32.12.09.2010", "32.12.09.2011",
]

# Landing sites: (name, desa code, lat, lon, note); lat/lon = desa centroid, not the pier.
LANDING_SITES = [
    ("TPI/PP Karangsong", "32.12.15.2016", "-6.311703", "108.354087",
     "Diskanla 2013 TPI table; largest landing site (PP Karangsong)"),
    ("TPI Singaraja", "32.12.15.2013", "-6.346083", "108.360587", "Diskanla 2013 TPI table"),
    ("TPI Majakerta", "32.12.14.2008", "-6.389115", "108.39757", "Diskanla 2013 TPI table"),
    ("TPI Eretan Wetan", "32.12.21.2011", "-6.333679", "108.08896", "Diskanla 2013 TPI table"),
    ("TPI/PPI Eretan Kulon", "32.12.21.2012", "-6.318464", "108.05438",
     "Diskanla 2013 TPI table"),
    ("TPI Juntinyuat", "32.12.11.2005", "-6.427112", "108.439068", "Diskanla 2013 TPI table"),
    ("TPI Limbangan", "32.12.11.2012", "-6.397563", "108.408074", "Diskanla 2013 TPI table"),
    ("TPI Lombang", "32.12.11.2011", "-6.411675", "108.411015", "Diskanla 2013 TPI table"),
    ("TPI Dadap", "32.12.11.2004", "-6.44597", "108.461285", "Diskanla 2013 TPI table"),
    ("TPI Tanjung Pura (Desa Ujunggebang)", "32.12.24.2003", "-6.267693", "107.928787",
     "blog visit report (kompasiana); desa stated as Ujung Gebang"),
]

KENANGA = "32.12.16.2004"  # sentra krupuk: 30-35 factories, ~1,200 workers (news, 2020-2022)
KENANGA_WORKERS = 1200
PAOMAN = "32.12.15.1008"  # Kelurahan Paoman, home of batik Paoman (Dermayon)

COASTAL_KECAMATAN = [
    "32.12.24", "32.12.31", "32.12.21", "32.12.20", "32.12.17", "32.12.29",
    "32.12.15", "32.12.16", "32.12.14", "32.12.11", "32.12.10", "32.12.09",
]

# --------------------------------------------------------------------------------------
# Illustrative assumptions (NOT real data)
# --------------------------------------------------------------------------------------

# share of land under rice, relative to a typical kecamatan (town, tambak, forest areas)
SAWAH_FACTOR = {
    "32.12.15": 0.35, "32.12.16": 0.6, "32.12.14": 0.55, "32.12.17": 0.45,
    "32.12.29": 0.35, "32.12.20": 0.7, "32.12.21": 0.8, "32.12.25": 0.55, "32.12.26": 0.6,
}
# relative weight of sea-capture landings and of brackish-pond output per coastal kecamatan
LAUT_WEIGHT = {
    "32.12.15": 40, "32.12.21": 18, "32.12.11": 12, "32.12.14": 5, "32.12.24": 5,
    "32.12.31": 3, "32.12.10": 4, "32.12.09": 3, "32.12.20": 2, "32.12.17": 2,
    "32.12.29": 3, "32.12.16": 3,
}
TAMBAK_WEIGHT = {
    "32.12.17": 16, "32.12.29": 15, "32.12.20": 13, "32.12.21": 11, "32.12.16": 8,
    "32.12.15": 7, "32.12.31": 6, "32.12.24": 6, "32.12.09": 6, "32.12.14": 4,
    "32.12.11": 5, "32.12.10": 3,
}
PADI_YEARS = [2020, 2021, 2022, 2023, 2024]
PRODUCTIVITY_RANGE = (5.0, 7.0)  # t/ha GKG, brief: plausible 5-7 t/ha

KBLI_2020 = {
    "01220": ("Pertanian Buah-Buahan Tropis dan Subtropis",
              "Growing of tropical and subtropical fruits"),
    "03221": ("Pembesaran Ikan Air Tawar di Kolam", "Freshwater fish grow-out in ponds"),
    "03251": ("Pembesaran Pisces/Ikan Bersirip Air Payau",
              "Brackish-water finfish grow-out (e.g. milkfish)"),
    "03254": ("Pembesaran Crustacea Air Payau",
              "Brackish-water crustacean grow-out (shrimp ponds)"),
    "08930": ("Ekstraksi Garam", "Salt extraction (solar salt ponds)"),
    "10211": ("Industri Penggaraman/Pengeringan Ikan", "Salting/drying of fish"),
    "10212": ("Industri Pengasapan/Pemanggangan Ikan", "Smoking/roasting of fish"),
    "10213": ("Industri Pembekuan Ikan", "Freezing of fish"),
    "10214": ("Industri Pemindangan Ikan", "Pindang (brined and boiled) fish processing"),
    "10216": ("Industri Berbasis Daging Lumatan dan Surimi",
              "Minced-fish and surimi-based products"),
    "10291": ("Industri Penggaraman/Pengeringan Biota Air Lainnya",
              "Salting/drying of other aquatic biota"),
    "10295": ("Industri Peragian/Fermentasi Biota Air Lainnya",
              "Fermentation of other aquatic biota (e.g. terasi)"),
    "10311": ("Industri Pengasinan Buah-buahan dan Sayuran",
              "Pickling/brining of fruit and vegetables"),
    "10313": ("Industri Pengeringan Buah-buahan dan Sayuran", "Drying of fruit and vegetables"),
    "10330": ("Industri Pengolahan Sari Buah dan Sayuran", "Fruit and vegetable juice"),
    "10631": ("Industri Penggilingan Padi dan Penyosohan Beras", "Rice milling and polishing"),
    "10710": ("Industri Produk Roti dan Kue", "Bread and cake products"),
    "10733": ("Industri Manisan Buah-buahan dan Sayuran Kering",
              "Candied and dried sweetened fruit and vegetables"),
    "10750": ("Industri Makanan dan Masakan Olahan", "Prepared meals and dishes"),
    "10774": ("Industri Pengolahan Garam", "Salt processing (washing, iodisation)"),
    "10792": ("Industri Kue Basah", "Traditional moist cakes (kue basah)"),
    "10794": ("Industri Kerupuk, Keripik, Peyek dan Sejenisnya",
              "Crackers (krupuk), chips, peyek and similar"),
    "10796": ("Industri Dodol", "Dodol (sticky confection)"),
    "13134": ("Industri Batik", "Batik"),
    "14111": ("Industri Pakaian Jadi (Konveksi) dari Tekstil", "Ready-made textile garments"),
    "16292": ("Industri Barang Anyaman dari Tanaman Bukan Rotan dan Bambu",
              "Woven goods from plants other than rattan and bamboo"),
    "33151": ("Reparasi Kapal, Perahu dan Bangunan Terapung",
              "Repair of ships, boats and floating structures"),
    "35302": ("Produksi Es", "Ice production"),
    "47111": ("Perdagangan Eceran Berbagai Macam Barang yang Utamanya Makanan, Minuman atau "
              "Tembakau di Minimarket/Supermarket",
              "Retail sale, mainly food, beverages or tobacco, in minimarkets/supermarkets"),
    "47112": ("Perdagangan Eceran Berbagai Macam Barang yang Utamanya Makanan, Minuman atau "
              "Tembakau Bukan di Minimarket/Supermarket/Hypermarket (Tradisional)",
              "Retail sale, mainly food, beverages or tobacco, in traditional shops (warung)"),
    "56101": ("Restoran", "Restaurants"),
    "56102": ("Rumah/Warung Makan", "Eating houses (warung makan)"),
    "56104": ("Penyediaan Makanan Keliling/Tempat Tidak Tetap", "Mobile food vendors"),
}

TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:32749", always_xy=True)

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

Row = dict[str, str]


def rng_for(name: str) -> np.random.Generator:
    """Return an independent, deterministic RNG stream for one output."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def to_cents(text: str | float | int) -> int:
    """Convert a decimal figure to integer hundredths (exactly)."""
    return int((Decimal(str(text)) * 100).to_integral_value())


def fmt_cents(cents: int) -> str:
    """Format integer hundredths as a '.'-decimal string with 2 decimals."""
    return f"{cents // 100}.{cents % 100:02d}"


def allocate(total_cents: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total proportionally to weights (largest remainder, exact sum)."""
    w = np.asarray(weights, dtype=float)
    raw = total_cents * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total_cents - int(base.sum())]] += 1
    return [int(v) for v in base]


def read_rows(path: Path) -> list[Row]:
    """Read a CSV file into a list of dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(rel: str, columns: list[str], rows: Iterable[Row]) -> list[Row]:
    """Write rows (dicts of strings) as UTF-8 CSV; return the rows written."""
    rows = list(rows)
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def production_row(area: str, commodity: str, year: int, harvested: str, prod: str) -> Row:
    """Build a row of the agriculture production layout."""
    return {
        "area_code": area, "commodity": commodity, "year": str(year), "planted_ha": "",
        "harvested_ha": harvested, "production_ton": prod,
    }


def fisheries_row(area: str, kind: str, year: int, prod: str, area_ha: str = "") -> Row:
    """Build a row of the fisheries layout."""
    return {
        "area_code": area, "kind": kind, "species": "", "year": str(year),
        "production_ton": prod, "value_idr": "", "area_ha": area_ha,
    }


# --------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------


@dataclass
class Reference:
    """Administrative reference data and the boundary polygons."""

    kecamatan: list[Row]
    desa: list[Row]
    desa_geom: dict[str, shapely.Geometry]
    kec_geom: dict[str, shapely.Geometry]

    def kec_name(self, code: str) -> str:
        """Return a kecamatan name by code."""
        return next(k["name"] for k in self.kecamatan if k["code"] == code)

    def desa_of(self, kec_code: str, include_kelurahan: bool = False) -> list[Row]:
        """Return the desa rows of one kecamatan."""
        return [
            d for d in self.desa
            if d["kecamatan_code"] == kec_code and (include_kelurahan or d["type"] == "desa")
        ]

    def desa_row(self, code: str) -> Row:
        """Return one desa row by code."""
        return next(d for d in self.desa if d["code"] == code)


def load_geoms(rel: str) -> dict[str, shapely.Geometry]:
    """Load a boundary GeoJSON as {code: geometry}."""
    data = json.loads((HERE / rel).read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


def load_reference() -> Reference:
    """Load reference CSVs and the bundled boundaries."""
    return Reference(
        kecamatan=read_rows(HERE / "reference/kecamatan.csv"),
        desa=read_rows(HERE / "reference/desa.csv"),
        desa_geom=load_geoms("boundaries/desa.geojson"),
        kec_geom=load_geoms("boundaries/kecamatan.geojson"),
    )


def metric_area_km2(geom: shapely.Geometry) -> float:
    """Return the area of a lon/lat geometry in km2 (UTM 49S)."""
    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = TO_METRIC.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy).area / 1e6


def kecamatan_area(ref: Reference, code: str) -> float:
    """Official area where known, else the polygon area (weights only)."""
    row = next(k for k in ref.kecamatan if k["code"] == code)
    return float(row["area_km2"]) if row["area_km2"] else metric_area_km2(ref.kec_geom[code])


def random_point(rng: np.random.Generator, geom: shapely.Geometry) -> tuple[str, str]:
    """Return a (lat, lon) string pair, 6 decimals, strictly inside the geometry."""
    inner = geom.buffer(-0.0004)
    target = inner if not inner.is_empty and inner.area > geom.area * 0.2 else geom
    minx, miny, maxx, maxy = target.bounds
    for _ in range(10000):
        lon = round(float(rng.uniform(minx, maxx)), 6)
        lat = round(float(rng.uniform(miny, maxy)), 6)
        if target.contains(Point(lon, lat)) and geom.contains(Point(lon, lat)):
            return f"{lat:.6f}", f"{lon:.6f}"
    raise RuntimeError("could not place a point inside polygon")


# --------------------------------------------------------------------------------------
# Agriculture
# --------------------------------------------------------------------------------------


PRODUCTION_COLUMNS = [
    "area_code", "commodity", "year", "planted_ha", "harvested_ha", "production_ton",
]
FISHERIES_COLUMNS = [
    "area_code", "kind", "species", "year", "production_ton", "value_idr", "area_ha",
]


def write_padi_kabupaten() -> list[Row]:
    """REAL: BPS KSA harvested area and GKG production, 2020-2024."""
    rows = [production_row(KAB, "padi", y, h, p) for y, (h, p) in PADI_KSA.items()]
    return write_csv("agriculture/padi_kabupaten.csv", PRODUCTION_COLUMNS, rows)


YIELD_CLIP = (5.3, 6.85)  # t/ha applied before the exact rescaling to the real totals


def split_production(
    harvested_total: int, production_total: int, weights: np.ndarray, yields: np.ndarray
) -> tuple[list[int], list[int]]:
    """Split harvested area and production (cents) by area weights and relative yields."""
    harvested = allocate(harvested_total, weights)
    production = allocate(production_total, np.asarray(harvested) * np.clip(yields, *YIELD_CLIP))
    return harvested, production


def write_padi_kecamatan(ref: Reference) -> list[Row]:
    """ILLUSTRATIVE: padi per kecamatan x 2020-2024, summing to the BPS totals."""
    rng = rng_for("padi_kecamatan")
    codes = [k["code"] for k in ref.kecamatan]
    base = np.array([kecamatan_area(ref, c) * SAWAH_FACTOR.get(c, 1.0) for c in codes])
    base *= rng.lognormal(0, 0.15, len(codes))
    yield_bias = rng.normal(0, 0.025, len(codes))
    rows = []
    for year in PADI_YEARS:
        h_total, p_total = (to_cents(v) for v in PADI_KSA[year])
        weights = base * rng.lognormal(0, 0.05, len(codes))
        yields = p_total / h_total * (1 + yield_bias + rng.normal(0, 0.015, len(codes)))
        harvested, production = split_production(h_total, p_total, weights, yields)
        rows += [
            production_row(c, "padi", year, fmt_cents(h), fmt_cents(p))
            for c, h, p in zip(codes, harvested, production, strict=True)
        ]
    return write_csv("agriculture/padi_kecamatan.csv", PRODUCTION_COLUMNS, rows)


def write_padi_desa(ref: Reference, kec_rows: list[Row]) -> list[Row]:
    """ILLUSTRATIVE: padi 2024 per desa (kelurahan skipped), summing to the kecamatan rows."""
    rng = rng_for("padi_desa")
    rows = []
    for kec in (r for r in kec_rows if r["year"] == "2024"):
        desa = ref.desa_of(kec["area_code"])
        area = np.array([float(d["area_km2"]) for d in desa])
        h_total, p_total = to_cents(kec["harvested_ha"]), to_cents(kec["production_ton"])
        yields = p_total / h_total * (1 + rng.normal(0, 0.02, len(desa)))
        harvested, production = split_production(
            h_total, p_total, area * rng.lognormal(0, 0.15, len(desa)), yields
        )
        rows += [
            production_row(d["code"], "padi", 2024, fmt_cents(h), fmt_cents(p))
            for d, h, p in zip(desa, harvested, production, strict=True)
        ]
    return write_csv("agriculture/padi_desa.csv", PRODUCTION_COLUMNS, rows)


def write_mangga_kabupaten() -> list[Row]:
    """REAL: BPS kabupaten mango totals, kuintal converted to ton (/10)."""
    rows = [
        production_row(KAB, "mangga", y, "", fmt_cents(kw * 10))
        for y, kw in MANGGA_KABUPATEN_KW.items()
    ]
    return write_csv("agriculture/mangga_kabupaten.csv", PRODUCTION_COLUMNS, rows)


def write_other_kabupaten() -> list[Row]:
    """REAL: other 2024 commodity totals (production only)."""
    rows = [production_row(KAB, slug, 2024, "", ton) for slug, ton in OTHER_2024_TON]
    return write_csv("agriculture/other_kabupaten_2024.csv", PRODUCTION_COLUMNS, rows)


def id_thousands(value: int) -> str:
    """Format an integer the Indonesian way: 92577 -> '92.577'."""
    return f"{value:,}".replace(",", ".")


def mangga_workbook() -> Workbook:
    """Build the BPS 'Dalam Angka'-style mango sheet (numbers stored as text)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tabel 5.2.3"
    bold = Font(bold=True)
    thin = Side(style="thin")
    ws["A1"] = ("Tabel 5.2.3 Produksi Mangga Menurut Kecamatan di Kabupaten Indramayu "
                "(kuintal), 2023")
    ws["A2"] = ("Table 5.2.3 Mango Production by Subdistrict in Indramayu Regency "
                "(quintal), 2023")
    ws["A1"].font = bold
    ws["A4"], ws["B4"], ws["B5"] = "Kecamatan", "Produksi", "(Kuintal)"
    ws.merge_cells("A4:A5")
    for ref in ("A4", "B4", "B5"):
        ws[ref].font = bold
        ws[ref].alignment = Alignment(horizontal="center", vertical="center")
    ws["A4"].border = Border(top=thin, bottom=thin)
    ws["B4"].border = Border(top=thin)
    ws["B5"].border = Border(bottom=thin)
    row = 6
    for _, name, kw in MANGGA_KECAMATAN_KW:
        ws.cell(row=row, column=1, value=name)
        put_text_number(ws.cell(row=row, column=2), kw)
        row += 1
    ws.cell(row=row, column=1, value="Jumlah").font = bold
    put_text_number(ws.cell(row=row, column=2), MANGGA_TABLE_TOTAL_KW, bold=True)
    ws.cell(row=row + 2, column=1, value=(
        "Sumber: BPS Kabupaten Indramayu, Kabupaten Indramayu Dalam Angka (ditranskripsi dari "
        "https://github.com/Nflhdyt/Mangga, Statistik.html; tahun data belum pasti)"
    ))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 14
    return wb


def put_text_number(cell: object, value: int, bold: bool = False) -> None:
    """Store an integer as Indonesian-formatted TEXT, right aligned."""
    cell.value = id_thousands(value)
    cell.data_type = "s"
    cell.number_format = "@"
    cell.alignment = Alignment(horizontal="right")
    if bold:
        cell.font = Font(bold=True)


def deterministic_xlsx(raw: bytes) -> bytes:
    """Rewrite an .xlsx zip with fixed timestamps so the file is byte-reproducible."""
    fixed = "2024-01-01T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", rf"\g<1>{fixed}", text)
                data = text.encode("utf-8")
            item = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            dst.writestr(item, data)
    return out.getvalue()


def write_mangga_xlsx() -> None:
    """REAL: the 30-kecamatan mango table as a BPS-style spreadsheet."""
    total = sum(kw for _, _, kw in MANGGA_KECAMATAN_KW)
    if total != MANGGA_TABLE_TOTAL_KW:
        raise RuntimeError(f"mango table sums to {total}, expected {MANGGA_TABLE_TOTAL_KW}")
    wb = mangga_workbook()
    wb.properties.creator = "peta-ekonomi datasets/build_illustrative.py"
    buffer = io.BytesIO()
    wb.save(buffer)
    path = HERE / "agriculture/mangga_kecamatan_bps.xlsx"
    path.write_bytes(deterministic_xlsx(buffer.getvalue()))


# --------------------------------------------------------------------------------------
# Fisheries
# --------------------------------------------------------------------------------------


def write_fisheries_kabupaten() -> list[Row]:
    """REAL: kabupaten fisheries production/area figures."""
    rows = [fisheries_row(KAB, k, y, p, a) for k, y, p, a in FISHERIES_KABUPATEN]
    return write_csv("fisheries/kabupaten.csv", FISHERIES_COLUMNS, rows)


def split_kind(
    rng: np.random.Generator, kind: str, year: int, total: str, weights: dict[str, float]
) -> list[Row]:
    """Split one kabupaten total over kecamatan weights (with noise)."""
    codes = list(weights)
    w = np.array([weights[c] for c in codes]) * rng.lognormal(0, 0.12, len(codes))
    parts = allocate(to_cents(total), w)
    return [fisheries_row(c, kind, year, fmt_cents(p)) for c, p in zip(codes, parts, strict=True)]


def write_fisheries_kecamatan(ref: Reference) -> list[Row]:
    """ILLUSTRATIVE: laut/tambak per coastal kecamatan, kolam per inland kecamatan."""
    rng = rng_for("fisheries_kecamatan")
    inland = [k["code"] for k in ref.kecamatan if k["code"] not in COASTAL_KECAMATAN]
    kolam_weights = {c: kecamatan_area(ref, c) * rng.lognormal(0, 0.3) for c in inland}
    weights = {"laut": LAUT_WEIGHT, "tambak": TAMBAK_WEIGHT, "kolam": kolam_weights}
    rows = []
    for kind, year, prod, _ in FISHERIES_KABUPATEN:
        if kind in weights and prod:
            rows += split_kind(rng, kind, year, prod, weights[kind])
    rows.sort(key=lambda r: (r["kind"], r["year"], r["area_code"]))
    return write_csv("fisheries/kecamatan.csv", FISHERIES_COLUMNS, rows)


def write_garam(ref: Reference) -> list[Row]:
    """ILLUSTRATIVE: split of the real 2024 salt total over the real Krangkeng salt desa."""
    rng = rng_for("garam")
    _, _, prod, area = next(f for f in FISHERIES_KABUPATEN if f[0] == "garam")
    area_parts = allocate(to_cents(area), rng.lognormal(0, 0.35, len(GARAM_DESA)))
    yields = 94 * (1 + rng.normal(0, 0.06, len(GARAM_DESA)))
    prod_parts = allocate(to_cents(prod), np.asarray(area_parts) * yields)
    rows = [
        fisheries_row(code, "garam", 2024, fmt_cents(p), fmt_cents(a))
        for code, a, p in zip(GARAM_DESA, area_parts, prod_parts, strict=True)
    ]
    for code in GARAM_DESA:
        ref.desa_row(code)  # raises StopIteration if a code is unknown
    return write_csv("fisheries/garam_krangkeng_2024.csv", FISHERIES_COLUMNS, rows)


def write_landing_sites(ref: Reference) -> list[Row]:
    """REAL: fish landing sites located at their desa centroid."""
    rows = []
    for name, code, lat, lon, note in LANDING_SITES:
        desa = ref.desa_row(code)
        if (desa["lat"], desa["lon"]) != (lat, lon):
            raise RuntimeError(f"{name}: coordinates differ from the desa centroid")
        rows.append({
            "name": name, "area_code": code, "lat": lat, "lon": lon,
            "location_precision": "desa_centroid",
            "note": f"{note}; lat/lon = desa centroid, not the landing site itself",
        })
    columns = ["name", "area_code", "lat", "lon", "location_precision", "note"]
    return write_csv("landing_sites.csv", columns, rows)


# --------------------------------------------------------------------------------------
# Producers (ILLUSTRATIVE)
# --------------------------------------------------------------------------------------

OWNERS_F = [
    "Darsih", "Karsinah", "Tarmini", "Rasmini", "Wartini", "Sumarni", "Wasrinah", "Casminah",
    "Kartini", "Daryati", "Juwariyah", "Sutinah", "Rokayah", "Tasmi", "Warsiti", "Nurhayati",
]
OWNERS_M = [
    "Casmadi", "Warsono", "Sukirno", "Tarsono", "Carsidi", "Darmawan", "Rasidin", "Kusnadi",
    "Sanusi", "Warja", "Dulkarim", "Taryono", "Suwardi", "Ahmad Fauzi", "Jumadi", "Tarkam",
]
BRANDS = [
    "Sari", "Jaya", "Mulya", "Barokah", "Sumber Rejeki", "Dua Putri", "Lestari", "Karya Mandiri",
    "Mekar Jaya", "Berkah", "Cahaya", "Anugrah", "Sejahtera", "Sekar Arum", "Tunas Baru",
    "Harapan", "Makmur", "Rukun", "Sentosa", "Putri Dermayu",
]
MARINE_BRANDS = ["Mina Sari", "Sinar Laut", "Putra Bahari", "Bintang Samudra", "Mina Jaya"]
BLOKS = [
    "Krajan", "Kaum", "Pasar", "Karang Anyar", "Bojong", "Tegal", "Wetan", "Kulon", "Lor",
    "Kidul", "Pesisir", "Cangkring", "Kebon", "Sukamaju", "Pasirian", "Siliwangi",
]
WEBSITE_SHARE = 0.05


@dataclass(frozen=True)
class Offer:
    """A KBLI code, its products, and name templates ({brand} {owner} {ibu} {haji} {desa})."""

    kbli: str
    products: str
    names: tuple[str, ...]


def offer(kbli: str, products: str, *names: str) -> Offer:
    """Shorthand constructor for an Offer."""
    return Offer(kbli, products, names)


@dataclass(frozen=True)
class Segment:
    """One illustrative group of producers."""

    key: str
    count: int
    place: str
    offers: tuple[Offer, ...]
    employees: tuple[int, int]
    established: tuple[int, int]
    tags: str
    marine: bool = False


KRUPUK_NAMES = (
    "Krupuk Udang {brand} Kenanga", "Krupuk Ikan Cap {brand}", "Kerupuk {brand} Kenanga",
    "Krupuk {brand} {haji}",
)
SHOP_NAMES = ("Toko {owner}", "Toko Sembako {brand}", "Kios {brand} {desa}")
WARUNG_NAMES = ("Warung Makan {ibu}", "Rumah Makan {brand} {desa}", "Warung Nasi {ibu}")
SEGMENTS = [
    Segment("krupuk_kenanga", 32, "kenanga", (
        offer("10794", "krupuk udang; krupuk ikan", *KRUPUK_NAMES),
        offer("10794", "krupuk ikan; krupuk mentah", *KRUPUK_NAMES),
        offer("10794", "krupuk udang; krupuk bawang; krupuk mentah", *KRUPUK_NAMES),
        offer("10794", "krupuk kulit ikan; krupuk ikan", *KRUPUK_NAMES),
    ), (8, 90), (1980, 2022), "krupuk;sentra-kenanga;minapolitan;pengolahan-ikan", True),
    Segment("krupuk_other", 8, "town", (
        offer("10794", "krupuk ikan; krupuk udang", "Krupuk {brand} {desa}"),
        offer("10794", "keripik pisang; keripik singkong", "Aneka Keripik {brand}"),
        offer("10794", "krupuk rambak; peyek rebon", "Peyek dan Krupuk {ibu}"),
    ), (2, 15), (1995, 2023), "krupuk", True),
    Segment("mangga_olahan", 30, "mango", (
        offer("10796", "dodol mangga", "Dodol Mangga {brand} {desa}", "Dodol Mangga {ibu}"),
        offer("10796", "dodol mangga; dodol ketan", "Dodol {brand} {desa}"),
        offer("10733", "manisan mangga kering", "Manisan Mangga {ibu}", "Manisan {brand}"),
        offer("10733", "manisan mangga; manisan pala", "Manisan Buah {brand} {desa}"),
        offer("10330", "jus mangga kemasan; sari mangga", "Sari Mangga {brand}"),
        offer("10330", "sari buah mangga gedong gincu", "Gincu Juice {brand}"),
        offer("10313", "mangga kering; keripik mangga", "Olahan Mangga {brand} {desa}"),
        offer("10311", "asinan mangga muda", "Asinan Mangga {ibu}"),
    ), (2, 25), (2000, 2024), "mangga;olahan-buah"),
    Segment("mangga_kebun", 10, "mango", (
        offer("01220", "mangga gedong gincu; mangga cengkir", "Kebun Mangga {brand} {desa}"),
        offer("01220", "mangga harum manis", "Kebun Mangga {haji}"),
        offer("01220", "mangga cengkir; bibit mangga", "Kelompok Tani Mangga {brand}"),
    ), (3, 20), (1990, 2020), "mangga;kebun"),
    Segment("ikan_asin", 40, "coastal", (
        offer("10211", "ikan asin; ikan jambal roti", "Jambal Roti {brand}",
              "Ikan Asin {brand} {desa}"),
        offer("10211", "ikan asin; cumi asin", "Ikan Asin {ibu}", "Ikan Asin {brand} {desa}"),
        offer("10211", "ikan teri asin; ikan asin pari", "Pengolahan Ikan Asin {ibu}"),
        offer("10211", "ikan asin tenggiri; ikan asin", "Ikan Asin {brand} {desa}"),
    ), (2, 30), (1985, 2023), "ikan-asin;pengolahan-ikan;pesisir", True),
    Segment("biota_lain", 6, "coastal", (
        offer("10291", "ebi; rebon kering", "Ebi Rebon {ibu}", "Ebi {brand} {desa}"),
        offer("10295", "terasi udang rebon", "Terasi {brand} {desa}", "Terasi {ibu}"),
    ), (2, 10), (1990, 2022), "pengolahan-ikan;pesisir", True),
    Segment("ikan_asap_pindang", 8, "coastal", (
        offer("10212", "ikan asap; cumi asap", "Ikan Asap {brand}", "Ikan Asap {ibu}"),
        offer("10214", "ikan pindang; pindang tongkol", "Pindang {brand} {desa}"),
    ), (2, 12), (1995, 2023), "pengolahan-ikan;pesisir", True),
    Segment("surimi", 6, "town", (
        offer("10216", "bakso ikan; otak-otak ikan", "Bakso Ikan {brand} {desa}"),
        offer("10216", "nugget ikan; siomay ikan", "Olahan Ikan {brand}"),
    ), (3, 15), (2010, 2024), "pengolahan-ikan;produk-beku", True),
    Segment("olahan_siap_saji", 8, "town", (
        offer("10750", "bandeng presto; pepes ikan presto", "Presto {brand}",
              "Bandeng Presto {ibu}"),
        offer("10750", "pedesan entog kemasan", "Dapur Pedesan {brand} {desa}"),
        offer("10750", "dendeng ikan; abon ikan", "Abon Ikan {brand}"),
    ), (2, 12), (2008, 2024), "pengolahan-ikan;oleh-oleh", True),
    Segment("pembekuan", 4, "tpi", (
        offer("10213", "ikan beku; cumi beku", "Cold Storage {brand} {desa}",
              "Pembekuan Ikan {brand}"),
    ), (10, 60), (2005, 2021), "perikanan;cold-chain", True),
    Segment("pabrik_es", 4, "tpi", (
        offer("35302", "es balok; es curah", "Pabrik Es {brand} {desa}"),
    ), (5, 25), (1995, 2020), "perikanan;cold-chain", True),
    Segment("galangan", 4, "tpi", (
        offer("33151", "reparasi perahu kayu; perawatan kapal ikan",
              "Galangan Perahu {brand} {desa}", "Bengkel Kapal {haji}"),
    ), (5, 30), (1985, 2018), "perikanan;galangan", True),
    Segment("garam_rakyat", 14, "garam", (
        offer("08930", "garam krosok", "KUGAR {brand} {desa}"),
        offer("08930", "garam krosok; garam kualitas I", "Kelompok Petambak Garam {brand}"),
    ), (8, 25), (2011, 2022), "garam;krangkeng;pugar"),
    Segment("garam_olahan", 3, "garam", (
        offer("10774", "garam cuci; garam beryodium", "Pengolahan Garam {brand}"),
    ), (6, 30), (2012, 2023), "garam;krangkeng"),
    Segment("batik", 12, "paoman", (
        offer("13134", "batik tulis; batik cap", "Batik Paoman {brand}", "Sanggar Batik {ibu}"),
        offer("13134", "batik tulis motif iwak etong", "Batik Dermayon {brand}"),
        offer("13134", "batik tulis motif kapal kandas; kain batik", "Batik Tulis {brand}"),
        offer("13134", "batik cap; kemeja batik", "Batik Paoman {brand}"),
    ), (2, 25), (1975, 2022), "batik;paoman;kerajinan"),
    Segment("penggilingan_padi", 20, "rice", (
        offer("10631", "penggilingan padi; beras medium", "Penggilingan Padi {brand} {desa}"),
        offer("10631", "beras premium; bekatul", "PB {brand}", "Huller {haji}"),
        offer("10631", "penggilingan padi; beras premium; dedak", "Penggilingan Padi {haji}"),
    ), (4, 40), (1980, 2022), "padi;beras"),
    Segment("pmi_purna", 70, "any", (
        offer("47112", "sembako; gas elpiji; pulsa", *SHOP_NAMES, "Toko {brand} Purna"),
        offer("47112", "sembako; minuman; rokok", *SHOP_NAMES),
        offer("47112", "sembako; beras; minyak goreng", *SHOP_NAMES),
        offer("56102", "nasi lengko; es teh", *WARUNG_NAMES),
        offer("56102", "pedesan entog; nasi putih", *WARUNG_NAMES),
        offer("47111", "kebutuhan rumah tangga; sembako", "{brand} Mart {desa}"),
        offer("10792", "kue basah; jajanan pasar", "Kue Basah {ibu}"),
        offer("14111", "konveksi kaos; seragam sekolah", "Konveksi {brand} {desa}"),
        offer("56104", "bakso keliling; mie ayam", "Bakso {owner}", "Mie Ayam {owner}"),
    ), (1, 6), (2010, 2024), "migrant-owned;pmi-purna;umkm"),
    Segment("warung", 55, "any", (
        offer("47112", "sembako; gas elpiji", *SHOP_NAMES),
        offer("47112", "sembako; alat tulis; pulsa", *SHOP_NAMES),
        offer("56102", "nasi lengko; pedesan entog", *WARUNG_NAMES),
        offer("56102", "nasi campur; sayur asem", *WARUNG_NAMES),
        offer("56104", "gorengan; es kelapa muda", "Gorengan {owner}", "Es Kelapa {owner}"),
    ), (1, 4), (1990, 2024), "umkm"),
    Segment("restoran", 10, "urban", (
        offer("56101", "pedesan entog; ikan bakar; sop ikan", "Rumah Makan {brand} {desa}"),
        offer("56101", "seafood bakar; cumi goreng", "Resto Seafood {brand}"),
        offer("56101", "nasi lengko; sate kambing", "Resto {brand} Dermayu"),
    ), (6, 40), (1995, 2023), "kuliner;restoran"),
    Segment("roti_kue", 15, "urban", (
        offer("10710", "roti manis; kue kering", "Roti {brand}", "Bakery {brand} {desa}"),
        offer("10710", "kue kering lebaran; bolu", "Kue Kering {ibu}"),
        offer("10792", "kue basah; kue serabi", "Aneka Kue {brand} {desa}", "Kue {ibu}"),
        offer("10792", "getuk; klepon; kue lapis", "Jajanan Pasar {ibu}"),
    ), (2, 15), (1995, 2024), "kuliner;oleh-oleh"),
    Segment("konveksi", 8, "any", (
        offer("14111", "kaos sablon; seragam", "Konveksi {brand} {desa}"),
        offer("14111", "busana muslim; mukena", "Busana Muslim {brand}"),
    ), (3, 30), (2000, 2023), "konveksi"),
    Segment("anyaman", 6, "any", (
        offer("16292", "tikar pandan; tas anyaman", "Anyaman Pandan {brand} {desa}"),
        offer("16292", "anyaman eceng gondok; keranjang", "Kerajinan Eceng Gondok {brand}"),
    ), (2, 15), (1990, 2022), "kerajinan"),
    Segment("tambak", 16, "tambak", (
        offer("03254", "udang vaname", "Tambak Udang {brand} {desa}", "Pokdakan {brand}"),
        offer("03254", "udang windu; udang vaname", "Tambak Udang {haji}"),
        offer("03251", "bandeng", "Tambak Bandeng {brand} {desa}"),
        offer("03251", "bandeng; rumput laut gracilaria", "Pokdakan {brand} {desa}"),
    ), (3, 20), (1995, 2022), "perikanan;tambak;budidaya", True),
    Segment("kolam", 8, "inland", (
        offer("03221", "lele; nila", "Pokdakan {brand} {desa}"),
        offer("03221", "ikan mas; nila", "Kolam Ikan {haji}"),
    ), (2, 10), (2005, 2023), "perikanan;kolam;budidaya"),
    Segment("teri_kering", 3, "coastal", (
        offer("10291", "ikan teri kering; rebon", "Teri Kering {brand} {desa}"),
    ), (3, 10), (2000, 2020), "pengolahan-ikan;pesisir", True),
]
PRODUCER_COLUMNS = [
    "name", "products", "kbli", "address", "area_code", "lat", "lon", "phone", "whatsapp",
    "website", "employees", "established_year", "tags",
]
URBAN_KECAMATAN = ["32.12.15", "32.12.16", "32.12.13", "32.12.01", "32.12.10", "32.12.31"]
TOWN_KECAMATAN = ["32.12.15", "32.12.16", "32.12.14", "32.12.11"]
TAMBAK_KECAMATAN = ["32.12.17", "32.12.29", "32.12.20", "32.12.21", "32.12.16", "32.12.15"]


def coastal_desa(ref: Reference) -> list[str]:
    """Desa of coastal kecamatan touching the outer boundary, plus TPI desa."""
    outline = shapely.union_all(list(ref.kec_geom.values())).boundary
    codes = [
        d["code"] for d in ref.desa
        if d["kecamatan_code"] in COASTAL_KECAMATAN
        and ref.desa_geom[d["code"]].intersection(outline).length > 0
    ]
    return sorted(set(codes) | {site[1] for site in LANDING_SITES})


def placement_rules(ref: Reference, padi_desa: list[Row]) -> dict[str, dict[str, float]]:
    """Return {rule: {desa code: weight}} for producer placement."""
    tpi = {site[1] for site in LANDING_SITES}
    coastal = coastal_desa(ref)
    mango = {code: kw for code, _, kw in MANGGA_KECAMATAN_KW}
    rice = {r["area_code"]: float(r["harvested_ha"]) for r in padi_desa}
    in_kec = {
        key: {d["code"]: 1.0 for d in ref.desa if d["kecamatan_code"] in kecs}
        for key, kecs in (("urban", URBAN_KECAMATAN), ("town", TOWN_KECAMATAN))
    }
    return {
        "kenanga": {KENANGA: 1.0},
        "paoman": {PAOMAN: 10.0, "32.12.15.1006": 1.0, "32.12.15.1003": 1.0},
        "garam": dict.fromkeys(GARAM_DESA, 1.0),
        "tpi": dict.fromkeys(sorted(tpi), 1.0),
        "coastal": {c: 3.0 if c in tpi else 1.0 for c in coastal},
        "tambak": {c: 1.0 for c in coastal if c[:8] in TAMBAK_KECAMATAN},
        "mango": {
            d["code"]: mango.get(d["kecamatan_code"], 0) / len(ref.desa_of(d["kecamatan_code"]))
            for d in ref.desa if d["type"] == "desa" and mango.get(d["kecamatan_code"])
        },
        "rice": rice,
        "inland": {
            d["code"]: 1.0 for d in ref.desa
            if d["kecamatan_code"] not in COASTAL_KECAMATAN and d["type"] == "desa"
        },
        "any": {d["code"]: 1.0 for d in ref.desa},
        **in_kec,
    }


def pick(rng: np.random.Generator, options: Sequence) -> object:
    """Pick one element of a sequence."""
    return options[int(rng.integers(len(options)))]


def make_name(
    rng: np.random.Generator, seg: Segment, chosen: Offer, desa: Row, used: set[str]
) -> str:
    """Fill a name template of the chosen offer; make it unique within the file."""
    brands = BRANDS + MARINE_BRANDS if seg.marine else BRANDS
    for attempt in range(50):
        female = bool(rng.random() < 0.5)
        owner = str(pick(rng, OWNERS_F if female else OWNERS_M))
        name = str(pick(rng, chosen.names)).format(
            brand=pick(rng, brands), owner=owner, desa=desa["name"],
            ibu=f"Bu {pick(rng, OWNERS_F)}", haji=f"{'Hj.' if female else 'H.'} {owner}",
        )
        if attempt > 25:
            name = f"{name} {desa['name']}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"could not make a unique name for {seg.key}")


def address(rng: np.random.Generator, ref: Reference, desa: Row) -> str:
    """Return an illustrative address string."""
    prefix = "Kel." if desa["type"] == "kelurahan" else "Desa"
    return (
        f"Blok {pick(rng, BLOKS)} RT {int(rng.integers(1, 12)):03d}/RW {int(rng.integers(1, 8)):03d}, "
        f"{prefix} {desa['name']}, Kec. {ref.kec_name(desa['kecamatan_code'])}, "
        "Kabupaten Indramayu"
    )


def slug(text: str) -> str:
    """Return a lowercase ascii slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def producer(
    rng: np.random.Generator, ref: Reference, seg: Segment, code: str, number: int,
    used: set[str],
) -> Row:
    """Generate one illustrative producer row."""
    desa = ref.desa_row(code)
    chosen: Offer = pick(rng, seg.offers)
    name = make_name(rng, seg, chosen, desa, used)
    lat, lon = random_point(rng, ref.desa_geom[code])
    phone = f"0812-0000-{number:04d}"
    return {
        "name": name, "products": chosen.products, "kbli": chosen.kbli,
        "address": address(rng, ref, desa),
        "area_code": code, "lat": lat, "lon": lon, "phone": phone,
        "whatsapp": f"+62-812-0000-{number:04d}" if rng.random() < 0.8 else "",
        "website": f"https://{slug(name)}.example" if rng.random() < WEBSITE_SHARE else "",
        "employees": str(int(rng.integers(seg.employees[0], seg.employees[1] + 1))),
        "established_year": str(int(rng.integers(seg.established[0], seg.established[1] + 1))),
        "tags": seg.tags,
    }


def scale_kenanga_workers(rows: list[Row]) -> None:
    """Rescale Kenanga krupuk employees so they sum to the reported ~1,200 workers."""
    kenanga = [r for r in rows if r["area_code"] == KENANGA and r["kbli"] == "10794"]
    parts = allocate(KENANGA_WORKERS, [float(r["employees"]) for r in kenanga])
    for row, workers in zip(kenanga, parts, strict=True):
        row["employees"] = str(workers)


def write_producers(ref: Reference, padi_desa: list[Row]) -> list[Row]:
    """ILLUSTRATIVE: ~400 UMKM/IKM producers placed inside their desa polygon."""
    rng = rng_for("producers")
    rules = placement_rules(ref, padi_desa)
    rows: list[Row] = []
    used: set[str] = set()
    for seg in SEGMENTS:
        codes = sorted(rules[seg.place])
        weights = np.array([rules[seg.place][c] for c in codes], dtype=float)
        chosen = rng.choice(len(codes), size=seg.count, p=weights / weights.sum())
        for index in chosen:
            rows.append(producer(rng, ref, seg, codes[int(index)], len(rows) + 1, used))
    scale_kenanga_workers(rows)
    return write_csv("producers.csv", PRODUCER_COLUMNS, rows)


def write_kbli() -> list[Row]:
    """Write the KBLI 2020 lookup for the codes used."""
    rows = [{"code": c, "label_id": i, "label_en": e} for c, (i, e) in sorted(KBLI_2020.items())]
    return write_csv("kbli_2020.csv", ["code", "label_id", "label_en"], rows)


# --------------------------------------------------------------------------------------
# Investment opportunities (ILLUSTRATIVE)
# --------------------------------------------------------------------------------------

DPMPTSP = "DPMPTSP Kabupaten Indramayu"
DISKANLA = "Dinas Perikanan dan Kelautan Kabupaten Indramayu"
DKPP = "Dinas Ketahanan Pangan dan Pertanian Kabupaten Indramayu"


@dataclass(frozen=True)
class Opportunity:
    """Hand-written description of one illustrative investment opportunity."""

    title_id: str
    title_en: str
    description_id: str
    description_en: str
    sector: str
    area_code: str
    value_bn: float  # investment, billion IDR
    status: str
    readiness: str
    agency: str
    land_status: str


OPPORTUNITIES = [
    Opportunity(
        "Pabrik Pengolahan Mangga Terpadu", "Integrated Mango Processing Plant",
        "Pengolahan mangga gedong gincu dan cengkir menjadi puree, jus, dan manisan untuk "
        "menyerap kelebihan panen di sentra mangga Cikedung dan sekitarnya.",
        "Processing of gedong gincu and cengkir mangoes into puree, juice and candied fruit "
        "to absorb surplus harvests around the Cikedung mango centre.",
        "agroindustry", "32.12.04.2007", 45, "tersedia", "prastudi_kelayakan", DPMPTSP,
        "lahan milik swasta (dapat disewa)",
    ),
    Opportunity(
        "Cold Storage Pelabuhan Perikanan Karangsong", "Cold Storage at Karangsong Fishing Port",
        "Gudang beku berkapasitas besar dan pabrik es di kawasan PP Karangsong untuk menjaga "
        "mutu hasil tangkapan sebelum dipasarkan.",
        "Large cold store and ice plant at Karangsong fishing port to keep catch quality "
        "before marketing.",
        "fisheries", "32.12.15.2016", 35, "dalam_penjajakan", "siap_investasi", DISKANLA,
        "lahan kawasan pelabuhan (kerja sama pemanfaatan)",
    ),
    Opportunity(
        "Pabrik Pencucian dan Iodisasi Garam Krangkeng", "Salt Washing and Iodisation Plant",
        "Unit pencucian, pengeringan, dan iodisasi garam rakyat dari tambak garam Krangkeng "
        "agar memenuhi standar garam konsumsi dan industri.",
        "Washing, drying and iodisation of smallholder salt from the Krangkeng salt ponds to "
        "meet consumption and industrial salt standards.",
        "agroindustry", "32.12.09.2008", 18, "tersedia", "prastudi_kelayakan", DPMPTSP,
        "tanah kas desa (sewa jangka panjang)",
    ),
    Opportunity(
        "Revitalisasi Tambak Udang Vaname", "Shrimp Pond Revitalisation",
        "Revitalisasi tambak tradisional menjadi tambak semi-intensif udang vaname dengan "
        "instalasi pengolahan air limbah dan pola kemitraan dengan pembudidaya.",
        "Upgrading traditional ponds to semi-intensive whiteleg shrimp ponds with wastewater "
        "treatment, in partnership with local farmers.",
        "fisheries", "32.12.17.2006", 60, "tersedia", "prastudi_kelayakan", DISKANLA,
        "lahan tambak milik masyarakat (pola kemitraan)",
    ),
    Opportunity(
        "Pusat Konsolidasi Ekspor Krupuk Kenanga", "Krupuk Export Consolidation Centre",
        "Gudang konsolidasi, laboratorium mutu, dan fasilitas pengemasan bersama untuk "
        "sentra krupuk Desa Kenanga agar siap ekspor.",
        "Shared warehouse, quality laboratory and packaging facility so the Kenanga krupuk "
        "cluster can export.",
        "agroindustry", KENANGA, 12, "dalam_penjajakan", "siap_investasi", DPMPTSP,
        "tanah milik Pemerintah Kabupaten Indramayu",
    ),
    Opportunity(
        "Modernisasi Penggilingan Padi", "Rice Milling Modernisation",
        "Penggilingan padi modern dengan pengering gabah (dryer) dan silo di kawasan program "
        "pertanian modern Tukdana.",
        "Modern rice mill with paddy dryer and silos in the Tukdana modern-farming area.",
        "agriculture", "32.12.30.2010", 25, "tersedia", "siap_investasi", DKPP,
        "lahan milik swasta",
    ),
    Opportunity(
        "Pabrik Es Balok Nelayan Eretan", "Block-Ice Plant for Eretan Fishers",
        "Pabrik es balok untuk memenuhi kebutuhan es kapal nelayan di TPI Eretan Wetan dan "
        "Eretan Kulon.",
        "Block-ice plant supplying fishing boats landing at Eretan Wetan and Eretan Kulon.",
        "fisheries", "32.12.21.2011", 8, "terealisasi", "siap_investasi", DISKANLA,
        "lahan milik koperasi nelayan",
    ),
    Opportunity(
        "Ekowisata Mangrove Karangsong", "Karangsong Mangrove Ecotourism",
        "Pengembangan jalur trekking, dermaga wisata, dan pusat edukasi di kawasan mangrove "
        "Karangsong.",
        "Boardwalks, tourist jetty and education centre in the Karangsong mangrove area.",
        "tourism", "32.12.15.2016", 10, "tersedia", "prastudi_kelayakan", DPMPTSP,
        "tanah negara (kerja sama pemanfaatan)",
    ),
    Opportunity(
        "Pengolahan Rumput Laut Gracilaria", "Gracilaria Seaweed Processing",
        "Pengolahan rumput laut hasil polikultur tambak menjadi bahan baku agar-agar.",
        "Processing seaweed from polyculture ponds into agar raw material.",
        "agroindustry", "32.12.29.2004", 15, "tersedia", "prastudi_kelayakan", DISKANLA,
        "belum ditentukan",
    ),
    Opportunity(
        "Sentra Ikan Asin Higienis Dadap", "Hygienic Salted-Fish Centre in Dadap",
        "Rumah pengering tenaga surya dan ruang pengemasan bersama untuk pengolah ikan asin "
        "di sekitar TPI Dadap.",
        "Solar dryers and shared packing room for salted-fish processors near Dadap landing.",
        "agroindustry", "32.12.11.2004", 6, "dalam_penjajakan", "siap_investasi", DISKANLA,
        "tanah kas desa (sewa)",
    ),
    Opportunity(
        "Galeri dan IPAL Bersama Batik Paoman", "Paoman Batik Gallery and Shared Wastewater Plant",
        "Galeri pemasaran batik Paoman (Dermayon) dan instalasi pengolahan air limbah bersama "
        "bagi perajin batik.",
        "Marketing gallery for Paoman (Dermayon) batik and a shared wastewater plant for "
        "batik makers.",
        "creative_industry", PAOMAN, 5, "tersedia", "prastudi_kelayakan", DPMPTSP,
        "tanah milik Pemerintah Kabupaten Indramayu",
    ),
]
OPPORTUNITY_COLUMNS = [
    "code", "title_id", "title_en", "description_id", "description_en", "sector", "area_code",
    "lat", "lon", "value_idr", "status", "contact_agency", "licensing_url", "npv_idr",
    "irr_pct", "bc_ratio", "payback_years", "readiness", "land_status",
]


def financials(rng: np.random.Generator, value_idr: int) -> dict[str, str]:
    """Return mutually consistent illustrative NPV/IRR/BCR/payback figures."""
    irr = float(rng.uniform(13, 24))
    bcr = float(rng.uniform(1.15, 1.75))
    npv = value_idr * (bcr - 1) * float(rng.uniform(0.8, 1.1))
    payback = 100 / irr * float(rng.uniform(0.9, 1.1))
    return {
        "npv_idr": str(int(round(npv / 1e6)) * 1_000_000),
        "irr_pct": f"{irr:.1f}",
        "bc_ratio": f"{bcr:.2f}",
        "payback_years": f"{payback:.1f}",
    }


def write_opportunities(ref: Reference) -> list[Row]:
    """ILLUSTRATIVE: investment opportunities with illustrative financials."""
    rng = rng_for("opportunities")
    rows = []
    for number, opp in enumerate(OPPORTUNITIES, start=1):
        value = int(opp.value_bn * 1_000_000_000)
        lat, lon = random_point(rng, ref.desa_geom[opp.area_code])
        rows.append({
            "code": f"OPP-3212-{number:02d}", "title_id": opp.title_id, "title_en": opp.title_en,
            "description_id": opp.description_id, "description_en": opp.description_en,
            "sector": opp.sector, "area_code": opp.area_code, "lat": lat, "lon": lon,
            "value_idr": str(value), "status": opp.status, "contact_agency": opp.agency,
            "licensing_url": "https://oss.go.id", **financials(rng, value),
            "readiness": opp.readiness, "land_status": opp.land_status,
        })
    return write_csv("opportunities.csv", OPPORTUNITY_COLUMNS, rows)


# --------------------------------------------------------------------------------------
# Comparison totals (kabupaten REAL; provinsi/nasional ILLUSTRATIVE except Jabar mango 2023)
# --------------------------------------------------------------------------------------

SCOPES = {"kabupaten": KAB, "provinsi": "32", "nasional": "00"}
# illustrative share ranges: (kabupaten in province, province in nation); drawn once per
# subject, then varied by a few percent per year so the series stay smooth
SHARE_RANGES = {"padi": ((0.14, 0.17), (0.16, 0.18)), "mangga": ((0.24, 0.34), (0.13, 0.17))}
YEAR_JITTER = 0.03


def kabupaten_totals() -> dict[tuple[str, int], int]:
    """Return the real kabupaten production totals in cents of a ton."""
    totals = {("padi", y): to_cents(p) for y, (_, p) in PADI_KSA.items()}
    totals.update({("mangga", y): kw * 10 for y, kw in MANGGA_KABUPATEN_KW.items()})
    return totals


def subject_series(
    rng: np.random.Generator, subject: str, kab: dict[tuple[str, int], int]
) -> dict[str, dict[int, int]]:
    """Return {scope: {year: cents}}; provinsi/nasional illustrative except real Jabar mango."""
    (kab_lo, kab_hi), (prov_lo, prov_hi) = SHARE_RANGES[subject]
    kab_share, prov_share = rng.uniform(kab_lo, kab_hi), rng.uniform(prov_lo, prov_hi)
    series: dict[str, dict[int, int]] = {"kabupaten": {}, "provinsi": {}, "nasional": {}}
    for year in PADI_YEARS:
        if (subject, year) in kab:
            series["kabupaten"][year] = kab[(subject, year)]
        if (subject, year) == ("mangga", 2023):
            province = to_cents(JABAR_MANGGA_2023_TON)
        elif (subject, year) in kab:
            province = kab[(subject, year)] / (kab_share * rng.lognormal(0, YEAR_JITTER))
        else:  # mangga 2024: no kabupaten figure, vary the real 2023 provincial total
            province = to_cents(JABAR_MANGGA_2023_TON) * rng.lognormal(0, 0.06)
        series["provinsi"][year] = int(round(province, -2))
        national = province / (prov_share * rng.lognormal(0, YEAR_JITTER))
        series["nasional"][year] = int(round(national, -2))
    return series


def write_totals() -> list[Row]:
    """Write comparison totals for padi and mangga, 2020-2024."""
    rng = rng_for("totals")
    kab = kabupaten_totals()
    rows = []
    for subject in ("padi", "mangga"):
        series = subject_series(rng, subject, kab)
        for year in PADI_YEARS:
            for scope, values in series.items():
                if year in values:
                    rows.append({
                        "scope": scope, "scope_code": SCOPES[scope], "subject": subject,
                        "measure": "production_ton", "year": str(year),
                        "value": fmt_cents(values[year]), "unit": "ton",
                    })
    columns = ["scope", "scope_code", "subject", "measure", "year", "value", "unit"]
    return write_csv("totals.csv", columns, rows)


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def check(condition: bool, message: str) -> None:
    """Raise RuntimeError with a message when a condition fails."""
    if not condition:
        raise RuntimeError(f"check failed: {message}")


def sums_by(rows: list[Row], key: Callable[[Row], object], column: str) -> dict[object, int]:
    """Sum a decimal column (in cents) grouped by a key function."""
    out: dict[object, int] = defaultdict(int)
    for row in rows:
        out[key(row)] += to_cents(row[column])
    return dict(out)


def check_padi(kab: list[Row], kec: list[Row], desa: list[Row]) -> None:
    """Padi: kecamatan sum to kabupaten, desa sum to kecamatan 2024, yields plausible."""
    for column in ("harvested_ha", "production_ton"):
        real = {r["year"]: to_cents(r[column]) for r in kab}
        check(sums_by(kec, lambda r: r["year"], column) == real, f"padi kecamatan {column}")
        kec24 = {r["area_code"]: to_cents(r[column]) for r in kec if r["year"] == "2024"}
        by_kec = sums_by(desa, lambda r: r["area_code"][:8], column)
        check(by_kec == kec24, f"padi desa {column}")
    low, high = PRODUCTIVITY_RANGE
    for row in kec + desa:
        ratio = float(row["production_ton"]) / float(row["harvested_ha"])
        check(low <= ratio <= high, f"productivity {row['area_code']} {row['year']}: {ratio}")
    check(len(kec) == 31 * len(PADI_YEARS), "padi kecamatan row count")


def check_padi_intensity(ref: Reference, desa: list[Row]) -> None:
    """Harvested area per desa stays below 2.5x its land area (cropping intensity)."""
    for row in desa:
        land_ha = float(ref.desa_row(row["area_code"])["area_km2"]) * 100
        check(float(row["harvested_ha"]) <= 2.5 * land_ha, f"intensity {row['area_code']}")


def check_fisheries(kab: list[Row], kec: list[Row], garam: list[Row]) -> None:
    """Fisheries: kecamatan and salt splits sum exactly to the real totals."""
    real = {(r["kind"], r["year"]): to_cents(r["production_ton"]) for r in kab
            if r["production_ton"]}
    for key, total in sums_by(kec, lambda r: (r["kind"], r["year"]), "production_ton").items():
        check(total == real[key], f"fisheries kecamatan {key}")
    check(sums_by(garam, lambda r: 1, "production_ton")[1] == real[("garam", "2024")],
          "garam production")
    check(sums_by(garam, lambda r: 1, "area_ha")[1] == to_cents("1445.65"), "garam area")


def check_codes(ref: Reference, tables: dict[str, list[Row]]) -> None:
    """Every area_code exists in the reference lists."""
    known = {KAB} | {k["code"] for k in ref.kecamatan} | {d["code"] for d in ref.desa}
    for name, rows in tables.items():
        for row in rows:
            check(row["area_code"] in known, f"{name}: unknown area_code {row['area_code']}")


def check_points(ref: Reference, name: str, rows: list[Row]) -> None:
    """Every point lies inside the polygon of its desa."""
    for row in rows:
        point = Point(float(row["lon"]), float(row["lat"]))
        label = row.get("name") or row.get("code")
        check(ref.desa_geom[row["area_code"]].contains(point), f"{name}: {label} outside desa")


def check_producers(rows: list[Row]) -> None:
    """Producers: count, KBLI lookup, unique names, Kenanga cluster size."""
    check(len(rows) == sum(s.count for s in SEGMENTS), "producer count")
    check(all(r["kbli"] in KBLI_2020 for r in rows), "producer KBLI not in lookup")
    check(len({r["name"] for r in rows}) == len(rows), "producer names unique")
    kenanga = [r for r in rows if r["area_code"] == KENANGA and r["kbli"] == "10794"]
    check(30 <= len(kenanga) <= 35, "Kenanga krupuk count within the reported 30-35")
    check(sum(int(r["employees"]) for r in kenanga) == KENANGA_WORKERS, "Kenanga workers")


def check_totals(rows: list[Row]) -> None:
    """Totals: nasional > provinsi > kabupaten for every subject and year."""
    values = {(r["scope"], r["subject"], r["year"]): float(r["value"]) for r in rows}
    for (scope, subject, year), value in values.items():
        if scope == "kabupaten":
            check(values[("provinsi", subject, year)] > value, f"provinsi > kab {subject}")
        if scope == "provinsi":
            check(values[("nasional", subject, year)] > value, f"nasional > prov {subject}")


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main() -> None:
    """Write every illustrative and transcribed file, then run the checks."""
    ref = load_reference()
    write_kbli()
    padi_kab = write_padi_kabupaten()
    padi_kec = write_padi_kecamatan(ref)
    padi_desa = write_padi_desa(ref, padi_kec)
    mangga = write_mangga_kabupaten()
    other = write_other_kabupaten()
    write_mangga_xlsx()
    fish_kab = write_fisheries_kabupaten()
    fish_kec = write_fisheries_kecamatan(ref)
    garam = write_garam(ref)
    sites = write_landing_sites(ref)
    producers = write_producers(ref, padi_desa)
    opportunities = write_opportunities(ref)
    totals = write_totals()

    check_padi(padi_kab, padi_kec, padi_desa)
    check_padi_intensity(ref, padi_desa)
    check_fisheries(fish_kab, fish_kec, garam)
    check_codes(ref, {
        "padi_kabupaten": padi_kab, "padi_kecamatan": padi_kec, "padi_desa": padi_desa,
        "mangga": mangga, "other": other, "fisheries_kabupaten": fish_kab,
        "fisheries_kecamatan": fish_kec, "garam": garam, "landing_sites": sites,
        "producers": producers, "opportunities": opportunities,
    })
    check_points(ref, "producers", producers)
    check_points(ref, "opportunities", opportunities)
    check_producers(producers)
    check_totals(totals)
    print(
        f"ok: padi kec={len(padi_kec)} desa={len(padi_desa)}, fisheries kec={len(fish_kec)}, "
        f"garam={len(garam)}, landing sites={len(sites)}, producers={len(producers)}, "
        f"opportunities={len(opportunities)}, totals={len(totals)}"
    )


if __name__ == "__main__":
    main()
