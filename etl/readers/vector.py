"""Map layers (GeoJSON, Shapefile, GeoPackage, KML, or a ZIP holding one), read whole with pyogrio, in EPSG:4326.

geopandas and pyogrio (GDAL) are imported when a map layer is read: reading a table does not
need them, and they cost about 50 MB of memory.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from etl.errors import ReadError
from etl.readers.archive import extract_layer_zip
from etl.readers.headers import normalize_header, unique_names
from etl.readers.limits import MAX_COLUMNS
from etl.readers.sniff import sniff_kind

if TYPE_CHECKING:
    import geopandas as gpd


def read_vector(
    path: str | Path, *, layer: str | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read a map layer; return it in EPSG:4326 with normalised columns, and warnings.

    Reads GeoJSON/JSON, Shapefile (with its sidecar files), GeoPackage (the first layer
    with geometries unless ``layer``), KML, and a ZIP holding one of those (possibly in
    a sub-folder; entries are checked before a size-limited extraction). Any CRS is
    reprojected to EPSG:4326; a layer without CRS is assumed EPSG:4326 (with a
    warning) only if its coordinates are longitude/latitude degrees. The frame gets a
    1-based ``__row__`` column (feature number). Invalid geometries are kept as they are.
    """
    path = Path(path)
    if sniff_kind(path) != "vector":
        raise ReadError("this is a table, not a map layer: read it with open_table", path)
    notes: list[str] = []
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="peta-ekonomi-") as folder:
            dataset, dataset_layer = _zipped_dataset(path, Path(folder), layer)
            frame = _read_dataset(dataset, dataset_layer, notes, shown=path)
    else:
        frame = _read_dataset(path, layer, notes, shown=path)
    if frame.shape[1] - 1 > MAX_COLUMNS:  # the geometry column aside
        raise ReadError(
            f"the layer has {frame.shape[1] - 1:,} attribute columns (at most {MAX_COLUMNS:,} "
            "allowed): keep only the attributes the data needs",
            path,
        )
    frame = _to_wgs84(frame, path, notes)
    frame = _normalise_vector_columns(frame)
    frame["__row__"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame, notes


def _read_dataset(
    path: Path, layer: str | None, notes: list[str], *, shown: Path
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pyogrio
    import pyogrio.errors

    ext = path.suffix.lower()
    if ext == ".shp":
        _check_shapefile_parts(path, notes, shown)
    if ext in (".gpkg", ".kml"):
        layer = _pick_layer(path, layer, shown)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataLayerError as exc:
        raise ReadError(f"cannot read layer '{layer}': {exc}", shown) from None
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
    ) as exc:
        raise ReadError(
            f"cannot read this map file ({_gdal_message(exc)}): check that it is a complete, "
            "valid file; export it again from the GIS",
            shown,
        ) from None
    notes.extend(f"{shown.name}: {w.message}" for w in caught)
    if len(frame) == 0:
        raise ReadError("the layer has no features (no data rows)", shown)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise ReadError("the layer has no geometries: a map layer needs shapes or points", shown)
    return frame


def _gdal_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    text = re.sub(r";? ?It might help to specify the correct driver.*$", "", text)
    return text[:300]


def _check_shapefile_parts(path: Path, notes: list[str], shown: Path) -> None:
    siblings = {p.suffix.lower(): p for p in path.parent.glob(f"{_glob_escape(path.stem)}.*")}
    if ".shx" not in siblings:
        raise ReadError(
            f"the shapefile's index file {path.stem}.shx is missing: a shapefile is several "
            "files (.shp, .shx, .dbf, .prj) - add them all, or zip them together",
            shown,
        )
    if ".dbf" not in siblings:
        notes.append(f"{path.stem}.dbf is missing: the features have no attributes")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _pick_layer(path: Path, layer: str | None, shown: Path) -> str:
    import pyogrio
    import pyogrio.errors

    try:
        layers = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError as exc:
        raise ReadError(f"cannot open this map file ({_gdal_message(exc)})", shown) from None
    names = [str(name) for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise ReadError(f"layer '{layer}' not found; the file has {', '.join(names)}", shown)
        return layer
    for name, geometry_type in layers:
        if geometry_type is not None and _layer_has_features(path, str(name)):
            return str(name)
    raise ReadError("the file has no layer with geometries (no data rows)", shown)


def _layer_has_features(path: Path, layer: str) -> bool:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info = pyogrio.read_info(path, layer=layer)
    return info.get("features", 0) != 0


def _to_wgs84(frame: gpd.GeoDataFrame, path: Path, notes: list[str]) -> gpd.GeoDataFrame:
    """Return the frame in EPSG:4326 (reprojected, or assumed when degrees and no CRS)."""
    if frame.crs is None:
        if not _bounds_are_degrees(frame):
            raise ReadError(
                "file has no CRS (.prj missing) and its coordinates are not longitude/latitude "
                "degrees: add the .prj file that came with the data, or export the layer again "
                "with its coordinate system (e.g. EPSG:32749, WGS 84 / UTM zone 49S)",
                path,
            )
        notes.append(
            f"{path.name}: no CRS (.prj missing); the coordinates look like longitude/latitude "
            "degrees, so EPSG:4326 (WGS 84) was assumed"
        )
        return frame.set_crs(4326)
    if frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:  # pyproj raises several error types
            raise ReadError(
                f"cannot convert the coordinates from {frame.crs.name} to EPSG:4326 ({exc})",
                path,
            ) from None
    if not _bounds_are_degrees(frame):
        raise ReadError(
            "coordinates are outside longitude -180..180 / latitude -90..90 after conversion to "
            "EPSG:4326: the file's CRS is wrong (GeoJSON must be in longitude/latitude); "
            "export it again with the right coordinate system",
            path,
        )
    return frame


def _bounds_are_degrees(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    if np.isnan([minx, miny, maxx, maxy]).any():
        return True
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _normalise_vector_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = frame.geometry.name
    others = [c for c in frame.columns if c != geometry]
    keys = [normalize_header(c) or f"column_{i + 1}" for i, c in enumerate(others)]
    names = unique_names(keys, reserved=("geometry", "__row__"))
    frame = frame.rename(columns=dict(zip(others, names, strict=True)))
    if geometry != "geometry":
        frame = frame.rename_geometry("geometry")
    return frame


def _zipped_dataset(path: Path, folder: Path, layer: str | None) -> tuple[Path, str | None]:
    """Check and extract a zip; return (dataset file inside it, layer to read)."""
    datasets = extract_layer_zip(path, folder)
    if len(datasets) > 1 and any(d.suffix.lower() != ".json" for d in datasets):
        datasets = [d for d in datasets if d.suffix.lower() != ".json"]  # .json: metadata
    if not datasets:
        raise ReadError(
            "the zip holds no map layer (.shp with its .shx/.dbf/.prj, .gpkg, .geojson or "
            ".kml)",
            path,
        )
    if len(datasets) == 1:
        only = datasets[0]
        keeps_layer = only.suffix.lower() in (".gpkg", ".kml")
        return only, layer if keeps_layer else None
    chosen = [d for d in datasets if layer is not None and d.stem.casefold() == layer.casefold()]
    if len(chosen) == 1:
        return chosen[0], None
    listed = ", ".join(str(d.relative_to(folder)) for d in datasets)
    raise ReadError(
        f"the zip holds several map layers ({listed}): zip one layer per file, or name the "
        "one to read (layer = its file name without extension)",
        path,
    )
