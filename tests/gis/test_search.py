import base64
import json

import pytest
from pyproj import Geod
from sqlalchemy import inspect, text

from gis import migrate
from gis.db import get_engine
from gis.search import (
    InvalidSearch,
    OpportunityQuery,
    ProducerQuery,
    list_opportunities,
    planar_ratio,
    search_producers,
    search_terms,
)

KENANGA = "32.12.16.2004"
KENANGA_POINT = (108.3143, -6.3594)
GEOD = Geod(ellps="WGS84")


def names(result):
    return [f["properties"]["name"] for f in result["features"]]


def all_pages(engine, query, lang="id"):
    """Follow next_cursor to the end; returns the features and the number of pages."""
    features, pages, cursor = [], 0, None
    while True:
        page = search_producers(engine, ProducerQuery(**{**query.__dict__, "cursor": cursor}), lang)
        features += page["features"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return features, pages
        assert pages < 500


# ---------------------------------------------------------------- query words (no database)


def test_search_terms_fold_case_and_accents():
    assert search_terms("Kérupuk  UDANG") == ["kerupuk", "udang"]
    assert search_terms("krupuk, krupuk!") == ["krupuk"]
    assert search_terms(None) == [] and search_terms("  ") == []


@pytest.mark.parametrize("q", ["a", "!!", "x" * 201, "aa bb cc dd ee ff gg hh ii"])
def test_search_terms_refuse_unusable_queries(q):
    with pytest.raises(InvalidSearch):
        search_terms(q)


def test_planar_ratio_is_close_to_one_near_the_equator_and_none_at_the_pole():
    assert 1.0 < planar_ratio(-6.36, 5000) < 1.02
    assert planar_ratio(89.5, 50000) is None


# ---------------------------------------------------------------- tolerant text search


def test_krupuk_udang_finds_the_kenanga_cluster(engine):
    result = search_producers(engine, ProducerQuery(q="krupuk udang", limit=200))
    assert result["numberReturned"] >= 5
    for feature in result["features"]:
        props = feature["properties"]
        blob = f"{props['name']} {props['products']} {' '.join(props['tags'])}".lower()
        assert "udang" in blob and "rupuk" in blob
    assert sum(f["properties"]["area_code"] == KENANGA for f in result["features"]) >= 3


def test_case_and_accents_do_not_matter(engine):
    plain = names(search_producers(engine, ProducerQuery(q="krupuk", limit=200)))
    assert plain
    assert names(search_producers(engine, ProducerQuery(q="KRUPUK", limit=200))) == plain
    accented = names(search_producers(engine, ProducerQuery(q="kérupuk", limit=200)))
    assert accented == names(search_producers(engine, ProducerQuery(q="kerupuk", limit=200)))
    # The schwa spelling "kerupuk" also finds producers written "krupuk", and back.
    assert any(n.lower().startswith("krupuk") for n in accented)
    assert any(n.lower().startswith("kerupuk") for n in plain)


def test_mangga_gedong_finds_the_gedong_gincu_processors(engine):
    result = search_producers(engine, ProducerQuery(q="mangga gedong", limit=200))
    assert result["numberReturned"] >= 1
    for feature in result["features"]:
        props = feature["properties"]
        assert "gedong" in f"{props['name']} {props['products']}".lower()


def test_short_words_stay_strict(engine):
    for feature in search_producers(engine, ProducerQuery(q="udang", limit=200))["features"]:
        props = feature["properties"]
        assert "udang" in f"{props['name']} {props['products']} {' '.join(props['tags'])}".lower()


def test_like_wildcards_in_q_are_literal(engine):
    assert search_producers(engine, ProducerQuery(q="__ %%"))["features"] == []


def test_text_search_uses_the_word_indexes(engine):
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        producers = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM producers t WHERE string_to_array(t.search_words, ' ') && CAST(:w AS text[])"),
            {"w": ["udang"]}))
        # A real vocabulary (rolled back): the bundled one is too small for any index to pay.
        conn.execute(text("INSERT INTO producer_words SELECT md5(g::text) FROM generate_series(1, 50000) g"))
        conn.execute(text("ANALYZE producer_words"))
        vocabulary = ["\n".join(r[0] for r in conn.execute(text(f"EXPLAIN SELECT word FROM producer_words WHERE {c}")))
                      for c in ("word LIKE '%udan%'", "'udang' <% word")]
        conn.rollback()
    assert "ix_producers_search_words" in producers
    assert all("ix_producer_words_trgm" in plan for plan in vocabulary)


def test_part_of_a_word_is_found(engine):
    # "rupuk" is inside "krupuk": the vocabulary finds it.
    for feature in search_producers(engine, ProducerQuery(q="rupuk", limit=50))["features"]:
        props = feature["properties"]
        assert "rupuk" in f"{props['name']} {props['products']} {' '.join(props['tags'])}".lower()
    assert search_producers(engine, ProducerQuery(q="rupuk"))["numberReturned"] > 0


def test_every_loaded_word_is_in_the_vocabulary(engine):
    with engine.connect() as conn:
        missing = conn.execute(text(
            "SELECT count(*) FROM (SELECT DISTINCT unnest(string_to_array(search_words, ' ')) w FROM producers) p "
            "WHERE NOT EXISTS (SELECT 1 FROM producer_words v WHERE v.word = p.w)")).scalar()
        words = conn.execute(text("SELECT count(*) FROM producer_words")).scalar()
    assert missing == 0 and words > 50


# ---------------------------------------------------------------- filters


def test_sector_tag_and_area_filters(engine):
    by_sector = search_producers(engine, ProducerQuery(sector="A", limit=200))["features"]
    assert by_sector and {f["properties"]["sector"] for f in by_sector} == {"A"}
    tagged = search_producers(engine, ProducerQuery(tag="krupuk", limit=200))["features"]
    assert tagged and all("krupuk" in f["properties"]["tags"] for f in tagged)
    in_kecamatan = search_producers(engine, ProducerQuery(area="32.12.16", limit=200))["features"]
    assert in_kecamatan and all(f["properties"]["area_code"].startswith("32.12.16.") for f in in_kecamatan)
    in_desa = search_producers(engine, ProducerQuery(area=KENANGA, limit=200))["features"]
    assert in_desa and {f["properties"]["area_code"] for f in in_desa} == {KENANGA}
    assert len(in_desa) < len(in_kecamatan)


def test_sector_labels_follow_lang(engine):
    en = search_producers(engine, ProducerQuery(sector="C", limit=1), "en")["features"][0]
    idn = search_producers(engine, ProducerQuery(sector="C", limit=1), "id")["features"][0]
    assert en["properties"]["sector_label"] == "Manufacturing"
    assert idn["properties"]["sector_label"] == "Industri Pengolahan"


@pytest.mark.parametrize("query", [
    ProducerQuery(sector="Z"), ProducerQuery(sector="c"), ProducerQuery(area="32.12.99"),
    ProducerQuery(area="3212"), ProducerQuery(tag="a b"), ProducerQuery(radius_m=60000, near=(108.3, -6.3)),
    ProducerQuery(limit=0), ProducerQuery(limit=201),
])
def test_bad_filters_are_refused(engine, query):
    with pytest.raises(InvalidSearch):
        search_producers(engine, query)


# ---------------------------------------------------------------- near a point


def test_near_is_sorted_by_exact_distance_within_radius(engine):
    lon, lat = KENANGA_POINT
    result = search_producers(engine, ProducerQuery(near=KENANGA_POINT, radius_m=3000, limit=200))
    distances = [f["properties"]["distance_m"] for f in result["features"]]
    assert len(distances) >= 20
    assert distances == sorted(distances)
    assert distances[-1] <= 3000
    for feature in result["features"][:10]:
        plon, plat = feature["geometry"]["coordinates"]
        _, _, metres = GEOD.inv(lon, lat, plon, plat)
        assert feature["properties"]["distance_m"] == pytest.approx(metres, abs=0.5)


def test_near_pages_match_the_brute_force_order(engine):
    """KNN candidates plus the planar bound must give exactly the geodesic order, page after page."""
    lon, lat = KENANGA_POINT
    with engine.connect() as conn:
        expected = [r[0] for r in conn.execute(text(
            "SELECT id FROM producers t WHERE ST_DWithin(t.geom::geography, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, 20000) "
            "ORDER BY ST_Distance(t.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography), id"),
            {"lon": lon, "lat": lat})]
    features, pages = all_pages(engine, ProducerQuery(near=KENANGA_POINT, radius_m=20000, limit=7))
    assert [f["id"] for f in features] == expected
    assert pages == -(-len(expected) // 7)  # no empty last page, even when the count divides evenly


@pytest.mark.parametrize("probe_rows", [5_000, 3])
@pytest.mark.parametrize("filters", [{}, {"q": "krupuk"}, {"sector": "A"}, {"tag": "mangga"}])
def test_both_near_strategies_give_the_exact_order(engine, monkeypatch, probe_rows, filters):
    """A long probe bounds the radius; a probe that is too short falls back to filtering first."""
    monkeypatch.setattr("gis.search.PROBE_ROWS", probe_rows)
    query = ProducerQuery(near=KENANGA_POINT, radius_m=30000, limit=5, **filters)
    features, _ = all_pages(engine, query)
    whole = search_producers(engine, ProducerQuery(**{**query.__dict__, "limit": 200}))
    ids = [f["id"] for f in features]
    assert ids[:200] == [f["id"] for f in whole["features"]] and len(ids) == len(set(ids))
    distances = [f["properties"]["distance_m"] for f in features]
    assert distances == sorted(distances) and distances[-1] <= 30000


def test_literal_matches_rank_before_close_words(engine):
    features = search_producers(engine, ProducerQuery(q="kerupuk", limit=200))["features"]
    literal = ["kerupuk" in f"{f['properties']['name']} {f['properties']['products']}".lower() for f in features]
    assert True in literal and False in literal
    assert literal == sorted(literal, reverse=True)


def test_near_combines_with_text(engine):
    result = search_producers(engine, ProducerQuery(q="krupuk", near=KENANGA_POINT, radius_m=2000, limit=50))
    distances = [f["properties"]["distance_m"] for f in result["features"]]
    assert distances == sorted(distances) and distances
    assert "distance_m" not in search_producers(engine, ProducerQuery(q="krupuk"))["features"][0]["properties"]


# ---------------------------------------------------------------- keyset cursors


@pytest.mark.parametrize("query", [
    ProducerQuery(limit=37),
    ProducerQuery(q="krupuk", limit=6),
    ProducerQuery(q="kerupuk", limit=4),
    ProducerQuery(q="kerupuk udang", limit=3),
    ProducerQuery(sector="C", limit=25),
    ProducerQuery(near=KENANGA_POINT, radius_m=50000, limit=45),
])
def test_cursor_paging_has_no_duplicates_or_gaps(engine, query):
    paged, pages = all_pages(engine, query)
    whole = search_producers(engine, ProducerQuery(**{**query.__dict__, "limit": 200}))
    ids = [f["id"] for f in paged]
    assert len(ids) == len(set(ids))
    if whole["next_cursor"] is None:
        assert ids == [f["id"] for f in whole["features"]]
    assert pages >= 2


def test_cursor_paging_covers_every_producer(engine):
    features, _ = all_pages(engine, ProducerQuery(limit=200))
    with engine.connect() as conn:
        assert len(features) == conn.execute(text("SELECT count(*) FROM producers")).scalar_one()


def _forged(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["not-a-cursor", "e30", "!!!", _forged([1, 2]), _forged({"k": "x", "f": "y"}),
                                    "x" * 300])
def test_malformed_cursor_is_refused(engine, cursor):
    with pytest.raises(InvalidSearch, match="cursor"):
        search_producers(engine, ProducerQuery(cursor=cursor))


def test_cursor_of_another_search_is_refused(engine):
    cursor = search_producers(engine, ProducerQuery(q="krupuk", limit=2))["next_cursor"]
    with pytest.raises(InvalidSearch, match="different search"):
        search_producers(engine, ProducerQuery(q="mangga", limit=2, cursor=cursor))


def test_forged_cursor_with_bad_key_is_refused(engine):
    cursor = search_producers(engine, ProducerQuery(limit=2))["next_cursor"]
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["k"] = ["'; DROP TABLE producers; --"]
    with pytest.raises(InvalidSearch, match="cursor"):
        search_producers(engine, ProducerQuery(limit=2, cursor=_forged(data)))


# ---------------------------------------------------------------- opportunities


def test_opportunities_filters(engine):
    everything = list_opportunities(engine, OpportunityQuery())
    assert everything["numberMatched"] == everything["numberReturned"] >= 5
    values = [f["properties"]["value_idr"] for f in everything["features"]]
    assert values == sorted(values, reverse=True)
    fisheries = list_opportunities(engine, OpportunityQuery(sector="fisheries"))["features"]
    assert fisheries and {f["properties"]["sector"] for f in fisheries} == {"fisheries"}
    ready = list_opportunities(engine, OpportunityQuery(readiness="siap_investasi", status="tersedia"))["features"]
    assert all(f["properties"]["readiness"] == "siap_investasi" and f["properties"]["status"] == "tersedia"
               for f in ready)
    ranged = list_opportunities(engine, OpportunityQuery(min_value=1e10, max_value=3e10))["features"]
    assert ranged and all(1e10 <= f["properties"]["value_idr"] <= 3e10 for f in ranged)
    sindang = list_opportunities(engine, OpportunityQuery(area="32.12.16"))["features"]
    assert "OPP-3212-05" in {f["properties"]["code"] for f in sindang}
    page = list_opportunities(engine, OpportunityQuery(limit=2, offset=2))
    assert page["numberReturned"] == 2 and page["numberMatched"] == everything["numberMatched"]


def test_opportunity_titles_follow_lang(engine):
    en = list_opportunities(engine, OpportunityQuery(sector="fisheries"), "en")["features"][0]["properties"]
    assert en["title"] == en["title_en"]
    idn = list_opportunities(engine, OpportunityQuery(sector="fisheries"), "id")["features"][0]["properties"]
    assert idn["title"] == idn["title_id"]


def test_opportunities_refuse_bad_ranges_and_areas(engine):
    with pytest.raises(InvalidSearch):
        list_opportunities(engine, OpportunityQuery(min_value=5, max_value=1))
    with pytest.raises(InvalidSearch):
        list_opportunities(engine, OpportunityQuery(area="99.99"))


# ---------------------------------------------------------------- migrations 0002 and 0004


def test_search_migrations_upgrade_and_downgrade(empty_db):
    def state():
        engine = get_engine(empty_db)
        indexes = {i["name"] for i in inspect(engine).get_indexes("producers")}
        columns = {c["name"] for c in inspect(engine).get_columns("producers")}
        return ("ix_producers_search_trgm" in indexes, "search_text" in columns,
                "ix_producers_search_words" in indexes, "producer_words" in inspect(engine).get_table_names())

    assert state() == (False, False, True, True)
    migrate.downgrade(empty_db, "0003")
    get_engine(empty_db).dispose()
    assert state() == (True, True, False, False)
    migrate.downgrade(empty_db, "0001")
    get_engine(empty_db).dispose()
    assert state() == (False, False, False, False)
    migrate.upgrade(empty_db)
    get_engine(empty_db).dispose()
    assert state() == (False, False, True, True)


def test_migration_0004_gives_earlier_rows_their_words(empty_db):
    engine = get_engine(empty_db)
    migrate.downgrade(empty_db, "0003")
    engine.dispose()
    with engine.begin() as conn:
        run = conn.execute(text(
            "INSERT INTO load_runs (kind, source_key, source_name, checksum, options, status, rows_read, "
            "rows_loaded, rows_rejected, warnings, loaded_by, started_at) "
            "VALUES ('producers', 'x', 'x', 'x', '{}', 'loaded', 1, 1, 0, 0, 'test', now()) RETURNING id")).scalar()
        conn.execute(text("INSERT INTO producers (name, name_key, products, area_code, geom, location_precision, "
                          "tags, search_text, load_run_id) VALUES ('Krupuk Jaya 21', 'krupukjaya21', 'udang', "
                          "'32.12.16.2004', ST_SetSRID(ST_MakePoint(108.3, -6.3), 4326), 'exact', '{}', "
                          "'krupuk jaya 21 udang', :run)"), {"run": run})
    migrate.upgrade(empty_db)
    engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT search_words FROM producers")).scalar() == "krupuk jaya udang"
        assert set(conn.execute(text("SELECT word FROM producer_words")).scalars()) == {"krupuk", "jaya", "udang"}
    assert names(search_producers(engine, ProducerQuery(q="krupuk"))) == ["Krupuk Jaya 21"]
    # Numbers are no words: they match name, products and tags as they are.
    assert names(search_producers(engine, ProducerQuery(q="JAYA 21 krup"))) == ["Krupuk Jaya 21"]
    assert names(search_producers(engine, ProducerQuery(q="krupuk 23"))) == []


def test_search_words_are_stored_plain_by_the_etl(engine):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, search_words FROM producers WHERE name LIKE 'Krupuk%'")).all()
    assert rows
    for name, words in rows:
        words = words.split(" ")
        assert words[0] == name.split()[0].lower() and all(w.isalpha() and w == w.lower() for w in words)
