"""Apply or revert the Alembic migrations of ``migrations/`` programmatically.

Alembic is imported when a migration runs, not with the CLI: a load has no use for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gis.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(settings: Settings) -> Config:
    """Return an Alembic config pointing at the project's migrations and these settings."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Migrate the database down to ``revision``."""
    from alembic import command

    command.downgrade(alembic_config(settings), revision)


def revision(settings: Settings, message: str) -> None:
    """Autogenerate a new revision from the models (for developers)."""
    from alembic import command

    command.revision(alembic_config(settings), message=message, autogenerate=True)
