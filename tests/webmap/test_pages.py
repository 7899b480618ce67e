"""The HTML pages through the Flask test client: both languages, local assets only, small and data-free."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import folium
import pytest
from folium import plugins
from markupsafe import escape
from sqlalchemy import text

from etl.jobs import JOBS
from gis.layers import LAYERS
from gis.settings import PROJECT_ROOT
from webmap import assets, i18n, maps
from webmap.i18n import CATALOG, format_idr, format_number, t
from webmap.layer_config import pages_config

PAGES = ["/", "/investor", "/produk", "/perencana", "/perencana/unggah", "/wilayah/32.12", "/wilayah/32.12.16",
         "/wilayah/32.12.16.2004"]
TITLES = {"/": "map.title", "/investor": "investor.title", "/produk": "produk.title", "/perencana": "planner.title",
          "/perencana/unggah": "upload.title"}
MAX_HTML_BYTES = 64_000
MAX_PAGE_BYTES = 1_000_000  # HTML + every local script and stylesheet it references
STATIC = Path(assets.STATIC_DIR)


def local_assets(html: str) -> list[str]:
    """Local scripts and stylesheets referenced by a page."""
    scripts = re.findall(r'<script[^>]+src="(/static/[^"]+)"', html)
    styles = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/static/[^"]+)"', html)
    return sorted(set(scripts + styles))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_both_languages_with_local_assets_only(client, path, lang):
    response = client.get(path + ("?lang=en" if lang == "en" else ""))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert t("site.title", lang) in html
    assert t("nav.products", lang) in html
    if path in TITLES:
        assert t(TITLES[path], lang) in html
    other = "en" if lang == "id" else "id"
    assert t("footer.data", other) not in html
    assert assets.external_asset_urls(html) == []
    assert "cdn" not in html.lower()
    assert len(response.data) < MAX_HTML_BYTES
    total = len(response.data)
    for url in local_assets(html):
        with client.get(url) as asset:
            assert asset.status_code == 200, url
            assert assets.external_asset_urls(asset.get_data(as_text=True)) == [], url
            total += len(asset.data)
    assert total < MAX_PAGE_BYTES, (path, total)


def test_language_switch_keeps_the_page_and_its_query(client):
    html = client.get("/produk?q=krupuk").get_data(as_text=True)
    assert 'href="/produk?q=krupuk&amp;lang=en"' in html
    html = client.get("/produk?q=krupuk&lang=en").get_data(as_text=True)
    assert 'href="/produk?q=krupuk"' in html
    assert 'href="/investor?lang=en"' in html


def test_indonesian_is_the_default_whatever_the_browser_says(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in html


def test_area_profile_numbers_follow_the_language(client):
    regency = client.get("/wilayah/32.12").get_data(as_text=True)
    regency_en = client.get("/wilayah/32.12?lang=en").get_data(as_text=True)
    assert "1.980.080" in regency and "1,980,080" not in regency and "(Dukcapil 2025)" in regency
    assert "1,980,080" in regency_en and "2,078.03" in regency_en and "(BPS 2024)" in regency_en
    indonesian = client.get("/wilayah/32.12.16").get_data(as_text=True)
    english = client.get("/wilayah/32.12.16?lang=en").get_data(as_text=True)
    assert "Kecamatan Sindang" in indonesian and "District Sindang" in english
    assert 'href="/wilayah/32.12"' in indonesian and 'href="/wilayah/32.12?lang=en"' in english
    assert 'href="/wilayah/32.12.16.2004"' in indonesian


@pytest.mark.parametrize("lang", ["id", "en"])
def test_area_profile_says_where_its_figures_come_from(client, engine, lang):
    """A published figure shows its source and year; a measured area says so; no population is said in words."""
    with engine.connect() as conn:
        published = conn.execute(text("SELECT code, population, population_source, population_year FROM areas "
                                      "WHERE level = 'kecamatan' AND population_year IS NOT NULL LIMIT 1")).one()
        bare = conn.execute(text("SELECT code FROM areas WHERE level = 'kecamatan' AND population IS NULL "
                                 "AND area_source = 'computed' LIMIT 1")).scalar_one()
    suffix = "?lang=en" if lang == "en" else ""
    html = client.get(f"/wilayah/{published.code}{suffix}").get_data(as_text=True)
    assert f"({published.population_source} {published.population_year})" in html
    html = client.get(f"/wilayah/{bare}{suffix}").get_data(as_text=True)
    assert t("area.population_none", lang) in html and t("area.computed", lang) in html
    assert t("area.density", lang) not in html  # no density without a population


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("code", ["99.99", "32.12.99", "not-a-code"])
def test_unknown_area_is_an_html_404_in_the_page_language(client, code, lang):
    response = client.get(f"/wilayah/{code}" + ("?lang=en" if lang == "en" else ""))
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert t("error.404_title", lang) in html
    assert t("error.area_unknown", lang, code=code) in html


def test_pages_carry_no_data_whatever_the_number_of_producers(client, engine):
    before = {path: len(client.get(path).data) for path in ("/", "/produk", "/perencana")}
    with engine.begin() as conn:
        conn.execute(text("""
            WITH d AS (SELECT code, ST_PointOnSurface(geom) AS c, row_number() OVER (ORDER BY code) - 1 AS i
                       FROM areas WHERE level = 'desa'),
                 n AS (SELECT count(*) AS n FROM d)
            INSERT INTO producers (name, name_key, products, kbli, sector, area_code, geom, location_precision,
                                   tags, load_run_id)
            SELECT 'Usaha Uji ' || g, 'usaha uji ' || g, 'krupuk ikan', '10794', 'C', d.code,
                   ST_SetSRID(ST_MakePoint(ST_X(d.c) + (random() - 0.5) * 0.01,
                                           ST_Y(d.c) + (random() - 0.5) * 0.01), 4326),
                   'exact', '{umkm}', (SELECT min(id) FROM load_runs)
            FROM generate_series(1, 5000) g, n JOIN d ON true WHERE d.i = g % n.n"""))
    for path, size in before.items():
        after = len(client.get(path).data)
        assert abs(after - size) < 200, (path, size, after)


def test_opportunity_filters_and_export_links_are_on_the_pages(client):
    investor = client.get("/investor").get_data(as_text=True)
    assert 'name="sector"' in investor and 'name="status"' in investor and 'name="min_value"' in investor
    planner = client.get("/perencana?lang=en").get_data(as_text=True)
    assert 'name="level"' in planner and 'value="desa"' in planner and "Village" in planner
    assert '"measures"' in planner and "32.12.16" in planner  # kecamatan filter from the registry


def test_opportunities_carry_the_figures_their_popups_show(client):
    """NPV, B/C ratio, payback and land status reach the investor list and the popups (peta-layers.js)."""
    features = client.get("/api/v1/opportunities?lang=en").get_json()["features"]
    figures = ("npv_idr", "irr_pct", "bc_ratio", "payback_years", "readiness", "land_status")
    assert features and all(set(figures) <= set(f["properties"]) for f in features)
    assert any(all(f["properties"][name] is not None for name in figures) for f in features)
    script = (STATIC / "js" / "peta-layers.js").read_text()
    for name in figures:
        assert f"p.{name}" in script, name


def test_creating_the_app_does_not_import_folium():
    """Every CLI command creates the app: Folium (a tenth of a second to import) waits for the first map."""
    code = "import sys, app; app.create_app(); print(sorted(m for m in sys.modules if m.startswith('folium')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_investor_sector_filter_lists_the_sectors_of_the_loaded_opportunities(client, engine):
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO opportunities (code, title_id, sector, area_code, status, load_run_id)
            VALUES ('OPP-TEST-1', 'PLTS atap pasar', 'energi_terbarukan', '32.12.16', 'tersedia',
                    (SELECT min(id) FROM load_runs))"""))
        sectors = sorted(conn.execute(text("SELECT DISTINCT sector FROM opportunities")).scalars())
    html = client.get("/investor?lang=en").get_data(as_text=True)
    select = re.search(r'<select name="sector">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)"', select) == sectors
    assert '<option value="energi_terbarukan">Energi terbarukan</option>' in select  # no catalogue entry: tidied
    # a sector named after a statistical layer takes the registry's name of it
    assert f'<option value="fisheries">{LAYERS["fisheries"].stats.sector("en")}</option>' in select


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_planner_downloads_keep_the_area_filter(client):
    """The planner console's download links carry ``area``: the files hold only what lies inside it."""
    everything = _csv_rows(client.get("/api/v1/export/producers?f=csv").data)
    sindang = _csv_rows(client.get("/api/v1/export/producers?f=csv&area=32.12.16").data)
    assert 0 < len(sindang) < len(everything)
    assert all(row["area_code"].startswith("32.12.16.") for row in sindang)
    kenanga = _csv_rows(client.get("/api/v1/export/producers?f=csv&area=32.12.16.2004&sector=C").data)
    assert kenanga and all(row["area_code"] == "32.12.16.2004" and row["sector"] == "C" for row in kenanga)
    rows = _csv_rows(client.get("/api/v1/export/agriculture?f=csv&commodity=padi&level=desa&area=32.12.16").data)
    assert rows and all(row["area_code"].startswith("32.12.16.") for row in rows)
    kecamatan = client.get("/api/v1/stats/agriculture?commodity=padi&level=kecamatan&area=32.12.16").get_json()
    assert [v["code"] for v in kecamatan["values"]] == ["32.12.16"]
    desa = client.get("/api/v1/stats/agriculture?commodity=padi&level=desa&area=32.12.16").get_json()
    whole = client.get("/api/v1/stats/agriculture?commodity=padi&level=desa").get_json()
    assert 0 < len(desa["values"]) < len(whole["values"]) and desa["breaks"] == whole["breaks"]
    table = _csv_rows(client.get("/api/v1/stats/agriculture?commodity=padi&level=desa&area=32.12.16&f=csv").data)
    assert sorted(row["code"] for row in table) == sorted(v["code"] for v in desa["values"])
    for bad in ("/api/v1/export/producers?area=32.12.16%27", "/api/v1/stats/agriculture?commodity=padi&area=x"):
        response = client.get(bad)
        assert response.status_code == 400 and "area" in response.get_json()["detail"]
    assert client.get("/api/v1/export/kecamatan?area=32.12").status_code == 400  # areas: parent_code instead


@pytest.mark.parametrize("lang", ["id", "en"])
def test_planner_has_the_analysis_section_in_both_languages(client, lang):
    html = client.get("/perencana" + ("?lang=en" if lang == "en" else "")).get_data(as_text=True)
    assert 'id="analysis-map"' in html and 'id="analysis-form"' in html
    for key in ("analysis.title", "analysis.intro", "analysis.lq_padi", "analysis.klassen_padi", "analysis.lq_tambak",
                "analysis.reference", "analysis.ref_kabupaten", "analysis.ref_provinsi", "analysis.ref_nasional"):
        assert t(key, lang) in html, key
    # the method texts and popup labels reach the page script through the translated messages
    for key in ("analysis.lq_method", "analysis.klassen_method", "analysis.growth", "analysis.share"):
        assert key in i18n.JS_KEYS
        assert f'"{key}": "{t(key, lang)[:40]}' in html, key
    other = "en" if lang == "id" else "id"
    assert t("analysis.intro", other) not in html


@pytest.mark.parametrize("lang", ["id", "en"])
def test_kecamatan_profile_has_the_shift_share_block_in_both_languages(client, lang):
    suffix = "?lang=en" if lang == "en" else ""
    html = client.get("/wilayah/32.12.02" + suffix).get_data(as_text=True)
    assert 'id="shift-share"' in html and 'id="shift-table"' in html and 'id="chart-shift"' in html
    for key in ("area.shift_title", "area.shift_method", "area.shift_component"):
        assert str(escape(t(key, lang))) in html, key
    for key in ("area.shift_national", "area.shift_proportional", "area.shift_differential", "area.shift_total"):
        assert key in i18n.JS_KEYS
        assert f'"{key}": "{t(key, lang)}"' in html, key
    other = "en" if lang == "id" else "id"
    assert str(escape(t("area.shift_method", other))) not in html
    for path in ("/wilayah/32.12", "/wilayah/32.12.16.2004"):  # kabupaten and desa: no block
        assert 'id="shift-share"' not in client.get(path + suffix).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_investor_has_the_shared_analysis_map_in_both_languages(client, lang):
    html = client.get("/investor" + ("?lang=en" if lang == "en" else "")).get_data(as_text=True)
    assert 'id="analysis-map"' in html and 'id="analysis-form"' in html
    assert html.index("/static/js/analysis-map.js") < html.index("/static/js/page-investor.js")
    for key in ("investor.analysis_title", "investor.analysis_intro", "analysis.lq_tambak", "analysis.lq_padi",
                "analysis.klassen_padi", "analysis.reference"):
        assert str(escape(t(key, lang))) in html, key
    planner = client.get("/perencana").get_data(as_text=True)
    assert "/static/js/analysis-map.js" in planner
    assert "L.geoJSON" not in (STATIC / "js" / "page-perencana.js").read_text().split("Analisis")[-1]
    assert "L.geoJSON" not in (STATIC / "js" / "page-investor.js").read_text()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_upload_page_in_both_languages(client, lang):
    suffix = "?lang=en" if lang == "en" else ""
    response = client.get("/perencana/unggah" + suffix)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for key in ("upload.title", "upload.intro", "upload.key", "upload.key_help", "upload.kind", "upload.file",
                "upload.dry_run", "upload.skip_invalid", "upload.commodity", "upload.year", "upload.submit",
                "upload.history", "planner.nav_console", "planner.nav_upload"):
        assert str(escape(t(key, lang))) in html, key
    other = "en" if lang == "id" else "id"
    assert str(escape(t("upload.intro", other))) not in html
    # every ETL kind is offered, with its translated title
    assert re.findall(r'<option value="([a-z-]+)"', html) == list(JOBS)
    for kind in JOBS:
        assert f"kind.{kind}" in CATALOG, kind
        assert f'<option value="{kind}">{escape(t("kind." + kind, lang))} ({kind})</option>' in html
    # the key field has no name (never part of any form submission); the form posts, it never GETs
    key_input = re.search(r"<input[^>]*\bid=\"upload-key\"[^>]*>", html).group(0)
    assert 'type="password"' in key_input and " name=" not in key_input
    assert re.search(r'<form id="upload-form"[^>]*method="post"', html)
    assert 'for="upload-key"' in html and 'for="upload-file"' in html and 'for="upload-kind"' in html
    # the script's texts in the page language, the upload cap and what each kind accepts
    config = json.loads(re.search(r'<script type="application/json" id="peta-page">(.*?)</script>', html,
                                  re.S).group(1))
    assert config["messages"]["upload.status_validated"] == t("upload.status_validated", lang)
    assert config["messages"]["upload.error_429"] == t("upload.error_429", lang)
    assert "layer.labels" not in config["messages"]  # no map here: not the map pages' catalogue
    assert config["maxUploadBytes"] == 50 * 1024 * 1024 and config["maxUploadMb"] == "50"
    agriculture = next(k for k in config["kinds"] if k["kind"] == "agriculture")
    assert agriculture["roles"] == ["admin", "agriculture"]
    assert "area_code (kode_wilayah)" in agriculture["columns"]
    assert "/static/js/page-unggah.js" in html and "leaflet" not in html.lower()
    # reachable from the planner console, in the same language; the site menu marks the planner as current
    planner = client.get("/perencana" + suffix).get_data(as_text=True)
    assert f'href="/perencana/unggah{suffix}"' in planner
    assert f'<a href="/perencana{suffix}" aria-current="page">{escape(t("nav.planner", lang))}</a>' in html


def test_number_formatting():
    assert format_number(1234.5, "id") == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234567, "id") == "1.234.567"
    assert format_number(2.99, "id") == "2,99"
    assert format_number(None, "en") == "–"
    assert format_idr(12_000_000_000, "id") == "Rp 12 miliar"
    assert format_idr(60_500_000_000, "en") == "IDR 60.5 billion"
    assert format_idr(1_500_000_000_000, "id") == "Rp 1,5 triliun"


def test_localize_points_folium_at_local_files_and_refuses_unknown_ones():
    m = folium.Map(tiles=None)
    plugins.MarkerCluster().add_to(m)
    assets.localize(m)
    html = m.get_root().render()
    assert assets.external_asset_urls(html) == []
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/markercluster/leaflet.markercluster.js" in html
    assert "jquery" not in html and "bootstrap" not in html
    odd = folium.Map(tiles=None)
    odd.default_js = [*odd.default_js, ("mystery", "https://example.org/x.js")]
    with pytest.raises(assets.UnknownAsset, match="mystery"):
        assets.localize(odd)


def test_external_asset_urls_finds_what_a_browser_would_fetch():
    html = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/y.css">'
            '<a href="https://www.openstreetmap.org/">osm</a><style>b{background:url("https://x/y.png")}</style>')
    found = assets.external_asset_urls(html)
    assert len(found) == 3
    assert not any("openstreetmap" in f for f in found)


def test_vendor_files_are_installed_and_served(client):
    assert assets.missing_vendor_files() == []
    for dest in assets.VENDOR_FILES:
        with client.get(f"{assets.VENDOR_URL}/{dest}") as response:
            assert response.status_code == 200, dest


def test_map_builders_add_to_a_given_map():
    m = folium.Map(tiles=None)
    same = maps.economy_map("en", i18n.js_config("en"),
                            {"agriculture": [{"id": "padi", "level": "kecamatan", "label": "Rice"}]}, m=m)
    assert same is m
    kinds = [child.kind for child in m._children.values() if isinstance(child, maps.PetaLayer)]
    assert kinds == ["choropleth", "choropleth", "choropleth", "boundaries", "boundaries", "producers",
                     "landing_sites", "opportunities", "outline", "labels"]
    parts = maps.render_map(m)
    assert "PetaLayers.register" in parts.script and "PetaLayers.create" in parts.script
    assert "Agricultural production" in parts.script
    assert "/tiles/" not in parts.script or "pbf" not in parts.script  # tile URLs are built by the page library
    assert assets.external_asset_urls(parts.header) == []
    config = json.dumps({**i18n.js_config("id"), **pages_config("id")})  # the map pages' (webmap/pages.py)
    assert "Produksi pertanian" in config and "id-ID" in config


def test_place_names_follow_the_registry_in_both_languages():
    """The pages' label rules are the registry's, placed kecamatan first; place names are not translated."""
    options = maps.label_options("en")
    rules = {rule["id"]: rule for rule in options["rules"]}
    assert list(rules) == ["kecamatan", "landing-sites", "opportunities", "desa"]  # the order of placing
    assert [rule["priority"] for rule in options["rules"]] == sorted(rule["priority"] for rule in options["rules"])
    assert {rules[r]["text"] for r in ("kecamatan", "desa", "landing-sites")} == {"name"}
    assert (rules["opportunities"]["text"], rules["opportunities"]["fallback"]) == ("title_en", "title_id")
    assert rules["kecamatan"]["maxZoom"] == rules["desa"]["minZoom"] and rules["kecamatan"]["bold"]
    assert rules["landing-sites"]["beside"] and not rules["kecamatan"]["beside"]
    # one request for the area names, the same in both languages (the browser's cache serves the next page)
    assert options["sources"] == maps.label_options("id")["sources"] == {
        "area-labels": f"/ogc/collections/area-labels/items?limit={maps.LABEL_ITEMS_LIMIT}"}


@pytest.mark.parametrize("path", ["/", "/investor", "/produk", "/perencana", "/wilayah/32.12", "/wilayah/32.12.16",
                                  "/wilayah/32.12.16.2004"])
def test_every_map_has_the_outline_and_the_place_names(client, path):
    html = client.get(path).get_data(as_text=True)
    created = re.findall(r'PetaLayers\.create\(\s*\w+, "(\w+)"', html)
    assert created[-2:] == ["outline", "labels"], created  # after the layers whose symbols get names
    assert t("layer.labels") in html  # in the layer control


def test_maps_open_on_the_mainland_while_the_outline_keeps_the_islands(client):
    """The islands of Pasekan (P. Biawak, 40 km offshore) stay in the data but not in the first view."""
    profile = client.get("/api/v1/areas/32.12").get_json()
    west, south, east, north = profile["view_bbox"]
    assert profile["bbox"][3] > -5.9 and north < -6.1  # the whole regency reaches the islands; the view does not
    assert profile["bbox"][0] <= west < east <= profile["bbox"][2]
    html = client.get("/").get_data(as_text=True)
    assert f"[[{south}, {west}], [{north}, {east}]]" in html  # the page map fits the view, not the islands
    for page in ("/", "/produk", "/investor"):  # while the outline's tiles cover the islands too
        page_html = client.get(page).get_data(as_text=True)
        outline = json.loads(re.search(r'PetaLayers\.create\(\s*\w+, "outline", (\{.*?\})\)', page_html, re.S).group(1))
        assert outline["bounds"][3] > -5.9, page
