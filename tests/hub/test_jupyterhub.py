"""The workbook under JupyterHub: two participants and a facilitator (a Hub admin), one PostgreSQL store.

The Hub runs with the project's own configuration (deploy/jupyterhub/jupyterhub_config.py):
shared-password sign-in, one Voila-only workbook server per person, JupyterHub's standard proxy.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from smlkit import library as content
from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.storage.store import Store

from ..browser.kernel_probe import code_runs_through_kernel_socket
from ..browser.page_checks import axe_violations, describe, screenshot
from .hub_server import FACILITATOR_PASSWORD, ROOM_PASSWORD
from .served_course import facilitator_page

pytestmark = pytest.mark.browser

WHERE_NOW = "where-are-you-now.ipynb"
LEARNING = "What are you learning at the moment, and how are you going about it?"
ANSWERS = {
    "alice": (4, "Alice is learning to lead a learning group by trying it with her team."),
    "bob": (2, "Bob is reading about self-directed learning on the train each morning."),
}


def sign_in(page, hub, user: str, password: str) -> None:
    """Sign in at the Hub's own page; the Hub starts this person's workbook and sends them to it."""
    page.goto(hub.url + "hub/login")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{user}/$"), timeout=180_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("SML Workbook", timeout=60_000)


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#loading", state="detached", timeout=120_000)
    page.wait_for_selector(".jupyter-widgets", timeout=60_000)


def answer_where_now(page, hub, user: str) -> None:
    steering, learning = ANSWERS[user]
    open_page(page, hub.user_url(user, f"voila/render/{WHERE_NOW}"))
    expect(page.get_by_role("button", name="Save my answers")).to_be_enabled(timeout=60_000)
    page.get_by_role("radio", name="Anonymously").check()
    page.get_by_role("radiogroup", name=re.compile("How much of what you have learned")).get_by_role(
        "radio", name=re.compile(f"^{steering} ")
    ).check()
    page.get_by_label(LEARNING).fill(learning)
    page.get_by_label(LEARNING).blur()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=30_000)


def test_both_participants_answers_reach_the_facilitator_through_one_store(hub, person):
    for user in ANSWERS:
        context = person()
        page = context.new_page()
        sign_in(page, hub, user, ROOM_PASSWORD)
        panel = page.locator(".smlkit-panel")
        expect(panel).to_have_text(f"You are signed in to JupyterHub as {user}.")
        answer_where_now(page, hub, user)
        screenshot(page, f"hub-where-now-{user}")
        # The page is served by the person's own workbook server, reached through the Hub's proxy,
        # which knows them by their Hub sign-in, not by a participant cookie.
        assert page.url.startswith(hub.user_url(user))
        assert "smlkit_participant" not in {cookie["name"] for cookie in context.cookies()}

    # Each Hub user is one participant; both answers are in the one shared PostgreSQL store.
    store = Store(hub.db_url)
    latest = {record.participant_id: record for record in store.latest_each(KIND, KEY)}
    assert len(latest) == 2, latest
    for user, (steering, learning) in ANSWERS.items():
        mine = latest[store.participant_for_token(f"jupyterhub-user:{user}")]
        assert mine.data["answers"] == {"where-now-steering": steering, "where-now-learning": learning}

    # The facilitator signs in as a Hub admin: their workbook knows them as the facilitator.
    page = person().new_page()
    sign_in(page, hub, "fran", FACILITATOR_PASSWORD)
    expect(page.locator(".smlkit-panel")).to_have_text("You are signed in to JupyterHub as fran, a facilitator.")
    expect(page.get_by_role("navigation", name="Workbook")).not_to_contain_text("Facilitator sign-in")
    screenshot(page, "hub-landing-facilitator")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # TODO(issue 5): once the live wall is on main, open it here as fran and expect both answers on it.


def test_a_participant_is_refused_the_facilitator_pages(hub, person):
    wall = facilitator_page(content.course())
    page = person().new_page()
    sign_in(page, hub, "alice", ROOM_PASSWORD)
    expect(page.locator(".sml-facilitator-pages")).to_contain_text("for facilitators only")
    expect(page.locator(".sml-dashboards")).not_to_contain_text(wall.title)  # not listed to a participant
    response = page.goto(hub.user_url("alice", f"voila/render/{wall.notebook}"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{wall.title} is for the facilitator")
    expect(page.locator("main")).to_contain_text("an admin of this JupyterHub")
    screenshot(page, "hub-refused")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # There is no key to try under the Hub.
    response = page.goto(hub.user_url("alice", "smlkit/key"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Facilitator pages are for the Hub's facilitators")

    # The facilitator's own workbook does not refuse them.
    # (Fetched, not shown: until the course has its own facilitator page, Voila answers "not found".)
    page = person().new_page()
    sign_in(page, hub, "fran", FACILITATOR_PASSWORD)
    response = page.request.get(hub.user_url("fran", f"voila/render/{wall.notebook}"))
    assert response.status != 403
    assert "is for the facilitator" not in response.text()


def test_nobody_opens_another_persons_workbook(hub, person):
    sign_in(person().new_page(), hub, "bob", ROOM_PASSWORD)  # bob's workbook is running
    alice = person().new_page()
    sign_in(alice, hub, "alice", ROOM_PASSWORD)
    # A participant cannot open someone else's workbook (the Hub refuses it) ...
    bobs = alice.goto(hub.user_url("bob"))
    assert bobs.status == 403
    assert ANSWERS["bob"][1] not in alice.content()
    # ... and a facilitator, though a Hub admin, is refused too: nobody answers as somebody else.
    fran = person().new_page()
    sign_in(fran, hub, "fran", FACILITATOR_PASSWORD)
    fran.goto(hub.user_url("alice", f"voila/render/{WHERE_NOW}"))
    # The Hub first asks an admin to confirm they mean to open another person's server.
    expect(fran.get_by_role("button", name="Authorize")).to_be_visible()
    screenshot(fran, "hub-admin-asked-to-authorize")
    with fran.expect_response(lambda r: r.url.endswith(f"/user/alice/voila/render/{WHERE_NOW}")) as final:
        fran.get_by_role("button", name="Authorize").click()
    assert final.value.status == 403
    expect(fran.get_by_role("heading", level=1)).to_have_text("This is alice's workbook")
    expect(fran.get_by_role("link", name="Go to the Hub's home page")).to_have_attribute("href", "/hub/home")
    assert ANSWERS["alice"][1] not in fran.content()
    screenshot(fran, "hub-someone-elses-workbook")
    violations = axe_violations(fran)
    assert not violations, describe(violations)
    # Voila's own kernel API is guarded the same way: the same address is "not found" for alice
    # (no such kernel) but refused for the admin before any kernel is looked up.
    kernel = hub.user_url("alice", "api/kernels/00000000-0000-4000-8000-000000000000")
    assert alice.request.get(kernel).status == 404
    assert fran.request.get(kernel).status == 403


def test_the_browser_cannot_run_code_in_its_kernel(hub, person, tmp_path):
    page = person().new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url) if "/api/kernels/" in ws.url else None)
    sign_in(page, hub, "bob", ROOM_PASSWORD)
    open_page(page, hub.user_url("bob", f"voila/render/{WHERE_NOW}"))
    marker = tmp_path / "ran"
    assert sockets, "the dashboard opened no kernel websocket"
    replies = code_runs_through_kernel_socket(page, sockets[0], f"open({str(marker)!r}, 'w').write('x')")
    assert replies["kernel_info_reply"], "the kernel's websocket did not answer at all"
    assert not replies["execute_reply"]
    assert not marker.exists()


def test_the_workbook_server_is_not_reachable_without_the_hub(hub):
    """Without signing in, the Hub's proxy sends a visitor to the Hub's sign-in, never to a workbook."""
    request = urllib.request.Request(hub.user_url("alice"))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            final = response.geturl()
            body = response.read().decode()
    except urllib.error.HTTPError as exc:
        final, body = exc.geturl(), ""
    assert "/hub/" in final
    assert ANSWERS["alice"][1] not in body
