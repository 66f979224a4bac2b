"""Serving a built site on the loopback interface, for a quick look (any static host serves it in production)."""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.site.build import MARKER


class QuietHandler(SimpleHTTPRequestHandler):
    """The files of one folder, no access log, nothing cached: a rebuilt site shows at the next load."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args) -> None:  # the terminal shows the URL, not one line per file
        pass


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that drops a connection mid-response (navigating on) is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def folder_server(folder: Path, port: int = 0) -> LoopbackServer:
    """An HTTP server for the files of ``folder`` on 127.0.0.1 (port 0: any free one); the caller serves it."""
    try:
        return LoopbackServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(folder)))
    except OSError as exc:
        raise CatalogError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from exc


def site_server(folder: Path, port: int = 0) -> LoopbackServer:
    """A folder_server for a site built by `llm-catalog site`; a clear error for a folder that holds none."""
    folder = Path(folder).expanduser().resolve()
    if not (folder / MARKER).is_file():
        raise CatalogError(f"no site built in {folder}: run `llm-catalog site --out {folder}` first")
    return folder_server(folder, port)
