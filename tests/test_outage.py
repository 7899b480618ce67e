"""Outage: a throwaway PostgreSQL cluster stopped and started again under a running app.

While the database is away the app keeps answering: data endpoints say 503 (problem+json, Retry-After,
no stack trace), ``/healthz`` says the database is unreachable, pages do not crash. When the database
comes back, service resumes by itself: nobody restarts the app.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app import create_app
from etl.context import LoadOptions
from etl.pipeline import run_job
from gis import migrate
from gis.db import ensure_database, get_engine
from gis.settings import Settings
from tests.conftest import BUNDLED
from tests.live_server import serve


def _server_bin() -> Path:
    """PETA_PG_BIN, else the bin folder of the newest Debian PostgreSQL that has PostGIS."""
    if os.environ.get("PETA_PG_BIN"):
        return Path(os.environ["PETA_PG_BIN"])
    with_postgis = [int(control.parents[2].name)
                    for control in Path("/usr/share/postgresql").glob("*/extension/postgis.control")
                    if control.parents[2].name.isdigit()]
    return Path(f"/usr/lib/postgresql/{max(with_postgis, default=15)}/bin")


PG_BIN = _server_bin()
CLUSTER_OWNER = "postgres"  # initdb refuses to run as root
PG_TIMEOUT_S = 60
RESUME_TIMEOUT_S = 15
BOUNDARY_ROWS = 1 + 31 + 317  # kabupaten, kecamatan and desa of datasets/boundaries
# Tiles over Indramayu. The outage asks for one not rendered before: a tile already in the app's cache
# may still be served for the couple of seconds until the cache next checks the data version.
TILE, UNCACHED_TILE = "/tiles/kecamatan/9/409/265.pbf", "/tiles/kecamatan/10/819/530.pbf"
DATA_PATHS = ("/ogc/collections/kecamatan/items", "/api/v1/areas/32.12", "/api/v1/producers?q=ikan")
PAGES = ("/", "/investor", "/produk", "/perencana", "/wilayah/32.12")
TRACE_MARKERS = ("Traceback", "psycopg", "sqlalchemy", 'File "')


@dataclass
class Cluster:
    """A PostgreSQL cluster of its own: data folder, Unix socket folder and TCP port on 127.0.0.1."""

    root: Path
    port: int

    @property
    def data(self) -> Path:
        """The data folder (PGDATA)."""
        return self.root / "data"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/peta_outage"

    def run(self, tool: str, *args: str) -> None:
        """Run a PostgreSQL tool as the cluster's owner; fail with its output when it fails."""
        done = _as_owner(tool, *args)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stderr}{done.stdout}\n{tail}")

    def init(self) -> None:
        """Create the cluster: trust authentication, superuser ``postgres``, no fsync (a test)."""
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C", "--no-sync", "--no-instructions")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                 "-t", str(PG_TIMEOUT_S), "-o", options, "start")

    def stop(self) -> None:
        """Stop the server the way an operator does for maintenance (``-m fast``: sessions are cut)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(PG_TIMEOUT_S), "stop")

    def is_running(self) -> bool:
        """True while the postmaster of this data folder lives."""
        return (self.data / "postmaster.pid").exists()


def _as_owner(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL server tool, as the cluster's owner when we are root."""
    command = [str(PG_BIN / tool), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", CLUSTER_OWNER, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=PG_TIMEOUT_S, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _owned_temp_dir() -> Path:
    """A private folder the cluster's owner may use (pytest's tmp dirs are root-only under root)."""
    root = Path(tempfile.mkdtemp(prefix="peta-outage-"))
    if os.geteuid() == 0:
        shutil.chown(root, CLUSTER_OWNER, CLUSTER_OWNER)
    return root


def _load_boundaries(settings: Settings) -> None:
    engine = get_engine(settings)
    for level in ("kabupaten", "kecamatan", "desa"):
        report = run_job(engine, settings, "boundaries", BUNDLED / "boundaries" / f"{level}.geojson",
                         LoadOptions(loaded_by="tests"))
        assert report.status == "loaded", report.to_dict()["issues"][:5]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A started cluster on a free port; stopped and removed afterwards, whatever happened."""
    assert (PG_BIN / "initdb").exists(), f"no PostgreSQL server binaries in {PG_BIN} (set PETA_PG_BIN)"
    node = Cluster(_owned_temp_dir(), _free_port())
    try:
        node.init()
        node.start()
        yield node
    finally:
        if node.is_running():  # the test failed half-way: no need to be gentle
            _as_owner("pg_ctl", "-D", str(node.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(node.root, ignore_errors=True)


@pytest.fixture
def outage_settings(cluster: Cluster, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a migrated database on the throwaway cluster, with the bundled boundaries loaded."""
    settings = replace(Settings.from_env({}), database_url=cluster.url, report_dir=tmp_path / "reports")
    try:
        ensure_database(settings.database_url)
        migrate.upgrade(settings)
        _load_boundaries(settings)
        yield settings
    finally:
        get_engine(settings).dispose()


@dataclass
class Answer:
    """A response read whole: status, headers and body text."""

    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def mimetype(self) -> str:
        """The media type without parameters."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


def _get(base: str, path: str) -> Answer:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, response.headers, body.decode("utf-8", errors="replace"))
    finally:
        conn.close()


def _assert_no_trace(answer: Answer, path: str) -> None:
    leaked = [m for m in TRACE_MARKERS if m in answer.text]
    assert not leaked, f"{path} leaks {leaked}: {answer.text[:500]}"


def _assert_unavailable(answer: Answer, path: str) -> None:
    assert answer.status == 503, f"{path}: {answer.status} {answer.text[:500]}"
    assert answer.mimetype == "application/problem+json", f"{path}: {answer.mimetype}"
    assert int(answer.headers["Retry-After"]) > 0
    _assert_no_trace(answer, path)


def _wait_for_service(base: str, paths: tuple[str, ...]) -> dict[str, int]:
    """Poll until every path answers 200 (or the time is up); return the last status of each."""
    deadline = time.monotonic() + RESUME_TIMEOUT_S
    while True:
        statuses = {path: _get(base, path).status for path in paths}
        if all(s == 200 for s in statuses.values()) or time.monotonic() > deadline:
            return statuses
        time.sleep(0.2)


def test_app_survives_a_database_outage_and_resumes_by_itself(cluster: Cluster, outage_settings: Settings) -> None:
    app = create_app({"TESTING": True, "SETTINGS": outage_settings})
    with serve(app) as base:
        for path in (*DATA_PATHS, TILE, "/healthz", *PAGES):
            answer = _get(base, path)
            assert answer.status == 200, f"{path} before the outage: {answer.status} {answer.text[:500]}"
        assert json.loads(_get(base, "/healthz").text)["rows"]["areas"] == BOUNDARY_ROWS

        cluster.stop()
        for path in (*DATA_PATHS, UNCACHED_TILE):
            _assert_unavailable(_get(base, path), path)
        health = _get(base, "/healthz")
        assert health.status == 503 and int(health.headers["Retry-After"]) > 0, health.text[:500]
        body = json.loads(health.text)
        assert body["status"] == "unavailable" and body["database"] == "unreachable", body
        _assert_no_trace(health, "/healthz")
        for path in PAGES:
            page = _get(base, path)
            assert page.status in (200, 503), f"{path} during the outage: {page.status} {page.text[:500]}"
            if page.status == 503:  # a page in the reader's language, not problem+json
                assert page.mimetype == "text/html" and int(page.headers["Retry-After"]) > 0, path
                assert "Layanan sedang tidak tersedia" in page.text, page.text[:500]
            _assert_no_trace(page, path)
        english = _get(base, "/wilayah/32.12?lang=en")
        assert english.status == 503 and "Service unavailable" in english.text, english.text[:500]

        cluster.start()
        statuses = _wait_for_service(base, (*DATA_PATHS, UNCACHED_TILE, "/healthz", *PAGES))
        assert statuses == dict.fromkeys(statuses, 200), f"not resumed within {RESUME_TIMEOUT_S} s: {statuses}"
        assert json.loads(_get(base, "/healthz").text)["database"] == "ok"
