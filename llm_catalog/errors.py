"""Errors that name what went wrong: the source, and where there is one, the entry and the field."""

from __future__ import annotations

import functools


class CatalogError(Exception):
    """Base class for every error the catalog raises on purpose (the CLI prints these without a traceback)."""


class SourceError(CatalogError):
    """A source could not be read or is not a usable payload."""

    def __init__(self, source: str, message: str, *, entry: str | None = None, field: str | None = None):
        self.source = source
        self.entry = entry
        self.field = field
        self.detail = message
        where = f"source {source}"
        if entry is not None:
            where += f", entry {entry!r}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # rebuilt from its parts, not from the one message (e.g. raised in a worker process)
        return functools.partial(type(self), entry=self.entry, field=self.field), (self.source, self.detail)


class PublishError(CatalogError):
    """The warehouse refused or failed a publish; the current snapshot is unchanged."""


class BrokenPayloadError(SourceError):
    """A payload arrived but is not what the source publishes (a changed shape): never replaced by a fallback."""
