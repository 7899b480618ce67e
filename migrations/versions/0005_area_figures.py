"""area figures with their source and year; areas derived by dissolving their desa

``area_source`` says where ``area_km2`` comes from: the name of the published source given by the
boundary file (``BPS``), or ``computed`` when the platform measured the polygon. ``area_year`` and
``population_source`` go with them, so a profile can say "171.68 km² (BPS 2024)" or "computed from
the polygon". ``derived`` marks a kecamatan or kabupaten that a desa file built by dissolving its
desa because the higher level was not loaded; loading the real level replaces it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("areas", sa.Column("area_source", sa.Text()))
    op.add_column("areas", sa.Column("area_year", sa.SmallInteger()))
    op.add_column("areas", sa.Column("population_source", sa.Text()))
    op.add_column("areas", sa.Column("derived", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE areas SET area_source = 'computed' WHERE area_km2 IS NOT NULL AND NOT approximate")


def downgrade() -> None:
    """Revert this revision."""
    for column in ("derived", "population_source", "area_year", "area_source"):
        op.drop_column("areas", column)
