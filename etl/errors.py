"""Errors raised by the ETL.

Every error message is written for the person who supplied the file: it says what
is wrong and what to do about it, and names the file, row and column when known.
"""

from __future__ import annotations

from pathlib import Path


class EtlError(Exception):
    """Base class of every error the ETL raises on purpose."""


class ReadError(EtlError):
    """A source file cannot be read; says where, what is wrong and what to do."""

    def __init__(
        self,
        message: str,
        path: str | Path,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path)
        self.row = row
        self.column = column
        super().__init__(self.message)

    def __str__(self) -> str:
        """Return '<file>, row <n>, column <c>: <message>'."""
        location = self.path
        if self.row is not None:
            location += f", row {self.row}"
        if self.column is not None:
            location += f", column '{self.column}'"
        return f"{location}: {self.message}"

    def __repr__(self) -> str:
        """Return a constructor-like representation."""
        return (
            f"ReadError({self.message!r}, {self.path!r}, row={self.row!r}, "
            f"column={self.column!r})"
        )

    def __reduce__(self):
        """Pickle with the keyword arguments (for multiprocessing)."""
        return (_rebuild_read_error, (self.message, self.path, self.row, self.column))


def _rebuild_read_error(
    message: str, path: str, row: int | None, column: str | None
) -> ReadError:
    return ReadError(message, path, row=row, column=column)
