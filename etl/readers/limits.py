"""How much of a file the readers look at, and the sizes they refuse (guards against broken or hostile files)."""

from __future__ import annotations

#: Rows examined to find the title, the header and the first data rows.
HEAD_ROWS = 60
#: Bytes of a CSV read to sniff its delimiter and header.
HEAD_BYTES = 1 << 20

ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL_BYTES = 500 * 1024 * 1024
ZIP_MAX_RATIO = 100
#: Entries smaller than this are not checked for their compression ratio: they cannot
#: do harm, and small padded files (.dbf, .prj) compress very well.
ZIP_RATIO_MIN_BYTES = 1 << 20
#: Widest table or layer read (empty cells included): agency tables have tens of columns;
#: thousands are an export gone wrong, or an attempt to exhaust the server's memory.
MAX_COLUMNS = 1000
#: Longest cell read: Excel's own limit. No column of a job is longer, and a bigger cell is
#: not data (often a quote that is never closed, swallowing the lines after it).
MAX_CELL_CHARS = 32_767
