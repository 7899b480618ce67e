"""Offline packages over HTTP: ``/api/v1/packages`` lists them, ``/api/v1/packages/<code>.<format>`` serves one.

The files are made by ``gis.packages`` (also ``flask --app app packages build``); a package not built yet for
the current data is built on demand under its lock (a kecamatan takes seconds, the regency longer). Files are
sent as attachments with an ETag, conditional requests and byte ranges (werkzeug's ``make_conditional``); the
file is opened at once, so a rebuild that replaces it meanwhile does not cut the download, and closed with the
response (unlike ``send_file``'s, also when a client that never closes it drops it unread).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request

from gis import packages
from gis.exports import content_disposition
from gis.i18n import t
from webmap import current
from webmap.current import engine as _engine
from webmap.http import link
from webmap.openapi_v1 import JSON, READ, Operation, ref
from webmap.params import AREA_CODES, LANG, Param, Spec, choose_lang, string

bp = Blueprint("packages", __name__, url_prefix="/api/v1")

CACHE_CONTROL_S = 60
FILE_CHUNK_BYTES = 1 << 20
CODE_HINT = "a Kemendagri code of the regency or a kecamatan, such as 32.12 or 32.12.16"
LIST = Spec(Param("area_code", string(13, AREA_CODES, CODE_HINT), "Only the packages of this area (the regency or "
                  "a kecamatan).", example="32.12.16"), LANG)
DOWNLOAD = Spec(Param("area_code", string(13, AREA_CODES, CODE_HINT), "Kemendagri code of the regency or a "
                      "kecamatan.", where="path", example="32.12.16"))


def _entry(area: packages.PackageArea, version: str, lang: str) -> dict[str, Any]:
    directory = current.settings().package_path
    formats = {}
    for fmt in packages.FORMATS:
        found = packages.package(directory, area, fmt, version)
        formats[fmt] = {"href": link(f"/api/v1/packages/{area.code}.{fmt}", "enclosure")["href"],
                        "type": found.mimetype, "built": found.built, "size_bytes": found.size,
                        "data_version": version}
    return {"area_code": area.code, "name": area.name, "level": area.level,
            "level_label": t(f"level.{area.level}", lang), "formats": formats,
            "links": [link(f"/wilayah/{area.code}", "describedby", "text/html")]}


@bp.get("/packages")
def list_packages() -> Response:
    """The regency's and each kecamatan's packages: per format its URL, whether it is built, size, data version."""
    fields = LIST.parse(request.args)
    lang = choose_lang(fields["lang"], request.headers.get("Accept-Language"))
    engine, region = _engine(), current.settings().region_code
    code = fields["area_code"]
    areas = [packages.package_area(engine, region, code)] if code else packages.package_areas(engine, region)
    version = packages.version_token(engine)
    return jsonify({"data_version": version, "packages": [_entry(area, version, lang) for area in areas],
                    "links": [link(request.url, "self")]})


@bp.get("/packages/<area_code>.<fmt>")
def download(area_code: str, fmt: str) -> Response:
    """The MBTiles or GeoPackage file of an area, built first if the data changed since the last one."""
    DOWNLOAD.parse(request.args, {"area_code": area_code})
    engine = _engine()
    area = packages.package_area(engine, current.settings().region_code, area_code)
    found = packages.ensure(engine, current.settings().package_path, area, fmt)  # UnknownPackage for another format
    chunks = _file_chunks(found.path)
    size, modified_ns = next(chunks)
    response = Response(chunks, mimetype=found.mimetype, direct_passthrough=True)
    response.content_length = size
    response.last_modified = modified_ns / 1e9
    response.set_etag(f"{found.version}-{modified_ns:x}-{size:x}")
    response.headers["Content-Disposition"] = content_disposition(f"peta-ekonomi-{area.code}.{fmt}")
    response.headers["X-Data-Version"] = found.version
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_CONTROL_S
    return response.make_conditional(request, accept_ranges=True, complete_length=size)


def _file_chunks(path: Path) -> Iterator[Any]:
    """The size and modification time (ns) of the file at ``path``, then its bytes; the file is open from the
    first ``next`` until the end, ``close()`` or collection."""
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        yield stat.st_size, stat.st_mtime_ns
        while chunk := handle.read(FILE_CHUNK_BYTES):
            yield chunk


# --------------------------------------------------------------------------- OpenAPI

_FORMAT = {"type": "object", "required": ["href", "type", "built", "size_bytes", "data_version"], "properties": {
    "href": {"type": "string"}, "type": {"type": "string", "enum": list(packages.FORMATS.values())},
    "built": {"type": "boolean", "description": "false: the file is made when first downloaded"},
    "size_bytes": {"type": "integer", "minimum": 0, "nullable": True}, "data_version": {"type": "string"}}}


def schemas() -> dict[str, Any]:
    """The component schemas of the package list."""
    package = {"type": "object", "required": ["area_code", "name", "level", "formats"], "properties": {
        "area_code": {"type": "string"}, "name": {"type": "string"},
        "level": {"type": "string", "enum": list(packages.LEVELS)}, "level_label": {"type": "string"},
        "formats": {"type": "object", "required": list(packages.FORMATS),
                    "properties": {fmt: _FORMAT for fmt in packages.FORMATS}},
        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}}
    return {"PackageList": {"type": "object", "required": ["data_version", "packages"], "properties": {
        "data_version": {"type": "string"}, "packages": {"type": "array", "items": package},
        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}}}


def operations() -> list[Operation]:
    """The documented operations: the list and one download per format."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    files = {206: "Part of the file (a Range request).", 416: "The requested range is not in the file."}
    return [
        Operation("/api/v1/packages", "list_packages", "packages",
                  "Offline packages (MBTiles, GeoPackage) of the regency and each kecamatan", LIST,
                  ref("PackageList", JSON), (*READ, 404), notes={404: "The area is not the regency or a kecamatan."}),
        *(Operation(f"/api/v1/packages/{{area_code}}.{fmt}", f"package_{fmt}", "packages",
                    f"Download the {label} of an area (built on demand when the data changed)", DOWNLOAD,
                    {mime: binary}, (304, 404, 429, 503), ok_description="The file, as an attachment",
                    notes={404: "The area is not the regency or a kecamatan."},
                    responses={str(status): {"description": text, **({"content": {mime: binary}}
                                                                     if status == 206 else {})}
                               for status, text in files.items()})
          for fmt, mime, label in (("mbtiles", packages.FORMATS["mbtiles"], "MBTiles 1.3 vector tiles"),
                                   ("gpkg", packages.FORMATS["gpkg"], "GeoPackage of every feature"))),
    ]
