"""One pass over a whole text file before it is parsed: its encoding, its quotes and line breaks, no binary data.

Also finds where a physical line starts, for the parsers to begin (or begin again) there.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from etl.errors import ReadError

#: Bytes read at a time by the scans.
SCAN_BLOCK = 1 << 22
# Control bytes that never occur in a text table (tab, LF, CR, FF and DOS EOF allowed).
_ALLOWED_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1A}
_ALLOWED_BELOW_SPACE = np.isin(np.arange(0x20), list(_ALLOWED_CONTROLS))  # by byte value
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass
class TextScan:
    """What the pass over a text file found."""

    encoding: str  # 'utf-8-sig', 'utf-8' or 'cp1252'
    quotes: int  # number of '"' in the whole file: odd means a quote is not closed
    lone_cr: bool  # line breaks written as a bare CR (old Mac files)


def scan_text_file(path: Path) -> TextScan:
    """Check a whole text file in one pass; return its encoding and quoting facts.

    The encoding is 'utf-8-sig', 'utf-8' or 'cp1252'. Raises ReadError for binary content
    (NUL and other control bytes), UTF-16 text, or bytes that are neither UTF-8 nor
    Windows-1252.
    """
    with path.open("rb") as f:
        first = f.read(4)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadError(
                "file is UTF-16 text (Excel's 'Unicode Text'): save it as 'CSV UTF-8 "
                "(Comma delimited)' instead",
                path,
            )
        f.seek(0)
        scanning = _Scanning(path)
        while block := f.read(SCAN_BLOCK):
            scanning.feed(block)
    return scanning.result(bom=first.startswith(b"\xef\xbb\xbf"))


@dataclass
class _Scanning:
    """The pass over a text file, block by block."""

    path: Path
    utf8: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")())
    utf8_error: int | None = None  # byte offset of the first invalid UTF-8 sequence
    cp1252_error: int | None = None
    offset: int = 0
    newlines: int = 0
    quotes: int = 0
    lone_cr: int = 0
    previous_ends_cr: bool = False

    def feed(self, block: bytes) -> None:
        """Check one block and count what it holds."""
        block_newlines, carriage_returns = _line_breaks_checked(block, self.path, self.newlines)
        plain = block.isascii()  # valid in both encodings: nothing more to check
        if self.utf8_error is None and not (plain and not self.utf8.getstate()[0]):
            try:
                self.utf8.decode(block)
            except UnicodeDecodeError as exc:
                self.utf8_error = self.offset + exc.start
        if self.cp1252_error is None and not plain:
            positions = [p for p in (block.find(b) for b in _CP1252_UNDEFINED) if p >= 0]
            if positions:
                self.cp1252_error = self.offset + min(positions)
        if b'"' in block:
            self.quotes += block.count(b'"')
        if carriage_returns:
            self.lone_cr += carriage_returns - block.count(b"\r\n")
        self.lone_cr -= int(self.previous_ends_cr and block.startswith(b"\n"))
        self.previous_ends_cr = block.endswith(b"\r")
        self.offset += len(block)
        self.newlines += block_newlines

    def result(self, *, bom: bool) -> TextScan:
        """The encoding and quoting facts of the whole file (ReadError if it is not text)."""
        if self.utf8_error is None:
            try:
                self.utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8_error = self.offset
        if self.utf8_error is None:
            encoding = "utf-8-sig" if bom else "utf-8"
        elif self.cp1252_error is None:
            encoding = "cp1252"
        else:
            raise ReadError(
                "file is neither UTF-8 nor Windows-1252 text (invalid bytes on this line): save "
                "it as 'CSV UTF-8 (Comma delimited)'",
                self.path,
                row=_line_at_offset(self.path, min(self.utf8_error, self.cp1252_error)),
            )
        return TextScan(encoding, quotes=self.quotes, lone_cr=self.lone_cr > 0)


def _line_breaks_checked(block: bytes, path: Path, lines_before: int) -> tuple[int, int]:
    """The LF and CR bytes of a block; raises ReadError at a control byte that no text table holds.

    numpy looks at every byte once, without the GIL (the file is scanned beside the set-up of a load).
    """
    octets = np.frombuffer(block, dtype=np.uint8)
    where = np.flatnonzero(octets < 0x20)
    controls = octets[where]
    bad = np.flatnonzero(~_ALLOWED_BELOW_SPACE[controls])
    if bad.size:
        line = lines_before + int(np.count_nonzero(controls[: bad[0]] == 0x0A)) + 1
        raise ReadError(
            f"file contains binary data (byte 0x{controls[bad[0]]:02x}): it is not a text table; "
            "export the data again as CSV (or XLSX)",
            path,
            row=line,
        )
    return int(np.count_nonzero(controls == 0x0A)), int(np.count_nonzero(controls == 0x0D))


def _line_at_offset(path: Path, offset: int) -> int:
    with path.open("rb") as f:
        before = 0
        remaining = offset
        while remaining > 0:
            block = f.read(min(SCAN_BLOCK, remaining))
            if not block:
                break
            before += block.count(b"\n")
            remaining -= len(block)
    return before + 1


def offset_of_line(path: Path, line: int, lone_cr: bool) -> int:
    """Return the byte offset where physical line ``line`` (1-based) starts."""
    wanted = line - 1  # line breaks to pass
    if wanted <= 0:
        return 0
    with path.open("rb") as f:
        if lone_cr:
            return _offset_after_line_breaks(f, wanted)
        seen = offset = 0
        while block := f.read(SCAN_BLOCK):
            count = block.count(b"\n")
            if seen + count >= wanted:
                position = -1
                for _ in range(wanted - seen):
                    position = block.index(b"\n", position + 1)
                return offset + position + 1
            seen += count
            offset += len(block)
    return offset


def _offset_after_line_breaks(f: BinaryIO, wanted: int) -> int:
    """Slow path for files with bare-CR line breaks: CRLF, CR and LF each end a line."""
    seen = offset = 0
    carry = b""
    while True:
        block = f.read(SCAN_BLOCK)
        data = carry + block
        carry = data[-1:] if block and data.endswith(b"\r") else b""
        usable = data[: len(data) - len(carry)]
        for match in re.finditer(rb"\r\n|\r|\n", usable):
            seen += 1
            if seen == wanted:
                return offset + match.end()
        offset += len(usable)
        if not block:
            return offset
