"""A lost kernel loses nothing: the page notices, says so, reconnects and puts the typing back.

Kernels are killed the way the out-of-memory killer kills them (SIGKILL), only those of the
test's own server, while a person has typed and not saved.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import psutil
import pytest
from playwright.sync_api import expect

from smlkit.course.records import REFLECTION_KEY, REFLECTION_KIND
from smlkit.review import records as review_records
from smlkit.storage.store import Store

from .page_checks import open_dashboard, page_kernel_id, screenshot

pytestmark = pytest.mark.browser

LEARNING = "What are you learning at the moment, and how are you going about it?"
RECOVERY_MS = 150_000


def _kernels(server_pid: int) -> dict[str, psutil.Process]:
    """The workshop's kernel processes, by kernel id (from their connection files)."""
    found = {}
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline()))
        except psutil.Error:
            continue
        if match:
            found[match.group(1)] = child
    return found


def _kill(processes) -> None:
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass


def _shut_down(server, context, kernel: str) -> None:
    """Shut a kernel down as the culler does, through the kernels API, and check it has gone."""
    xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
    request = urllib.request.Request(
        f"{server.url}api/kernels/{kernel}",
        method="DELETE",
        headers={"X-XSRFToken": xsrf, "Cookie": f"_xsrf={xsrf}"},
    )
    assert urllib.request.urlopen(request, timeout=30).status == 204
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(f"{server.url}api/kernels/{kernel}", timeout=10)


def _named_kernel(page, other_than: str = "") -> str:
    """The kernel the page names once Voila has run it, waiting for one other than ``other_than``."""
    page.wait_for_function(
        'old => { const m = document.documentElement.innerHTML.match(/"kernelId": "([0-9a-f-]{36})"/);'
        " return !!m && m[1] !== old && !document.querySelector('#loading'); }",
        arg=other_than,
        timeout=RECOVERY_MS,
    )
    return page_kernel_id(page)


def _ready(page) -> None:
    page.wait_for_selector(".smlkit-ready", state="attached", timeout=90_000)


def _recovered(page) -> None:
    expect(page.locator(".smlkit-connection.smlkit-restored")).to_contain_text(
        "is back in the form", timeout=RECOVERY_MS
    )


def test_where_now_its_kernel_killed_mid_typing_comes_back_with_the_typing_and_saves(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    _ready(page)
    page.get_by_role("radio", name="4 – Most of it").check()
    page.get_by_label(LEARNING).fill("Typed just before the kernel died")
    kernel = page_kernel_id(page)
    _kill([_kernels(workshop.process.pid)[kernel]])
    _recovered(page)
    screenshot(page, "connection-restored-where-now")
    assert page_kernel_id(page) != kernel, "the page should be on a fresh kernel"
    expect(page.get_by_label(LEARNING)).to_have_value("Typed just before the kernel died")
    expect(page.get_by_role("radio", name="4 – Most of it")).to_be_checked()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status").filter(has_text="Saved at")).to_be_visible(timeout=30_000)
    saved = [r.data["answers"] for r in Store(workshop.db_url).all_of(REFLECTION_KIND, REFLECTION_KEY)]
    assert {"where-now-learning": "Typed just before the kernel died", "where-now-steering": 4}.items() <= saved[
        -1
    ].items()


def test_the_agreement_page_recovers_its_unsaved_typing(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("my-learning-agreement.ipynb"))
    _ready(page)
    box = page.locator(".smlkit-field-section-now textarea")
    box.fill("Where I am now, typed and then the kernel died")
    _kill([_kernels(workshop.process.pid)[page_kernel_id(page)]])  # before the autosave could run
    _recovered(page)
    expect(page.locator(".smlkit-field-section-now textarea")).to_have_value(
        "Where I am now, typed and then the kernel died"
    )
    page.get_by_role("button", name="Save this version").click()
    expect(page.locator(".smlkit-page-status")).to_contain_text("Saved at", timeout=30_000)


def test_the_self_review_form_recovers_a_rating_and_its_evidence(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("rate-our-school.ipynb"))
    _ready(page)
    first = page.locator(".smlkit-review-element").first
    first.get_by_role("radio").nth(2).check()
    first.locator("textarea").fill("Seen in three departments' schemes of work")
    _kill([_kernels(workshop.process.pid)[page_kernel_id(page)]])
    _recovered(page)
    first = page.locator(".smlkit-review-element").first
    expect(first.get_by_role("radio").nth(2)).to_be_checked()
    expect(first.locator("textarea")).to_have_value("Seen in three departments' schemes of work")
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.locator(".smlkit-status").filter(has_text="Saved at")).to_be_visible(timeout=30_000)
    notes = [
        rating.get("evidence")
        for r in Store(workshop.db_url).all_of(review_records.RATING)
        for rating in r.data.get("ratings", {}).values()
    ]
    assert "Seen in three departments' schemes of work" in notes


def test_many_kernels_killed_at_once_are_shed_and_the_next_page_opens_in_time(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    _ready(page)
    page.get_by_label(LEARNING).fill("Typed while every kernel on the server died")
    _kill(_kernels(workshop.process.pid).values())  # the page's own and every pooled one
    _recovered(page)
    expect(page.get_by_label(LEARNING)).to_have_value("Typed while every kernel on the server died")
    # A newcomer's page is served from a live kernel, not a dead one from the pool.
    started = time.monotonic()
    other = new_context().new_page()
    open_dashboard(other, workshop.page_url("answer-the-room.ipynb"))
    _ready(other)
    assert time.monotonic() - started < 90
    assert "dead kernel" in workshop.log()


def test_a_laptop_that_slept_past_the_cull_finds_its_typing_and_saves_it(tmp_path, new_context):
    from .workshop_server import start_workshop, stop_workshop

    # The cull is left at its default: a 4 s cull also took the first page's kernel on a busy
    # machine before the page had connected to it (the early-loss tests below cover that case).
    server = start_workshop(tmp_path, env={"SMLKIT_PREHEAT": "0"})
    try:
        context = new_context(server=server)
        page = context.new_page()
        open_dashboard(page, server.page_url("where-are-you-now.ipynb"))
        _ready(page)
        page.get_by_role("radio", name="2 – A little of it").check()
        page.get_by_label(LEARNING).fill("Typed before lunch; the laptop slept")
        kernel = page_kernel_id(page)
        context.set_offline(True)  # the lid closes: the page's connection goes
        # While it sleeps the idle kernel is culled (what SMLKIT_CULL_SECONDS does to a kernel
        # nobody is connected to): shut it down the same way, through the kernels API.
        _shut_down(server, context, kernel)
        context.set_offline(False)  # back from lunch
        # The page finds its kernel gone and reconnects to a fresh one; the typing is back, from the
        # draft the server kept as it was typed or from this device (whichever had it).
        page.wait_for_function(
            'old => (document.documentElement.innerHTML.match(/"kernelId": "([0-9a-f-]{36})"/) || [])[1] !== old',
            arg=kernel,
            timeout=RECOVERY_MS,
        )
        _ready(page)
        expect(page.get_by_label(LEARNING)).to_have_value("Typed before lunch; the laptop slept", timeout=30_000)
        expect(page.get_by_role("radio", name="2 – A little of it")).to_be_checked()
        page.get_by_role("button", name="Save my answers").click()
        expect(page.locator(".smlkit-status").filter(has_text="Saved at")).to_be_visible(timeout=30_000)
        saved = [r.data["answers"] for r in Store(server.db_url).all_of(REFLECTION_KIND, REFLECTION_KEY)]
        assert saved[-1]["where-now-learning"] == "Typed before lunch; the laptop slept"
    finally:
        stop_workshop(server)


def test_answer_the_room_recovers_a_written_answer_and_sends_it(workshop, new_context):
    from smlkit.wall import records as room

    store = Store(workshop.db_url)
    state, _ = room.room_state(store)
    room.save_room_state(store, state.fresh_round("goals-next-term").open_prompts(["goals-next-term"]))
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("answer-the-room.ipynb"))
    _ready(page)
    answer = page.locator(".smlkit-question textarea")
    expect(answer).to_be_visible(timeout=30_000)
    answer.fill("Run a learning group of my own, typed as the kernel died")
    _kill([_kernels(workshop.process.pid)[page_kernel_id(page)]])
    _recovered(page)
    expect(page.locator(".smlkit-question textarea")).to_have_value(
        "Run a learning group of my own, typed as the kernel died"
    )
    page.get_by_role("button", name=re.compile("(Send|Update) my answer")).click()
    expect(page.locator(".smlkit-send-status")).not_to_contain_text("Sending", timeout=30_000)
    screenshot(page, "connection-restored-answer-the-room")
    problem = page.locator(".smlkit-summary-box")
    assert "Sent" in page.locator(".smlkit-send-status").inner_text(), problem.inner_text() if problem.count() else ""
    sent = [r.data["value"] for r in store.all_of(room.ANSWER_KIND, "goals-next-term")]
    assert "Run a learning group of my own, typed as the kernel died" in sent


KERNEL_SOCKET = re.compile(r"/api/kernels/[0-9a-f-]{36}/channels")


def _hold_kernel_sockets(page) -> dict:
    """While ``held["on"]``, the page's connections to its kernel reach nothing (a stalled phone)."""
    held = {"on": True}

    def connection(ws):
        if not held["on"]:
            ws.connect_to_server()

    page.route_web_socket(KERNEL_SOCKET, connection)
    return held


def test_a_page_whose_kernel_goes_before_its_widgets_arrive_reloads_onto_a_fresh_one(workshop, new_context):
    """A slow phone: Voila ran the page, but its kernel went (culled, killed) before the page connected."""
    context = new_context()
    page = context.new_page()
    held = _hold_kernel_sockets(page)
    page.goto(workshop.page_url("where-are-you-now.ipynb"))
    kernel = _named_kernel(page)
    expect(page.locator(".smlkit-ready")).to_have_count(0)  # no widgets: nothing reached the kernel
    held["on"] = False
    _shut_down(workshop, context, kernel)
    fresh = _named_kernel(page, other_than=kernel)  # the page reloaded itself, onto a fresh kernel
    _ready(page)
    assert fresh != kernel
    page.get_by_role("radio", name="3 – About half of it").check()
    page.get_by_label(LEARNING).fill("Typed once the page had come back")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status").filter(has_text="Saved at")).to_be_visible(timeout=30_000)


def test_a_page_that_cannot_keep_a_kernel_stops_reloading_and_says_so(workshop, new_context):
    """Reloads with no page ever ready end after three, with a message; the person's reload then works."""
    context = new_context()
    page = context.new_page()
    held = _hold_kernel_sockets(page)
    page.goto(workshop.page_url("where-are-you-now.ipynb"))
    kernel = ""
    for _ in range(4):  # the first load and the three reloads the page allows itself
        kernel = _named_kernel(page, other_than=kernel)
        _shut_down(workshop, context, kernel)
    lost = page.locator(".smlkit-connection.smlkit-lost")
    expect(lost).to_contain_text("could not finish opening this page", timeout=30_000)
    expect(lost).to_have_attribute("role", "alert")
    screenshot(page, "connection-could-not-open")
    page.wait_for_timeout(8_000)  # two of the page's checks: it has not reloaded again
    assert page_kernel_id(page) == kernel
    held["on"] = False
    page.reload()  # the person does as the message says
    _ready(page)
    expect(lost).to_have_count(0)
