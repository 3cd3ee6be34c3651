"""A page's kernel lives while the page is open: leaving the page shuts it down, so a room moving
from one dashboard to the next does not pile up kernels on the server."""

from __future__ import annotations

import time

import psutil
import pytest

from .page_checks import open_dashboard, page_kernel_id

pytestmark = pytest.mark.browser


def _kernels(workshop) -> dict[int, str]:
    """The server's kernel processes: pid -> command line."""
    server = psutil.Process(workshop.process.pid)
    found = {}
    for child in server.children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "ipykernel" in command:
            found[child.pid] = command
    return found


def test_leaving_a_page_shuts_its_kernel_down(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("evaluation-end.ipynb"))  # not preheated: a kernel of its own
    page.wait_for_selector(".smlkit-ready", state="attached", timeout=60_000)
    # The page's own kernel, by the id the page was given (pools may start others meanwhile).
    kernel_id = page_kernel_id(page)
    mine = {pid for pid, command in _kernels(workshop).items() if f"kernel-{kernel_id}.json" in command}
    assert mine, "the page's kernel is not among the server's processes"
    page.goto(workshop.url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and mine & _kernels(workshop).keys():
        time.sleep(0.5)
    assert not mine & _kernels(workshop).keys(), "the kernel of the page that was left is still running"
