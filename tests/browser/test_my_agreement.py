"""A participant drafts a learning agreement: autosave, reload, versions, restore, sign, export; facilitator list."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from smlkit.agreements.records import KEY, KIND
from smlkit.storage.store import Store

from ..support.waiting import wait_until
from .page_checks import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "my-learning-agreement.ipynb"
HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_NAME = "Mo <img src=x onerror=__pwned=1>"  # display names are at most 40 characters


def _ready(page) -> None:
    """Wait until the dashboard has loaded this person's agreement (generous: the machine may be busy)."""
    expect(page.locator(".smlkit-my-agreement.smlkit-ready")).to_be_visible(timeout=90_000)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#loading", state="detached", timeout=120_000)
    _ready(page)


def _choose(select, pattern: str) -> None:
    """Pick the option whose text matches (ipywidgets writes option text with non-breaking spaces)."""
    values = select.evaluate("e => Array.from(e.options, o => o.value)")
    select.select_option(value=next(v for v in values if re.search(pattern, v)))


def _section(page, number: int):
    return page.locator(f".smlkit-field-section-{('been', 'now', 'to', 'how', 'arrived')[number - 1]} textarea")


def test_draft_autosaves_comes_back_and_versions_restore_and_export(workshop, new_context):
    page = new_context().new_page()
    _open(page, workshop.page_url(NOTEBOOK))
    assert axe_violations(page) == [], describe(axe_violations(page))

    _section(page, 2).fill("I plan lessons alone and rarely ask the pupils what they want to learn.")
    page.get_by_role("button", name="Add a goal").click()
    goal = page.locator(".smlkit-goal-g1")
    goal.locator(".smlkit-field-goal-g1-what textarea").fill("Run a weekly learning group of six Year 9 pupils")
    status = page.locator(".smlkit-page-status")
    expect(status).to_contain_text("Draft saved at", timeout=20_000)
    # The mentor asks about the missing evidence beside the goal, and signing is blocked.
    expect(goal.locator(".smlkit-mentor")).to_contain_text("Needed before signing")
    expect(page.locator(".smlkit-readiness")).to_contain_text("Not ready to sign yet")
    screenshot(page, "my-agreement-draft")

    # Reload: the draft is back without pressing anything.
    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=120_000)
    _ready(page)
    expect(status).to_contain_text("Welcome back")
    expect(_section(page, 2)).to_have_value("I plan lessons alone and rarely ask the pupils what they want to learn.")
    expect(page.locator(".smlkit-field-goal-g1-what textarea")).to_have_value(
        "Run a weekly learning group of six Year 9 pupils"
    )

    # Signing is refused while the goal has no evidence; the summary links to the field.
    page.get_by_label("Name of the person signing").fill("Sam")
    page.get_by_role("button", name="Sign the agreement").click()
    summary = page.locator(".smlkit-error-summary")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link").first.click()
    expect(page.locator(".smlkit-field-goal-g1-evidence textarea")).to_be_focused()

    # Two explicit saves make two more versions; then restore the first draft.
    page.locator(".smlkit-field-goal-g1-evidence textarea").fill("Six pupils each say what they worked on this week")
    page.get_by_role("button", name="Save this version").click()
    expect(status).to_contain_text("Saved at", timeout=20_000)
    _section(page, 1).fill("Twelve years teaching history; I have never been mentored myself.")
    page.get_by_role("button", name="Save this version").click()
    expect(status).to_contain_text(re.compile(r"as version \d+"), timeout=20_000)
    versions = Store(workshop.db_url)
    pid = versions.latest_each(KIND, KEY)
    ours = [r for r in pid if r.data["agreement"]["sections"]["been"].startswith("Twelve years")]
    assert ours, "the second save is in the store"
    history = versions.history(KIND, KEY, ours[0].participant_id)
    assert [r.data["how"] for r in history][-2:] == ["saved", "saved"]
    expect(page.locator(".smlkit-history")).to_contain_text("Edited “Where have I been?”")

    _choose(page.get_by_label("Version to restore"), r"^Version 1,")
    page.get_by_role("button", name="Restore this version").click()
    expect(status).to_contain_text("Version 1 restored", timeout=20_000)
    expect(_section(page, 1)).to_have_value("")
    after = versions.history(KIND, KEY, ours[0].participant_id)
    assert len(after) == len(history) + 1 and after[-1].data["restored_from"] == 1

    # Sign once the evidence is there, then download a printable copy and open it.
    page.locator(".smlkit-field-goal-g1-evidence textarea").fill("Six pupils each say what they worked on this week")
    page.get_by_label("Name of the person signing").fill("Sam Okafor")
    page.get_by_role("button", name="Sign the agreement").click()
    expect(status).to_contain_text("Signed by the learner", timeout=20_000)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download for printing (Word)").click()
    doc = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "Run a weekly learning group of six Year 9 pupils" in text
    assert "Sam Okafor" in text
    assert "Where am I now?" in text
    screenshot(page, "my-agreement-signed")
    assert axe_violations(page) == [], describe(axe_violations(page))


def test_hostile_text_is_shown_as_text_also_to_the_facilitator(workshop, new_context):
    page = new_context().new_page()
    _open(page, workshop.page_url(NOTEBOOK))
    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label("Name to be known by").fill(HOSTILE_NAME)
    page.get_by_role("button", name="Add a goal").click()
    what = page.locator(".smlkit-field-goal-g1-what textarea")
    expect(what).to_be_focused()  # a new goal takes the keyboard to its first field
    # Every text box on the form gets hostile text (the goal's "what" is named in the history).
    boxes = page.locator(".smlkit-agreement-form textarea, .smlkit-agreement-form input[type=text]")
    for index in range(boxes.count()):
        boxes.nth(index).fill(f"Field {index} {HOSTILE}")
    what.fill(f"Goal {HOSTILE}")
    page.get_by_role("button", name="Save this version").click()
    expect(page.locator(".smlkit-page-status")).to_contain_text("Saved at", timeout=20_000)
    expect(page.locator(".smlkit-history")).to_contain_text("Started the agreement")
    expect(page.locator(".smlkit-goal-g1 .smlkit-mentor")).to_contain_text("A mentor might ask")
    assert page.evaluate("window.__pwned") is None
    expect(page.locator(".smlkit-room-panel")).to_be_hidden()

    # The facilitator sees the room's list and opens the agreement: the text is shown, never run.
    facilitator = new_context().new_page()
    facilitator.goto(workshop.url + "smlkit/key")
    facilitator.get_by_label("Facilitator key").fill(workshop.key)
    facilitator.get_by_role("button", name="Sign in").click()
    _open(facilitator, workshop.page_url(NOTEBOOK))
    room = facilitator.locator(".smlkit-room-panel")
    expect(room).to_contain_text(HOSTILE_NAME)
    _choose(facilitator.get_by_label("Agreement to open for a review conversation"), r"^Mo <img")
    facilitator.get_by_role("button", name="Open this agreement").click()
    expect(room.locator(".smlkit-review")).to_contain_text(f"Goal {HOSTILE}")
    expect(room.locator(".smlkit-review")).to_contain_text("Field ")
    expect(room.locator(".smlkit-review")).to_contain_text("Questions a mentor might ask")
    assert facilitator.locator(".smlkit-review img").count() == 0
    assert facilitator.evaluate("window.__pwned") is None
    screenshot(facilitator, "my-agreement-facilitator")
    assert axe_violations(facilitator) == [], describe(axe_violations(facilitator))


def test_closing_the_tab_straight_after_typing_keeps_the_draft(workshop, new_context):
    context = new_context()
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws) if "/api/kernels/" in ws.url else None)
    _open(page, workshop.page_url(NOTEBOOK))
    (kernel,) = sockets
    text = "Typed just before the tab was closed"
    # The kernel echoes each change it takes in (ipywidgets' echo_update): close the tab once it has
    # the last keystroke, before the autosave timer (1.5 s after typing stops) could fire.
    last = json.dumps(text).encode()

    def has_the_last_keystroke(payload: str | bytes) -> bool:
        data = payload.encode() if isinstance(payload, str) else payload
        return b"echo_update" in data and last in data

    with kernel.expect_event("framereceived", predicate=has_the_last_keystroke, timeout=30_000):
        _section(page, 4).press_sequentially(text, delay=5)
    page.close(run_before_unload=True)

    store = Store(workshop.db_url)

    def saved() -> bool:
        return any(r.data["agreement"]["sections"]["how"] == text for r in store.latest_each(KIND, KEY))

    assert wait_until(saved, timeout=30, interval=0.5), (
        "the draft typed just before closing was not saved when the kernel ended"
    )
    again = context.new_page()
    _open(again, workshop.page_url(NOTEBOOK))
    expect(_section(again, 4)).to_have_value(text)
