"""Settings come from one place: every variable lands in its field, and a bad value names its variable."""

from pathlib import Path

import pytest

from gis.settings import ENVIRONMENT, Settings, SettingsError


def test_every_variable_sets_its_setting():
    values = {"DATABASE_URL": "postgresql://u@h/db", "PETA_REGION_CODE": "32.13", "PETA_REGION_BUFFER_KM": "3",
              "PETA_REPORT_DIR": "/srv/r", "PETA_STATEMENT_TIMEOUT_MS": "500", "PETA_MAX_UPLOAD_MB": "9",
              "PETA_GAZETTEER_DIR": "/srv/g", "PETA_BASEMAP": "https://t.example/{z}/{x}/{y}.png",
              "PETA_BASEMAP_ATTRIBUTION": "© x", "PETA_RATE_LIMIT": "5/second",
              "PETA_RATE_LIMIT_READS": "7/second", "PETA_RATE_LIMIT_KEYED": "9/second", "REDIS_URL": "redis://127.0.0.1/1",
              "PETA_TILE_CACHE_MB": "0", "PETA_GLYPHS_DIR": "/srv/glyphs",
              "PETA_PACKAGE_DIR": "/srv/packages", "PETA_PUBLIC_URL": "https://peta.example.id"}
    assert set(values) == set(ENVIRONMENT)
    settings = Settings.from_env(values)
    defaults = Settings()
    for variable, (name, _) in ENVIRONMENT.items():
        assert getattr(settings, name) != getattr(defaults, name), variable
    assert settings.database_url == "postgresql+psycopg://u@h/db" and settings.glyphs_dir == Path("/srv/glyphs")
    assert settings.tile_cache_mb == 0.0 and settings.statement_timeout_ms == 500
    assert (settings.rate_limit, settings.rate_limit_reads, settings.rate_limit_keyed) == (
        "5/second", "7/second", "9/second")


@pytest.mark.parametrize("variable, value, message", [
    ("PETA_TILE_CACHE_MB", "lots", "PETA_TILE_CACHE_MB must be a number, got 'lots'"),
    ("PETA_MAX_UPLOAD_MB", "1.5", "PETA_MAX_UPLOAD_MB must be a whole number"),
    ("PETA_TILE_CACHE_MB", "-1", "PETA_TILE_CACHE_MB must not be negative"),
    ("PETA_REGION_CODE", "3212", "PETA_REGION_CODE must be a Kemendagri code"),
    ("PETA_RATE_LIMIT_READS", "lots", "PETA_RATE_LIMIT_READS must be a rate limit such as '600/minute'"),
])
def test_a_bad_value_names_its_variable(variable, value, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({variable: value})
