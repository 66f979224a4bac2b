"""A warehouse's location, a folder's path or ``s3://BUCKET/PREFIX``, to the storage that reaches it."""

from __future__ import annotations

import os
from pathlib import Path

from llm_catalog.warehouse.object_storage import S3Storage
from llm_catalog.warehouse.storage import S3_SCHEME, LocalStorage, Storage


def open_storage(location: str | os.PathLike, *, s3_endpoint: str | None = None) -> Storage:
    """The storage of a warehouse location: ``s3://BUCKET/PREFIX`` is a bucket, anything else a folder."""
    if isinstance(location, str) and location.startswith(S3_SCHEME):
        return S3Storage(location, endpoint=s3_endpoint)
    return LocalStorage(Path(location))
