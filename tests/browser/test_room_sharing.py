"""Sharing with a training room: --host 0.0.0.0 turns on a token; the facilitator key stays with the starter."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .page_checks import open_dashboard
from .workshop_server import start_workshop, stop_workshop

pytestmark = pytest.mark.browser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    server = start_workshop(tmp_path_factory.mktemp("room"), extra=["--host", "0.0.0.0"])
    yield server
    stop_workshop(server)


def join_token(server) -> str:
    match = re.search(r"Join URL for the room: http://\S+/\?token=(\S+)", server.log())
    assert match, server.log()
    return match.group(1)


def test_join_url_with_token_is_printed(room_server):
    log = room_server.log()
    assert "Join URL for the room" in log
    assert f"Facilitator key (for you only, do not project it): {room_server.key}" in log


def test_without_the_token_the_room_server_refuses(room_server):
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(room_server.url)
    assert caught.value.code in (302, 401, 403)
    if caught.value.code == 302:
        assert "/login" in caught.value.headers["Location"]
    # Followed, the redirect ends on a page that says how to get in, not a Jupyter log-in form.
    with pytest.raises(urllib.error.HTTPError) as followed:
        urllib.request.urlopen(room_server.url, timeout=30)
    body = followed.value.read().decode()
    assert followed.value.code == 403 and "needs its join link" in body and "password" not in body.lower()


def test_with_the_join_url_a_participant_gets_in_and_can_answer(room_server, new_context):
    page = new_context(server=room_server).new_page()
    page.goto(f"{room_server.url}?token={join_token(room_server)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("SML Workbook")
    assert room_server.key not in page.content()
    open_dashboard(page, room_server.page_url("where-are-you-now.ipynb"))
    expect(page.get_by_role("button", name="Save my answers")).to_be_enabled(timeout=30_000)
    page.get_by_role("radio", name="3 – About half of it").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
