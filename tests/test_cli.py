"""The CLI: exit codes 0 (loaded), 1 (invalid input), 2 (usage), and the saved report."""

from __future__ import annotations

import json

from tests.conftest import REAL_DATA


def test_load_ok_prints_summary_and_saves_report(runner, tmp_path):
    path = tmp_path / "jagung.csv"
    path.write_text("kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n")
    report = tmp_path / "out.json"
    result = runner.invoke(args=["etl", "load", "agriculture", str(path), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    assert json.loads(report.read_text())["rows_loaded"] == 1


def test_invalid_input_exits_1_with_row_level_message(runner, tmp_path):
    path = tmp_path / "jagung.csv"
    path.write_text("kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,-10\n")
    result = runner.invoke(args=["etl", "load", "agriculture", str(path), "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 1
    assert "row 2, column 'produksi_ton'" in result.output
    assert "invalid" in result.output


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(args=["etl", "load", "nonsense", str(REAL_DATA / "desa.csv")]).exit_code == 2
    assert runner.invoke(args=["etl", "load", "producers", str(tmp_path / "missing.csv")]).exit_code == 2
    assert runner.invoke(args=["etl", "load-all", str(tmp_path)]).exit_code == 2


def test_year_and_commodity_options_complete_a_table(runner, tmp_path):
    path = tmp_path / "bawang.csv"
    path.write_text("Kecamatan;Produksi (Kuintal)\nHaurgeulis;1.500\n")
    result = runner.invoke(args=["etl", "load", "agriculture", str(path), "--commodity", "Bawang Merah",
                                 "--year", "2022", "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["rows_loaded"] == 1


def test_kinds_lists_every_job(runner):
    result = runner.invoke(args=["etl", "kinds"])
    for kind in ("boundaries", "agriculture", "fisheries", "landing-sites", "producers", "opportunities",
                 "totals"):
        assert kind in result.output
