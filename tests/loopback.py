"""A loopback HTTP server for the tests: it serves ``server.body`` while ``server.up``, else answers 503."""

from http.server import BaseHTTPRequestHandler


class FlakyServer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body, status = (self.server.body, 200) if self.server.up else (b"down", 503)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
