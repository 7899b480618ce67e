"""A real HTTP server around the app for clients that need a socket (browsers, OWSLib, GDAL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


@contextmanager
def serve(app: Flask, join_timeout: float = 20.0) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yield its base URL.

    On exit the server stops and every request thread is waited for, so no request still holds a
    database connection when the test's database is dropped (a connection collected later while
    open is a ResourceWarning, an error under ``filterwarnings = error``).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    server.daemon_threads = False  # socketserver then tracks the request threads
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        loop.join(timeout=join_timeout)
        tracked = getattr(server, "_threads", None)
        requests = list(tracked) if isinstance(tracked, list) else []
        for thread in requests:
            thread.join(timeout=join_timeout)
        server.socket.close()
        stuck = [t.name for t in requests if t.is_alive()]
        assert not stuck, f"request threads still running after {join_timeout} s: {stuck}"
