"""Kernel messages' timestamps read with the standard library instead of dateutil.

Every message a kernel sends has its header's timestamps parsed by jupyter_client, in the server
twice: where Voila runs the page, and where the server notes that the kernel was active. A page
opening is hundreds of messages (each widget is built by one), so on the server, while pages
opened, 12% of py-spy's samples were in ``jupyter_client.jsonutil.extract_dates``, most of them in
dateutil's ISO parser. ``datetime.fromisoformat`` reads the same timestamps (jupyter_client only
tries strings that match its ISO 8601 pattern) several times faster; anything it does not read
still goes to dateutil, so every message reads as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_ORIGINAL: list[Callable[[str], datetime]] = []


def parse(text: str) -> datetime:
    """An ISO 8601 timestamp as jupyter_client's dateutil parser reads it."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        if not _ORIGINAL:  # not installed: nothing else to read it with
            raise
        return _ORIGINAL[0](text)


def install() -> None:
    """Read this process's kernel messages with :func:`parse` (once; a jupyter_client without the
    hook is left as it is)."""
    from jupyter_client import jsonutil

    current = getattr(jsonutil, "_dateutil_parse", None)
    if current is None or current is parse:
        return
    _ORIGINAL[:] = [current]
    setattr(jsonutil, "_dateutil_parse", parse)  # noqa: B010  # a private name of jupyter_client
