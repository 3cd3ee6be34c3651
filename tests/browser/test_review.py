"""A member of staff rates the school; a head explores the views, builds an action plan and downloads it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from smlkit.ui.review.explorer import SECTIONS

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser

RATING = "rate-our-school.ipynb"
EXPLORER = "self-review-explorer.ipynb"
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def sign_in(page, workshop) -> None:
    page.set_default_navigation_timeout(120_000)  # the explorer's first render is slow on a busy machine
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()


def go_to_section(page, number: int) -> None:
    """The rating form shows one framework at a time; choose section ``number`` (from 1)."""
    page.get_by_label("Section of the self-review").select_option(index=number - 1)
    expect(page.locator(".smlkit-framework-title").filter(visible=True)).to_contain_text(f"Section {number} of 4")


def show_part(page, title: str) -> None:
    """The explorer shows one part at a time, after its three things to talk about."""
    number = [t for _name, t in SECTIONS].index(title) + 1
    page.get_by_label("Part of the self-review to show").select_option(label=f"{number}. {title}")


def level_group(page, element_title: str):
    inline = element_title[:1].lower() + element_title[1:]
    return page.get_by_role("radiogroup", name=f"How far has the school got with {inline}?")


def test_staff_rate_the_school_and_their_ratings_come_back(workshop, new_context):
    page = new_context().new_page()
    page.set_default_navigation_timeout(120_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_dashboard(page, workshop.page_url(RATING))
    expect(page.locator(".smlkit-review-rating.smlkit-ready")).to_be_visible(timeout=90_000)
    expect(page.locator(".smlkit-review-intro")).to_contain_text("Workshop round")
    expect(page.locator(".smlkit-review-intro")).to_contain_text("Embedded")
    expect(page.get_by_text("Whose view are you recording?")).to_be_hidden()  # staff only, no key

    page.get_by_role("button", name="Save my ratings").click()
    summary = page.locator(".smlkit-summary-box")
    expect(summary).to_contain_text("Rate at least one element before you save")
    screenshot(page, "review-rating-error")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("Your department (optional)").select_option("Science")
    page.get_by_label("Your role (optional)").select_option("Teaching assistant")
    level_group(page, "Assessment for learning (DfES components)").get_by_role("radio", name="3 – Established").check()
    expect(page.locator(".smlkit-review-progress")).to_contain_text("1 of 23 elements rated")
    expect(level_group(page, "Mentoring and coaching")).to_be_hidden()  # one section at a time
    page.get_by_role("button", name="Next section").click()
    expect(page.locator(".smlkit-framework-title").filter(visible=True)).to_contain_text("Section 2 of 4")
    go_to_section(page, 4)
    level_group(page, "Mentoring and coaching").get_by_role("radio", name="Don't know").check()
    expect(page.locator(".smlkit-review-progress")).to_contain_text("2 of 23 elements rated")
    page.get_by_label("Mentoring and coaching should be a priority for us").check()
    evidence = page.get_by_label("Evidence for your rating of mentoring and coaching (optional)")
    evidence.fill(HOSTILE)
    evidence.blur()
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.locator(".smlkit-form-review-rating .smlkit-status")).to_contain_text("Saved at", timeout=20_000)
    expect(summary).to_be_hidden()

    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.locator(".smlkit-review-rating.smlkit-ready")).to_be_visible(timeout=60_000)
    expect(page.locator(".smlkit-form-review-rating .smlkit-status")).to_contain_text("Welcome back")
    expect(page.locator(".smlkit-review-progress")).to_contain_text("2 of 23 elements rated")
    go_to_section(page, 4)
    assert page.get_by_label("Your department (optional)").evaluate("s => s.options[s.selectedIndex].text") == "Science"
    expect(level_group(page, "Mentoring and coaching").get_by_role("radio", name="Don't know")).to_be_checked()
    expect(page.get_by_label("Evidence for your rating of mentoring and coaching (optional)")).to_have_value(HOSTILE)
    assert page.locator("img[src=x]").count() == 0 and dialogs == []
    screenshot(page, "review-rating")


def test_the_head_explores_the_sample_school_and_downloads_an_action_plan(workshop, new_context, tmp_path):
    # Without the key the explorer is refused.
    outsider = new_context().new_page()
    assert outsider.goto(workshop.page_url(EXPLORER)).status == 403

    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(EXPLORER))
    explorer = page.locator(".smlkit-review-explorer.smlkit-ready")
    expect(explorer).to_be_visible(timeout=90_000)
    page.get_by_label("Round", exact=True).select_option(label="Sample school: follow-up (summer) (2026-06-15)")
    profile = page.locator(".smlkit-review-profile")
    expect(profile).to_contain_text("60 members of staff rated in this round", timeout=30_000)
    chart = profile.locator("img.smlkit-chart")
    expect(chart).to_have_attribute("alt", re.compile(r"^Radar chart of the median staff rating .* from 60 staff"))

    expect(page.locator(".smlkit-review-points li")).to_have_count(3)
    expect(page.locator(".smlkit-review-points")).to_contain_text("Departments differ most on Student voice and choice")
    expect(page.locator(".smlkit-review-heat")).to_be_hidden()  # one part at a time
    show_part(page, "Departments side by side")
    heat = page.locator(".smlkit-review-heat table")
    expect(heat).to_be_visible()
    header = [h.strip() for h in heat.locator("thead th").all_inner_texts()]
    column = header.index("Learning support")
    ls_cells = heat.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()
    assert set(ls_cells) == {"suppressed"}, "no value and no count for the small department"
    english = heat.locator(f"tbody tr td:nth-child({header.index('English') + 1})").all_inner_texts()
    assert english[0] == "10" and "suppressed" not in english
    expect(page.locator(".smlkit-review-heat")).to_contain_text("Suppressed in this round: Learning support")
    show_part(page, "Views by role")
    roles = page.locator(".smlkit-review-roles table")
    expect(roles).to_be_visible()
    role_header = [h.strip() for h in roles.locator("thead th").all_inner_texts()]
    senior = roles.locator(f"tbody tr td:nth-child({role_header.index('Senior leader') + 1})").all_inner_texts()
    assert set(senior) == {"suppressed"}, "the one senior leader is never shown"
    show_part(page, "Where departments differ most")
    variation = page.locator(".smlkit-review-variation table")
    first = variation.locator("tbody tr").first  # the widest spread comes first
    expect(first).to_contain_text("Student voice and choice")
    expect(first).to_contain_text("Mathematics (1)")
    show_part(page, "Leadership view and staff view")
    expect(page.locator(".smlkit-review-gaps table")).to_contain_text("leaders")

    page.get_by_label("Compare with (baseline)").select_option(label="Sample school: baseline (autumn) (2025-10-06)")
    show_part(page, "Change since the baseline")
    change = page.locator(".smlkit-review-change table")
    expect(change.get_by_role("row", name="Student voice 2 3 +1", exact=True)).to_be_visible()
    change_chart = page.locator(".smlkit-review-change img.smlkit-chart")
    expect(change_chart).to_have_attribute("alt", re.compile(r"Rose on \d+ elements?: .*Student voice \(\+1\)"))

    show_part(page, "Questions for discussion")
    page.get_by_label("Element", exact=True).select_option(label="Minimising within-school variation")
    expect(page.locator(".smlkit-review-questions")).to_contain_text("three pupils")
    page.get_by_label("The leadership team's notes on this element").fill("Start with the three-pupils exercise.")
    page.get_by_role("button", name="Save the notes").click()
    expect(page.locator(".smlkit-form-notes .smlkit-status")).to_contain_text("saved")

    # An incomplete action is refused with the error summary; a complete one is added.
    show_part(page, "Action plan")
    page.get_by_role("button", name="Add to the plan").click()
    plan_summary = page.locator(".smlkit-form-plan .smlkit-summary-box")
    expect(plan_summary).to_contain_text("Choose the priority this action is for")
    priority = page.get_by_label("Priority")
    offered = priority.evaluate('s => Array.from(s.options).map(o => o.text.replace(/\\u00a0/g, " "))')
    assert offered[1].endswith("(flagged)"), "flagged priorities are offered first"
    priority.select_option(label=next(o for o in offered if o.startswith("Student voice and choice")))
    page.get_by_role("textbox", name=re.compile("^Action")).fill(
        "Pupil panels in every department review one unit a term."
    )
    page.get_by_label("Owner").fill("Deputy head (curriculum)")
    page.get_by_label("Due by").fill("2026-12-31")
    page.get_by_label("Success measure").fill("Every department can show one change pupils asked for.")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator(".smlkit-plan-table")).to_contain_text("Pupil panels in every department")
    images = page.locator("img").all()
    assert len(images) == 2
    for image in images:
        assert (image.get_attribute("alt") or "").strip(), "every chart has a text alternative"
    screenshot(page, "review-explorer")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the plan (Word)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Student voice and choice" in cells and "Deputy head (curriculum)" in cells

    with page.expect_download() as info:
        page.get_by_role("button", name="Download these tables (Excel)").click()
    assert info.value.suggested_filename.endswith(".xlsx")


def test_with_the_key_the_rating_page_records_the_leadership_view(workshop, new_context):
    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(RATING))
    expect(page.locator(".smlkit-review-rating.smlkit-ready")).to_be_visible(timeout=90_000)
    whose = page.get_by_role("radiogroup", name="Whose view are you recording?")
    whose.get_by_role("radio", name="The leadership team's agreed view").check()
    expect(page.get_by_label("Your department (optional)")).to_be_hidden()
    go_to_section(page, 3)
    level_group(page, "Leading change").get_by_role("radio", name="4 – Embedded").check()
    page.get_by_role("button", name="Save the leadership view").click()
    expect(page.locator(".smlkit-form-review-rating .smlkit-status")).to_contain_text("Saved at", timeout=20_000)
    screenshot(page, "review-rating-leadership")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_keyboard_walks_the_rating_form_one_question_per_tab_with_arrow_keys(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url(RATING))
    expect(page.locator(".smlkit-review-rating.smlkit-ready")).to_be_visible(timeout=90_000)
    first = level_group(page, "Assessment for learning (DfES components)")
    first.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(first.get_by_role("radio").nth(2)).to_be_checked()  # arrows move and choose, as native radios
    expect(page.locator(".smlkit-review-progress")).to_contain_text("1 of 23 elements rated")  # the kernel has it
    page.keyboard.press("Tab")  # one Tab leaves the question: the priority box is next, not radio 4
    expect(page.get_by_label("Assessment for learning (DfES components) should be a priority for us")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Seen in every year 9 lesson observed")
    page.keyboard.press("Tab")  # the next element's question, again one stop
    second = level_group(page, "Effective teaching and learning strategies")
    page.keyboard.press("ArrowDown")
    expect(second.get_by_role("radio").nth(1)).to_be_checked()
    expect(page.locator(".smlkit-review-progress")).to_contain_text("2 of 23 elements rated")
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.locator(".smlkit-form-review-rating .smlkit-status")).to_contain_text("Saved at", timeout=20_000)
    expect(page.locator(".smlkit-form-review-rating .smlkit-status")).to_contain_text("2 of 23 elements")
