"""Where each page of the site lives. Ids carry `/`, `:`, `@`, spaces and case that file systems and URLs treat
differently, so a page's file name is a readable slug of the id plus a short hash of the exact id: stable from one
build to the next, unique, and safe on any static host (no `%`, no `:` that a browser could read as a scheme)."""

from __future__ import annotations

import hashlib
import re
from functools import cache

SLUG_LENGTH = 60


@cache
def slug(text: str) -> str:
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_LENGTH].strip("-") or "id"
    return f"{readable}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def route_path(route_id: str) -> str:
    return f"routes/{slug(route_id)}.html"


def model_path(base_model: str) -> str:
    return f"models/{slug(base_model)}.html"


def benchmark_path(benchmark_name: str) -> str:
    return f"benchmarks/{slug(benchmark_name)}.html"


def provider_path(provider: str) -> str:
    return f"providers/{slug(provider)}.html"
