"""What makes a producer's or an opportunity's page shareable and printable: the map image of its link preview
(``/produk/<id>/peta.png``, ``/investor/peluang/<code>/peta.png``), the QR code of a shop window
(``/produk/<id>/qr.svg``), and the page context (absolute URLs, Open Graph tags, JSON-LD, WhatsApp, directions).

The pages themselves are routes of ``webmap.pages``; the images are cached reads (``free`` in ``webmap.limits``),
kept in the tile cache until the data change, with an ETag (``webmap.http``). Absolute URLs start at
``PETA_PUBLIC_URL`` when set (the address the public sees), else at the request's root: behind a reverse proxy,
wrap the app in werkzeug's ``ProxyFix`` so it is the public one.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import quote

import segno
from flask import Blueprint, Response, current_app, request

from gis import map_image, places
from gis.kbli import section_label
from gis.places import Place
from gis.tiles import TileCache
from webmap.current import engine as _engine
from webmap.current import settings as current_settings
from webmap.i18n import normalize_lang, t
from webmap.problems import NotFound

bp = Blueprint("share", __name__)

IMAGE_MAX_AGE_S = 3600
MAP_LINK_ZOOM = 16  # "Lihat di peta": the shop's street, producers shown one by one (from zoom 13)
OSS_URL = "https://oss.go.id/"
OG_LOCALES = {"id": "id_ID", "en": "en_US"}
PAGE_PATHS = {"producer": "/produk/{key}", "opportunity": "/investor/peluang/{key}"}
MOBILE = re.compile(r"^(?:\+?62|0)8\d{7,12}$")  # an Indonesian mobile number (digits only): a WhatsApp candidate


def public_url(path: str) -> str:
    """``path`` as an absolute URL of this site, as the public reaches it."""
    root = current_settings().public_url or request.url_root
    return str(root).rstrip("/") + path


def page_path(place: Place, lang: str, suffix: str = "") -> str:
    """The path of the place's page (``suffix`` appended: ``/qr``, ``/peta.png``), ``?lang=en`` on English pages."""
    path = PAGE_PATHS[place.kind].format(key=quote(place.key, safe="")) + suffix
    return path + ("?lang=en" if lang == "en" else "")


def whatsapp_number(raw: str | None) -> str | None:
    """An Indonesian mobile number in WhatsApp's form (``0812-...`` -> ``62812...``), or None."""
    digits = re.sub(r"\D", "", raw or "")
    if not MOBILE.match(digits):
        return None
    return "62" + digits[1:] if digits.startswith("0") else digits


def whatsapp_share(text: str, url: str) -> str:
    """A WhatsApp link that opens a chat picker with ``text`` and ``url`` typed in."""
    return "https://wa.me/?text=" + quote(f"{text} {url}", safe="")


def web_directions(lat: float, lon: float) -> str:
    """Directions to a point on a web map (OpenStreetMap), for what is not Android."""
    return f"https://www.openstreetmap.org/directions?to={lat:.6f}%2C{lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"


def map_link(place: Place, lang: str) -> str:
    """The economic map (``/``) opened on the place: a ``#map=zoom/lat/lon`` hash, which the map's place keeping
    (``static/js/peta-layers.js``) puts before the place it saved."""
    path = "/?lang=en" if lang == "en" else "/"
    if place.lat is None or place.lon is None:
        return path
    return f"{path}#map={MAP_LINK_ZOOM}/{place.lat:.6f}/{place.lon:.6f}"


def preview_tags(place: Place, lang: str, description: str) -> list[tuple[str, str, str]]:
    """Open Graph and Twitter tags of the page: (attribute, name, content)."""
    title = place.title(lang)
    other = "en" if lang == "id" else "id"
    tags = [("og:type", "business.business" if place.kind == "producer" else "article"),
            ("og:site_name", t("site.title", lang)), ("og:title", title), ("og:description", description),
            ("og:url", public_url(page_path(place, lang))), ("og:locale", OG_LOCALES[lang]),
            ("og:locale:alternate", OG_LOCALES[other]),
            ("og:image", public_url(page_path(place, lang, "/peta.png"))), ("og:image:type", "image/png"),
            ("og:image:width", str(map_image.WIDTH)), ("og:image:height", str(map_image.HEIGHT)),
            ("og:image:alt", t("share.map_alt", lang, name=title))]
    twitter = [("twitter:card", "summary_large_image"), ("twitter:title", title),
               ("twitter:description", description), ("twitter:image", dict(tags)["og:image"])]
    return [("property", k, v) for k, v in tags] + [("name", k, v) for k, v in twitter]


def local_business(place: Place, lang: str) -> dict[str, Any]:
    """The producer as schema.org ``LocalBusiness`` (JSON-LD)."""
    row = place.row
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "LocalBusiness", "name": row["name"],
        "url": public_url(page_path(place, lang)), "image": public_url(page_path(place, lang, "/peta.png")),
        "address": {"@type": "PostalAddress", "streetAddress": row["address"] or "",
                    "addressLocality": place.place_name(), "addressRegion": "Jawa Barat", "addressCountry": "ID"},
    }
    if row["products"]:
        data["description"] = row["products"]
    if place.lat is not None and place.lon is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": round(place.lat, 6), "longitude": round(place.lon, 6)}
    if row["phone"] or row["whatsapp"]:
        data["telephone"] = row["phone"] or row["whatsapp"]
    if row["established_year"]:
        data["foundingDate"] = str(row["established_year"])
    return data


def page_context(place: Place, lang: str) -> dict[str, Any]:
    """What the templates of a place's page need besides the place: URLs, preview tags, links."""
    title = place.title(lang)
    url = public_url(page_path(place, lang))
    if place.kind == "producer":
        description = t("share.producer_text", lang, products=place.row["products"] or title,
                        place=place.place_name() or t("site.title", lang))
    else:
        description = place.description(lang)[:300] or title
    other = "en" if lang == "id" else "id"
    context: dict[str, Any] = {
        "place": place, "title": title, "description": description, "page": page_path(place, lang), "page_url": url,
        "alternate_url": public_url(page_path(place, other)), "other_lang": other,
        "image": page_path(place, lang, "/peta.png"), "image_alt": t("share.map_alt", lang, name=title),
        "preview": preview_tags(place, lang, description), "map_link": map_link(place, lang),
        "whatsapp_share": whatsapp_share(f"{title} · {t('site.title', lang)}:", url),
        "share_text": f"{title} · {t('site.title', lang)}",
        "directions": web_directions(place.lat, place.lon) if place.lat is not None and place.lon is not None else "",
        "desa": place.area("desa"), "kecamatan": place.area("kecamatan"),
    }
    if place.kind == "producer":
        row = place.row
        context.update(
            jsonld=local_business(place, lang), qr_page=page_path(place, lang, "/qr"),
            qr_svg=page_path(place, lang, "/qr.svg"),
            chat=_chat_link(row["whatsapp"] or row["phone"]),
            sector=f"{row['sector']} · {section_label(row['sector'], lang)}" if row["sector"] else "")
    else:
        licensing = place.row["licensing_url"]
        context["licensing"] = licensing if licensing and re.match(r"https?://", licensing) else OSS_URL
    return context


def _chat_link(raw: str | None) -> str:
    number = whatsapp_number(raw)
    return f"https://wa.me/{number}" if number else ""


def find_place(kind: str, key: str) -> Place | None:
    """The producer or opportunity of ``key`` in the current app's database, or None."""
    with _engine().connect() as conn:
        return places.find(conn, kind, key)


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as SVG (error correction M: readable with a smudge on the shop window)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=10, border=4, xmldecl=True,
                                                 title=url, svgclass="qr", lineclass=None)
    return out.getvalue()


def _map_image(kind: str, key: str) -> Response:
    lang = normalize_lang(request.args.get("lang"))
    engine = _engine()
    cache: TileCache = current_app.extensions["peta_tiles"]

    def make() -> bytes | None:
        with engine.connect() as conn:
            place = places.find(conn, kind, key)
            if place is None:
                return None
            subtitle = place.place_name() or t("site.tagline", lang)
            return map_image.render(conn, place, place.title(lang), subtitle, t("site.title", lang))

    png = cache.get_or_make(engine, ("map-image", kind, key, lang), make)
    if png is None:
        raise NotFound(f"no {kind} {key!r}")
    return Response(png, mimetype="image/png", headers={"Cache-Control": f"public, max-age={IMAGE_MAX_AGE_S}"})


@bp.get("/produk/<pid>/peta.png")
def producer_image(pid: str) -> Response:
    """The producer's map image (1200 x 630 PNG, the link preview's)."""
    return _map_image("producer", pid)


@bp.get("/investor/peluang/<code>/peta.png")
def opportunity_image(code: str) -> Response:
    """The opportunity's map image (1200 x 630 PNG)."""
    return _map_image("opportunity", code)


@bp.get("/produk/<pid>/qr.svg")
def producer_qr(pid: str) -> Response:
    """A QR code of the producer's page (its language's), for the shop window."""
    lang = normalize_lang(request.args.get("lang"))
    place = find_place("producer", pid)
    if place is None:
        raise NotFound(f"no producer {pid!r}")
    svg = qr_svg(public_url(page_path(place, lang)))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": f"public, max-age={IMAGE_MAX_AGE_S}"})
