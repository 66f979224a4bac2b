"""A real S3-compatible server for the tests: moto's server mode on 127.0.0.1, with its authentication on, so that
wrong credentials are refused as AWS refuses them. Nothing leaves the machine."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.fs as pafs

# requests moto serves before it checks credentials: the three that make the tests' IAM user and its keys
UNAUTHENTICATED_SETUP = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class S3Server:
    process: subprocess.Popen
    endpoint: str
    key_id: str = ""
    secret: str = ""
    buckets: list[str] = field(default_factory=list)

    def env(self, work_dir: Path | None = None) -> dict[str, str]:
        """The environment a client of this server runs with: its keys, a region, and no AWS config of the user's."""
        env = {
            "AWS_ACCESS_KEY_ID": self.key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        if work_dir is not None:
            env["LLM_CATALOG_WORK_DIR"] = str(work_dir)
        return env

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.key_id,
            aws_secret_access_key=self.secret,
            region_name="us-east-1",
        )

    def bucket(self) -> str:
        """A new, empty bucket."""
        name = f"catalog-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        self.buckets.append(name)
        return name

    def filesystem(self) -> pafs.S3FileSystem:
        return pafs.S3FileSystem(
            endpoint_override=self.endpoint, access_key=self.key_id, secret_key=self.secret, region="us-east-1"
        )

    def upload_warehouse(self, local: Path, bucket: str, prefix: str = "wh") -> str:
        """A copy of the folder warehouse ``local`` in ``bucket`` (its published files, not its run storage): a
        bucket warehouse without a sync of its own. Returns its s3:// location."""
        fs = self.filesystem()
        for path in sorted(p for p in local.rglob("*") if p.is_file()):
            relative = path.relative_to(local).as_posix()
            if relative.split("/")[0] in {"_io", "_dagster", "site"} or relative == ".lock":
                continue
            with fs.open_output_stream(f"{bucket}/{prefix}/{relative}") as stream:
                stream.write(path.read_bytes())
        return f"s3://{bucket}/{prefix}"

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        found = self.filesystem().get_file_info(pafs.FileSelector(f"{bucket}/{prefix}", recursive=True))
        return sorted(i.path.removeprefix(f"{bucket}/") for i in found if i.type == pafs.FileType.File)


# a sync's lock, held in another process until it is killed
_HOLD = """
import sys, time
from llm_catalog.warehouse.store import Warehouse
with Warehouse(sys.argv[1], s3_endpoint=sys.argv[2]).lock():
    print("held", flush=True)
    time.sleep(600)
"""


def lock_holder(location: str, endpoint: str) -> subprocess.Popen:
    """A process of this machine holding the lock of the bucket warehouse ``location`` (with this process's
    environment), returned once it holds it; kill it to leave its lease behind."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, location, endpoint], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    if holder.stdout.readline().strip() != "held":
        holder.kill()
        raise RuntimeError(f"the lock holder of {location} did not take the lock")
    return holder


def start(*, auth: bool = True) -> S3Server:
    """moto's server on a free port of 127.0.0.1, with an IAM user whose keys may do anything (the only ones it
    accepts once the setup requests are served). ``auth=False``: any keys are accepted, and none are made."""
    import boto3

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "INITIAL_NO_AUTH_ACTION_COUNT"}
    if auth:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(UNAUTHENTICATED_SETUP)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"moto's S3 server did not start on 127.0.0.1:{port}") from None
            time.sleep(0.1)
    server = S3Server(process, f"http://127.0.0.1:{port}")
    if not auth:
        server.key_id, server.secret = "any", "any"
        return server
    iam = boto3.client(
        "iam",
        endpoint_url=server.endpoint,
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
        region_name="us-east-1",
    )
    iam.create_user(UserName="catalog")
    key = iam.create_access_key(UserName="catalog")["AccessKey"]
    allow_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName="catalog", PolicyName="all", PolicyDocument=json.dumps(allow_all))
    server.key_id, server.secret = key["AccessKeyId"], key["SecretAccessKey"]
    return server


class _DropConditions(BaseHTTPRequestHandler):
    """Passes each request on to ``upstream`` without its If-Match and If-None-Match headers, as an S3-compatible
    store that does not implement conditional writes behaves: every conditional PUT succeeds."""

    upstream = ""  # host:port, set on a subclass per proxy
    DROPPED = {"if-match", "if-none-match"}
    HOP = {"connection", "transfer-encoding", "content-length", "date", "server", "keep-alive"}

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in self.DROPPED | {"connection"}}
        upstream = http.client.HTTPConnection(self.upstream, timeout=30)
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in self.HOP:
                self.send_header(name, value)
        self.send_header(
            "Content-Length", response.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(data))
        )
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _forward

    def log_message(self, *args) -> None:  # quiet
        pass


def without_conditional_writes(server: S3Server) -> tuple[str, ThreadingHTTPServer]:
    """(endpoint, proxy) of a proxy on 127.0.0.1 in front of ``server`` (one without auth: the proxy changes signed
    headers) that drops conditional-write headers. ``proxy.shutdown()`` stops it."""
    handler = type("Handler", (_DropConditions,), {"upstream": server.endpoint.removeprefix("http://")})
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{proxy.server_address[1]}", proxy
