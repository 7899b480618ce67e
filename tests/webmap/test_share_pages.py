"""The pages a shop and an investor share and print (/produk/<id>, /produk/<id>/qr, /investor/peluang/<code>), their
link previews (Open Graph, JSON-LD), map images and QR codes, through the Flask test client."""

from __future__ import annotations

import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image
from sqlalchemy import text

from app import create_app
from gis import map_image
from webmap import limits
from webmap.i18n import format_idr, format_number, t
from webmap.share import whatsapp_number

KENANGA = "32.12.16.2004"
SINDANG = "32.12.16"
SHOP = "Krupuk Ikan Cap Mulya"  # a krupuk maker of Desa Kenanga (datasets/producers.csv)
SVG = "{http://www.w3.org/2000/svg}"


class Head(HTMLParser):
    """The meta and link tags and the JSON-LD of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in found or "name" in found):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")
        elif tag == "link":
            self.links.append(found)
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def shop_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM producers WHERE name = :n"), {"n": SHOP}).scalar_one()


@pytest.fixture
def opportunity(engine):
    """The opportunity with the longest texts (the hardest to fit on one printed page)."""
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT * FROM opportunities ORDER BY length(coalesce(description_en, '')) + length(title_id) DESC, code "
            "LIMIT 1")).mappings().one()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_producer_page_has_contact_links_and_an_absolute_link_preview(client, shop_id, lang):
    suffix = "?lang=en" if lang == "en" else ""
    response = client.get(f"/produk/{shop_id}{suffix}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head = head_of(html)
    page_url = f"http://localhost/produk/{shop_id}{suffix}"
    assert head.meta["og:title"] == SHOP
    assert head.meta["og:url"] == page_url
    assert head.meta["og:image"] == f"http://localhost/produk/{shop_id}/peta.png{suffix}"
    assert (head.meta["og:image:width"], head.meta["og:image:height"], head.meta["og:image:type"]) == \
        ("1200", "630", "image/png")
    assert head.meta["og:image:alt"] == t("share.map_alt", lang, name=SHOP)
    assert head.meta["og:locale"] == {"id": "id_ID", "en": "en_US"}[lang]
    assert "Kenanga" in head.meta["og:description"] and "krupuk" in head.meta["og:description"]
    assert head.meta["og:type"] and head.meta["twitter:card"] == "summary_large_image"
    assert {"rel": "canonical", "href": page_url} in head.links
    assert f'<html lang="{lang}">' in html
    # contact, directions, share, the area profiles, the map and the QR code
    assert 'href="https://wa.me/6281200000001"' in html
    assert 'href="tel:' in html
    directions = re.search(r'<a class="button secondary" href="([^"]+)" data-directions', html)
    assert directions and directions.group(1).startswith("https://www.openstreetmap.org/directions?to=-6.359172%2C108.3")
    share_link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', html)
    assert share_link and page_url in unquote(share_link.group(1).replace("&amp;", "&"))
    assert f'data-share-url="{page_url}"' in html
    assert t("share.share", lang) in html and t("share.whatsapp", lang) in html
    assert f'href="/wilayah/{KENANGA}{suffix}"' in html and f'href="/wilayah/{SINDANG}{suffix}"' in html
    assert "C · " + t("kbli.C", lang) in html
    assert f'href="/produk/{shop_id}/qr{suffix}"' in html
    map_link = ("/?lang=en" if lang == "en" else "/") + "#map=16/-6.359172/108.319155"
    assert t("share.view_on_map", lang) in html and f'href="{map_link}"' in html
    assert 'src="/static/js/share.js"' in html


def test_producer_json_ld_is_a_local_business(client, shop_id, engine):
    html = client.get(f"/produk/{shop_id}").get_data(as_text=True)
    head = head_of(html)
    assert len(head.jsonld) == 1
    data = json.loads(head.jsonld[0])
    with engine.connect() as conn:
        row = conn.execute(text("SELECT ST_Y(geom) AS lat, ST_X(geom) AS lon, address, phone FROM producers "
                                "WHERE id = :id"), {"id": shop_id}).one()
    assert data["@context"] == "https://schema.org" and data["@type"] == "LocalBusiness"
    assert data["name"] == SHOP
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": round(row.lat, 6), "longitude": round(row.lon, 6)}
    assert data["address"]["streetAddress"] == row.address
    assert data["address"]["addressLocality"] == "Kenanga, Sindang"
    assert data["telephone"] == row.phone
    assert data["url"] == f"http://localhost/produk/{shop_id}"


def test_absolute_urls_follow_the_public_address(loaded_db, shop_id):
    behind_proxy = create_app({"TESTING": True, "SETTINGS": loaded_db}).test_client()
    html = behind_proxy.get(f"/produk/{shop_id}", base_url="https://peta.indramayukab.go.id").get_data(as_text=True)
    assert head_of(html).meta["og:image"] == f"https://peta.indramayukab.go.id/produk/{shop_id}/peta.png"
    configured = create_app({"TESTING": True, "SETTINGS": replace(loaded_db, public_url="https://peta.example.id/")})
    html = configured.test_client().get(f"/produk/{shop_id}").get_data(as_text=True)
    assert head_of(html).meta["og:url"] == f"https://peta.example.id/produk/{shop_id}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_preview_image_is_a_1200_by_630_png_of_the_place(client, shop_id, lang):
    og_image = head_of(client.get(f"/produk/{shop_id}?lang={lang}").get_data(as_text=True)).meta["og:image"]
    parts = urlsplit(og_image)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert png_size(response.data) == (1200, 630)
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get(parts.path, query_string=parts.query, headers={"If-None-Match": etag})
    assert again.status_code == 304
    image = Image.open(io.BytesIO(response.data)).convert("RGB")
    colours = {rgb for _, rgb in image.getcolors(1200 * 630)}
    # the title band, the land of the regency, the producer marker, dark boundary lines
    assert image.getpixel((5, 625)) == map_image.BAND_FILL
    assert map_image.LAND in colours
    assert any(_near(rgb, map_image.MARKERS["producer"]) for rgb in colours)
    assert any(sum(rgb) < 3 * 120 for rgb in colours)


def _near(rgb: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))


def test_images_differ_by_place_and_language(client, shop_id, opportunity):
    producer_id = client.get(f"/produk/{shop_id}/peta.png").data
    producer_en = client.get(f"/produk/{shop_id}/peta.png?lang=en").data
    place = client.get(f"/investor/peluang/{opportunity['code']}/peta.png")
    assert place.status_code == 200 and png_size(place.data) == (1200, 630)
    assert len({producer_id, producer_en, place.data}) == 3


@pytest.mark.parametrize("lang", ["id", "en"])
def test_opportunity_profile_shows_the_figures_an_investor_forwards(client, opportunity, lang):
    code = opportunity["code"]
    suffix = "?lang=en" if lang == "en" else ""
    response = client.get(f"/investor/peluang/{code}{suffix}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    title = (opportunity["title_en"] if lang == "en" else None) or opportunity["title_id"]
    assert f"<h1>{title}</h1>" in html
    assert format_idr(opportunity["value_idr"], lang) in html
    assert format_idr(opportunity["npv_idr"], lang) in html
    assert format_number(opportunity["irr_pct"], lang, 1) + "%" in html
    assert format_number(opportunity["bc_ratio"], lang, 2) in html
    assert t("popup.years", lang, n=format_number(opportunity["payback_years"], lang, 1)) in html
    for field in ("land_status", "contact_agency"):
        assert str(opportunity[field]) in html
    licensing = opportunity["licensing_url"] or "https://oss.go.id/"
    assert f'href="{licensing}"' in html
    assert t(f"readiness.{opportunity['readiness']}", lang) in html
    assert 'data-print' in html and t("share.print", lang) in html
    head = head_of(html)
    assert head.meta["og:url"] == f"http://localhost/investor/peluang/{code}{suffix}"
    assert head.meta["og:image"] == f"http://localhost/investor/peluang/{code}/peta.png{suffix}"
    assert head.meta["og:title"] == title


def test_opportunity_without_licensing_link_points_to_oss(client, engine, opportunity):
    with engine.begin() as conn:
        conn.execute(text("UPDATE opportunities SET licensing_url = NULL WHERE code = :c"), {"c": opportunity["code"]})
    html = client.get(f"/investor/peluang/{opportunity['code']}").get_data(as_text=True)
    assert 'href="https://oss.go.id/"' in html


@pytest.mark.parametrize("path, message", [
    ("/produk/99999999", ("share.producer_unknown", {"id": "99999999"})),
    ("/produk/krupuk", ("share.producer_unknown", {"id": "krupuk"})),
    ("/produk/99999999/qr", ("share.producer_unknown", {"id": "99999999"})),
    ("/investor/peluang/OPP-0000-00", ("share.opportunity_unknown", {"code": "OPP-0000-00"})),
])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_unknown_places_get_an_html_404_in_the_page_language(client, path, message, lang):
    response = client.get(path + ("?lang=en" if lang == "en" else ""))
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert t("error.404_title", lang) in html
    assert t(message[0], lang, **message[1]) in html


@pytest.mark.parametrize("path", ["/produk/99999999/peta.png", "/produk/abc/qr.svg",
                                  "/investor/peluang/NONE/peta.png", "/produk/99999999999999999999/peta.png"])
def test_unknown_images_are_problem_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize("lang", ["id", "en"])
def test_qr_code_is_a_valid_svg_of_the_page_address(client, shop_id, lang):
    suffix = "?lang=en" if lang == "en" else ""
    page_url = f"http://localhost/produk/{shop_id}{suffix}"
    response = client.get(f"/produk/{shop_id}/qr.svg{suffix}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == page_url
    size = int(root.get("width"))
    assert size == int(root.get("height"))
    modules = size // 10 - 8  # scale 10, a quiet zone of 4 modules each side
    version = (modules - 17) / 4
    # A URL of ~30 bytes at level M needs version 2 or 3; a byte of the URL more or less cannot make it 10.
    assert version.is_integer() and 2 <= version <= 6, version
    path = root.find(f"{SVG}path")
    assert path is not None and path.get("d", "").count("h") > modules  # dark modules on every row or so
    other = client.get(f"/produk/{shop_id + 1}/qr.svg{suffix}").data
    assert ET.fromstring(other).find(f"{SVG}path").get("d") != path.get("d")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_printable_qr_page_names_the_shop_and_shows_the_address(client, shop_id, lang):
    suffix = "?lang=en" if lang == "en" else ""
    html = client.get(f"/produk/{shop_id}/qr{suffix}").get_data(as_text=True)
    assert f"<h1>{SHOP}</h1>" in html
    assert t("share.qr_scan", lang) in html
    assert f'<p class="qr-url">http://localhost/produk/{shop_id}{suffix}</p>' in html
    assert f'src="/produk/{shop_id}/qr.svg{suffix}"' in html


@pytest.mark.parametrize("path", ["/produk/1", "/produk/1/qr", "/produk/1/peta.png", "/produk/1/qr.svg",
                                  "/investor/peluang/OPP-3212-01", "/investor/peluang/OPP-3212-01/peta.png"])
def test_share_pages_and_images_are_free_reads(app, path):
    with app.test_request_context(path):
        assert limits.bucket() == "free"


def test_images_are_drawn_once_until_the_data_change(client, engine, shop_id, monkeypatch):
    drawn: list[str] = []
    render = map_image.render
    monkeypatch.setattr(map_image, "render", lambda conn, place, *a: drawn.append(place.key) or render(conn, place, *a))
    first = client.get(f"/produk/{shop_id}/peta.png").data
    assert client.get(f"/produk/{shop_id}/peta.png").data == first
    assert drawn == [str(shop_id)]
    with engine.begin() as conn:  # a correction of the shop's name: the cache's data version moves on
        conn.execute(text("UPDATE producers SET name = 'Krupuk Ikan Cap Mulya Jaya' WHERE id = :id"), {"id": shop_id})
        conn.execute(text("SELECT pg_stat_force_next_flush()"))  # the version reads the table statistics
    client.application.extensions["peta_tiles"].version_ttl_s = 0
    assert client.get(f"/produk/{shop_id}/peta.png").data != first
    assert drawn == [str(shop_id), str(shop_id)]


@pytest.mark.parametrize("raw, number", [
    ("0812-0000-0001", "6281200000001"), ("+62 812 3456 789", "628123456789"), ("62-813-1111-2222", "6281311112222"),
    ("(0234) 272123", None), ("0812", None), ("", None), (None, None),
])
def test_whatsapp_takes_indonesian_mobile_numbers_in_international_form(raw, number):
    assert whatsapp_number(raw) == number
