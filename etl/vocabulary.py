"""The search vocabulary: every distinct word of the loaded rows, kept in its own small table.

A job with ``vocabulary`` stages a column of words joined by spaces (gis.text.producer_words); the
words of the rows written go to the vocabulary table in the load's transaction, where the
search finds partial and close words by trigrams (gis/search.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from etl.staging import Sink
from gis.text import distinct_words


class VocabularySink:
    """A sink that remembers the distinct words of the rows it writes, then saves them."""

    def __init__(self, sink: Sink, column: str, table: str) -> None:
        self.sink = sink
        self.column = column
        self.table = table
        self.words: set[str] = set()

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> tuple[set[str], Any]:
        """The rows' distinct words, and what the wrapped sink prepares."""
        return distinct_words(frame[self.column]), self.sink.prepare(frame, rows)

    def write(self, prepared: tuple[set[str], Any]) -> int:
        """Note the words and write through the wrapped sink."""
        words, rows = prepared
        self.words |= words
        return self.sink.write(rows)

    def save(self, conn: Connection, replace: bool) -> None:
        """Add the words to the vocabulary; ``replace``: they are all of it (the load replaced every row).

        Words of rows replaced by a smaller load stay: a word no row holds finds nothing.
        """
        if replace:
            conn.execute(text(f"DELETE FROM {self.table}"))
        conn.execute(text(f"INSERT INTO {self.table} (word) SELECT unnest(CAST(:words AS text[])) "
                          "ON CONFLICT DO NOTHING"), {"words": sorted(self.words)})
