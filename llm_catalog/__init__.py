"""llm-catalog: plain functions that load, normalize and publish the catalog.

Dagster assets (``assets/``) and the command line (``pipelines/``) are thin wrappers over this package, so
everything here is callable and testable without Dagster.
"""
