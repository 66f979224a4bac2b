"""A package index on 127.0.0.1 for the tests: the PyPI JSON API (``/pypi/<name>/json``) of hand-made releases and
their wheels (zip files holding real-shaped data), served as the real one serves them."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LITELLM_MEMBER = "litellm/model_prices_and_context_window_backup.json"


@dataclass
class Upload:
    """One release as the test publishes it: its version, upload time and wheel (None: an sdist only)."""

    version: str
    uploaded: str  # upload_time_iso_8601
    wheel: bytes | None
    yanked: bool = False
    stated_sha256: str | None = None  # what the index claims; None: the wheel's real digest
    platform: str = "py3-none-any"
    relative_url: bool = False
    extra_wheels: list[tuple[str, bytes]] = field(default_factory=list)  # (platform tag, bytes) of other wheels


def wheel(package: str, version: str, members: dict[str, bytes]) -> bytes:
    """A wheel (a zip) of ``members`` plus the dist-info a real one has; files stamped 1980 as real wheels are."""
    dist = f"{package.replace('-', '_')}-{version}.dist-info"
    files = {**members, f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n".encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def litellm_wheel(version: str, cost_map: dict) -> bytes:
    return wheel("litellm", version, {LITELLM_MEMBER: json.dumps(cost_map, indent=4).encode(), "litellm/x.py": b""})


class Index:
    """The files an index serves (path -> bytes) and the paths asked for, in order."""

    def __init__(self, base: str):
        self.base = base
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []

    def publish(self, package: str, uploads: list[Upload]) -> None:
        """Serve ``uploads`` as ``package``'s releases: the JSON API document and each wheel."""
        releases = {}
        for upload in uploads:
            files = [
                {
                    "filename": f"{package}-{upload.version}.tar.gz",
                    "packagetype": "sdist",
                    "url": f"{self.base}/packages/{package}-{upload.version}.tar.gz",
                    "digests": {"sha256": "0" * 64},
                    "upload_time_iso_8601": upload.uploaded,
                    "size": 10,
                    "yanked": upload.yanked,
                }
            ]
            wheels = [(upload.platform, upload.wheel), *upload.extra_wheels] if upload.wheel is not None else []
            for platform, data in wheels:
                name = f"{package.replace('-', '_')}-{upload.version}-{platform}.whl"
                self.files[f"/packages/{name}"] = data
                files.append(
                    {
                        "filename": name,
                        "packagetype": "bdist_wheel",
                        # relative, as a mirror states them; the client resolves them against the document's URL
                        "url": f"../../packages/{name}" if upload.relative_url else f"{self.base}/packages/{name}",
                        "digests": {"md5": "x", "sha256": upload.stated_sha256 or hashlib.sha256(data).hexdigest()},
                        "upload_time_iso_8601": upload.uploaded,
                        "size": len(data),
                        "yanked": upload.yanked,
                    }
                )
            releases[upload.version] = files
        document = {"info": {"name": package, "version": uploads[-1].version}, "releases": releases, "urls": []}
        self.files[f"/pypi/{package}/json"] = json.dumps(document).encode()

    def wheel_requests(self) -> list[str]:
        return [path.rsplit("/", 1)[-1] for path in self.requests if path.endswith(".whl")]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        index: Index = self.server.index
        index.requests.append(self.path)
        body = index.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        body = body if body is not None else b"Not Found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving():
    """An empty Index served on 127.0.0.1 for the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.index = Index(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.index
    finally:
        server.shutdown()
        server.server_close()
