"""The declared load jobs: what each kind of file holds and how its rows become table rows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from etl.columns import TEXT, Column, code_level, each, parent_of, to_text
from etl.context import ChunkContext
from etl.derived_areas import PLAN, plan_parents
from etl.grdp import grdp_rows, reshape
from etl.names import normalize_name
from etl.transforms import area_from_points, check_in_region, check_polygons, resolve_area, resolve_points
from gis.kbli import section_of
from gis.text import key_text, only_digits, producer_words

Transform = Callable[[pd.DataFrame, ChunkContext], pd.DataFrame]
Reshape = Callable[..., tuple[pd.DataFrame, np.ndarray]]  # (TableInfo, chunks) -> the whole table as job rows
THIS_YEAR = date.today().year

AREA_CODE = Column(
    "area_code", "code",
    aliases=("kode_wilayah", "kode_area", "desa_code", "kode_desa", "kode_kelurahan", "kdepum",
             "kecamatan_code", "kode_kecamatan", "kdcpum", "kode_kemendagri", "kode"),
    description="Kemendagri code of the area (32.12.01 or 32.12.01.2001)",
)
DESA_NAME = Column("desa_name", aliases=("desa", "kelurahan", "desa_kelurahan", "nama_desa",
                                         "nama_kelurahan", "nama_desa_kelurahan", "village"))
KECAMATAN_NAME = Column("kecamatan_name", aliases=("kecamatan", "nama_kecamatan", "wadmkc",
                                                   "district", "subdistrict"))
AREA_COLUMNS = (AREA_CODE, DESA_NAME, KECAMATAN_NAME)
POINT_COLUMNS = (
    Column("lat", "number", aliases=("latitude", "lintang", "y", "koordinat_y", "lat_dd")),
    Column("lon", "number", aliases=("lng", "long", "longitude", "bujur", "x", "koordinat_x",
                                     "lon_dd")),
)
YEAR = Column("year", "year", aliases=("tahun",), required=True, minimum=1900, maximum=THIS_YEAR + 30)
TON_ALIASES = {"produksi_kuintal": 0.1, "produksi_kw": 0.1, "produksi_ku": 0.1,
               "production_quintal": 0.1, "produksi_kg": 0.001, "production_kg": 0.001}


def _measure(name: str, aliases: tuple[str, ...], scaled: dict[str, float] | None = None,
             maximum: float = 1e12) -> Column:
    return Column(name, "number", aliases=aliases, minimum=0, maximum=maximum, scaled=scaled or {})


@dataclass(frozen=True)
class Job:
    """A declared load job: columns, target table, natural key and the row transform."""

    kind: str
    table: str
    title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    stage: dict[str, str]  # column -> SQL type of the rows the transform yields
    transform: Transform
    geometry: str = "none"  # none | points | polygons | any
    select: dict[str, str] = field(default_factory=dict)  # target columns the database computes
    replaces_source_rows: bool = True
    vocabulary: tuple[str, str] | None = None  # staged column of words (space-joined), table of distinct words
    derived: tuple[str, ...] = ()  # staged columns computed from others: not compared between duplicate rows
    derives_parents: bool = False  # makes the missing higher levels from the rows (etl/derived_areas.py)
    reshape: Reshape | None = None  # a table laid out otherwise (years as columns): made into job rows first

    def column(self, name: str) -> Column:
        """The declared column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    def select_sql(self, name: str) -> str:
        """SQL expression over the staging row ``s`` that yields target column ``name``."""
        return self.select.get(name, f"s.{name}")


# Points travel as the transform's ``lon`` and ``lat`` columns; the writer turns them into ``geom``.
POINT_STAGE = {"geom": "geometry(Point, 4326)", "location_precision": "text"}


def slugify(text: str) -> str:
    """Lowercase ASCII slug with underscores (``Bawang Merah`` -> ``bawang_merah``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", ascii_text.casefold()).strip("_")


def _slug(values: pd.Series) -> pd.Series:
    return each(values, lambda v: slugify(str(v)) or None)


def _fill_table_values(frame: pd.DataFrame, ctx: ChunkContext, columns: tuple[str, ...]) -> None:
    """Fill columns from --commodity/--year where the file leaves them out."""
    values = ctx.options.table_values()
    for name in columns:
        if name in values:
            if name not in frame:
                frame[name] = values[name]
            else:
                frame[name] = frame[name].where(frame[name].notna(), values[name])


def _check_figures(frame: pd.DataFrame, ctx: ChunkContext, measures: list[str]) -> None:
    """A row needs a figure; one whose figures all say "no figure" (BPS "...") is skipped with a warning."""
    empty = frame.reindex(columns=measures).isna().all(axis=1).to_numpy() & ~ctx.bad
    said = empty & (ctx.said_missing if ctx.said_missing is not None else False)
    ctx.warn(said, measures[-1], None, "no figure in this row ('...': not available): row skipped", "no-figure")
    ctx.skip |= said
    ctx.reject(empty & ~said, measures[-1], None, "row has no figure (" + ", ".join(measures) + ")",
               "missing-value")


def _require(frame: pd.DataFrame, ctx: ChunkContext, names: tuple[str, ...]) -> None:
    for name in names:
        missing = frame[name].isna().to_numpy() & ~ctx.bad if name in frame else ~ctx.bad
        ctx.reject(missing, name, None, "a value is required here", "missing-value")


# ---------------------------------------------------------------- boundaries

def _boundaries(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    areas = ctx.areas
    codes = frame["code"].copy() if "code" in frame else pd.Series(None, index=frame.index, dtype=object)
    _require(frame, ctx, ("name",))
    nameless = codes.isna().to_numpy() & ~ctx.bad
    if nameless.any():  # BIG files without codes: match the name within its kecamatan
        named = frame.rename(columns={"name": "desa_name" if "kecamatan_name" in frame else "kecamatan_name"})
        codes[nameless] = _names_to_codes(ctx, named, nameless)
    present = codes.notna().to_numpy()
    outside = present & ~each(codes, areas.in_region).fillna(True).to_numpy(dtype=bool)
    if outside.any():  # province-wide files are normal: keep only this region's areas
        ctx.report.notes.append(f"{int(outside.sum())} features outside region {areas.region_code} skipped")
        ctx.skip |= outside
    level = each(codes, code_level)
    bad_level = present & ~outside & ~level.isin(("kabupaten", "kecamatan", "desa")).to_numpy()
    ctx.reject(bad_level, "code", codes, "code must name a kabupaten, kecamatan or desa", "wrong-level")
    parent = frame["parent_code"] if "parent_code" in frame else pd.Series(None, index=frame.index)
    parent = parent.astype(object).where(parent.notna(), each(codes, parent_of))
    in_file = set(codes.dropna())
    top = (level == "kabupaten") & ~parent.isin(in_file) & ~areas.known(parent)
    parent = parent.where(~top, None)  # provinces are not stored
    orphan = (present & ~outside & ~ctx.bad & (level != "kabupaten").to_numpy()
              & ~parent.isin(in_file).to_numpy() & ~areas.known(parent).to_numpy())
    plan, stuck = plan_parents(ctx, frame, codes, parent.astype(object).where(parent.notna(), None), orphan,
                               in_file)  # a desa file alone: its kecamatan and kabupaten are derived
    ctx.reject(stuck, "code", parent, "parent area is not loaded and cannot be derived from this file (its "
               "parent code is not the code's prefix): load the higher level (kabupaten, then kecamatan) first",
               "unknown-parent")
    geoms = check_polygons(ctx, frame["geometry"].to_numpy())
    check_in_region(ctx, geoms)
    type_ = frame["type"] if "type" in frame else pd.Series(None, index=frame.index)
    inferred = each(codes, lambda c: None if c.count(".") != 3 else
                    ("kelurahan" if c.rsplit(".", 1)[1].startswith("1") else "desa"))
    approximate = each(frame["approximate"], lambda v: str(v).casefold() in ("true", "1", "ya", "yes")).fillna(False) \
        if "approximate" in frame else False
    return pd.DataFrame({
        "code": codes, "bps_code": frame.get("bps_code"), "name": frame["name"],
        "name_key": each(frame["name"], normalize_name),
        "level": level, "type": type_.where(type_.notna(), inferred), "parent_code": parent,
        "geom": pd.Series(list(geoms), index=frame.index, dtype=object),
        "area_km2": frame.get("area_km2"), "area_source": frame.get("area_source"),
        "area_year": frame.get("area_year"), "population": frame.get("population"),
        "population_year": frame.get("population_year"), "population_source": frame.get("population_source"),
        "approximate": approximate, "derived": False, PLAN: plan,
    }, index=frame.index)


def _names_to_codes(ctx: ChunkContext, frame: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    sub = frame[rows]
    sub_ctx = ChunkContext(ctx.report, ctx.areas, ctx.options, ctx.rows[rows], ctx.headers,
                           ctx.bad[rows].copy(), ctx.skip[rows].copy())
    codes = resolve_area(sub_ctx, sub, ("kecamatan", "desa"), loaded=False)
    ctx.bad[rows] = sub_ctx.bad
    return codes.to_numpy()


BOUNDARIES = Job(
    kind="boundaries", table="areas", title="Administrative boundaries (kabupaten, kecamatan, desa)",
    columns=(
        Column("code", "code", aliases=("kode", "kode_wilayah", "kdepum", "kdcpum", "kdpkab",
                                        "kode_kemendagri", "kode_desa", "kode_kec")),
        Column("name", aliases=("nama", "namobj", "nama_wilayah", "wadmkd", "nama_desa"), max_length=200),
        Column("parent_code", "code", aliases=("kecamatan_kode", "kode_kecamatan", "kdcpum", "kdpkab",
                                               "kode_induk", "parent")),
        Column("kecamatan_name", aliases=("wadmkc", "kecamatan", "nama_kecamatan", "kecamatan_nama")),
        Column("kabupaten_name", aliases=("wadmkk", "kabupaten", "nama_kabupaten", "kabupaten_nama",
                                          "kabupaten_kota")),
        Column("type", choices=("desa", "kelurahan"), aliases=("jenis", "tipe")),
        Column("bps_code", aliases=("kode_bps", "kdbbps", "kdbps")),
        Column("area_km2", "number", aliases=("luas_km2", "luas", "area"), minimum=0, maximum=1e6),
        Column("area_source", aliases=("sumber_luas",), max_length=200),
        Column("area_year", "year", aliases=("tahun_luas",), minimum=1900, maximum=THIS_YEAR),
        Column("population", "integer", aliases=("penduduk", "jumlah_penduduk"), minimum=0),
        Column("population_year", "year", aliases=("tahun_penduduk",), minimum=1900, maximum=THIS_YEAR),
        Column("population_source", aliases=("sumber_penduduk",), max_length=200),
        Column("approximate"),
    ),
    natural_key=("code",),
    stage={"code": "text", "bps_code": "text", "name": "text", "name_key": "text", "level": "text",
           "type": "text", "parent_code": "text", "geom": "geometry(MultiPolygon, 4326)",
           "area_km2": "double precision", "area_source": "text", "area_year": "smallint",
           "population": "integer", "population_year": "smallint", "population_source": "text",
           "approximate": "boolean", "derived": "boolean"},
    # A figure the file gives is kept with its source and year; otherwise the polygon is measured.
    select={"area_km2": "COALESCE(s.area_km2, CASE WHEN s.approximate THEN NULL "
                        "ELSE ST_Area(s.geom::geography) / 1e6 END)",
            "area_source": "CASE WHEN s.area_km2 IS NOT NULL THEN s.area_source "
                           "WHEN NOT s.approximate THEN 'computed' END",
            "area_year": "CASE WHEN s.area_km2 IS NOT NULL THEN s.area_year END"},
    transform=_boundaries, geometry="polygons", replaces_source_rows=False, derives_parents=True,
)

# ---------------------------------------------------------------- agriculture


def _agriculture(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _fill_table_values(frame, ctx, ("commodity", "year"))
    _require(frame, ctx, ("commodity", "year"))
    codes = resolve_area(ctx, frame, ("kabupaten", "kecamatan", "desa"))
    measures = ["planted_ha", "harvested_ha", "production_ton"]
    _check_figures(frame, ctx, measures)
    out = frame.reindex(columns=["commodity", "year", *measures])
    out["commodity"] = _slug(out["commodity"])
    out["area_code"] = codes
    return out


AGRICULTURE = Job(
    kind="agriculture", table="agriculture_production",
    title="Agricultural production per area and year",
    columns=(
        *AREA_COLUMNS,
        Column("commodity", aliases=("komoditas", "komoditi", "jenis_tanaman", "tanaman", "crop")),
        YEAR,
        _measure("planted_ha", ("luas_tanam", "luas_tanam_ha", "planted_area_ha", "planted")),
        _measure("harvested_ha", ("luas_panen", "luas_panen_ha", "harvested_area_ha", "harvested")),
        _measure("production_ton", ("produksi", "produksi_ton", "production", "production_tons"),
                 TON_ALIASES),
    ),
    natural_key=("commodity", "area_code", "year"),
    stage={"commodity": "text", "area_code": "text", "year": "smallint", "planted_ha": "double precision",
           "harvested_ha": "double precision", "production_ton": "double precision"},
    transform=_agriculture,
)

# ---------------------------------------------------------------- fisheries

FISHERIES_KINDS = {
    "laut": ("laut", "perikanan_laut", "tangkap", "tangkap_laut", "perikanan_tangkap",
             "penangkapan_di_laut", "penangkapan_laut", "sea", "sea_capture", "capture"),
    "perairan_umum": ("perairan_umum", "perairan_umum_daratan", "pud", "inland_capture"),
    "tambak": ("tambak", "budidaya_tambak", "payau", "brackish_pond", "brackish"),
    "kolam": ("kolam", "budidaya_kolam", "freshwater_pond", "pond"),
    "keramba": ("keramba", "kja", "cage"),
    "sawah": ("mina_padi", "sawah", "minapadi"),
    "rumput_laut": ("rumput_laut", "seaweed"),
    "garam": ("garam", "tambak_garam", "salt"),
}
_KIND_OF = {alias: kind for kind, aliases in FISHERIES_KINDS.items() for alias in aliases}


def _fisheries(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _require(frame, ctx, ("kind", "year"))
    raw = frame["kind"] if "kind" in frame else pd.Series(None, index=frame.index)
    kinds = each(_slug(raw), _KIND_OF.get)
    ctx.reject(raw.notna().to_numpy() & kinds.isna().to_numpy(), "kind", raw,
               "unknown fisheries kind; use one of " + ", ".join(FISHERIES_KINDS), "invalid-value")
    codes = resolve_area(ctx, frame, ("kabupaten", "kecamatan", "desa"))
    _check_figures(frame, ctx, ["value_idr", "area_ha", "production_ton"])
    out = frame.reindex(columns=["year", "production_ton", "value_idr", "area_ha"])
    out["kind"] = kinds
    species = frame["species"] if "species" in frame else pd.Series(None, index=frame.index)
    out["species"] = _slug(species).fillna("")
    out["area_code"] = codes
    return out


FISHERIES = Job(
    kind="fisheries", table="fisheries_production", title="Fisheries production per area and year",
    columns=(
        *AREA_COLUMNS,
        Column("kind", aliases=("jenis", "jenis_usaha", "subsektor", "kategori", "type", "sector")),
        Column("species", aliases=("spesies", "jenis_ikan", "komoditas", "ikan")),
        YEAR,
        _measure("production_ton", ("produksi", "produksi_ton", "volume_ton", "production"), TON_ALIASES),
        _measure("value_idr", ("nilai", "nilai_rp", "nilai_produksi", "nilai_produksi_rp", "value"),
                 {"nilai_ribu_rp": 1e3, "nilai_produksi_ribu_rp": 1e3, "nilai_juta_rp": 1e6,
                  "nilai_produksi_juta_rp": 1e6}, maximum=1e16),
        _measure("area_ha", ("luas", "luas_ha", "luas_lahan_ha", "luas_areal_ha")),
    ),
    natural_key=("kind", "species", "area_code", "year"),
    stage={"kind": "text", "species": "text", "area_code": "text", "year": "smallint",
           "production_ton": "double precision", "value_idr": "double precision",
           "area_ha": "double precision"},
    transform=_fisheries,
)

# ---------------------------------------------------------------- points


def _points(frame: pd.DataFrame, ctx: ChunkContext) -> tuple[pd.Series, np.ndarray, np.ndarray, pd.Series]:
    codes = resolve_area(ctx, frame, ("desa",), required=False)
    lon, lat, precision = resolve_points(ctx, frame, codes)
    codes = area_from_points(ctx, codes, lon, lat)
    ctx.reject(codes.isna().to_numpy() & ~ctx.bad, "area_code", None,
               "no desa found for this row: give its desa code or name, or coordinates inside a desa",
               "missing-area")
    return codes, lon, lat, precision


def _landing_sites(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _require(frame, ctx, ("name",))
    codes, lon, lat, precision = _points(frame, ctx)
    given = frame["location_precision"] if "location_precision" in frame else None
    if given is not None:
        precision = given.where(given.notna(), precision)
    return pd.DataFrame({"name": frame["name"], "area_code": codes, "lon": lon, "lat": lat,
                         "location_precision": precision, "note": frame.get("note")}, index=frame.index)


LANDING_SITES = Job(
    kind="landing-sites", table="landing_sites", title="Fish landing sites (TPI/PPI)",
    columns=(*AREA_COLUMNS, *POINT_COLUMNS,
             Column("name", aliases=("nama", "nama_tpi", "tpi", "nama_pelabuhan"), max_length=200),
             Column("location_precision", aliases=("presisi_lokasi",)),
             Column("note", aliases=("keterangan", "catatan", "notes"), max_length=2000)),
    natural_key=("name",),
    stage={"name": "text", "area_code": "text", **POINT_STAGE, "note": "text"},
    transform=_landing_sites, geometry="points",
)


def _phone(values: pd.Series) -> pd.Series:
    return only_digits(to_text(values, clean=True), also="+")  # converted cells, or none


def _producers(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _require(frame, ctx, ("name",))
    codes, lon, lat, precision = _points(frame, ctx)
    empty = pd.Series(None, index=frame.index, dtype=TEXT)
    kbli = frame.get("kbli", empty)
    sector = each(kbli, section_of)
    ctx.reject(kbli.notna().to_numpy() & sector.isna().to_numpy(), "kbli", kbli,
               "unknown KBLI 2020 division (first two digits)", "invalid-value")
    name_key = key_text(frame["name"])  # with the area, what tells one business from another
    ctx.reject(frame["name"].notna().to_numpy() & name_key.isna().to_numpy(), "name", frame["name"],
               "a business name needs a letter (a-z) or a digit: they tell it apart within its desa", "invalid-value")
    out = pd.DataFrame({
        "name": frame["name"], "name_key": name_key,
        "products": frame.get("products", empty), "kbli": kbli, "sector": sector,
        "address": frame.get("address", empty), "area_code": codes, "lon": lon, "lat": lat,
        "location_precision": precision, "phone": _phone(frame.get("phone", empty)),
        "whatsapp": _phone(frame.get("whatsapp", empty)), "website": frame.get("website", empty),
        "employees": frame.get("employees", empty), "established_year": frame.get("established_year", empty),
        "tags": frame.get("tags", empty),
    }, index=frame.index)
    words = producer_words(frame["name"], frame.get("products", empty), frame.get("tags", empty))
    out["search_words"] = words.fillna("")  # "123": no word, found by its digits (gis/search.py)
    return out


PRODUCERS = Job(
    kind="producers", table="producers", title="Producers (UMKM/IKM)",
    columns=(
        *AREA_COLUMNS, *POINT_COLUMNS,
        Column("name", aliases=("nama", "nama_usaha", "nama_umkm", "nama_perusahaan", "business_name"),
               max_length=300),
        Column("products", aliases=("produk", "produk_utama", "jenis_produk", "komoditas"), max_length=1000),
        Column("kbli", "kbli", aliases=("kode_kbli", "kbli_2020", "kbli_code")),
        Column("address", aliases=("alamat", "alamat_usaha"), max_length=500),
        Column("phone", aliases=("telepon", "telp", "no_telp", "no_hp", "hp", "kontak"), max_length=40),
        Column("whatsapp", aliases=("wa", "no_wa", "nomor_whatsapp"), max_length=40),
        Column("website", "url", aliases=("situs", "web", "url")),
        Column("employees", "integer", aliases=("tenaga_kerja", "jumlah_tenaga_kerja", "karyawan",
                                                "jumlah_karyawan", "pekerja"), minimum=0, maximum=1e6),
        Column("established_year", "year", aliases=("tahun_berdiri", "tahun_mulai", "berdiri"),
               minimum=1800, maximum=THIS_YEAR),
        Column("tags", "tags", aliases=("tag", "label", "kategori")),
    ),
    natural_key=("area_code", "name_key"),
    stage={"name": "text", "name_key": "text", "products": "text", "kbli": "text", "sector": "text",
           "address": "text", "area_code": "text", **POINT_STAGE, "phone": "text", "whatsapp": "text",
           "website": "text", "employees": "integer", "established_year": "smallint", "tags": "text[]",
           "search_words": "text"},
    transform=_producers, geometry="points", vocabulary=("search_words", "producer_words"),
    derived=("name_key", "sector", "search_words"),
)

# ---------------------------------------------------------------- opportunities


def _opportunities(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _require(frame, ctx, ("code", "title_id"))
    codes = resolve_area(ctx, frame, ("kabupaten", "kecamatan", "desa"), required=False)
    out = frame.reindex(columns=[c.name for c in OPPORTUNITY_FIELDS])
    out["area_code"] = codes
    if "geometry" in frame:  # a vector file: points or polygons as they are
        geoms = frame["geometry"]
        ok = geoms.notna() & ~each(geoms, lambda g: g.is_empty or not g.is_valid).fillna(False).astype(bool)
        ctx.reject(~ok.to_numpy() & geoms.notna().to_numpy(), "geometry", None,
                   "invalid geometry: repair it and load again", "invalid-geometry")
        out["wkt"] = each(geoms, lambda g: g.wkt)
    else:
        has_point = "lat" in frame and "lon" in frame
        lon, lat, _ = resolve_points(ctx, frame, codes) if has_point else (None, None, None)
        out["wkt"] = None if lon is None else [
            None if np.isnan(x) else f"POINT({x} {y})" for x, y in zip(lon, lat, strict=True)]
    return out


OPPORTUNITY_FIELDS = (
    Column("code", aliases=("kode", "kode_peluang", "id"), max_length=64),
    Column("title_id", aliases=("judul", "nama_proyek", "nama_peluang", "judul_id"), max_length=300),
    Column("title_en", aliases=("title", "judul_en"), max_length=300),
    Column("description_id", aliases=("deskripsi", "uraian", "deskripsi_id"), max_length=5000),
    Column("description_en", aliases=("description", "deskripsi_en"), max_length=5000),
    Column("sector", aliases=("sektor", "bidang_usaha"), max_length=64),
    _measure("value_idr", ("nilai_investasi", "nilai_investasi_rp", "nilai_rp", "value", "investasi_rp"),
             {"nilai_investasi_juta_rp": 1e6, "nilai_investasi_miliar_rp": 1e9}, maximum=1e16),
    Column("status", choices=("tersedia", "dalam_penjajakan", "terealisasi")),
    Column("contact_agency", aliases=("kontak", "instansi", "instansi_kontak", "contact"), max_length=300),
    Column("licensing_url", "url", aliases=("tautan_perizinan", "link_perizinan", "perizinan_url")),
    Column("npv_idr", "number", aliases=("npv", "npv_rp"), minimum=-1e16, maximum=1e16),
    Column("irr_pct", "number", aliases=("irr", "irr_persen"), minimum=-100, maximum=1000),
    Column("bc_ratio", "number", aliases=("b_c_ratio", "bcr", "net_b_c"), minimum=0, maximum=1000),
    Column("payback_years", "number", aliases=("payback_period", "pbp", "payback_tahun", "payback_period_tahun"),
           minimum=0, maximum=100),
    Column("readiness", choices=("prastudi_kelayakan", "siap_investasi"), aliases=("kesiapan", "tingkat_kesiapan")),
    Column("land_status", aliases=("status_lahan",), max_length=300),
)

OPPORTUNITIES = Job(
    kind="opportunities", table="opportunities", title="Investment opportunities",
    columns=(*AREA_COLUMNS, *POINT_COLUMNS, *OPPORTUNITY_FIELDS),
    natural_key=("code",),
    stage={**{c.name: ("double precision" if c.type == "number" else "text") for c in OPPORTUNITY_FIELDS},
           "area_code": "text", "wkt": "text"},
    select={"geom": "ST_GeomFromText(s.wkt, 4326)"},
    transform=_opportunities, geometry="any",
)

# ---------------------------------------------------------------- comparison totals

SCOPES = {"kabupaten": "kabupaten", "kab": "kabupaten", "regency": "kabupaten", "provinsi": "provinsi",
          "prov": "provinsi", "province": "provinsi", "nasional": "nasional", "national": "nasional",
          "indonesia": "nasional"}


def _totals(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    _fill_table_values(frame, ctx, ("year",))
    if "subject" not in frame and ctx.options.commodity:
        frame["subject"] = ctx.options.commodity
    _require(frame, ctx, ("scope", "subject", "year", "value"))
    raw = frame["scope"] if "scope" in frame else pd.Series(None, index=frame.index)
    scope = each(raw, lambda v: SCOPES.get(slugify(v)))
    ctx.reject(raw.notna().to_numpy() & scope.isna().to_numpy(), "scope", raw,
               "scope must be kabupaten, provinsi or nasional", "invalid-value")
    out = frame.reindex(columns=["scope_code", "subject", "measure", "year", "value", "unit"])
    out["scope"] = scope
    out["scope_code"] = out["scope_code"].astype(object).where(out["scope_code"].notna(),
                                                               each(scope, {"nasional": "00"}.get))
    out["subject"] = _slug(out["subject"])
    out["measure"] = _slug(out["measure"]).fillna("production_ton")
    _require(out, ctx, ("scope_code",))
    return out


TOTALS = Job(
    kind="totals", table="comparison_totals", title="Comparison totals (regency, province, nation)",
    columns=(
        Column("scope", aliases=("cakupan", "tingkat", "level")),
        Column("scope_code", aliases=("kode_wilayah", "kode", "code")),
        Column("subject", aliases=("komoditas", "sektor", "commodity", "sector")),
        Column("measure", aliases=("ukuran", "indikator", "metric")),
        YEAR,
        Column("value", "number", aliases=("nilai", "jumlah", "total"), minimum=-1e16, maximum=1e16),
        Column("unit", aliases=("satuan",), max_length=16),
    ),
    natural_key=("scope", "scope_code", "subject", "measure", "year"),
    stage={"scope": "text", "scope_code": "text", "subject": "text", "measure": "text", "year": "smallint",
           "value": "double precision", "unit": "text"},
    transform=_totals,
)

# ---------------------------------------------------------------- GRDP by industry (etl/grdp.py)

GRDP = Job(
    kind="grdp", table="grdp", title="GRDP by industry, million Rupiah (BPS table: PDRB menurut lapangan usaha)",
    columns=(
        Column("category", max_length=16), Column("parent_category", max_length=16),
        Column("level", "integer", minimum=0, maximum=3), Column("label", max_length=300), YEAR,
        Column("preliminary", choices=("*", "**")), Column("value", "number", minimum=-1e16, maximum=1e16),
        Column("title_area"), Column("title_basis"),
    ),
    natural_key=("area_code", "price_basis", "category", "year"),
    stage={"area_code": "text", "price_basis": "text", "category": "text", "parent_category": "text",
           "level": "smallint", "label": "text", "year": "smallint", "preliminary": "text",
           "value_million_idr": "double precision"},
    transform=grdp_rows, reshape=reshape,
)

JOBS: dict[str, Job] = {j.kind: j for j in (BOUNDARIES, AGRICULTURE, FISHERIES, LANDING_SITES, PRODUCERS,
                                            OPPORTUNITIES, TOTALS, GRDP)}
