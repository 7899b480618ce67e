"""Tables of the platform (PostGIS, SRID 4326); Alembic migrations create them."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
AREA_LEVELS = ("kabupaten", "kecamatan", "desa")


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


def load_run_fk() -> Mapped[int]:
    """Column referencing the load run that wrote a row (provenance)."""
    return mapped_column(ForeignKey("load_runs.id"), index=True)


class LoadRun(Base):
    """One load of one source file: what, from where, how many rows, by whom."""

    __tablename__ = "load_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(Text, doc="identifies the source across corrections")
    source_name: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="loaded")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    loaded_by: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("status IN ('loaded', 'superseded')", name="status"),
        Index(None, "kind", "source_key"),
    )


class Area(Base):
    """An administrative area: kabupaten, kecamatan or desa/kelurahan, by Kemendagri code."""

    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    bps_code: Mapped[str | None] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, doc="normalised name for tolerant matching")
    level: Mapped[str] = mapped_column(String(16))
    type: Mapped[str | None] = mapped_column(String(16), doc="desa or kelurahan")
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326))
    area_km2: Mapped[float | None] = mapped_column(Float)
    area_source: Mapped[str | None] = mapped_column(Text, doc="published source of area_km2, or 'computed'")
    area_year: Mapped[int | None] = mapped_column(SmallInteger)
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(SmallInteger)
    population_source: Mapped[str | None] = mapped_column(Text)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    derived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          doc="dissolved from its desa; the real level replaces it")
    # Where the name goes on a map: the centre of the largest circle inside the polygon (migration 0006).
    label_point: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False),
        Computed("(ST_MaximumInscribedCircle(geom)).center", persisted=True))
    load_run_id: Mapped[int] = load_run_fk()

    __table_args__ = (
        CheckConstraint(f"level IN {AREA_LEVELS}", name="level"),
        Index(None, "level", "name_key"),
    )


class AgricultureProduction(Base):
    """Yearly crop figures of one commodity in one area."""

    __tablename__ = "agriculture_production"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    commodity: Mapped[str] = mapped_column(String(64))
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    planted_ha: Mapped[float | None] = mapped_column(Float)
    harvested_ha: Mapped[float | None] = mapped_column(Float)
    production_ton: Mapped[float | None] = mapped_column(Float)
    load_run_id: Mapped[int] = load_run_fk()

    __table_args__ = (
        UniqueConstraint("commodity", "area_code", "year"),
        Index(None, "commodity", "year"),
    )


class FisheriesProduction(Base):
    """Yearly fisheries figures of one kind (tambak, laut, kolam, garam, ...) in one area."""

    __tablename__ = "fisheries_production"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    species: Mapped[str] = mapped_column(String(64), default="", server_default="")
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    production_ton: Mapped[float | None] = mapped_column(Float)
    value_idr: Mapped[float | None] = mapped_column(Float)
    area_ha: Mapped[float | None] = mapped_column(Float)
    load_run_id: Mapped[int] = load_run_fk()

    __table_args__ = (
        UniqueConstraint("kind", "species", "area_code", "year"),
        Index(None, "kind", "year"),
    )


class LandingSite(Base):
    """A fish landing site (TPI / PPI / PP)."""

    __tablename__ = "landing_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326))
    location_precision: Mapped[str] = mapped_column(String(16), default="exact")
    note: Mapped[str | None] = mapped_column(Text)
    load_run_id: Mapped[int] = load_run_fk()


class Producer(Base):
    """A small business (UMKM/IKM): public fields only."""

    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text(collation="C"))
    products: Mapped[str | None] = mapped_column(Text)
    kbli: Mapped[str | None] = mapped_column(String(5), doc="KBLI 2020 code")
    sector: Mapped[str | None] = mapped_column(String(1), doc="KBLI 2020 section")
    address: Mapped[str | None] = mapped_column(Text)
    # No foreign keys on this, the large table: PostgreSQL checks them row by row (half the
    # cost of a bulk load). The ETL, its only writer, checks area codes while it holds a
    # SHARE lock on areas, and areas are never deleted; tests assert there are no orphans.
    area_code: Mapped[str] = mapped_column(String(20, collation="C"))  # "C": codes sort bytewise, fast
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326))
    location_precision: Mapped[str] = mapped_column(String(16), default="exact")
    phone: Mapped[str | None] = mapped_column(String(32))
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    website: Mapped[str | None] = mapped_column(Text)
    employees: Mapped[int | None] = mapped_column(Integer)
    established_year: Mapped[int | None] = mapped_column(SmallInteger)
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    search_words: Mapped[str] = mapped_column(Text(collation="C"), server_default="",
                                              doc="gis.text.producer_words, indexed as an array (migration 0004)")
    # No index on load_run_id either: replacing a source's rows scans the table once.
    load_run_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("area_code", "name_key"),  # also serves lookups by area
        Index(None, "tags", postgresql_using="gin"),
        Index("ix_producers_search_words", text("string_to_array(search_words, ' ')"), postgresql_using="gin"),
    )


class ProducerWord(Base):
    """Every word of the producers' search words, trigram-indexed: the search finds close and
    partial words here, then producers by their words (migration 0004)."""

    __tablename__ = "producer_words"

    word: Mapped[str] = mapped_column(Text(collation="C"), primary_key=True)

    __table_args__ = (
        Index("ix_producer_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )


class Opportunity(Base):
    """An investment opportunity with its project profile (bilingual)."""

    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title_id: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    description_id: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    sector: Mapped[str | None] = mapped_column(String(64), index=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    geom: Mapped[WKBElement | None] = mapped_column(Geometry("GEOMETRY", srid=4326))
    value_idr: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(32))
    contact_agency: Mapped[str | None] = mapped_column(Text)
    licensing_url: Mapped[str | None] = mapped_column(Text)
    npv_idr: Mapped[float | None] = mapped_column(Float)
    irr_pct: Mapped[float | None] = mapped_column(Float)
    bc_ratio: Mapped[float | None] = mapped_column(Float)
    payback_years: Mapped[float | None] = mapped_column(Float)
    readiness: Mapped[str | None] = mapped_column(String(32))
    land_status: Mapped[str | None] = mapped_column(Text)
    load_run_id: Mapped[int] = load_run_fk()


class ComparisonTotal(Base):
    """A reference total (regency, province, nation) for location quotient and shift-share."""

    __tablename__ = "comparison_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(64), doc="commodity or sector")
    measure: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(SmallInteger)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    load_run_id: Mapped[int] = load_run_fk()

    __table_args__ = (
        UniqueConstraint("scope", "scope_code", "subject", "measure", "year"),
        CheckConstraint("scope IN ('kabupaten', 'provinsi', 'nasional')", name="scope"),
    )


class Grdp(Base):
    """GRDP by industry (PDRB menurut lapangan usaha) of the regency, its province or the nation, in million
    Rupiah (juta rupiah), as BPS publishes it; loaded by ``etl load grdp`` (etl/grdp.py).

    ``area_code`` is the regency's Kemendagri code (``32.12``), its province's (``32``) or ``00`` for Indonesia:
    the province and the nation are reference regions, not rows of ``areas`` (not on the map). ``level`` 1 rows
    are the 17 categories (A..L, M-N, O, P, Q, R-U); with the ``TAX`` row of a national table (taxes less
    subsidies on products, level 0) they sum to the published total, category ``PDRB`` (level 0). Levels 2 and 3
    are their detail ("1. Pertanian ...", "a. Tanaman Pangan": code ``A.1.a``), never to be added to them.
    ``preliminary``: ``*`` angka sementara, ``**`` angka sangat sementara.
    """

    __tablename__ = "grdp"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(20))
    price_basis: Mapped[str] = mapped_column(String(4), doc="adhk: constant 2010 prices; adhb: current prices")
    category: Mapped[str] = mapped_column(String(16))
    parent_category: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(SmallInteger)
    label: Mapped[str] = mapped_column(Text, doc="the row's name as published")
    year: Mapped[int] = mapped_column(SmallInteger)
    preliminary: Mapped[str | None] = mapped_column(String(2))
    value_million_idr: Mapped[float] = mapped_column(Float)
    load_run_id: Mapped[int] = load_run_fk()

    __table_args__ = (
        UniqueConstraint("area_code", "price_basis", "category", "year"),
        CheckConstraint("price_basis IN ('adhk', 'adhb')", name="price_basis"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level"),
        CheckConstraint("preliminary IN ('*', '**')", name="preliminary"),
    )


class ApiKey(Base):
    """An API key of a data steward: only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), doc="first characters of the token, for display")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
