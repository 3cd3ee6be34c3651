"""Giving a person a file (an export) from a dashboard, with no extra server route.

The kernel builds the file, then shows a link carrying it as a ``data:`` URL with the
``download`` attribute. The page script clicks a new link once, so one press of the
button downloads the file; the link stays, so the person can download it again.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable

from smlkit.errors import SmlkitError
from smlkit.ui.kit.forms import StatusLine, button, escape, guarded, hbox, html_block

MIME = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv;charset=utf-8",
    ".md": "text/markdown;charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}


def safe_filename(name: str) -> str:
    """A filename any operating system accepts, built from what may be user text."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[^A-Za-z0-9 _.-]+", "", stem).strip(" .") or "export"
    stem = re.sub(r"\s+", "-", stem)[:80]
    return f"{stem}.{ext}" if ext else stem


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def link_html(data: bytes, filename: str, *, auto: bool = True) -> str:
    filename = safe_filename(filename)
    mime = next((m for ext, m in MIME.items() if filename.lower().endswith(ext)), "application/octet-stream")
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    auto_attr = f' data-smlkit-autodownload="{uuid.uuid4().hex}"' if auto else ""
    return (
        f'<a class="smlkit-download-link" href="{href}" download="{escape(filename)}"{auto_attr}>'
        f"Download {escape(filename)} ({_size(len(data))})</a>"
    )


class DownloadButton:
    """A button that builds a file on demand and hands it to the browser."""

    def __init__(self, label: str, build: Callable[[], tuple[str, bytes]], *, name: str = "download"):
        self.button = button(label, secondary=True, name=name)
        self.link = html_block("")
        self.link.add_class("smlkit-download")
        self.status = StatusLine()
        self._build = build
        self.button.on_click(lambda _b: guarded(self._make, self._problem)())
        self.widget = hbox([self.button, self.link, self.status.widget])
        self.widget.add_class("smlkit-actions")
        self.widget.add_class("smlkit-download-row")

    def _make(self) -> None:
        self.status.busy("Preparing the file…")
        filename, data = self._build()
        self.link.value = link_html(data, filename)
        self.status.clear()

    def clear(self) -> None:
        """Take away a file made earlier (it no longer matches what the page shows)."""
        self.link.value = ""
        self.status.clear()

    def _problem(self, exc: SmlkitError | None) -> None:
        self.status.problem(exc.message if exc else "Sorry, the file could not be made. Nothing has been lost.")
