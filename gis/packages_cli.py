"""Command line of the offline packages: ``packages build [AREA]`` and ``packages list`` (plain click)."""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import Engine

from gis import packages
from gis.settings import Settings


def make_packages_group(get_context: Callable[[], tuple[Engine, Settings]]) -> click.Group:
    """The ``packages`` command group, bound to a factory for the engine and settings."""

    @click.group("packages", help="Build and list the offline packages (MBTiles, GeoPackage) of the areas.")
    def group() -> None:
        pass

    @group.command("build")
    @click.argument("area", required=False)
    @click.option("--format", "fmt", type=click.Choice([*packages.FORMATS, "all"]), default="all", show_default=True,
                  help="Which file to build.")
    @click.option("--minzoom", type=click.IntRange(0, 22), default=packages.DEFAULT_ZOOMS[0], show_default=True,
                  help="First zoom of the MBTiles.")
    @click.option("--maxzoom", type=click.IntRange(0, 22), default=packages.DEFAULT_ZOOMS[1], show_default=True,
                  help="Last zoom of the MBTiles.")
    def build(area: str | None, fmt: str, minzoom: int, maxzoom: int) -> None:
        """Build the packages of AREA (a kecamatan such as 32.12.16, or the regency); without AREA, the regency
        and every kecamatan. A package already built for the current data (and these zooms) is kept."""
        if minzoom > maxzoom:
            raise click.BadParameter(f"--minzoom {minzoom} is above --maxzoom {maxzoom}")
        engine, settings = get_context()
        try:
            areas = ([packages.package_area(engine, settings.region_code, area)] if area
                     else packages.package_areas(engine, settings.region_code))
        except packages.UnknownPackage as exc:
            raise click.UsageError(str(exc)) from exc
        for each in areas:
            for one in packages.FORMATS if fmt == "all" else (fmt,):
                _build_one(engine, settings, each, one, (minzoom, maxzoom))

    @group.command("list")
    def list_() -> None:
        """List the packages of the current data: area, format, size (or 'not built') and file."""
        engine, settings = get_context()
        version = packages.version_token(engine)
        for area in packages.package_areas(engine, settings.region_code):
            for fmt in packages.FORMATS:
                found = packages.package(settings.package_path, area, fmt, version)
                size = f"{found.size:>12,} B" if found.size is not None else f"{'not built':>14}"
                click.echo(f"{area.code:<10} {area.name[:24]:<24} {fmt:<8} {size}  {found.path}")

    return group


def _build_one(engine: Engine, settings: Settings, area: packages.PackageArea, fmt: str,
               zooms: tuple[int, int]) -> None:
    label = f"{area.code} {area.name} {fmt}"
    built: list[int] = []
    with click.progressbar(length=1, label=label.ljust(36), show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            built.append(done)
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        found = packages.ensure(engine, settings.package_path, area, fmt,
                                zooms=zooms if fmt == "mbtiles" else None, progress=progress)
    kept = "" if built else ", already built for this data"
    click.echo(f"{found.path} ({found.size:,} bytes{kept})")
