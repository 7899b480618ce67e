"""Searches: producers (tolerant text, sector, tag, area, near a point; keyset pages) and opportunities.

Every word of ``q`` must occur in the name, products or tags, either as part of a word or
(words of four letters or more) as a close word (pg_trgm word similarity), after
lower-casing and removing accents. Rows where more words occur literally come first.
A query word of letters is first looked up in the vocabulary (``producer_words``, trigram
index): the words that contain it and the close words; then the producers holding one of
them are found by the GIN index of ``search_words`` (migration 0004). A query word with
digits, or of two letters, matches name, products and tags as a substring (ILIKE; LIKE
for digits alone).

Near a point, rows are ordered by exact geodesic distance. The GiST index only orders
by planar distance in degrees (``<->``), so a query first takes the ``limit`` nearest
matching rows by ``<->``, bounds the planar radius that can hold the exact ``limit``
nearest (the ratio of the largest to the smallest metres-per-degree near the point),
then sorts the rows inside that radius by geodesic distance: index-assisted, and exact.
When the filters match few rows near the point, it selects the matches first instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from gis.area_codes import AREA_CODE
from gis.errors import InvalidRequest
from gis.kbli import SECTIONS, section_label
from gis.layers import OPPORTUNITIES, PRODUCERS
from gis.text import is_word, plain_text

DEFAULT_RADIUS_M = 5000.0
MAX_RADIUS_M = 50_000.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
PROBE_ROWS = 5_000  # nearest rows a near-search walks before it filters first instead
# Word similarity needed for a fuzzy match: long words tolerate the Indonesian schwa
# spellings ("kerupuk" ~ "krupuk" scores 0.5), shorter ones would match too much
# ("udang" ~ "padang"), and words under four letters match literally only.
LOOSE_SIMILARITY = 0.5
STRICT_SIMILARITY = 0.6
LOOSE_FROM_LENGTH = 7
FUZZY_FROM_LENGTH = 4
WORDS_KEY = "string_to_array(t.search_words, ' ')"  # gis.text.producer_words, as its GIN index (migration 0004)
TEXT_COLUMNS = ("t.name", "t.products", "array_to_string(t.tags, ' ')")
VOCABULARY_FROM_LENGTH = 3  # shorter terms (and terms with digits) match TEXT_COLUMNS: no trigram to look up
_POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
_DISTANCE = f"ST_Distance(t.geom::geography, {_POINT}::geography)"
_TAG = re.compile(r"[\w-]{1,64}")
_M_PER_DEG_LAT = (110_574.0, 111_694.0)  # WGS84 meridian degree at the equator and at the poles
_M_PER_DEG_LON_EQUATOR = 111_320.0 * 1.0034  # parallel degree at the equator, upper bound


class InvalidSearch(InvalidRequest):
    """A search parameter (or cursor) the client must fix."""


@dataclass(frozen=True)
class ProducerQuery:
    """What to search for; every field is optional."""

    q: str | None = None
    sector: str | None = None
    tag: str | None = None
    area: str | None = None
    near: tuple[float, float] | None = None
    radius_m: float = DEFAULT_RADIUS_M
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


def search_terms(q: str | None) -> list[str]:
    """Words of ``q``, lower-cased and without accents ("Kérupuk  UDANG" -> ["kerupuk", "udang"])."""
    if q is None or not q.strip():
        return []
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidSearch(f"q must be at most {MAX_QUERY_LENGTH} characters")
    terms = list(dict.fromkeys(w for w in re.findall(r"\w+", plain_text(q)) if len(w) >= 2))
    if not terms:
        raise InvalidSearch("q needs at least one word of two or more letters or digits")
    if len(terms) > MAX_TERMS:
        raise InvalidSearch(f"q may have at most {MAX_TERMS} words")
    return terms


def search_producers(engine: Engine, query: ProducerQuery, lang: str = "id") -> dict[str, Any]:
    """Search producers; a GeoJSON FeatureCollection with ``next_cursor`` (and ``distance_m`` when near)."""
    terms = search_terms(query.q)
    _check_filters(query)
    mode = "near" if query.near else ("text" if terms else "plain")
    fingerprint = _fingerprint(query, terms)
    after = decode_cursor(query.cursor, mode, fingerprint) if query.cursor else None
    conds, params = _conditions(query, terms)
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :v, true)"),
                     {"v": str(LOOSE_SIMILARITY)})
        if query.area and not _area_exists(conn, query.area):
            raise InvalidSearch(f"area {query.area!r} is not a known kabupaten, kecamatan or desa code")
        params.update(_vocabulary_words(conn, terms))
        if mode == "near":
            rows = _near_rows(conn, [*conds, *_term_conditions(terms)], params, query, after, query.limit + 1)
        elif mode == "text":
            rows = _text_rows(conn, conds, params, terms, after, query.limit + 1)
        else:
            sql = _plain_sql(conds, params, after)
            rows = conn.execute(text(sql), {**params, "limit_plus": query.limit + 1}).mappings().all()
    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    features = [_feature(row, lang, mode == "near") for row in rows]
    next_cursor = encode_cursor(_key_of(rows[-1], mode), fingerprint) if has_more and rows else None
    return {"type": "FeatureCollection", "features": features, "numberReturned": len(features),
            "next_cursor": next_cursor}


def _check_filters(query: ProducerQuery) -> None:
    if query.sector is not None and query.sector not in SECTIONS:
        raise InvalidSearch(f"sector must be a KBLI 2020 section letter A..U, got {query.sector!r}")
    if query.tag is not None and not _TAG.fullmatch(query.tag):
        raise InvalidSearch("tag must be 1-64 letters, digits, '-' or '_'")
    if query.area is not None and not AREA_CODE.fullmatch(query.area):
        raise InvalidSearch(f"area must be a Kemendagri code such as 32.12.16 or 32.12.16.2004, got {query.area!r}")
    if not 0 < query.radius_m <= MAX_RADIUS_M:
        raise InvalidSearch(f"radius must be more than 0 and at most {MAX_RADIUS_M:.0f} metres")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidSearch(f"limit must be between 1 and {MAX_LIMIT}")


def _area_exists(conn: Any, code: str) -> bool:
    return conn.execute(text("SELECT 1 FROM areas WHERE code = :code"), {"code": code}).first() is not None


def _conditions(query: ProducerQuery, terms: list[str]) -> tuple[list[str], dict[str, Any]]:
    """WHERE conditions of the filters (our SQL) and the bound parameters of everything (the user's values)."""
    conds: list[str] = []
    params: dict[str, Any] = {}
    for i, term in enumerate(terms):
        params[f"pattern{i}"] = _like_pattern(term)
    if query.sector:
        conds.append("t.sector = :sector")
        params["sector"] = query.sector
    if query.tag:
        conds.append("t.tags @> ARRAY[CAST(:tag AS text)]")
        params["tag"] = query.tag
    if query.area:
        # Codes are fixed-width, so a prefix is exactly the area and what lies inside it.
        conds.append("t.area_code = ANY(ARRAY(SELECT code FROM areas WHERE code LIKE :area_prefix))")
        params["area_prefix"] = query.area + "%"
    if query.near:
        lon, lat = query.near
        dlon, dlat = _degree_box(lat, query.radius_m)
        params.update(lon=lon, lat=lat, dlon=dlon, dlat=dlat, radius=query.radius_m)
    return conds, params


_WITHIN_RADIUS = (f"t.geom && ST_Expand({_POINT}, :dlon, :dlat)",
                  f"ST_DWithin(t.geom::geography, {_POINT}::geography, :radius)")


def _in_vocabulary(term: str) -> bool:
    """Whether ``term`` is looked up in the vocabulary (else it matches ``TEXT_COLUMNS`` as a substring)."""
    return is_word(term) and len(term) >= VOCABULARY_FROM_LENGTH


def _vocabulary_words(conn: Connection, terms: list[str]) -> dict[str, list[str]]:
    """Per vocabulary term: the words that contain it (``literal{i}``), and those plus the close words
    (``words{i}``): ``<%`` (index-assisted) at the session's loose threshold, stricter for short terms."""
    params: dict[str, list[str]] = {}
    for i, term in enumerate(terms):
        if not _in_vocabulary(term):
            continue
        close = "FALSE"
        if len(term) >= LOOSE_FROM_LENGTH:
            close = ":term <% word"
        elif len(term) >= FUZZY_FROM_LENGTH:
            close = f"(:term <% word AND word_similarity(:term, word) >= {STRICT_SIMILARITY})"
        literal, words = conn.execute(text(
            "SELECT coalesce(array_agg(word) FILTER (WHERE word LIKE :pattern), '{}'), "
            f"coalesce(array_agg(word), '{{}}') FROM producer_words WHERE word LIKE :pattern OR {close}"),
            {"term": term, "pattern": _like_pattern(term)}).one()
        params.update({f"literal{i}": literal, f"words{i}": words})
    return params


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_condition(term: str, i: int) -> str:
    """The row holds the term: as part of a word or as a close word (vocabulary), or as a substring."""
    if _in_vocabulary(term):
        return f"{WORDS_KEY} && CAST(:words{i} AS text[])"
    return _substring_condition(term, i)


def _literal_condition(term: str, i: int) -> str:
    """The row holds the term literally (as part of a word)."""
    if _in_vocabulary(term):
        return f"{WORDS_KEY} && CAST(:literal{i} AS text[])"
    return _substring_condition(term, i)


def _substring_condition(term: str, i: int) -> str:
    """Name, products or tags hold the term as written (ILIKE only when it has letters: LIKE is 3x faster)."""
    like = "ILIKE" if any(c.isalpha() for c in term) else "LIKE"
    return "(" + " OR ".join(f"{column} {like} :pattern{i}" for column in TEXT_COLUMNS) + ")"


def _term_conditions(terms: list[str]) -> list[str]:
    return [_term_condition(term, i) for i, term in enumerate(terms)]


def _literal_conditions(terms: list[str]) -> list[str]:
    return [_literal_condition(term, i) for i, term in enumerate(terms)]


def _rank_sql(terms: list[str]) -> str:
    """How many words occur literally, the first sort key of a text search."""
    return "(" + " + ".join(f"({c})::int" for c in _literal_conditions(terms)) + ")"


def _degree_box(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-sizes in degrees of a box that surely holds the circle of ``radius_m`` around latitude ``lat``."""
    dlat = radius_m / _M_PER_DEG_LAT[0] * 1.01
    far = math.radians(min(abs(lat) + dlat, 90.0))
    cos_far = math.cos(far)
    dlon = 180.0 if cos_far < 1e-6 else min(180.0, radius_m / (111_320.0 * cos_far) * 1.01)
    return dlon, dlat


def planar_ratio(lat: float, radius_m: float) -> float | None:
    """Largest over smallest metres per degree within ``radius_m`` of latitude ``lat`` (None near a pole)."""
    dlat = radius_m / _M_PER_DEG_LAT[0]
    near_abs = max(abs(lat) - dlat, 0.0)
    far_abs = abs(lat) + dlat
    if far_abs >= 89.0:
        return None
    lo = min(_M_PER_DEG_LAT[0], 111_320.0 * math.cos(math.radians(far_abs)))
    hi = max(_M_PER_DEG_LAT[1], _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(near_abs)))
    return hi / lo * 1.001


def _select_list() -> str:
    props = ", ".join(f"{p.sql} AS {p.name}" for p in PRODUCERS.properties)
    return f"t.id AS id, ST_AsGeoJSON(t.geom, 7)::json AS geometry, {props}, a.name AS area_name"


def _near_rows(conn: Connection, conds: list[str], params: dict[str, Any], query: ProducerQuery,
               after: list[Any] | None, limit_plus: int) -> list[Any]:
    """Exact nearest-first page: a KNN probe bounds the planar radius, then rows sort by geodesic distance."""
    keyset = "TRUE"
    if after is not None:
        keyset = "(k.d > :after_d OR (k.d = :after_d AND k.id > :after_id))"
        params.update(after_d=after[0], after_id=after[1])
    params["limit_plus"] = limit_plus
    probe_conds = conds + ([keyset.replace("k.d", _DISTANCE).replace("k.id", "t.id")] if after is not None else [])
    bound = _planar_bound(conn, probe_conds, params, query)
    if bound is not None:
        # The bound's ST_DWithin is the index condition; the radius box would only compete with it.
        where = [*conds, _WITHIN_RADIUS[1], f"ST_DWithin(t.geom, {_POINT}, :bound)"]
        params["bound"] = bound
    elif query.q or query.tag:
        # Few matches near the point: let their own (words, tags) indexes find them.
        where = [*conds, _WITHIN_RADIUS[1]]
    else:
        where = [*conds, *_WITHIN_RADIUS]
    # The distance is computed once per candidate (OFFSET 0 keeps the subquery), GeoJSON only for the page.
    sql = (f"SELECT {_select_list()}, k.d AS distance_m FROM ("
           f"SELECT s.id, s.d FROM (SELECT t.id, {_DISTANCE} AS d FROM producers t "
           f"WHERE {' AND '.join(where)} OFFSET 0) s WHERE {keyset.replace('k.', 's.')} "
           f"ORDER BY s.d, s.id LIMIT :limit_plus) k JOIN producers t ON t.id = k.id "
           f"LEFT JOIN areas a ON a.code = t.area_code ORDER BY k.d, k.id")
    return list(conn.execute(text(sql), params).mappings())


def _planar_bound(conn: Connection, conds: list[str], params: dict[str, Any], query: ProducerQuery) -> float | None:
    """Planar radius (degrees) that surely holds the page, or None to filter first and sort every match.

    The probe walks the GiST index nearest-first inside the radius box, at most PROBE_ROWS
    rows, and stops at the first limit+1 that pass the filters. If it found them (or saw
    the whole box), the largest of their planar distances times ``planar_ratio`` holds
    every row that can be on the page (a candidate outside the radius only widens the
    bound). If the filters match too few rows near the point, walking on would cost more
    than selecting the matches by their own indexes: None says so.
    """
    ratio = planar_ratio(query.near[1], query.radius_m) if query.near else None
    if ratio is None:
        return None
    sql = (f"SELECT count(*), max(k.p) FROM (SELECT t.p FROM (SELECT t.*, t.geom <-> {_POINT} AS p "
           f"FROM producers t WHERE {_WITHIN_RADIUS[0]} ORDER BY t.geom <-> {_POINT} LIMIT :probe) t "
           f"WHERE {' AND '.join(conds) or 'TRUE'} ORDER BY t.p LIMIT :limit_plus) k")
    found, p_max = conn.execute(text(sql), {**params, "probe": PROBE_ROWS}).one()
    if found < params["limit_plus"] and _box_holds_more(conn, params):
        return None
    return (p_max or 0.0) * ratio


def _box_holds_more(conn: Connection, params: dict[str, Any]) -> bool:
    """Whether the radius box holds more rows than a probe walks (then a short probe saw only part of it)."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM producers t WHERE {_WITHIN_RADIUS[0]} LIMIT :probe) b"
    return conn.execute(text(sql), {**params, "probe": PROBE_ROWS}).scalar_one() >= PROBE_ROWS


def _text_rows(conn: Connection, conds: list[str], params: dict[str, Any], terms: list[str],
               after: list[Any] | None, limit_plus: int) -> list[Any]:
    """Best matches first: rank (words found literally) down, then id; one query per rank level.

    Level by level, because the top level (every word literal) needs no similarity at all
    and usually fills the page: ranking every fuzzy match of a common word took seconds.
    Terms that match only literally (no close word, or a substring term) are literal in
    every matching row, so the levels below their count hold nothing and are not asked.
    """
    top = len(terms)
    floor = sum(not _in_vocabulary(term) or params[f"literal{i}"] == params[f"words{i}"]
                for i, term in enumerate(terms))
    rows: list[Any] = []
    level = after[0] if after is not None else top
    while level >= floor and len(rows) < limit_plus:
        if level == top:
            level_conds = [*conds, *_literal_conditions(terms)]
        else:
            level_conds = [*conds, *_term_conditions(terms), f"{_rank_sql(terms)} = :level"]
        if after is not None and level == after[0]:
            level_conds.append("t.id > :after_id")
        sql = (f"SELECT {_select_list()}, CAST(:level AS int) AS rank FROM producers t "
               f"LEFT JOIN areas a ON a.code = t.area_code WHERE {' AND '.join(level_conds)} "
               f"ORDER BY t.id LIMIT :need")
        values = {**params, "level": level, "need": limit_plus - len(rows),
                  "after_id": after[1] if after is not None else None}
        rows += conn.execute(text(sql), values).mappings().all()
        level -= 1
    return rows


def _plain_sql(conds: list[str], params: dict[str, Any], after: list[Any] | None) -> str:
    """Everything that passes the filters, by id."""
    conds = list(conds)
    if after is not None:
        conds.append("t.id > :after_id")
        params["after_id"] = after[0]
    where = " AND ".join(conds) or "TRUE"
    return (f"SELECT {_select_list()} FROM producers t LEFT JOIN areas a ON a.code = t.area_code "
            f"WHERE {where} ORDER BY t.id LIMIT :limit_plus")


def _feature(row: Any, lang: str, near: bool) -> dict[str, Any]:
    props = {p.name: row[p.name] for p in PRODUCERS.properties}
    props["sector_label"] = section_label(row["sector"], lang) if row["sector"] in SECTIONS else None
    props["area_name"] = row["area_name"]
    if near:
        props["distance_m"] = round(row["distance_m"], 1)
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"], "properties": props}


def _key_of(row: Any, mode: str) -> list[Any]:
    if mode == "near":
        return [row["distance_m"], row["id"]]
    if mode == "text":
        return [row["rank"], row["id"]]
    return [row["id"]]


def _fingerprint(query: ProducerQuery, terms: list[str]) -> str:
    """Identifies the result order a cursor belongs to (not the page size)."""
    identity = [terms, query.sector, query.tag, query.area, query.near, query.radius_m if query.near else None]
    return hashlib.blake2b(json.dumps(identity).encode(), digest_size=6).hexdigest()


def encode_cursor(key: list[Any], fingerprint: str) -> str:
    """Opaque cursor: base64url of a small JSON (the last row's sort key and the query's fingerprint)."""
    raw = json.dumps({"k": key, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, mode: str, fingerprint: str) -> list[Any]:
    """The sort key stored in ``cursor``; InvalidSearch when it is malformed or from another query."""
    bad = InvalidSearch("cursor is not valid: use the next_cursor of the previous page unchanged")
    if len(cursor) > 200:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or not isinstance(data.get("k"), list):
        raise bad
    if data.get("f") != fingerprint:
        raise InvalidSearch("cursor belongs to a different search: repeat the same parameters, or drop cursor")
    key = data["k"]
    if not _valid_key(key, mode):
        raise bad
    return key


def _valid_key(key: list[Any], mode: str) -> bool:
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63

    if mode == "near":
        return (len(key) == 2 and isinstance(key[0], int | float) and not isinstance(key[0], bool)
                and math.isfinite(key[0]) and key[0] >= 0 and is_int(key[1]))
    if mode == "text":
        return len(key) == 2 and is_int(key[0]) and 0 <= key[0] <= MAX_TERMS and is_int(key[1])
    return len(key) == 1 and is_int(key[0])


@dataclass(frozen=True)
class OpportunityQuery:
    """Filters of the opportunities listing; every field is optional."""

    sector: str | None = None
    status: str | None = None
    readiness: str | None = None
    area: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    limit: int = 100
    offset: int = 0


def list_opportunities(engine: Engine, query: OpportunityQuery, lang: str = "id") -> dict[str, Any]:
    """Investment opportunities matching the filters, as a GeoJSON FeatureCollection (largest value first)."""
    if query.area is not None and not AREA_CODE.fullmatch(query.area):
        raise InvalidSearch(f"area must be a Kemendagri code such as 32.12.16, got {query.area!r}")
    if query.min_value is not None and query.max_value is not None and query.min_value > query.max_value:
        raise InvalidSearch("min_value must not be larger than max_value")
    conds, params = _opportunity_conditions(query)
    props = ", ".join(f"{p.sql} AS {p.name}" for p in OPPORTUNITIES.properties)
    where = " AND ".join(conds) or "TRUE"
    sql = (f"SELECT t.id AS id, ST_AsGeoJSON(t.geom, 7)::json AS geometry, {props}, a.name AS area_name, "
           f"count(*) OVER () AS matched FROM opportunities t LEFT JOIN areas a ON a.code = t.area_code "
           f"WHERE {where} ORDER BY t.value_idr DESC NULLS LAST, t.code LIMIT :limit OFFSET :offset")
    with engine.connect() as conn:
        if query.area and not _area_exists(conn, query.area):
            raise InvalidSearch(f"area {query.area!r} is not a known kabupaten, kecamatan or desa code")
        rows = conn.execute(text(sql), {**params, "limit": query.limit, "offset": query.offset}).mappings().all()
    features = [_opportunity_feature(row, lang) for row in rows]
    matched = rows[0]["matched"] if rows else _count_opportunities(engine, where, params)
    return {"type": "FeatureCollection", "features": features, "numberReturned": len(features),
            "numberMatched": matched}


def _opportunity_conditions(query: OpportunityQuery) -> tuple[list[str], dict[str, Any]]:
    conds: list[str] = []
    params: dict[str, Any] = {}
    for name in ("sector", "status", "readiness"):
        value = getattr(query, name)
        if value is not None:
            conds.append(f"t.{name} = :{name}")
            params[name] = value
    if query.area:
        conds.append("(t.area_code LIKE :area_prefix OR ST_Intersects(t.geom, "
                     "(SELECT geom FROM areas WHERE code = :area)))")
        params.update(area=query.area, area_prefix=query.area + "%")
    if query.min_value is not None:
        conds.append("t.value_idr >= :min_value")
        params["min_value"] = query.min_value
    if query.max_value is not None:
        conds.append("t.value_idr <= :max_value")
        params["max_value"] = query.max_value
    return conds, params


def _count_opportunities(engine: Engine, where: str, params: dict[str, Any]) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM opportunities t WHERE {where}"), params).scalar_one()


def _opportunity_feature(row: Any, lang: str) -> dict[str, Any]:
    props = {p.name: row[p.name] for p in OPPORTUNITIES.properties}
    english = lang == "en"
    props["title"] = (row["title_en"] or row["title_id"]) if english else row["title_id"]
    props["description"] = (row["description_en"] or row["description_id"]) if english else row["description_id"]
    props["area_name"] = row["area_name"]
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"], "properties": props}
