"""A page's kernel lives while the page is open: leaving the page shuts it down, so a room moving
from one dashboard to the next does not pile up kernels on the server."""

from __future__ import annotations

import time

import psutil
import pytest

from .page_checks import open_dashboard

pytestmark = pytest.mark.browser


def _kernels(workshop) -> set[int]:
    server = psutil.Process(workshop.process.pid)
    found = set()
    for child in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.add(child.pid)
        except psutil.Error:
            continue
    return found


def test_leaving_a_page_shuts_its_kernel_down(workshop, new_context):
    page = new_context().new_page()
    before = _kernels(workshop)
    open_dashboard(page, workshop.page_url("evaluation-end.ipynb"))  # not preheated: a kernel of its own
    page.wait_for_selector(".smlkit-ready", state="attached", timeout=60_000)
    mine = _kernels(workshop) - before
    assert mine, "opening the page started no kernel"
    page.goto(workshop.url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and mine & _kernels(workshop):
        time.sleep(0.5)
    assert not mine & _kernels(workshop), "the kernel of the page that was left is still running"
