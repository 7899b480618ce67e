"""The one layer registry: every collection the outside world sees, declared once.

A ``Layer`` carries its geometry and properties, its filters (``Prop.filterable``, ``Prop.area``), its tile
policy (``TilePolicy``), its style (``Style``: colours, ramp; ``Label``: names on the maps), its titles, and,
for a statistical dataset, its subject and measures (``Stats``). OGC API Features, vector tiles, the MapLibre
style, REST v1, exports, statistics, analysis, the OpenAPI documents and the pages' scripts all read these
declarations at call time: a new layer is one more entry in ``LAYERS`` (``registered`` adds one for a while).
SQL fragments here are written by us, never by users: user input reaches SQL only as bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from gis.kbli import SECTIONS

PropType = Literal["string", "number", "integer", "boolean", "array"]
K = TypeVar("K")
V = TypeVar("V")

RAMPS: dict[str, tuple[str, ...]] = {  # ColorBrewer, 5 classes: the choropleths of the style and the pages
    "YlGn": ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"),
    "PuBu": ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"),
    "Oranges": ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"),
}
SECTION_COLORS: dict[str, str] = dict(zip(SECTIONS, [
    "#33a02c", "#8c510a", "#e65100", "#ffd600", "#00838f", "#6d4c41", "#1565c0", "#5e35b1", "#d81b60",
    "#00897b", "#3949ab", "#7cb342", "#c0ca33", "#f4511e", "#546e7a", "#8e24aa", "#e53935", "#fb8c00",
    "#795548", "#9e9e9e", "#212121",
], strict=True))
_COLUMN = re.compile(r"^t\.([a-z_][a-z0-9_]*)$")


@dataclass(frozen=True)
class Prop:
    """A public property of a layer's features."""

    name: str
    sql: str
    type: PropType = "string"
    title_id: str = ""
    title_en: str = ""
    filterable: bool = False
    area: bool = False  # holds Kemendagri codes: its filter keeps what lies inside the given areas (gis/filters.py)

    def title(self, lang: str = "id") -> str:
        """Title in Indonesian (default) or English; the name when none is declared."""
        return (self.title_en if lang == "en" else self.title_id) or self.name


@dataclass(frozen=True)
class Label:
    """Names of a layer's features on the maps: which features, at which zooms, and which names go first.

    Maps place labels by ``priority`` (0 first) and, within a priority, by the number in ``sort`` (lowest
    first); a label that would overlap one already placed is left out. The MapLibre style (``webmap/tiles.py``)
    and the Leaflet pages (``static/js/peta-layers.js``) both draw from these declarations.
    """

    id: str
    min_zoom: float
    max_zoom: float = 24.0  # shown from ``min_zoom`` up to, not including, ``max_zoom``
    priority: int = 0
    text_id: str = "name"  # the property holding the text on Indonesian maps
    text_en: str | None = None  # on English maps; None: the same (place names are not translated)
    only: tuple[str, str] | None = None  # (property, value): label only the features that have it
    sort: str | None = None  # a number property: lower first within the priority
    size: int = 11  # px
    bold: bool = False
    caps: bool = False
    color: str = "#263238"
    beside: bool = False  # next to the feature's point symbol, instead of centred on its point

    def text(self, lang: str = "id") -> str:
        """The property holding the text in ``lang``."""
        return self.text_en if lang == "en" and self.text_en else self.text_id


@dataclass(frozen=True)
class TilePolicy:
    """How a layer is drawn into vector tiles: grid aggregation of points and its limits."""

    aggregate_below: int = 0  # points: one feature per grid cell below this zoom
    group_by: str | None = None  # each cell carries the most common value of this property
    grid: int = 32  # cells per tile side when aggregating by zoom (16 px at 512 px tiles)
    max_points: int = 3000  # a raw tile with more points uses the dense grid instead (keeps it < 500 KB)
    dense_grid: int = 128  # cells per tile side in dense raw tiles


@dataclass(frozen=True)
class Style:
    """How the maps draw a layer: outlines and fills of areas, circles of points, or a choropleth ramp."""

    line: str | None = None  # outline colour
    width: float = 1.0  # outline width, px
    fill: str | None = None  # area fill colour
    color: str | None = None  # point (and site) colour
    radius: float = 5.0  # point radius, px
    ramp: str | None = None  # a name in RAMPS: the classes of a choropleth
    color_by: str | None = None  # a property whose value picks the point colour in ``palette``
    palette: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def ramp_colors(self) -> tuple[str, ...]:
        """The colours of the ramp, lightest first (empty without a ramp)."""
        return RAMPS[self.ramp] if self.ramp else ()


@dataclass(frozen=True)
class Stats:
    """The statistical part of a production layer: one row per area, year and subject, with measures.

    ``subject`` and every measure are properties of the layer read straight from its base table (``t.<name>``).
    The statistics API takes the subject as ``?<param>=``; ``subjects`` names the known ones (others show their
    id, tidied); ``sector_*`` is what the sector is called where the layer's title would be too long.
    """

    subject: str
    measures: Mapping[str, str] = field(hash=False)  # measure property -> unit
    sector_id: str = ""
    sector_en: str = ""
    param: str = ""  # the subject's query parameter; default: the subject's name
    default_measure: str = "production_ton"
    subjects: Mapping[str, tuple[str, str]] = field(default_factory=dict, hash=False)  # id -> (Indonesian, English)

    @property
    def subject_param(self) -> str:
        """The query parameter naming the subject (``commodity``, ``kind``)."""
        return self.param or self.subject

    def sector(self, lang: str = "id") -> str:
        """The sector's name in Indonesian (default) or English."""
        return self.sector_en if lang == "en" else self.sector_id


@dataclass(frozen=True)
class Layer:
    """A collection: where its rows come from, its geometry, properties, style, tiles and statistics."""

    id: str
    title_id: str
    title_en: str
    description_id: str
    description_en: str
    source: str  # SQL FROM item; the layer's own row alias is ``t``
    id_sql: str
    id_type: Literal["integer", "string"]
    geom_sql: str
    geometry_type: Literal["Point", "MultiPolygon", "Geometry"]
    properties: tuple[Prop, ...]
    table: str  # base table (estimates of row counts, cache keys)
    where: str = "TRUE"
    year_sql: str | None = None
    style: Style = Style()
    min_zoom: int = 0
    max_zoom: int = 22
    labels: tuple[Label, ...] = ()  # how the maps name its features (none: the maps name none)
    tiles: TilePolicy = TilePolicy()
    stats: Stats | None = None  # a statistical dataset: mapped per area, subject and year

    @property
    def is_points(self) -> bool:
        """True for point layers (thinned or clustered at low zoom in tiles)."""
        return self.geometry_type == "Point"

    def prop(self, name: str) -> Prop | None:
        """The property called ``name``, or None."""
        return next((p for p in self.properties if p.name == name), None)

    @property
    def filters(self) -> tuple[str, ...]:
        """Names of the properties usable as ``?name=value`` filters."""
        return tuple(p.name for p in self.properties if p.filterable)

    def title(self, lang: str = "id") -> str:
        """Title in Indonesian (default) or English."""
        return self.title_en if lang == "en" else self.title_id

    def description(self, lang: str = "id") -> str:
        """Description in Indonesian (default) or English."""
        return self.description_en if lang == "en" else self.description_id


def _area_props(extra: tuple[Prop, ...] = ()) -> tuple[Prop, ...]:
    return (
        Prop("code", "t.code", "string", "Kode wilayah", "Area code", True),
        Prop("name", "t.name", "string", "Nama", "Name", True),
        Prop("level", "t.level", "string", "Tingkat", "Level"),
        Prop("parent_code", "t.parent_code", "string", "Kode induk", "Parent code", True, area=True),
        *extra,
        Prop("area_km2", "t.area_km2", "number", "Luas (km²)", "Area (km²)"),
        Prop("area_source", "t.area_source", "string", "Sumber luas ('computed' = dihitung dari poligon)",
             "Area source ('computed' = measured from the polygon)"),
        Prop("area_year", "t.area_year", "integer", "Tahun luas", "Area year"),
        Prop("population", "t.population", "integer", "Penduduk", "Population"),
        Prop("population_year", "t.population_year", "integer", "Tahun penduduk", "Population year"),
        Prop("population_source", "t.population_source", "string", "Sumber penduduk", "Population source"),
        Prop("approximate", "t.approximate", "boolean", "Batas perkiraan", "Approximate boundary"),
        Prop("derived", "t.derived", "boolean", "Digabung dari desa", "Dissolved from its desa"),
    )


def _area_layer(level: str, title_id: str, title_en: str, color: str, min_zoom: int,
                extra: tuple[Prop, ...] = (), width: float = 1.5) -> Layer:
    return Layer(
        id=level, title_id=title_id, title_en=title_en,
        description_id=f"Batas administrasi {title_id.lower()} (kode Kemendagri).",
        description_en=f"Administrative boundaries: {title_en.lower()} (Kemendagri codes).",
        source="areas t", id_sql="t.code", id_type="string", geom_sql="t.geom",
        geometry_type="MultiPolygon", properties=_area_props(extra), table="areas",
        where=f"t.level = '{level}'", style=Style(line=color, width=width),
        min_zoom=min_zoom,
    )


# The regency's outline is its coast and its islands too: drawn wider, over the finer boundaries, at every zoom.
KABUPATEN = _area_layer("kabupaten", "Kabupaten", "Regency", "#263238", 0, width=2.5)
KECAMATAN = _area_layer("kecamatan", "Kecamatan", "District", "#455a64", 7)
DESA = _area_layer("desa", "Desa/Kelurahan", "Village", "#78909c", 10,
                   (Prop("type", "t.type", "string", "Jenis", "Type", True),), width=0.8)

# One point per area, stored by the database (areas.label_point, migration 0006): maps name each area once, inside
# it, wherever its polygon is cut into tiles. ``rank`` orders the names of a level for the maps' collision checks.
AREA_LABELS = Layer(
    id="area-labels", title_id="Titik nama wilayah", title_en="Area label points",
    description_id=("Satu titik per kabupaten, kecamatan dan desa/kelurahan tempat namanya ditulis di peta: pusat "
                    "lingkaran terbesar di dalam batasnya. rank 1 = penduduk terbanyak di tingkatnya (lalu terluas)."),
    description_en=("One point per regency, district and village where its name goes on a map: the centre of the "
                    "largest circle inside its boundary. rank 1 = the most populous of its level (then the largest)."),
    source=("(SELECT a.code, a.name, a.level, a.parent_code, a.label_point, row_number() OVER (PARTITION BY a.level "
            "ORDER BY a.population DESC NULLS LAST, a.area_km2 DESC NULLS LAST, a.code) AS rank FROM areas a) t"),
    id_sql="t.code", id_type="string", geom_sql="t.label_point", geometry_type="Point",
    properties=(
        Prop("code", "t.code", "string", "Kode wilayah", "Area code", True),
        Prop("name", "t.name", "string", "Nama", "Name", True),
        Prop("level", "t.level", "string", "Tingkat", "Level", True),
        Prop("parent_code", "t.parent_code", "string", "Kode induk", "Parent code", True, area=True),
        Prop("rank", "t.rank", "integer", "Urutan di tingkatnya", "Rank within its level"),
    ),
    table="areas", where="NOT ST_IsEmpty(t.label_point)", min_zoom=7,  # an area made empty, to be filled in a load
    labels=(
        Label("kecamatan", min_zoom=9, max_zoom=12, priority=0, only=("level", "kecamatan"), sort="rank", size=13,
              bold=True, caps=True, color="#263238"),
        Label("desa", min_zoom=12, priority=3, only=("level", "desa"), sort="rank", size=11, color="#37474f"),
    ),
)

PRODUCERS = Layer(
    id="producers", title_id="Produsen UMKM/IKM", title_en="Producers (UMKM/IKM)",
    description_id="Usaha mikro, kecil dan menengah serta industri kecil: produk, sektor KBLI 2020, kontak.",
    description_en="Micro, small and medium businesses and small industries: products, KBLI 2020 sector, contact.",
    source="producers t", id_sql="t.id", id_type="integer", geom_sql="t.geom", geometry_type="Point",
    properties=(
        Prop("name", "t.name", "string", "Nama usaha", "Business name"),
        Prop("products", "t.products", "string", "Produk", "Products"),
        Prop("kbli", "t.kbli", "string", "KBLI 2020", "KBLI 2020", True),
        Prop("sector", "t.sector", "string", "Sektor (seksi KBLI)", "Sector (KBLI section)", True),
        Prop("address", "t.address", "string", "Alamat", "Address"),
        Prop("area_code", "t.area_code", "string", "Kode desa", "Village code", True, area=True),
        Prop("phone", "t.phone", "string", "Telepon", "Phone"),
        Prop("whatsapp", "t.whatsapp", "string", "WhatsApp", "WhatsApp"),
        Prop("website", "t.website", "string", "Situs web", "Website"),
        Prop("employees", "t.employees", "integer", "Tenaga kerja", "Employees", True),
        Prop("established_year", "t.established_year", "integer", "Tahun berdiri", "Established", True),
        Prop("tags", "t.tags", "array", "Label", "Tags", True),
        Prop("location_precision", "t.location_precision", "string", "Ketepatan lokasi", "Location precision"),
    ),
    table="producers", style=Style(color="#e65100", radius=5, color_by="sector", palette=SECTION_COLORS),
    min_zoom=0,
    # The large layer (10^5-10^6 rows): grid cells below z13, each with its most common KBLI section.
    tiles=TilePolicy(aggregate_below=13, group_by="sector"),
)

LANDING_SITES = Layer(
    id="landing-sites", title_id="Tempat Pelelangan Ikan (TPI)", title_en="Fish landing sites (TPI)",
    description_id="Tempat pelelangan dan pendaratan ikan.", description_en="Fish auctions and landing sites.",
    source="landing_sites t", id_sql="t.id", id_type="integer", geom_sql="t.geom", geometry_type="Point",
    properties=(
        Prop("name", "t.name", "string", "Nama", "Name", True),
        Prop("area_code", "t.area_code", "string", "Kode desa", "Village code", True, area=True),
        Prop("location_precision", "t.location_precision", "string", "Ketepatan lokasi", "Location precision"),
        Prop("note", "t.note", "string", "Keterangan", "Note"),
    ),
    table="landing_sites", style=Style(color="#0277bd", radius=7),
    labels=(Label("landing-sites", min_zoom=10, priority=1, color="#01579b", beside=True),),
)

OPPORTUNITIES = Layer(
    id="opportunities", title_id="Peluang investasi", title_en="Investment opportunities",
    description_id="Peluang dan profil proyek investasi.",
    description_en="Investment opportunities and project profiles.",
    source="opportunities t", id_sql="t.id", id_type="integer", geom_sql="t.geom", geometry_type="Geometry",
    properties=(
        Prop("code", "t.code", "string", "Kode", "Code", True),
        Prop("title_id", "t.title_id", "string", "Judul", "Title (Indonesian)"),
        Prop("title_en", "t.title_en", "string", "Judul (Inggris)", "Title"),
        Prop("description_id", "t.description_id", "string", "Deskripsi", "Description (Indonesian)"),
        Prop("description_en", "t.description_en", "string", "Deskripsi (Inggris)", "Description"),
        Prop("sector", "t.sector", "string", "Sektor", "Sector", True),
        Prop("area_code", "t.area_code", "string", "Kode wilayah", "Area code", True, area=True),
        Prop("value_idr", "t.value_idr", "number", "Nilai investasi (Rp)", "Investment value (IDR)"),
        Prop("status", "t.status", "string", "Status", "Status", True),
        Prop("contact_agency", "t.contact_agency", "string", "Instansi kontak", "Contact agency"),
        Prop("licensing_url", "t.licensing_url", "string", "Perizinan", "Licensing"),
        Prop("npv_idr", "t.npv_idr", "number", "NPV (Rp)", "NPV (IDR)"),
        Prop("irr_pct", "t.irr_pct", "number", "IRR (%)", "IRR (%)"),
        Prop("bc_ratio", "t.bc_ratio", "number", "B/C", "B/C ratio"),
        Prop("payback_years", "t.payback_years", "number", "Periode pengembalian (tahun)", "Payback (years)"),
        Prop("readiness", "t.readiness", "string", "Kesiapan", "Readiness", True),
        Prop("land_status", "t.land_status", "string", "Status lahan", "Land status"),
    ),
    table="opportunities", style=Style(color="#2e7d32", radius=8),
    labels=(Label("opportunities", min_zoom=11, priority=2, text_id="title_id", text_en="title_en",
                  color="#1b5e20", beside=True),),
)

_PRODUCTION_AREA = (
    Prop("area_code", "t.area_code", "string", "Kode wilayah", "Area code", True, area=True),
    Prop("area_name", "a.name", "string", "Wilayah", "Area"),
    Prop("level", "a.level", "string", "Tingkat", "Level", True),
)

AGRICULTURE = Layer(
    id="agriculture", title_id="Produksi pertanian", title_en="Agricultural production",
    description_id="Luas tanam, luas panen dan produksi per komoditas, wilayah dan tahun.",
    description_en="Planted and harvested area and production by commodity, area and year.",
    source="agriculture_production t JOIN areas a ON a.code = t.area_code", id_sql="t.id", id_type="integer",
    geom_sql="a.geom", geometry_type="MultiPolygon",
    properties=(
        Prop("commodity", "t.commodity", "string", "Komoditas", "Commodity", True),
        Prop("year", "t.year", "integer", "Tahun", "Year", True),
        *_PRODUCTION_AREA,
        Prop("planted_ha", "t.planted_ha", "number", "Luas tanam (ha)", "Planted (ha)"),
        Prop("harvested_ha", "t.harvested_ha", "number", "Luas panen (ha)", "Harvested (ha)"),
        Prop("production_ton", "t.production_ton", "number", "Produksi (ton)", "Production (t)"),
    ),
    table="agriculture_production", year_sql="t.year", style=Style(ramp="YlGn"),
    stats=Stats(
        subject="commodity", measures={"production_ton": "ton", "harvested_ha": "ha", "planted_ha": "ha"},
        sector_id="Pertanian", sector_en="Agriculture",
        subjects={
            "padi": ("Padi", "Rice (paddy)"),
            "jagung": ("Jagung", "Maize"),
            "kedelai": ("Kedelai", "Soybean"),
            "mangga": ("Mangga", "Mango"),
            "bawang_merah": ("Bawang merah", "Shallot"),
            "cabai_besar": ("Cabai besar", "Large chilli"),
            "cabai_rawit": ("Cabai rawit", "Bird's eye chilli"),
            "daging_ayam": ("Daging ayam", "Chicken meat"),
            "daging_sapi": ("Daging sapi", "Beef"),
            "telur_ayam": ("Telur ayam", "Chicken eggs"),
        }),
)

FISHERIES = Layer(
    id="fisheries", title_id="Produksi perikanan", title_en="Fisheries production",
    description_id="Produksi perikanan tangkap, budidaya dan garam per wilayah dan tahun.",
    description_en="Capture, aquaculture and salt production by area and year.",
    source="fisheries_production t JOIN areas a ON a.code = t.area_code", id_sql="t.id", id_type="integer",
    geom_sql="a.geom", geometry_type="MultiPolygon",
    properties=(
        Prop("kind", "t.kind", "string", "Jenis", "Kind", True),
        Prop("species", "t.species", "string", "Spesies", "Species", True),
        Prop("year", "t.year", "integer", "Tahun", "Year", True),
        *_PRODUCTION_AREA,
        Prop("production_ton", "t.production_ton", "number", "Produksi (ton)", "Production (t)"),
        Prop("value_idr", "t.value_idr", "number", "Nilai (Rp)", "Value (IDR)"),
        Prop("area_ha", "t.area_ha", "number", "Luas (ha)", "Area (ha)"),
    ),
    table="fisheries_production", year_sql="t.year", style=Style(ramp="PuBu"),
    stats=Stats(
        subject="kind", measures={"production_ton": "ton", "value_idr": "IDR", "area_ha": "ha"},
        sector_id="Perikanan", sector_en="Fisheries",
        subjects={
            "tambak": ("Budidaya tambak (air payau)", "Brackish-water ponds"),
            "kolam": ("Budidaya kolam (air tawar)", "Freshwater ponds"),
            "laut": ("Perikanan tangkap laut", "Marine capture"),
            "perairan_umum": ("Perairan umum", "Inland open waters"),
            "rumput_laut": ("Rumput laut", "Seaweed"),
            "garam": ("Garam", "Salt"),
        }),
)

LAYERS: dict[str, Layer] = {
    layer.id: layer
    for layer in (KABUPATEN, KECAMATAN, DESA, AREA_LABELS, PRODUCERS, LANDING_SITES, OPPORTUNITIES, AGRICULTURE,
                  FISHERIES)
}
_generation = [0]  # bumped whenever ``registered`` changes LAYERS: caches keyed by layer id include it


def map_labels() -> list[tuple[Layer, Label]]:
    """Every label declaration of the registry with its layer, in placing order (priority first)."""
    found = [(layer, label) for layer in LAYERS.values() for label in layer.labels]
    return sorted(found, key=lambda pair: pair[1].priority)


def stat_layers() -> tuple[Layer, ...]:
    """The statistical datasets of the registry (layers with ``stats``), in registry order."""
    return tuple(layer for layer in LAYERS.values() if layer.stats is not None)


def stat_layer(layer_id: str) -> Layer:
    """The statistical layer ``layer_id``; KeyError naming those there are."""
    layer = LAYERS.get(layer_id)
    if layer is None or layer.stats is None:
        raise KeyError(f"no statistical layer {layer_id!r}; there are {', '.join(sector_ids())}")
    return layer


def sector_ids() -> tuple[str, ...]:
    """Ids of the statistical layers: the sectors of the statistics and analysis APIs."""
    return tuple(layer.id for layer in stat_layers())


def subject_labels() -> dict[str, tuple[str, str]]:
    """The declared labels of every statistical layer's subjects (first declaration wins)."""
    found: dict[str, tuple[str, str]] = {}
    for layer in reversed(stat_layers()):
        found.update(layer.stats.subjects if layer.stats else {})
    return found


def registry_version() -> int:
    """A number that changes whenever the registry does (part of the keys of caches built from it)."""
    return _generation[0]


class LiveMapping(Mapping[K, V]):
    """A read-only mapping made from the registry on every access: never a stale copy of ``LAYERS``."""

    def __init__(self, make: Callable[[], Mapping[K, V]]) -> None:
        self._make = make

    def __getitem__(self, key: K) -> V:
        return self._make()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._make())

    def __len__(self) -> int:
        return len(self._make())

    def __repr__(self) -> str:
        return f"LiveMapping({dict(self._make())!r})"


class LiveSequence(Sequence[V]):
    """A read-only sequence made from the registry on every access (``LiveSequence(sector_ids)``)."""

    def __init__(self, make: Callable[[], Sequence[V]]) -> None:
        self._make = make

    def __getitem__(self, index: int) -> V:  # type: ignore[override]
        return self._make()[index]

    def __len__(self) -> int:
        return len(self._make())

    def __repr__(self) -> str:
        return f"LiveSequence({tuple(self._make())!r})"


def check_layer(layer: Layer) -> None:
    """Raise ValueError when a declaration contradicts itself (a measure that is no column, an unknown ramp)."""
    problems = []
    if layer.style.ramp and layer.style.ramp not in RAMPS:
        problems.append(f"ramp {layer.style.ramp!r} is not one of {', '.join(RAMPS)}")
    for name in (layer.tiles.group_by, layer.style.color_by):
        if name and layer.prop(name) is None:
            problems.append(f"{name!r} is not a property")
    if layer.stats:
        stats = layer.stats
        if layer.year_sql is None or layer.prop("area_code") is None:
            problems.append("a statistical layer needs year_sql and an area_code property")
        for name in (stats.subject, *stats.measures):
            prop = layer.prop(name)
            column = _COLUMN.match(prop.sql) if prop else None
            if column is None or column.group(1) != name:
                problems.append(f"{name!r} must be a property read from the column t.{name}")
        if stats.default_measure not in stats.measures:
            problems.append(f"default measure {stats.default_measure!r} is not a measure")
    if problems:
        raise ValueError(f"layer {layer.id!r}: " + "; ".join(problems))


@contextmanager
def registered(*layers: Layer) -> Iterator[tuple[Layer, ...]]:
    """``LAYERS`` with ``layers`` added (or replacing those of the same id) inside the block, as before after it.

    For tests and tools, not while serving: every interface reads the registry at call time, so a layer
    registered here is in OGC API, tiles, style, REST, exports, statistics, analysis and the pages.
    """
    for layer in layers:
        check_layer(layer)
    before = dict(LAYERS)
    LAYERS.update({layer.id: layer for layer in layers})
    _generation[0] += 1
    try:
        yield layers
    finally:
        LAYERS.clear()
        LAYERS.update(before)  # in place: modules hold this very dict
        _generation[0] += 1
