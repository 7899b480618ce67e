"""GRDP by industry: BPS tables of PDRB menurut lapangan usaha, in million Rupiah

One row per region, price basis, category (or detail row, or the published total) and year. The regions are
the regency (its Kemendagri code), its province (two digits) and the nation (``00``): the province and the
nation are reference regions, so ``area_code`` does not reference ``areas``. Loaded by ``etl load grdp``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "grdp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("price_basis", sa.String(length=4), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("parent_category", sa.String(length=16), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("preliminary", sa.String(length=2), nullable=True),
        sa.Column("value_million_idr", sa.Float(), nullable=False),
        sa.Column("load_run_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_basis IN ('adhk', 'adhb')", name=op.f("ck_grdp_price_basis")),
        sa.CheckConstraint("level BETWEEN 0 AND 3", name=op.f("ck_grdp_level")),
        sa.CheckConstraint("preliminary IN ('*', '**')", name=op.f("ck_grdp_preliminary")),
        sa.ForeignKeyConstraint(["load_run_id"], ["load_runs.id"], name=op.f("fk_grdp_load_run_id_load_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grdp")),
        sa.UniqueConstraint("area_code", "price_basis", "category", "year",
                            name=op.f("uq_grdp_area_code_price_basis_category_year")),
    )
    op.create_index(op.f("ix_grdp_load_run_id"), "grdp", ["load_run_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_grdp_load_run_id"), table_name="grdp")
    op.drop_table("grdp")
