"""A file opened for a job: its headers mapped to the job's columns, and its rows as a stream of raw chunks."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from etl.jobs import Job, Reshape
from etl.readers import TableChunk, TableInfo, open_table, read_vector, sniff_kind
from etl.report import Report

CHUNK_ROWS = 100_000
INDONESIAN_WORDS = {"tahun", "produksi", "kecamatan", "desa", "kelurahan", "jumlah", "luas", "nama", "lintang",
                    "bujur", "nilai", "komoditas", "kabupaten", "menurut", "tabel", "sumber", "alamat", "jenis",
                    "panen", "tanam", "satuan", "usaha", "kode", "wilayah", "kuintal"}


@dataclass
class Source:
    """A file opened for a job: its canonical column map and a stream of raw chunks."""

    mapping: dict[str, str]  # canonical column -> normalised header in the file
    headers: dict[str, str]  # canonical column -> original header (for messages)
    chunks: Iterator[tuple[pd.DataFrame, np.ndarray]]
    title: str | None = None
    clean: bool = False  # text cells stripped, blank ones missing (TableChunk); map layers' are as read
    matched: dict[str, str] = field(default_factory=dict)  # canonical column -> the accepted name it matched

    @property
    def indonesian(self) -> bool:
        """True when the title or headers are Indonesian (then ``92.577`` means 92577)."""
        words = set(re.findall(r"[a-z]+", " ".join([self.title or "", *self.headers.values()]).lower()))
        return bool(words & INDONESIAN_WORDS)

    def close(self) -> None:
        """Stop reading: the file is closed (it also is once every chunk was read)."""
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


class OpenedSource(NamedTuple):
    """A source opened beside the set-up of a load, with the findings of the opening (a report of its own)."""

    source: Source
    findings: Report

    def close(self) -> None:
        """Close the source's file."""
        self.source.close()


def open_quietly(job: Job, path: Path) -> OpenedSource:
    """:func:`open_source` with a report of its own (it runs beside the set-up of the load)."""
    findings = Report(kind=job.kind, source="")
    return OpenedSource(open_source(job, path, findings), findings)


def open_source(job: Job, path: Path, report: Report) -> Source:
    """Open a table or vector file and map its headers to the job's columns."""
    if sniff_kind(path) == "vector":
        frame, warnings = read_vector(path)
        for w in warnings:
            report.warning(w, "file-warning")
        if job.geometry == "points":
            points = frame.geometry.geom_type == "Point"
            frame["__lon__"] = np.where(points, frame.geometry.x.where(points), np.nan)
            frame["__lat__"] = np.where(points, frame.geometry.y.where(points), np.nan)
        headers = {c: c for c in frame.columns if c not in ("__row__",)}
        mapping = map_headers(job, list(headers))
        if job.geometry == "points":
            mapping.setdefault("lon", "__lon__")
            mapping.setdefault("lat", "__lat__")
        if job.geometry in ("polygons", "any"):
            mapping["geometry"] = frame.geometry.name
        rows = frame["__row__"].to_numpy()
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        data[frame.geometry.name] = np.asarray(frame.geometry.array, dtype=object)
        chunks = ((data.iloc[i:i + CHUNK_ROWS], rows[i:i + CHUNK_ROWS]) for i in range(0, len(data), CHUNK_ROWS))
        return Source(mapping, {k: v for k, v in mapping.items()}, chunks)
    info, chunks = open_table(path, chunk_rows=CHUNK_ROWS)
    if job.reshape is not None:
        return _reshaped(job, job.reshape, info, chunks, report)
    mapping = map_headers(job, list(info.headers), info.alternatives)
    _note_ignored(job, info.headers, mapping, report)
    _note_dropped(info, report)
    headers = {canon: info.headers.get(src, src) for canon, src in mapping.items()}
    matched = {canon: next((k for k in (src, *info.alternatives.get(src, ())) if k in job.column(canon).accepted),
                           src) for canon, src in mapping.items()}  # "produksi_kuintal" of a bilingual header
    return Source(mapping, headers, _frames(chunks), info.title, clean=True, matched=matched)


def _reshaped(job: Job, reshape: Reshape, info: TableInfo, chunks: Generator[TableChunk, None, None],
              report: Report) -> Source:
    """A table laid out otherwise (a BPS GRDP table: years as columns), read whole and made into the job's rows;
    its columns are the job's own."""
    frame, rows = reshape(info, _frames(chunks))
    _note_dropped(info, report)
    mapping = {c.name: c.name for c in job.columns if c.name in frame}
    headers = {**mapping, "category": next(iter(info.headers.values()), "category")}
    return Source(mapping, headers, iter([(frame, rows)]), info.title, clean=False, matched=dict(mapping))


def _note_dropped(info: TableInfo, report: Report) -> None:
    """Say which rows the reader left out (titles, footnotes, totals; not the empty ones)."""
    for row, reason in info.dropped:
        if "empty" not in reason:
            report.notes.append(f"row {row}: {reason} skipped")


def _frames(chunks: Generator[TableChunk, None, None]) -> Generator[tuple[pd.DataFrame, np.ndarray], None, None]:
    """The chunks' frames and row numbers; closing this closes the table."""
    with contextlib.closing(chunks):
        for chunk in chunks:
            yield chunk.frame, chunk.rows


def map_headers(job: Job, headers: list[str],
                alternatives: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Canonical column -> file header, each header used once, first accepted name wins.

    A header's ``alternatives`` (its other language in a BPS table: "subdistrict" for
    "kecamatan") are tried for the columns that none of the headers' own names filled.
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    present = set(headers)
    for column in job.columns:
        for name in column.accepted:
            if name in present and name not in used:
                mapping[column.name] = name
                used.add(name)
                break
    spelled = [(alt, header) for header in headers for alt in (alternatives or {}).get(header, ())]
    for column in job.columns:
        if column.name in mapping:
            continue
        for name in column.accepted:
            header = next((h for alt, h in spelled if alt == name and h not in used), None)
            if header is not None:
                mapping[column.name] = header
                used.add(header)
                break
    return mapping


def _note_ignored(job: Job, headers: dict[str, str], mapping: dict[str, str], report: Report) -> None:
    ignored = [headers[h] for h in headers if h not in mapping.values()]
    if ignored:
        report.notes.append("columns not used by this job: " + ", ".join(map(str, ignored)))


