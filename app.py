"""Application factory and CLI wiring of Peta Ekonomi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click
from flask import Flask
from sqlalchemy import Engine

from etl.cli import make_etl_group
from gis import migrate
from gis.basemap import basemap_origins
from gis.db import ensure_database, get_engine
from gis.keys_cli import make_keys_group
from gis.packages_cli import make_packages_group
from gis.settings import Settings
from webmap import analysis_api, api_v1, assets, basemap, fonts, health, offline, packages, pages, pwa, share
from webmap.http import init_http
from webmap.limits import init_limits
from webmap.ogc import bp as ogc_bp
from webmap.problems import register_error_handlers
from webmap.security import init_security
from webmap.tiles import bp as tiles_bp
from webmap.uploads import init_uploads


@dataclass(frozen=True)
class Peta:
    """What the app shares across requests: settings and the one engine."""

    settings: Settings
    engine: Engine


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; ``config`` may carry a ``SETTINGS`` object for tests."""
    app = Flask(__name__, static_folder="webmap/static", template_folder="webmap/templates")
    app.config.from_prefixed_env("PETA")  # e.g. PETA_TILE_CACHE_MB -> TILE_CACHE_MB
    app.config.from_mapping(config or {})
    settings: Settings = app.config.get("SETTINGS") or Settings.from_env()
    app.extensions["peta"] = Peta(settings, get_engine(settings))
    init_http(app)
    assets.init_static(app)  # after init_http: static files leave whole, to be compressed
    init_security(app, basemap_origins(settings.basemap))
    init_limits(app, settings)
    register_error_handlers(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(ogc_bp)
    app.register_blueprint(tiles_bp)
    app.register_blueprint(basemap.bp)
    app.register_blueprint(fonts.bp)
    app.register_blueprint(api_v1.bp)
    app.register_blueprint(analysis_api.bp)
    init_uploads(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(share.bp)
    app.register_blueprint(packages.bp)
    app.cli.add_command(_db_group(settings))
    app.cli.add_command(make_etl_group(lambda: (get_engine(settings), settings), lambda: not app.testing))
    app.cli.add_command(make_keys_group(lambda: get_engine(settings)))
    app.cli.add_command(make_packages_group(lambda: (get_engine(settings), settings)))
    return app


def _db_group(settings: Settings) -> click.Group:
    @click.group("db", help="Create and migrate the database.")
    def db() -> None:
        pass

    @db.command("create")
    def create() -> None:
        """Create the database and the PostGIS extension if missing."""
        created = ensure_database(settings.database_url)
        click.echo("database created" if created else "database exists")

    @db.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        """Apply migrations up to REVISION (default: head)."""
        migrate.upgrade(settings, revision)

    @db.command("downgrade")
    @click.argument("revision", default="base")
    def downgrade(revision: str) -> None:
        """Revert migrations down to REVISION (default: base, an empty schema)."""
        migrate.downgrade(settings, revision)

    return db
