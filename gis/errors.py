"""The two kinds of error the core raises for a client to fix; ``webmap/problems.py`` maps them, once.

The core knows no HTTP: an error says only whether the request must change (a parameter, a filter, a
format) or names something that does not exist or holds no data. Every domain error subclasses one.
"""

from __future__ import annotations


class InvalidRequest(ValueError):
    """A request the client must change; the message says what and how (HTTP 400)."""


class NotFoundError(LookupError):
    """What the request names does not exist or holds no data; the message says what does (HTTP 404)."""
