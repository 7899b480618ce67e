"""Command line of the ETL: ``etl load``, ``etl load-all`` and ``etl kinds`` (plain click)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from etl.context import LoadOptions
from etl.errors import EtlError
from etl.jobs import JOBS
from etl.package import read_package
from etl.pipeline import run_job
from etl.process import tune_for_loading
from etl.report import Report
from gis.settings import Settings

ContextFactory = Callable[[], tuple[Engine, Settings]]
SHOWN_ISSUES = 30
EXIT_INVALID = 1  # invalid input, or a load the database could not complete


def make_etl_group(get_context: ContextFactory, tune_process: Callable[[], bool] = lambda: False) -> click.Group:
    """The ``etl`` group, bound to a factory for the engine and settings; ``tune_process()`` true: a load tunes
    the process for good (:mod:`etl.process`), as the ``flask`` program does and a test does not."""

    etl = click.Group("etl", help="Load agency files (CSV, XLSX, GeoJSON, Shapefile, GeoPackage).")

    @etl.command("load")
    @click.argument("kind", type=click.Choice(sorted(JOBS)))
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Validate only; change nothing.")
    @click.option("--skip-invalid", is_flag=True, help="Load the valid rows; write the rejected ones to CSV.")
    @click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to save the JSON report (default: var/reports/).")
    @click.option("--commodity", help="Commodity of a table whose title, not its columns, names it.")
    @click.option("--year", type=click.IntRange(1900, 2100), help="Year of a table whose title names it.")
    @click.option("--source", "source_key", help="Name of the source (default: the file name); a later "
                  "file with the same source replaces its rows.")
    @click.option("--area", help="grdp: region of a table whose title does not name it (the regency's code, "
                  "its province's, or 00 for Indonesia).")
    @click.option("--price-basis", type=click.Choice(["adhk", "adhb"]),
                  help="grdp: constant 2010 prices (adhk) or current prices (adhb), if the title does not say.")
    def load(kind: str, path: Path, dry_run: bool, skip_invalid: bool, report_path: Path | None,
             commodity: str | None, year: int | None, source_key: str | None, area: str | None,
             price_basis: str | None) -> None:
        """Load one file as KIND."""
        engine, settings = get_context()
        if tune_process():
            tune_for_loading()
        options = LoadOptions(dry_run, skip_invalid, commodity, year, source_key, _who(), area, price_basis)
        report = _run(engine, settings, kind, path, options, report_path)
        _print_summary([report])
        sys.exit(0 if report.status != "invalid" else EXIT_INVALID)

    @etl.command("load-all")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Validate only; change nothing.")
    def load_all(folder: Path, dry_run: bool) -> None:
        """Load every file described by FOLDER/datapackage.json, in its order."""
        engine, settings = get_context()
        try:
            resources = read_package(folder)
        except EtlError as exc:
            raise click.UsageError(str(exc)) from exc
        if tune_process():
            tune_for_loading()
        reports = []
        for res in resources:
            options = LoadOptions(dry_run, False, res.commodity, res.year, None, _who(), res.area, res.price_basis)
            report = _run(engine, settings, res.kind, res.path, options, None)
            reports.append(report)
            if report.status == "invalid":
                break
        _print_summary(reports)
        sys.exit(EXIT_INVALID if any(r.status == "invalid" for r in reports) else 0)

    etl.add_command(kinds)
    return etl


@click.command("kinds")
def kinds() -> None:
    """List the kinds of file and the columns each understands."""
    for job in JOBS.values():
        click.echo(f"{job.kind}: {job.title} (key: {', '.join(job.natural_key)})")
        for c in job.columns:
            click.echo(f"    {c.name:<18} {c.type:<8} also: {', '.join(c.accepted[1:])}")


def _run(engine: Engine, settings: Settings, kind: str, path: Path, options: LoadOptions,
         report_path: Path | None) -> Report:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    report_path = report_path or settings.report_dir / f"{stamp}-{kind}-{path.stem}.json"
    rejected = report_path.with_suffix(".rejected.csv") if options.skip_invalid else None
    if rejected is not None and rejected.exists():
        rejected.unlink()
    click.echo(f"{kind}: {path}", err=True)
    progress = _progress(path)
    try:
        report = run_job(engine, settings, kind, path, options, rejected_path=rejected, progress=progress)
    except OperationalError as exc:  # the transaction was rolled back
        what = "database connection failed" if exc.connection_invalidated else "the database refused the load"
        click.echo(f"\n  error: {what}, nothing was loaded ({exc.orig})", err=True)
        sys.exit(EXIT_INVALID)
    if progress is not None:
        click.echo("", err=True)
    for issue in report.issues[:SHOWN_ISSUES]:
        click.echo("  " + issue.describe(), err=True)
    hidden = report.error_count + report.warning_count - min(len(report.issues), SHOWN_ISSUES)
    if hidden > 0:
        click.echo(f"  ... and {hidden} more (see the report)", err=True)
    for note in report.notes:
        click.echo(f"  note: {note}", err=True)
    report.save_json(report_path)
    click.echo(f"  report: {report_path}", err=True)
    if rejected is not None and rejected.exists():
        click.echo(f"  rejected rows: {rejected}", err=True)
    return report


def _progress(path: Path) -> Callable[[int], None] | None:
    """A text progress bar for large files (total rows estimated from the first megabyte)."""
    size = path.stat().st_size
    if size < 5_000_000:
        return None
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    total = max(1, int(size / max(1, len(head)) * max(1, head.count(b"\n"))))

    def show(rows: int) -> None:
        share = min(1.0, rows / total)
        bar = "#" * int(share * 30)
        click.echo(f"\r  [{bar:<30}] {share:4.0%}  {rows:,} rows".replace(",", "."), err=True, nl=False)
    return show


def _print_summary(reports: list[Report]) -> None:
    header = f"{'kind':<14} {'source':<36} {'status':<10} {'read':>9} {'loaded':>9} {'rejected':>9} {'warn':>6}"
    click.echo(header)
    for r in reports:
        click.echo(f"{r.kind:<14} {r.source[:36]:<36} {r.status:<10} {r.rows_read:>9} {r.rows_loaded:>9} "
                   f"{r.rows_rejected:>9} {r.warning_count:>6}")


def _who() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"
