"""producer text search: pg_trgm and a trigram index on the stored search text

Searching producers must not care about case or accents ("KRUPUK", "kérupuk") and must
find words inside names, products and tags ("udang" in "krupuk udang"). The ETL stores
``search_text`` (lower case, no accents: gis/text.py) and the search normalises queries
with the same function; the trigram index serves substring and close-word matches.
Computing the key in the database (unaccent in a generated column) cost 11 µs a row,
a third of a bulk load of a million producers; the ETL computes it column-wise instead.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:02:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.add_column("producers", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.execute("CREATE INDEX ix_producers_search_trgm ON producers USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    """Revert this revision (the extension stays: other database objects may use it)."""
    op.execute("DROP INDEX IF EXISTS ix_producers_search_trgm")
    op.drop_column("producers", "search_text")
