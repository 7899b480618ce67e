"""The process of a command-line load keeps freed memory and freezes what is loaded; a test's process never.

The tuning cannot be undone, so it is only ever applied in a subprocess here.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap

import pyarrow as pa
import pytest

from etl.process import _glibc
from gis.settings import PROJECT_ROOT

_STATE = """
import gc, json
import pyarrow as pa

def state():
    return {"pool": pa.default_memory_pool().backend_name, "frozen": gc.get_freeze_count()}
"""


def _run(script: str) -> list[dict]:
    """Run ``script`` in a fresh Python; return the JSON lines it prints."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_STATE) + textwrap.dedent(script)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_tuning_routes_pyarrow_through_the_c_library_and_freezes_loaded_objects():
    if _glibc() is None:
        pytest.skip("the C library is not glibc: its defaults stay")
    before, after = _run("""
        from etl.process import tune_for_loading
        print(json.dumps(state()))
        tune_for_loading()
        print(json.dumps(state()))
    """)
    assert before["pool"] != "system" and before["frozen"] == 0
    assert after["pool"] == "system" and after["frozen"] > 0


def test_the_load_command_tunes_the_flask_program_but_not_an_app_under_test(tmp_path):
    """``flask etl load`` tunes its process once the command runs a load; an app with TESTING does not (as app.py
    wires it: ``tune_process`` is ``not app.testing``)."""
    if _glibc() is None:
        pytest.skip("the C library is not glibc: its defaults stay")
    path = tmp_path / "jagung.csv"
    path.write_text("kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n", encoding="utf-8")
    states = _run(f"""
        import contextlib
        from flask import Flask
        from flask.cli import FlaskGroup
        import etl.cli
        from etl.report import Report

        def run(engine, settings, kind, path, options, report_path):
            print(json.dumps(state()))
            return Report(kind=kind, source=path.name, status="validated")

        etl.cli._run = run
        for testing in (True, False):
            app = Flask("peta")
            app.config["TESTING"] = testing
            app.cli.add_command(etl.cli.make_etl_group(lambda: (None, None), lambda app=app: not app.testing))
            with contextlib.suppress(SystemExit):
                FlaskGroup(create_app=lambda: app).main(["etl", "load", "agriculture", {str(path)!r}],
                                                         standalone_mode=False)
    """)
    under_test, real = states
    assert under_test["pool"] != "system" and under_test["frozen"] == 0
    assert real["pool"] == "system" and real["frozen"] > 0


def test_a_cli_load_in_this_process_leaves_it_untuned(runner, tmp_path):
    """The CLI tests run the load command inside pytest: the process keeps its allocator and collector."""
    pool, frozen = pa.default_memory_pool().backend_name, gc.get_freeze_count()
    path = tmp_path / "jagung.csv"
    path.write_text("kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n", encoding="utf-8")
    result = runner.invoke(args=["etl", "load", "agriculture", str(path), "--dry-run",
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert (pa.default_memory_pool().backend_name, gc.get_freeze_count()) == (pool, frozen)
