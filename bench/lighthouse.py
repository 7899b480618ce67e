"""Lighthouse's mobile profile on every page, for this code and a baseline revision served side by side.

Used by ``bench/page_bench.py --lighthouse``. Lighthouse is a bench tool, not a test dependency: ``make
bench-pages`` installs it into ``bench/.node`` (git-ignored). Each revision runs under gunicorn on its own
port against the same database; every page is audited ``runs`` times per revision, alternating, and the
median of each figure is printed beside the budgets of issue 15 (item 7).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "bench" / ".node" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
# What a revision needs that git does not hold: the virtualenv, the npm files of the pages, the label glyphs.
UNTRACKED = (".venv", "webmap/static/vendor", "var")
# Budgets (issue 15, item 7): performance 95 or more, accessibility 100, LCP under 2.5 s, no layout shift.
BUDGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "performance": (">= 95", lambda v: v >= 95),
    "accessibility": ("= 100", lambda v: v >= 100),
    "lcp_s": ("< 2.5 s", lambda v: v < 2.5),
    "cls": ("< 0.01", lambda v: v < 0.01),
}


@dataclass
class Figures:
    """One Lighthouse run of one page (or the medians of several)."""

    performance: float
    accessibility: float
    lcp_s: float
    cls: float
    tbt_ms: float
    requests: float
    kbytes: float
    benchmark: float  # the host's BenchmarkIndex during the run (Lighthouse's CPU speed; lower: a busier CPU)
    failed: list[str] = field(default_factory=list)  # audits of the two categories that did not pass

    def passes(self) -> bool:
        """Every budget holds."""
        return all(check(getattr(self, name)) for name, (_, check) in BUDGETS.items())


def audit(url: str, workdir: Path, attempts: int = 2) -> Figures | None:
    """Run Lighthouse (mobile form factor, simulated throttling) on ``url`` in headless Chromium; None when it
    fails ``attempts`` times (its error is printed: a run lost on a busy machine does not end the bench)."""
    report = workdir / f"lh-{time.monotonic_ns()}.json"
    command = ["node", str(CLI), url, "--output=json", f"--output-path={report}", "--quiet",
               "--only-categories=performance,accessibility", "--form-factor=mobile",
               "--throttling-method=simulate", "--chrome-flags=--headless --no-sandbox --disable-gpu"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for attempt in range(1, attempts + 1):
        try:
            subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=300)
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            tail = (exc.stderr or "").strip().splitlines()[-3:] if isinstance(exc.stderr, str) else []
            print(f"[lighthouse] {url}: attempt {attempt} failed: {' / '.join(tail) or exc}", file=sys.stderr)
    else:
        return None
    data = json.loads(report.read_text())
    report.unlink()
    return figures(data)


def figures(data: dict[str, Any]) -> Figures:
    """The figures of one Lighthouse report (its JSON)."""
    audits, categories = data["audits"], data["categories"]
    failed = sorted({ref["id"] for name in ("performance", "accessibility") for ref in categories[name]["auditRefs"]
                     if ref["weight"] > 0 and (audits[ref["id"]].get("score") is not None)
                     and audits[ref["id"]]["score"] < (0.9 if name == "performance" else 1)})
    items = audits["network-requests"].get("details", {}).get("items", [])
    return Figures(performance=round(categories["performance"]["score"] * 100),
                   accessibility=round(categories["accessibility"]["score"] * 100),
                   lcp_s=audits["largest-contentful-paint"]["numericValue"] / 1000,
                   cls=audits["cumulative-layout-shift"]["numericValue"],
                   tbt_ms=audits["total-blocking-time"]["numericValue"],
                   requests=len(items), kbytes=sum(i.get("transferSize", 0) for i in items) / 1024,
                   benchmark=data["environment"].get("benchmarkIndex") or 0, failed=failed)


def median(runs: list[Figures]) -> Figures:
    """The median of each figure; the failed audits of every run."""
    def mid(name: str) -> float:
        return statistics.median(getattr(run, name) for run in runs)
    return Figures(mid("performance"), mid("accessibility"), mid("lcp_s"), mid("cls"), mid("tbt_ms"),
                   mid("requests"), mid("kbytes"), mid("benchmark"), sorted({a for run in runs for a in run.failed}))


@contextmanager
def baseline_tree(revision: str) -> Iterator[Path]:
    """A git worktree of ``revision`` in a temporary directory, with this checkout's untracked essentials."""
    with tempfile.TemporaryDirectory(prefix="peta-lh-") as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True,
                       capture_output=True)
        try:
            for name in UNTRACKED:
                if (ROOT / name).exists() and not (tree / name).exists():
                    (tree / name).symlink_to(ROOT / name)
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False,
                           capture_output=True)


@contextmanager
def gunicorn(tree: Path, database_url: str, port: int, log: Path) -> Iterator[str]:
    """The app of ``tree`` under gunicorn on 127.0.0.1:``port`` (its own process group); yields its base URL."""
    env = {**os.environ, "DATABASE_URL": database_url, "PETA_RATE_LIMIT": "1000000/minute",
           "PETA_RATE_LIMIT_READS": "1000000/minute", "PETA_RATE_LIMIT_KEYED": "1000000/minute"}
    env.pop("REDIS_URL", None)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "app:create_app()"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn of {tree} did not start; see {log}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def answers(base: str, path: str) -> bool:
    """``path`` answers 200 (pages another change adds may not exist in a revision)."""
    try:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.status == 200
    except OSError:
        return False


def compare(bases: dict[str, str], paths: list[str], runs: int, workdir: Path) -> dict[str, dict[str, Figures]]:
    """Medians per page and per revision label; the revisions alternate within each page."""
    found: dict[str, dict[str, list[Figures]]] = {path: {} for path in paths}
    for path in paths:
        for base in bases.values():
            for _ in range(4):  # warm every worker (imports, templates, cached lists), outside the runs
                answers(base, path)
        for run in range(runs):
            for label, base in bases.items():
                if not answers(base, path):
                    continue
                print(f"[lighthouse] {path} {label} run {run + 1}/{runs}", file=sys.stderr, flush=True)
                result = audit(base + path, workdir)
                if result is not None:
                    found[path].setdefault(label, []).append(result)
    return {path: {label: median(r) for label, r in by.items()} for path, by in found.items() if by}


def _cell(figures: Figures | None, name: str) -> str:
    if figures is None:
        return "–"
    value = getattr(figures, name)
    return {"lcp_s": f"{value:.2f} s", "cls": f"{value:.3f}", "tbt_ms": f"{value:.0f} ms",
            "kbytes": f"{value:.0f} KiB"}.get(name, f"{value:.0f}")


def print_comparison(results: dict[str, dict[str, Figures]], labels: list[str], runs: int) -> None:
    """One block per page: each figure for each revision, the budget, and PASS/FAIL of the last revision."""
    names = ("performance", "accessibility", "lcp_s", "cls", "tbt_ms", "requests", "kbytes", "benchmark")
    version = json.loads((CLI.parent.parent / "package.json").read_text())["version"]
    print(f"\nLighthouse {version}, mobile profile, simulated throttling, median of {runs} run(s); benchmark: the "
          "host's BenchmarkIndex (lower: a busier CPU, longer simulated tasks, more TBT)")
    head = ["page / figure", *labels, "budget", "now"]
    lines: list[list[str]] = [head]
    for path, by in results.items():
        lines.append([path] + [""] * (len(head) - 1))
        current = by.get(labels[-1])
        for name in names:
            budget = BUDGETS.get(name)
            verdict = "" if budget is None or current is None else ("PASS" if budget[1](getattr(current, name))
                                                                   else "FAIL")
            lines.append([f"  {name}", *(_cell(by.get(label), name) for label in labels),
                          budget[0] if budget else "", verdict])
        if current is not None and current.failed:
            lines.append([f"  audits below par: {', '.join(current.failed)}"] + [""] * (len(head) - 1))
    widths = [max(len(line[i]) for line in lines if not line[0].startswith("  audits")) for i in range(len(head))]
    for line in lines:
        if line[0].startswith("  audits"):
            print(line[0])
            continue
        print(" | ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line)))
    verdicts = [by[labels[-1]].passes() for by in results.values() if labels[-1] in by]
    print(f"\nbudgets hold on {sum(verdicts)} of {len(verdicts)} page(s) ({labels[-1]})")
    sys.stdout.flush()
