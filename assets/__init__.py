"""Dagster asset definitions, one module per stage: sources -> normalized -> publish."""
