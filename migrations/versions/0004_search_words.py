"""producer search by words: a GIN index on each producer's words and a trigram-indexed vocabulary

The trigram index of 0002 held every trigram of every producer's search text: building it
was most of a bulk load of a million producers (6 to 8 s, one core). Producers now keep
their words (``search_words``: runs of letters of name, products and tags, lower case and
without accents, joined by spaces, gis/text.py) in a GIN index of their array, and the
distinct words go to ``producer_words``, a small table with the trigram index. The search
finds partial and close words in the vocabulary, then the producers holding them. Numbers
are not words: a query term with digits matches name, products and tags as they are, so
``search_text`` goes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of rows loaded before this revision, in SQL (the ETL computes them for new loads).
_WORDS_OF_TEXT = "array_to_string(ARRAY(SELECT m[1] FROM regexp_matches(search_text, '([[:alpha:]]+)', 'g') m), ' ')"


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("producers", sa.Column("search_words", sa.Text(collation="C"), server_default="", nullable=False))
    op.execute(f"UPDATE producers SET search_words = {_WORDS_OF_TEXT} WHERE search_text <> ''")
    op.create_table("producer_words", sa.Column("word", sa.Text(collation="C"), nullable=False),
                    sa.PrimaryKeyConstraint("word", name=op.f("pk_producer_words")))
    op.execute("INSERT INTO producer_words SELECT DISTINCT unnest(string_to_array(search_words, ' ')) "
               "FROM producers WHERE search_words <> ''")
    op.execute("CREATE INDEX ix_producer_words_trgm ON producer_words USING gin (word gin_trgm_ops)")
    op.execute("CREATE INDEX ix_producers_search_words ON producers USING gin (string_to_array(search_words, ' '))")
    op.execute("DROP INDEX IF EXISTS ix_producers_search_trgm")
    op.drop_column("producers", "search_text")


def downgrade() -> None:
    """Revert this revision (the search text comes back lower-cased, accents kept until the next load)."""
    op.add_column("producers", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.execute("UPDATE producers SET search_text = lower(concat_ws(' ', name, products, array_to_string(tags, ' ')))")
    op.execute("CREATE INDEX ix_producers_search_trgm ON producers USING gin (search_text gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS ix_producers_search_words")
    op.drop_table("producer_words")
    op.drop_column("producers", "search_words")
