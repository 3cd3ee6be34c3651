"""The one exception hierarchy of smlkit.

Every error a user can cause is a :class:`SmlkitError` whose message says what
was wrong, where (file, row, field) and what to do about it. Dashboards show the
message next to the field; anything that is not a ``SmlkitError`` is a bug and
is logged, never shown as a traceback.
"""

from __future__ import annotations


class SmlkitError(Exception):
    """Root of every error smlkit raises on purpose.

    ``where`` names the place the problem is (a file and line, a row, a field);
    ``field`` is the form field or data field concerned, when there is one, so a
    dashboard can put the message beside it.
    """

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        self.message = message
        self.where = where
        self.field = field
        super().__init__(f"{where}: {message}" if where else message)


class DataFileError(SmlkitError):
    """A content or configuration file is missing, unreadable or breaks its schema."""


class ValidationError(SmlkitError):
    """Something a person typed or chose cannot be accepted as it stands."""


class StoreError(SmlkitError):
    """The response store could not be opened, read or written."""


class StoreBusyError(StoreError):
    """The store is temporarily unable to take a write (locked, full); retrying may work."""


class QuotaError(StoreError):
    """A save would go over a size or rate limit of the store (one version, or one person's total)."""


class AccessError(SmlkitError):
    """A page or action needs a key the visitor has not given."""


class ConfigError(SmlkitError):
    """A command-line option or setting is not valid."""


class AnalysisTooLong(SmlkitError):
    """An analysis a page runs used up its budget of steps or time and was stopped."""
