"""Every dashboard works on a phone (390 x 844) and a laptop (1280 x 800): nothing runs off the
screen or overlaps, every control is at least 24 x 24 px, labels are whole, and axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smlkit import library
from smlkit.storage.store import Store
from smlkit.wall import records as room

from .page_checks import axe_violations, describe, layout_problems, open_dashboard, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
# Two frames after a resize: the page script has marked wide tables and the layout has settled.
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
DASHBOARDS = [(d.notebook, d.needs_key) for d in library.course().dashboards]


def _sign_in(page, workshop) -> None:
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".smlkit-panel")).to_contain_text("signed in as the facilitator")


@pytest.mark.parametrize(("notebook", "needs_key"), DASHBOARDS, ids=[n for n, _ in DASHBOARDS])
def test_every_dashboard_fits_the_screen(workshop, new_context, notebook, needs_key):
    """Opened on a phone, then the same page widened to a laptop's screen (one kernel, both sizes)."""
    width, height = SIZES["phone"]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    if needs_key:
        _sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(notebook))
    page.wait_for_selector(".smlkit-ready", state="attached", timeout=90_000)
    found = []
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(SETTLED)
        screenshot(page, f"layout-{notebook.removesuffix('.ipynb')}-{size}")
        found += [f"{size}: {problem}" for problem in layout_problems(page)]
        found += [f"{size}: {line}" for line in describe(axe_violations(page)).splitlines()]
    assert not found, "\n".join(found[:25])


def _first_of_each_kind() -> dict[str, str]:
    found: dict[str, str] = {}
    for prompt in library.prompts().prompts:
        found.setdefault(prompt.kind, prompt.id)
    return found


KINDS = _first_of_each_kind()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_question_fits_a_phone_with_the_question_in_view(workshop, new_context, kind):
    store = Store(workshop.db_url)
    state, _ = room.room_state(store)
    room.save_room_state(store, state.fresh_round(KINDS[kind]).open_prompts([KINDS[kind]]))
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    open_dashboard(page, workshop.page_url("answer-the-room.ipynb"))
    card = page.locator(".smlkit-question-card")
    expect(page.locator(".smlkit-question .smlkit-field").first).to_be_visible(timeout=30_000)
    screenshot(page, f"layout-question-{kind}-phone")
    problems = layout_problems(page)
    assert not problems, "\n".join(problems[:25])
    top = card.bounding_box()["y"]
    assert top < 844 / 2, f"the question starts {top:.0f}px down a 844px screen: it should be in view on arrival"
    violations = axe_violations(page)
    assert not violations, describe(violations)
