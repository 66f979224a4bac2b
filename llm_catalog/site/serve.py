"""Serving a built site on the loopback interface, for a quick look (any static host serves it in production)."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.site.build import MARKER


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the terminal shows the URL, not one line per file
        pass


def site_server(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for the site in ``folder`` on 127.0.0.1 (port 0: any free one); the caller serves it."""
    folder = Path(folder).expanduser().resolve()
    if not (folder / MARKER).is_file():
        raise CatalogError(f"no site built in {folder}: run `llm-catalog site --out {folder}` first")
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(folder)))
    except OSError as exc:
        raise CatalogError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from exc
