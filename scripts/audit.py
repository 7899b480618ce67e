"""Audit the packages installed in .venv for known vulnerabilities (``make audit``); exit 1 on a finding.

pip-audit looks every installed version up in PyPI's vulnerability data (``/pypi/NAME/VERSION/json``).
Where that per-version document is not served (some PyPI proxies and mirrors serve only the project
document, and pip-audit then skips the package as "not found on PyPI"), the project document
(``/pypi/NAME/json``) still lists the vulnerabilities of the latest release: a package installed at its
latest release is audited from that. A package that is neither is listed as not audited.

A finding is fixed by raising the package's lower bound in requirements*.txt, or, when it cannot apply
to this platform, listed in IGNORED with the reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

#: Vulnerability id (PYSEC-, GHSA- or CVE-) -> why it does not apply here. Passed to pip-audit as --ignore-vuln.
IGNORED: dict[str, str] = {}

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_S = 30


@dataclass
class Audit:
    """What the audit found: vulnerabilities per package, packages audited, packages that could not be."""

    findings: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # name, version, id, fixed in
    audited: int = 0
    from_latest: int = 0
    not_audited: list[str] = field(default_factory=list)


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run_pip_audit() -> dict[str, Any]:
    """pip-audit's JSON report on the environment of this interpreter (vulnerabilities and skipped packages)."""
    command = [str(Path(sys.executable).parent / "pip-audit"), "--format", "json", "--progress-spinner", "off"]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: vulnerabilities found, reported in the JSON
        sys.exit(f"pip-audit failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def latest_release(name: str) -> tuple[str, list[dict[str, Any]]]:
    """The latest version of ``name`` on PyPI and the vulnerabilities that affect it."""
    with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=TIMEOUT_S) as response:
        document = json.load(response)
    return document["info"]["version"], document.get("vulnerabilities") or []


def same_version(a: str, b: str) -> bool:
    """True when two version strings name the same release ("1.0" and "1.0.0" do)."""
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def audit(report: dict[str, Any], installed: dict[str, str]) -> Audit:
    """Merge pip-audit's report with PyPI's latest-release data for the packages pip-audit skipped."""
    result = Audit()
    skipped = []
    for dep in report["dependencies"]:
        if "skip_reason" not in dep:
            result.audited += 1
            result.findings += [(dep["name"], dep["version"], v["id"], v.get("fix_versions", []))
                                for v in dep.get("vulns", [])]
        elif canonical(dep["name"]) in installed:
            skipped.append(canonical(dep["name"]))
        else:
            result.not_audited.append(f"{dep['name']} ({dep['skip_reason']})")
    with ThreadPoolExecutor(max_workers=8) as pool:
        releases = pool.map(_latest_or_error, skipped)
        for name, release in zip(skipped, releases, strict=True):
            _add_from_latest(result, name, installed[name], release)
    return result


def _latest_or_error(name: str) -> tuple[str, list[dict[str, Any]]] | Exception:
    try:
        return latest_release(name)
    except (urllib.error.URLError, TimeoutError, KeyError, ValueError) as exc:
        return exc


def _add_from_latest(result: Audit, name: str, version: str,
                     release: tuple[str, list[dict[str, Any]]] | Exception) -> None:
    if isinstance(release, Exception):
        result.not_audited.append(f"{name} {version} (PyPI: {release})")
        return
    latest, vulns = release
    if not same_version(version, latest):
        result.not_audited.append(f"{name} {version} (latest {latest})")
        return
    result.from_latest += 1
    for vuln in vulns:
        ids = {vuln["id"], *(vuln.get("aliases") or [])}
        if not vuln.get("withdrawn") and not ids & IGNORED.keys():
            result.findings.append((name, version, vuln["id"], vuln.get("fixed_in") or []))


def main() -> int:
    """Run the audit, print what it found, return the exit status."""
    installed = {canonical(d.metadata["Name"]): d.version for d in distributions()}
    result = audit(run_pip_audit(), installed)
    print(f"audit: {len(installed)} packages installed; {result.audited} audited by pip-audit, "
          f"{result.from_latest} from PyPI's latest-release data, {len(result.not_audited)} not audited")
    if result.not_audited:
        print("not audited (no per-version vulnerability data reachable, and not the latest release): "
              + ", ".join(sorted(result.not_audited)))
    for vuln_id, why in IGNORED.items():
        print(f"ignored {vuln_id}: {why}")
    for name, version, vuln_id, fixed in result.findings:
        print(f"VULNERABLE {name} {version}: {vuln_id} (fixed in {', '.join(fixed) or 'no release yet'})")
    if result.findings:
        print("raise the lower bound in requirements*.txt, or explain the finding in IGNORED of scripts/audit.py")
        return 1
    print("no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
