"""Settings read once from the environment (``DATABASE_URL`` and ``PETA_*``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse_many

from gis.basemap import check_setting as check_basemap

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/peta_ekonomi"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"


def load_env_file(path: Path = ENV_FILE) -> None:
    """Add the ``KEY=VALUE`` lines of ``path`` (``scripts/setup.sh`` writes it) to ``os.environ``.

    A variable already set in the environment wins; a missing file changes nothing. The app, the
    CLI, the tests and the benches all import this module, so all of them see the same database.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


load_env_file()


class SettingsError(ValueError):
    """A setting has a value the platform cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with checks across fields."""

    database_url: str = DEFAULT_DATABASE_URL
    region_code: str = "32.12"
    region_buffer_km: float = 2.0
    report_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "reports")
    statement_timeout_ms: int = 30_000
    max_upload_mb: int = 50
    gazetteer_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "datasets" / "reference")
    basemap: str = ""  # an XYZ URL template or a .pmtiles file (gis/basemap.py); none by default
    basemap_attribution: str = ""
    rate_limit: str = "600/minute"  # per client address: search, exports, uploads, analysis (webmap/limits.py)
    rate_limit_reads: str = "3000/minute"  # per client address: other API reads, e.g. OGC items as JSON
    rate_limit_keyed: str = "3000/minute"  # per API key, over every counted endpoint, instead of the address
    redis_url: str = ""  # rate-limit counters shared by the workers; in memory when empty
    tile_cache_mb: float = 64.0  # per worker: vector tiles and costly counts (0: off)
    glyphs_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "glyphs")
    package_dir: Path | None = None  # offline packages (gis/packages.py); None: ``report_dir / "packages"``
    public_url: str = ""  # the address the public sees (link previews, QR codes); empty: the request's own

    @property
    def package_path(self) -> Path:
        """Where the offline packages (MBTiles, GeoPackage) are kept: ``PETA_PACKAGE_DIR`` or under the reports."""
        return self.package_dir or self.report_dir / "packages"

    def __post_init__(self) -> None:
        if not self.database_url.startswith("postgresql"):
            raise SettingsError(f"DATABASE_URL must be a PostgreSQL URL, got {self.database_url!r}")
        parts = self.region_code.split(".")
        if not all(p.isdigit() and len(p) == 2 for p in parts) or len(parts) > 2:
            raise SettingsError(
                f"PETA_REGION_CODE must be a Kemendagri code such as '32.12', got {self.region_code!r}"
            )
        if self.region_buffer_km < 0:
            raise SettingsError("PETA_REGION_BUFFER_KM must not be negative")
        if self.max_upload_mb < 1:
            raise SettingsError("PETA_MAX_UPLOAD_MB must be at least 1")
        if self.tile_cache_mb < 0:
            raise SettingsError("PETA_TILE_CACHE_MB must not be negative")
        for variable, value in (("PETA_RATE_LIMIT", self.rate_limit), ("PETA_RATE_LIMIT_READS", self.rate_limit_reads),
                                ("PETA_RATE_LIMIT_KEYED", self.rate_limit_keyed)):
            _check_rate_limit(variable, value)
        try:
            check_basemap(self.basemap)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``DATABASE_URL``, ``REDIS_URL`` and ``PETA_*`` variables (see ``ENVIRONMENT``)."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        for variable, (name, convert) in ENVIRONMENT.items():
            if env.get(variable):
                try:
                    kwargs[name] = convert(env[variable])
                except ValueError:
                    kind = {int: "whole number", float: "number"}.get(convert, "valid value")  # type: ignore[call-overload]
                    raise SettingsError(f"{variable} must be a {kind}, got {env[variable]!r}") from None
        return cls(**kwargs)  # type: ignore[arg-type]


def _check_rate_limit(variable: str, value: str) -> None:
    """Raise ``SettingsError`` unless ``value`` is a limit Flask-Limiter reads, e.g. ``600/minute``."""
    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(f"{variable} must be a rate limit such as '600/minute', got {value!r}") from None


def normalize_database_url(url: str) -> str:
    """Make a libpq-style URL use the psycopg 3 driver of SQLAlchemy."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Each variable, the setting it gives, and how its text becomes the value.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "DATABASE_URL": ("database_url", normalize_database_url),
    "PETA_REGION_CODE": ("region_code", str),
    "PETA_REGION_BUFFER_KM": ("region_buffer_km", float),
    "PETA_REPORT_DIR": ("report_dir", Path),
    "PETA_STATEMENT_TIMEOUT_MS": ("statement_timeout_ms", int),
    "PETA_MAX_UPLOAD_MB": ("max_upload_mb", int),
    "PETA_GAZETTEER_DIR": ("gazetteer_dir", Path),
    "PETA_BASEMAP": ("basemap", str),
    "PETA_BASEMAP_ATTRIBUTION": ("basemap_attribution", str),
    "PETA_RATE_LIMIT": ("rate_limit", str),
    "PETA_RATE_LIMIT_READS": ("rate_limit_reads", str),
    "PETA_RATE_LIMIT_KEYED": ("rate_limit_keyed", str),
    "REDIS_URL": ("redis_url", str),
    "PETA_TILE_CACHE_MB": ("tile_cache_mb", float),
    "PETA_GLYPHS_DIR": ("glyphs_dir", Path),
    "PETA_PACKAGE_DIR": ("package_dir", Path),
    "PETA_PUBLIC_URL": ("public_url", str),
}
