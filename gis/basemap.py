"""An operator's basemap under the economic layers: a raster XYZ URL, or a local PMTiles archive.

``PETA_BASEMAP`` names it; there is none by default (nothing is loaded from another host unless the
operator says so). A URL template (``https://tiles.example/{z}/{x}/{y}.png``) is drawn as it is by
the browsers and by MapLibre. A ``.pmtiles`` archive (for example an OpenStreetMap extract of the
region) is served by the app, whole with HTTP range requests for PMTiles clients, and tile by tile
for every other client; its header says whether its tiles are raster images or vector tiles.
"""

from __future__ import annotations

import mmap
import threading
from dataclasses import dataclass
from pathlib import Path

from pmtiles.reader import Reader
from pmtiles.tile import Compression, TileType

TILE_FORMATS = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp", TileType.AVIF: "avif",
                TileType.MVT: "pbf"}
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "avif": "image/avif",
               "pbf": "application/vnd.mapbox-vector-tile"}
ENCODINGS = {Compression.GZIP: "gzip", Compression.BROTLI: "br", Compression.ZSTD: "zstd"}


class BasemapError(ValueError):
    """The basemap setting names something that cannot be used."""


def is_url_template(setting: str) -> bool:
    """True when the setting is an XYZ URL template rather than a file."""
    return setting.startswith(("http://", "https://"))


def check_setting(setting: str) -> None:
    """Raise ``BasemapError`` when ``setting`` is neither an XYZ template nor a readable PMTiles file."""
    if not setting:
        return
    if is_url_template(setting):
        missing = [part for part in ("{z}", "{x}", "{y}") if part not in setting]
        if missing:
            raise BasemapError(f"PETA_BASEMAP must hold {', '.join(missing)}: {setting!r}")
        return
    path = Path(setting)
    if path.suffix != ".pmtiles" or not path.is_file():
        raise BasemapError(f"PETA_BASEMAP must be an http(s) XYZ template or an existing .pmtiles file: {setting!r}")


def basemap_origins(setting: str) -> tuple[str, ...]:
    """The origin (scheme and host) a remote basemap's tiles come from: pages must allow it."""
    if not is_url_template(setting):
        return ()
    scheme, _, rest = setting.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return (f"{scheme}://{host}",)


@dataclass(frozen=True)
class ArchiveInfo:
    """What clients need to know of an archive: tile format, zooms, bounds, attribution."""

    format: str
    encoding: str | None
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    attribution: str
    vector_layers: list[dict]


class Archive:
    """A PMTiles archive, memory-mapped once and read tile by tile (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._reader = Reader(lambda offset, length: self._map[offset:offset + length])
        self._lock = threading.Lock()
        header = self._reader.header()
        metadata = self._reader.metadata()
        tile_type = header["tile_type"]
        if tile_type not in TILE_FORMATS:
            raise BasemapError(f"{path}: tiles of type {tile_type.name} cannot be served")
        self.info = ArchiveInfo(
            format=TILE_FORMATS[tile_type],
            encoding=ENCODINGS.get(header["tile_compression"]),
            min_zoom=header["min_zoom"], max_zoom=header["max_zoom"],
            bounds=(header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
                    header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7),
            attribution=str(metadata.get("attribution") or ""),
            vector_layers=list(metadata.get("vector_layers") or []),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The stored bytes of a tile (still compressed as ``info.encoding`` says), or None."""
        if not (self.info.min_zoom <= z <= self.info.max_zoom and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
            return None
        with self._lock:
            return self._reader.get(z, x, y)


@dataclass(frozen=True)
class Basemap:
    """The configured basemap: a remote template, or a local archive served under ``/basemap``."""

    attribution: str
    url: str | None = None
    archive: Archive | None = None

    @property
    def kind(self) -> str:
        """``raster`` or ``vector``."""
        return "vector" if self.archive and self.archive.info.format == "pbf" else "raster"

    def tile_url(self, base_url: str) -> str:
        """The XYZ template clients draw from."""
        if self.archive is None:
            return str(self.url)
        return f"{base_url}/basemap/{{z}}/{{x}}/{{y}}.{self.archive.info.format}"

    @property
    def max_zoom(self) -> int:
        """The deepest zoom with tiles of their own (clients enlarge them beyond)."""
        return self.archive.info.max_zoom if self.archive else 19


def open_basemap(setting: str, attribution: str = "") -> Basemap | None:
    """The basemap of a ``PETA_BASEMAP`` setting, or None when it is empty."""
    if not setting:
        return None
    check_setting(setting)
    if is_url_template(setting):
        return Basemap(attribution=attribution, url=setting)
    archive = Archive(Path(setting))
    return Basemap(attribution=attribution or archive.info.attribution, archive=archive)
