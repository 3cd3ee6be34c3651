"""Choosing a file to give a dashboard: an upload button that says what it is for, and nothing else.

ipywidgets' ``FileUpload`` writes how many files it holds after its description ("Choose (0)"),
which reads as a fault to anyone who has not chosen yet. :func:`file_upload` makes the button
with a plain description ending in "…" and the class ``smlkit-upload``; the page script takes
the count off every such button (it puts the count back each time it redraws, so the script
watches for that). Which file was read is said by the page itself, beside the button.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from smlkit.content.table import MAX_BYTES


def file_upload(label: str, name: str, *, accept: str = ".csv,.xlsx", max_bytes: int = MAX_BYTES) -> widgets.FileUpload:
    """A one-file upload button labelled ``label`` ("Choose a roster file…"), classed ``smlkit-upload-<name>``."""
    description = label if label.endswith("…") else label.rstrip(".") + "…"
    upload = widgets.FileUpload(accept=accept, multiple=False, description=description, tooltip=description)
    upload.add_class("smlkit-upload")
    upload.add_class(f"smlkit-upload-{name}")
    upload.add_class(f"smlkit-max-bytes-{max_bytes}")  # the page refuses a larger file before sending it
    return upload


def chosen_file(upload: widgets.FileUpload, load: Callable[[str, bytes], None]) -> None:
    """Give the chosen file (its name and bytes) to ``load``; nothing when none is chosen."""
    if upload.value:
        item = upload.value[0]
        load(str(item["name"]), bytes(item["content"]))
