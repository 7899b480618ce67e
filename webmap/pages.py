"""The HTML pages: ``/`` map, ``/investor``, ``/produk``, ``/perencana`` (and its upload page
``/perencana/unggah``), ``/wilayah/<code>``, and the pages a shop and an investor share and print:
``/produk/<id>`` (with its QR code page ``/produk/<id>/qr``) and ``/investor/peluang/<code>`` (their map images,
QR codes, preview tags and links: ``webmap.share``) (thin routes).

Maps come from ``webmap.maps`` (Folium), texts from ``webmap.i18n`` (the catalogue of ``gis.i18n``), assets from
``webmap.assets``.
Pages carry no data tables: their scripts read vector tiles and the APIs. ``webmap.maps`` is imported by
the views that draw a map, not here: Folium takes a tenth of a second to import, and the CLI
(``flask etl load``) creates the app without drawing any.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from etl.jobs import JOBS
from gis import features, keys, profiles, stats
from gis.area_codes import AREA_CODE
from gis.kbli import SECTIONS, section_label
from gis.layers import LAYERS, registry_version, stat_layers
from webmap import assets, current, share
from webmap.basemap import basemap_config
from webmap.current import data_memo
from webmap.current import engine as _engine
from webmap.i18n import (
    CATALOG,
    NUMBER_LOCALES,
    UPLOAD_JS_KEYS,
    catalog_for,
    format_idr,
    format_number,
    js_config,
    label,
    normalize_lang,
    t,
)
from webmap.layer_config import pages_config, registry_messages

bp = Blueprint("pages", __name__)

SUBJECTS_TTL_S = 300.0
LEGEND_SECTIONS = ("A", "C", "G", "I")
EXAMPLE_PRODUCTS = ("krupuk", "mangga", "ikan asin", "garam")
_subjects_lock = threading.Lock()


def _region() -> str:
    return current.settings().region_code


def _lang() -> str:
    return normalize_lang(request.args.get("lang"))


def page_url(path: str, lang: str, **args: Any) -> str:
    """``path`` with its query string, ``lang=en`` kept on English pages."""
    params = {k: v for k, v in args.items() if v not in (None, "")}
    if lang == "en":
        params["lang"] = "en"
    return path + (f"?{urlencode(params)}" if params else "")


def _cached(key: str, make: Callable[[], Any]) -> Any:
    """``make()``, kept for ``SUBJECTS_TTL_S`` per app and registry version: what the page maps need from the whole
    data set."""
    cache: dict[tuple[int, str], tuple[float, Any]] = current_app.extensions.setdefault("peta_pages_subjects", {})
    full_key = (registry_version(), key)
    with _subjects_lock:
        hit = cache.get(full_key)
        if hit is None or time.monotonic() - hit[0] > SUBJECTS_TTL_S:
            hit = cache[full_key] = (time.monotonic(), make())
    return hit[1]


def mappable_subjects(engine: Engine, dataset: str, lang: str) -> list[dict[str, Any]]:
    """Subjects of a statistical layer (commodities, fisheries kinds...) that can be mapped, with the finest level
    that has data (cached)."""
    found: list[tuple[str, str, list[int]]] = _cached(dataset, lambda: _find_subjects(engine, dataset))
    # Kecamatan-level subjects with the longest series first: padi before mangga, laut before kolam.
    ordered = sorted(found, key=lambda item: (item[1] != "kecamatan", -len(item[2]), item[0]))
    return [{"id": s, "level": level, "years": years, "label": stats.subject_label(s, lang)}
            for s, level, years in ordered]


def _find_subjects(engine: Engine, dataset: str) -> list[tuple[str, str, list[int]]]:
    with engine.connect() as conn:
        subjects = stats.available_subjects(conn, stats.DATASETS[dataset])
    found = []
    for subject in subjects:
        for level in stats.LEVELS:
            try:
                result = stats.choropleth(engine, stats.StatsQuery(dataset, subject, level=level, classes=3))
            except stats.NoData:
                continue
            found.append((subject, level, list(result["available_years"])))
            break
    return found


def _read(engine: Engine, query: Callable[[Connection], Any]) -> Any:
    with engine.connect() as conn:
        return query(conn)


def opportunity_sectors(engine: Engine) -> list[str]:
    """The sectors of the loaded opportunities, for the investor filter (cached like the subjects)."""
    sql = text("SELECT DISTINCT sector FROM opportunities WHERE sector <> ''")
    return _cached("sectors", lambda: sorted(_read(engine, lambda conn: conn.execute(sql).scalars())))


def region_bounds(engine: Engine) -> tuple[float, float, float, float] | None:
    """West, south, east, north of the kecamatan layer, islands included (cached like the subjects)."""
    return _cached("bounds", lambda: _read(engine, lambda conn: features.extent(conn, LAYERS["kecamatan"]).bbox))


def home_bounds(engine: Engine) -> tuple[float, float, float, float] | None:
    """Where the maps open: the regency without its far islands (cached like the subjects)."""
    region = _region()
    return _cached("home", lambda: _read(engine, lambda conn: profiles.view_bbox(conn, region))) \
        or region_bounds(engine)


def _kecamatan(engine: Engine, region: str) -> list[dict[str, str]]:
    """Code and name of the kecamatan of the regency (for the planner's area filter)."""
    with engine.connect() as conn:
        page = features.items(conn, LAYERS["kecamatan"], features.Selection(filters={"parent_code": region}),
                              limit=500)
    return [{"code": f["properties"]["code"], "name": f["properties"]["name"]} for f in json.loads(page.features_json)]


def all_subjects(engine: Engine, lang: str) -> dict[str, list[dict[str, Any]]]:
    """The mappable subjects of every statistical layer of the registry, by layer id."""
    return {layer.id: mappable_subjects(engine, layer.id, lang) for layer in stat_layers()}


def _subject_labels(lang: str) -> dict[str, str]:
    return {subject: stats.subject_label(subject, lang) for subject in stats.SUBJECT_LABELS}


def _label(prefix: str, value: str | None, lang: str) -> str:
    """A coded value's label: the registry's (a sector named after a statistical layer), else the catalogue's."""
    return registry_messages(lang).get(f"{prefix}.{value}") or label(prefix, value, lang)


def _map_config(lang: str) -> dict[str, Any]:
    """What every map page's scripts get: texts (the registry's among them), the registry's layers, the basemap."""
    return js_config(lang, {
        "messages": {**catalog_for(lang), **registry_messages(lang)},
        "sectorLegend": [{"section": s, "label": section_label(s, lang)} for s in LEGEND_SECTIONS],
        "basemap": basemap_config(request.url_root.rstrip("/")),
        **pages_config(lang),
    })


def _sector_cards(lang: str) -> list[dict[str, str]]:
    """The investor page's card of each statistical layer: the page's own copy when written, else the registry's."""
    cards = []
    for layer in stat_layers():
        title, text = f"investor.{layer.id}", f"investor.{layer.id}_text"
        cards.append({"id": layer.id,
                      "title": t(title, lang) if title in CATALOG else _label("sector", layer.id, lang),
                      "text": t(text, lang) if text in CATALOG else layer.description(lang)})
    return cards


def _new_map(key: str, lang: str) -> Any:
    from webmap import maps

    return maps.new_map(key, lang, _map_config(lang), bounds=home_bounds(_engine()))


def _render(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    args = {k: v for k, v in request.args.items() if k != "lang"}
    other = "id" if lang == "en" else "en"
    html = render_template(
        template, lang=lang, t=lambda key, **v: t(key, lang, **v), num=lambda v, d=None: format_number(v, lang, d),
        idr=lambda v: format_idr(v, lang), label=lambda p, v: _label(p, v, lang),
        url=lambda path, **a: page_url(path, lang, **a), switch_url=page_url(request.path, other, **args),
        assets=assets, missing_assets=bool(assets.missing_vendor_files()), active=request.endpoint,
        **{"parts": None, "page_config": {}, **context})
    return Response(html, status=status, mimetype="text/html")


@bp.errorhandler(OperationalError)
def _database_away(exc: OperationalError) -> Response:
    """A page while the database is away: an HTML 503 in the page's language (the API answers problem+json)."""
    current_app.logger.warning("database unavailable: %s", exc.orig)
    lang = _lang()
    response = _render("error.html", lang, status=503, title=t("error.503_title", lang),
                       message=t("error.database_away", lang))
    response.headers["Retry-After"] = "5"
    return response


@bp.get("/")
def index() -> Response:
    """The economic map: boundaries, choropleths, TPI, salt, producers, opportunities, search."""
    from webmap import maps

    lang = _lang()
    engine = _engine()
    m = maps.economy_map(lang, _map_config(lang), all_subjects(engine, lang), bounds=home_bounds(engine),
                         region=region_bounds(engine))
    return _render("index.html", lang, parts=maps.render_map(m))


@bp.get("/investor")
def investor() -> Response:
    """Sector profiles with trends, leading kecamatan, and the opportunities with filters and a map."""
    from webmap import maps

    lang = _lang()
    m = _new_map("investor", lang)
    maps.add_boundaries(m, lang, "kecamatan")
    maps.add_opportunities(m, lang)
    maps.add_places(m, lang, region_bounds(_engine()))
    maps.add_controls(m, search=False)
    engine = _engine()
    sectors = opportunity_sectors(engine)
    config = {"region": _region(), "subjects": all_subjects(engine, lang), "labels": _subject_labels(lang)}
    return _render("investor.html", lang, parts=maps.render_map(m), page_config=config, sectors=sectors,
                   statuses=("tersedia", "dalam_penjajakan", "terealisasi"), examples=EXAMPLE_PRODUCTS,
                   cards=_sector_cards(lang))


@bp.get("/produk")
def produk() -> Response:
    """The producer finder (phone first): search, near me, list and map, producer cards."""
    from webmap import maps

    lang = _lang()
    m = _new_map("produk", lang)
    maps.add_boundaries(m, lang, "kecamatan", show=True)
    m.add_child(maps.PetaLayer("results", t("common.producers", lang), {"id": "results"}, control=False))
    maps.add_places(m, lang, region_bounds(_engine()))
    q = request.args.get("q", "")[:200]
    area = request.args.get("area", "")
    area = area if AREA_CODE.fullmatch(area) else ""
    return _render("produk.html", lang, parts=maps.render_map(m), q=q, area=area, examples=EXAMPLE_PRODUCTS,
                   page_config={"q": q, "area": area})


def _share_page(kind: str, key: str, template: str, unknown: str) -> Response:
    """A producer's or an opportunity's page (``webmap.share``: map image, preview tags, links); an HTML 404 for
    an unknown one."""
    lang = _lang()
    place = share.find_place(kind, key)
    if place is None:
        return _render("error.html", lang, status=404, title=t("error.404_title", lang),
                       message=t(unknown, lang, id=key[:40], code=key[:64]))
    return _render(template, lang, **share.page_context(place, lang))


@bp.get("/produk/<pid>")
def produk_detail(pid: str) -> Response:
    """A producer's page that a shop shares: contact, directions, share buttons, map image, link preview."""
    return _share_page("producer", pid, "produk_detail.html", "share.producer_unknown")


@bp.get("/produk/<pid>/qr")
def produk_qr(pid: str) -> Response:
    """The producer's QR code on one printable A4 page, for the shop window."""
    return _share_page("producer", pid, "qr.html", "share.producer_unknown")


@bp.get("/investor/peluang/<code>")
def peluang(code: str) -> Response:
    """An opportunity's project profile that an investor forwards or prints (one A4 page)."""
    return _share_page("opportunity", code, "peluang.html", "share.opportunity_unknown")


@bp.get("/perencana")
def perencana() -> Response:
    """The planner console: layer, filters, aggregation level, table and map, downloads."""
    from webmap import maps

    lang = _lang()
    engine = _engine()
    subjects = all_subjects(engine, lang)
    m = _new_map("perencana", lang)
    layers = stat_layers()
    if layers:  # the first statistical layer, its first subject: the console's opening view
        first = subjects[layers[0].id]
        maps.add_choropleth(m, lang, layers[0].id, first, control=False, subject=first[0]["id"] if first else None)
    maps.add_boundaries(m, lang, "kecamatan")
    maps.add_producers(m, lang, show=False)
    maps.add_places(m, lang, region_bounds(_engine()))
    maps.add_controls(m, search=False)
    kecamatan = _kecamatan(engine, _region())
    config = {"subjects": subjects, "region": _region()}
    datasets = [(layer.id, layer.title(lang)) for layer in (*layers, LAYERS["producers"])]
    return _render("perencana.html", lang, parts=maps.render_map(m), page_config=config, kecamatan=kecamatan,
                   methods=stats.METHODS, sections=[(s, section_label(s, lang)) for s in SECTIONS],
                   datasets=datasets)


def upload_kinds(lang: str) -> list[dict[str, Any]]:
    """The kinds of file a steward may upload (``etl.jobs.JOBS``): title, key roles that may load it, columns."""
    kinds = []
    for kind, job in JOBS.items():
        title = t(f"kind.{kind}", lang) if f"kind.{kind}" in CATALOG else job.title
        columns = [c.name + (f" ({c.aliases[0]})" if c.aliases else "") + ("*" if c.required else "")
                   for c in job.columns]
        kinds.append({"kind": kind, "title": title, "columns": columns,
                      "roles": [role for role in keys.ROLES if keys.can_load(role, kind)]})
    return kinds


def _max_upload_bytes() -> int:
    """The request-body cap the upload API enforces (413 beyond)."""
    configured = current_app.config.get("MAX_CONTENT_LENGTH")
    return int(configured) if configured else current.settings().max_upload_mb * 1024 * 1024


@bp.get("/perencana/unggah")
def unggah() -> Response:
    """Upload page of the planner console: stewards check and load files with their API key; the load history."""
    lang = _lang()
    kinds = upload_kinds(lang)
    max_bytes = _max_upload_bytes()
    max_mb = format_number(max_bytes / (1024 * 1024), lang, 0 if max_bytes % (1024 * 1024) == 0 else 1)
    # The page reads only the APIs: no map, so it gets the upload texts rather than the map pages' catalogue.
    config = {"lang": lang, "locale": NUMBER_LOCALES[lang], "messages": catalog_for(lang, UPLOAD_JS_KEYS),
              "kinds": kinds, "maxUploadBytes": max_bytes, "maxUploadMb": max_mb}
    return _render("unggah.html", lang, page_config=config, kinds=kinds, max_mb=max_mb)


@bp.get("/wilayah/<code>")
def wilayah(code: str) -> Response:
    """Profile of a kabupaten, kecamatan or desa; an HTML 404 page for an unknown code."""
    from webmap import maps

    lang = _lang()
    try:
        profile = profiles.area_profile(_engine(), code, lang, data_memo())
    except profiles.UnknownArea:
        return _render("error.html", lang, status=404, title=t("error.404_title", lang),
                       message=t("error.area_unknown", lang, code=code))
    m = maps.new_map("wilayah", lang, _map_config(lang), bounds=profile["view_bbox"] or profile["bbox"])
    child_level = {"kabupaten": "kecamatan", "kecamatan": "desa"}.get(profile["level"])
    if child_level:
        maps.add_boundaries(m, lang, child_level, {"parent_code": code})
    own_level = profile["level"] if profile["level"] in ("kecamatan", "desa") else None
    if own_level:
        maps.add_boundaries(m, lang, own_level, {"code": code}, highlight=code)
    maps.add_producers(m, lang, {"area_code": code} if profile["level"] != "kabupaten" else None)
    maps.add_opportunities(m, lang, {"area": code})
    maps.add_places(m, lang, region_bounds(_engine()))
    maps.add_controls(m, search=False)
    config = {"code": code, "level": profile["level"], "sections": profile["producers"]["by_section"],
              "labels": _subject_labels(lang)}
    return _render("wilayah.html", lang, parts=maps.render_map(m), profile=profile, page_config=config)
