"""Settings read once from the environment (``DATABASE_URL`` and ``PETA_*``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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
    rate_limit: str = "600/minute"  # per client address, every endpoint (webmap/limits.py)
    redis_url: str = ""  # rate-limit counters shared by the workers; in memory when empty
    tile_cache_mb: float = 64.0  # per worker: vector tiles and costly counts (0: off)
    glyphs_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "glyphs")

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
        try:
            check_basemap(self.basemap)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``DATABASE_URL`` and ``PETA_*`` variables."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            kwargs["database_url"] = normalize_database_url(env["DATABASE_URL"])
        if env.get("PETA_REGION_CODE"):
            kwargs["region_code"] = env["PETA_REGION_CODE"]
        if env.get("PETA_REGION_BUFFER_KM"):
            kwargs["region_buffer_km"] = float(env["PETA_REGION_BUFFER_KM"])
        if env.get("PETA_REPORT_DIR"):
            kwargs["report_dir"] = Path(env["PETA_REPORT_DIR"])
        if env.get("PETA_STATEMENT_TIMEOUT_MS"):
            kwargs["statement_timeout_ms"] = int(env["PETA_STATEMENT_TIMEOUT_MS"])
        if env.get("PETA_MAX_UPLOAD_MB"):
            kwargs["max_upload_mb"] = int(env["PETA_MAX_UPLOAD_MB"])
        if env.get("PETA_GAZETTEER_DIR"):
            kwargs["gazetteer_dir"] = Path(env["PETA_GAZETTEER_DIR"])
        if env.get("PETA_BASEMAP"):
            kwargs["basemap"] = env["PETA_BASEMAP"]
        if env.get("PETA_BASEMAP_ATTRIBUTION"):
            kwargs["basemap_attribution"] = env["PETA_BASEMAP_ATTRIBUTION"]
        if env.get("PETA_RATE_LIMIT"):
            kwargs["rate_limit"] = env["PETA_RATE_LIMIT"]
        if env.get("REDIS_URL"):
            kwargs["redis_url"] = env["REDIS_URL"]
        if env.get("PETA_TILE_CACHE_MB"):
            kwargs["tile_cache_mb"] = float(env["PETA_TILE_CACHE_MB"])
        if env.get("PETA_GLYPHS_DIR"):
            kwargs["glyphs_dir"] = Path(env["PETA_GLYPHS_DIR"])
        return cls(**kwargs)  # type: ignore[arg-type]


def normalize_database_url(url: str) -> str:
    """Make a libpq-style URL use the psycopg 3 driver of SQLAlchemy."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
