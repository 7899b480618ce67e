"""Apply or revert the Alembic migrations of ``migrations/`` programmatically."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from gis.settings import PROJECT_ROOT, Settings


def alembic_config(settings: Settings) -> Config:
    """Return an Alembic config pointing at the project's migrations and these settings."""
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Migrate the database down to ``revision``."""
    command.downgrade(alembic_config(settings), revision)


def revision(settings: Settings, message: str) -> None:
    """Autogenerate a new revision from the models (for developers)."""
    command.revision(alembic_config(settings), message=message, autogenerate=True)
