"""The process of a command-line load: set up once, before the first file is read.

Only the ``etl load`` and ``etl load-all`` commands apply it, in the ``flask`` program (etl/cli.py):
it lasts as long as the process, so a web server, a test run or other library code never gets it.

A load allocates and frees hundreds of megabytes per chunk (numpy and pyarrow buffers). By
default that memory goes back to the operating system after each chunk, and the kernel then
zeroes it again for the next one: a sixth of the CPU time of a large load. Here freed memory
stays in the process for the next chunk, and the loaded modules stay out of garbage collection.
"""

from __future__ import annotations

import ctypes
import gc

import pyarrow as pa

# glibc's mallopt parameters and the values used
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MMAP_THRESHOLD = 32 << 20  # blocks smaller than this (glibc's largest setting) come from the heap
_TOP_PAD = 64 << 20  # the heap grows 64 MB at a time
_NEVER_TRIM = 2**31 - 1


def tune_for_loading() -> None:
    """Keep freed memory for reuse (pyarrow allocating through the C library like numpy), and freeze
    the objects loaded so far (modules, the app) out of garbage collection: they live until exit,
    and the collector would walk them again and again during a load and once more at exit."""
    gc.freeze()
    libc = _glibc()
    if libc is None:  # another C library: its defaults stay
        return
    for parameter, value in ((_M_MMAP_THRESHOLD, _MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, _NEVER_TRIM),
                             (_M_TOP_PAD, _TOP_PAD)):
        libc.mallopt(parameter, value)
    pa.set_memory_pool(pa.system_memory_pool())


def _glibc() -> ctypes.CDLL | None:
    """The GNU C library of this process, or None (another C library keeps its defaults)."""
    try:
        libc = ctypes.CDLL(None)  # the symbols the process has loaded, the C library's among them
    except (OSError, TypeError):  # a system without dlopen(NULL)
        return None
    return libc if hasattr(libc, "gnu_get_libc_version") else None
