"""Alembic environment: migrates the database named by the settings (DATABASE_URL)."""

from alembic import context
from geoalchemy2 import alembic_helpers

from gis.db import get_engine
from gis.models import Base
from gis.settings import Settings

config = context.config


def run_migrations() -> None:
    """Run the migrations online, on the engine of the current settings."""
    settings = config.attributes.get("settings") or Settings.from_env()
    connection = config.attributes.get("connection")
    if connection is None:
        with get_engine(settings).connect() as conn:
            _run(conn)
            conn.commit()
    else:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
