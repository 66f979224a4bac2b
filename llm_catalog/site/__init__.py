"""The catalog site: static pages of one snapshot (see build.py)."""

from llm_catalog.site.build import MARKER, build_site

__all__ = ["MARKER", "build_site"]
