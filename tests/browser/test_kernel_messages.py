"""A participant cannot run code: a dashboard's kernel takes widget messages from the browser, nothing else."""

from __future__ import annotations

import pytest

from .kernel_probe import code_runs_through_kernel_socket
from .page_checks import open_dashboard

pytestmark = pytest.mark.browser


def test_code_sent_over_the_kernel_socket_is_not_run(workshop, new_context, tmp_path):
    page = new_context().new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url) if "/api/kernels/" in ws.url else None)
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    assert sockets, "the dashboard opened no kernel websocket"
    marker = tmp_path / "ran"
    replies = code_runs_through_kernel_socket(page, sockets[0], f"open({str(marker)!r}, 'w').write('x')")
    assert replies["kernel_info_reply"], "the kernel's websocket did not answer at all"
    assert not replies["execute_reply"] and not replies["execute_activity"]
    assert not marker.exists()
    # The dashboard itself still works: its widgets talk to the kernel through comm messages.
    page.get_by_role("radio", name="3 – About half of it").check()
    page.get_by_role("button", name="Save my answers").click()
    page.locator(".smlkit-status").filter(has_text="Saved at").wait_for(timeout=15_000)
