"""The process of a command-line load keeps freed memory and freezes what is loaded."""

import gc

import pyarrow as pa
import pytest

from etl.process import _glibc, tune_for_loading


def test_tuning_routes_pyarrow_through_the_c_library_and_freezes_loaded_objects():
    if _glibc() is None:
        pytest.skip("the C library is not glibc: its defaults stay")
    before = pa.default_memory_pool()
    try:
        tune_for_loading()
        assert pa.default_memory_pool().backend_name == "system"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        pa.set_memory_pool(before)
