"""Serving a built site on the loopback interface, for a quick look (any static host serves it in production).

A malformed request (a NUL byte or a lone surrogate in the path, a bad request line, an overlong path) is answered
400, 404 or 414 and logged as one line on stderr, never a traceback."""

from __future__ import annotations

import functools
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.site.marker import site_record
from llm_catalog.text import visible

LOG_LINE_LIMIT = 300  # a refused request line can be 64 KiB: the log shows its start


def log_line(text: str) -> None:
    """One line on stderr: the client's text with its controls written out (no escape reaches the terminal)."""
    text = visible(text)
    if len(text) > LOG_LINE_LIMIT:
        text = text[:LOG_LINE_LIMIT] + "…"
    sys.stderr.write(f"llm-catalog site: {text}\n")


class QuietHandler(SimpleHTTPRequestHandler):
    """The files of one folder, no access log, nothing cached: a rebuilt site shows at the next load."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        try:
            return super().send_head()
        except ValueError:  # a NUL byte or a lone surrogate in the decoded path: no file has such a name
            self.send_error(HTTPStatus.BAD_REQUEST, "Malformed path")
            return None

    def log_message(self, *args) -> None:  # the terminal shows the URL, not one line per file
        pass

    def log_error(self, format: str, *args) -> None:
        """A refused request, as one line (a missing file, such as a browser's favicon.ico, is not worth one)."""
        if args and args[0] == HTTPStatus.NOT_FOUND:
            return
        request = f" ({self.requestline})" if getattr(self, "requestline", "") else ""
        log_line(f"refused a request from {self.address_string()}{request}: {format % args}")


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that drops a connection mid-response (navigating on) is no error worth a line; anything else
        that escapes the handler is one line, not a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            log_line(f"a request from {client_address[0]} failed: {type(error).__name__}: {error}")


def folder_server(folder: Path, port: int = 0) -> LoopbackServer:
    """An HTTP server for the files of ``folder`` on 127.0.0.1 (port 0: any free one); the caller serves it."""
    try:
        return LoopbackServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(folder)))
    except OSError as exc:
        raise CatalogError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from exc


def site_server(folder: Path, port: int = 0) -> LoopbackServer:
    """A folder_server for a site built by `llm-catalog site`; a clear error for a folder that holds none."""
    folder = Path(folder).expanduser().resolve()
    if site_record(folder) is None:
        raise CatalogError(f"no site built in {folder}: run `llm-catalog site --out {folder}` first")
    return folder_server(folder, port)
