"""Dagster asset definitions, thin, one module per stage as in the package: sources, normalized (and
parsed_sources), checks, similarity, benchmarks, models, history, warehouse (the publish), site; resources.py holds
the resources they take."""
