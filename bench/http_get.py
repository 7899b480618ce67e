"""One HTTP GET on a fresh connection, for the benchmarks that drive a live server."""

from __future__ import annotations

import http.client


def get(host: str, port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body of ``GET path`` on host:port."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
