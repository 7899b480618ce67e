"""CQL2 text as tokens, and the cursor the parser (gis/cql2_parser.py) reads them with.

The cursor also owns what every part of the parser shares: the error that names the position, the nesting
limit, and the bound parameters (every literal reaches SQL as ``:{prefix}_{n}``, never as text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gis.errors import InvalidRequest

MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<qident>"(?:[^"]|"")+")
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.:]*)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)


class CqlError(InvalidRequest):
    """A filter the client must fix; the message says what and where."""


@dataclass(frozen=True)
class SqlFilter:
    """A SQL boolean fragment with its bound parameters."""

    sql: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Token:
    """One token of CQL2 text; ``pos`` counts characters from 1."""

    kind: str  # string, qident, number, ident, op, punct, end
    text: str
    pos: int

    @property
    def upper(self) -> str:
        """The upper-cased text of an identifier (keywords are case-insensitive); empty for other kinds."""
        return self.text.upper() if self.kind == "ident" else ""


def tokenize(text: str) -> list[Token]:
    """Split CQL2 text into tokens; raises CqlError at the first character it cannot read."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CqlError(f"filter: unexpected character {text[pos]!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos + 1))
        pos = m.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class TokenCursor:
    """Reads tokens one by one, binds parameters and fails naming the position and what was found."""

    def __init__(self, tokens: list[Token], prefix: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.prefix = prefix
        self.params: dict[str, object] = {}
        self.depth = 0

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.i]

    def advance(self) -> Token:
        """Consume and return the current token."""
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_keyword(self, *words: str) -> bool:
        """Whether the current token is one of ``words`` (upper case)."""
        return self.tok.upper in words

    def accept_keyword(self, word: str) -> bool:
        """Consume the keyword ``word`` if it is the current token."""
        if self.tok.upper == word:
            self.i += 1
            return True
        return False

    def at_punct(self, char: str) -> bool:
        """Whether the current token is the punctuation ``char``."""
        return self.tok.kind == "punct" and self.tok.text == char

    def expect_punct(self, char: str) -> None:
        """Consume the punctuation ``char`` or fail."""
        if not self.at_punct(char):
            self.fail(f"expected {char!r}")
        self.i += 1

    def expect_keyword(self, word: str) -> None:
        """Consume the keyword ``word`` or fail."""
        if not self.accept_keyword(word):
            self.fail(f"expected {word}")

    def expect_end(self) -> None:
        """Fail unless every token has been read."""
        if self.tok.kind != "end":
            self.fail("expected AND, OR or the end of the filter")

    def fail(self, message: str) -> None:
        """Raise CqlError: ``message`` at the current token's position, and the token found there."""
        found = "the end of the filter" if self.tok.kind == "end" else repr(self.tok.text)
        raise CqlError(f"filter: {message} at position {self.tok.pos}, found {found}")

    def bind(self, value: object) -> str:
        """Bind ``value`` as the next parameter; returns its placeholder."""
        name = f"{self.prefix}_{len(self.params)}"
        self.params[name] = value
        return f":{name}"
