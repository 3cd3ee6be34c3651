"""A participant rehearses a scenario to an ending, reloading mid-way; the facilitator's debrief shows the room."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from smlkit.scenarios import files as scenario_library
from smlkit.scenarios import records
from smlkit.scenarios.model import Choice
from smlkit.storage.store import Store

from .page_checks import axe_violations, describe, open_dashboard, screenshot
from .workshop_server import start_workshop, stop_workshop

pytestmark = pytest.mark.browser

REHEARSAL = "mentoring-rehearsal.ipynb"
DEBRIEF = "scenario-debrief.ipynb"
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def open_rehearsal(page, workshop):
    open_dashboard(page, workshop.page_url(REHEARSAL))
    expect(page.locator(".smlkit-rehearsal.smlkit-ready")).to_be_visible(timeout=60_000)


def choose(page, starts_with: str) -> None:
    page.get_by_role("radiogroup", name="What do you do?").get_by_role(
        "radio", name=re.compile("^" + re.escape(starts_with))
    ).check()
    page.get_by_role("button", name="Choose this response").click()


def test_play_to_an_ending_with_a_reload_part_way(workshop, new_context):
    page = new_context().new_page()
    open_rehearsal(page, workshop)
    expect(page.get_by_role("radio", name=re.compile("Year 7: the member who always passes"))).to_be_visible()
    screenshot(page, "rehearsal-list")
    assert not axe_violations(page), describe(axe_violations(page))

    page.get_by_role("radio", name=re.compile("I don't know what to learn")).check()
    expect(page.locator(".smlkit-scenario-card")).to_contain_text("Kian, in Year 5")
    page.get_by_role("button", name="Start this scenario").click()
    expect(page.get_by_role("heading", name=re.compile("I don't know what to learn"))).to_be_visible()
    expect(page.get_by_text("Members and their agreements")).to_be_visible()

    # "What would you say?" comes before the responses.
    said = page.get_by_label("What would you say to Kian now?")
    expect(page.get_by_role("radiogroup", name="What do you do?")).to_be_hidden()
    said.fill("What did you enjoy doing at the weekend?")
    said.blur()
    page.get_by_role("button", name="Save and show the responses").click()
    expect(page.locator(".smlkit-you-said")).to_contain_text("What did you enjoy doing at the weekend?")
    choose(page, "\"You don't need a goal yet")
    feedback = page.locator(".smlkit-feedback")
    expect(feedback).to_contain_text("Honours: Ask rather than tell")
    expect(feedback).to_contain_text("Not knowing yet is allowed")
    expect(feedback).to_be_focused()

    # Reload part-way: the same place, the same feedback.
    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.locator(".smlkit-page-status")).to_contain_text("Welcome back", timeout=30_000)
    expect(page.locator(".smlkit-feedback")).to_contain_text("Not knowing yet is allowed")
    expect(page.locator(".smlkit-moment")).to_contain_text("fixed the chain on his bike")
    expect(page.locator(".smlkit-path")).to_contain_text("Kian asks to be given a goal")

    # A poor response, its feedback, then back a step and a better one.
    choose(page, "\"Of course it's learning!")
    expect(page.locator(".smlkit-feedback")).to_contain_text("Breaks: No assessment unless asked")
    page.get_by_role("button", name="Go back one step").click()
    expect(
        page.get_by_role("radio", name=re.compile(r"Of course it's learning!.*\(you tried this before\)"))
    ).to_be_visible()
    choose(page, '"What did you have to work out')
    page.get_by_label("What would you say to help Kian write his first goal?").fill("Write it however you like.")
    page.get_by_role("button", name="Save and show the responses").click()
    choose(page, "Ask which of the five agreement questions")
    ending = page.locator(".smlkit-ending")
    expect(ending).to_contain_text("Ending: A small goal that is his")
    expect(ending).to_contain_text("To think about")
    expect(ending).to_contain_text("You have reached 1 of 3 endings")

    reflection = page.get_by_label(re.compile("What will you try the next time"))
    reflection.fill("Wait longer before offering anything.")
    reflection.blur()
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.locator(".smlkit-reflection-status")).to_contain_text("Saved at")
    screenshot(page, "rehearsal-ending")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.locator(".smlkit-ending")).to_contain_text("A small goal that is his", timeout=30_000)
    expect(page.get_by_label(re.compile("What will you try the next time"))).to_have_value(
        "Wait longer before offering anything."
    )


def test_a_missing_choice_gets_the_error_summary(workshop, new_context):
    page = new_context().new_page()
    open_rehearsal(page, workshop)
    page.get_by_role("button", name="Start this scenario").click()
    expect(page.locator(".smlkit-summary-box")).to_contain_text("Choose a scenario to rehearse")
    page.get_by_role("radio", name=re.compile("two weeks of")).check()
    page.get_by_role("button", name="Start this scenario").click()
    page.get_by_role("button", name="Skip to the responses").click()
    page.get_by_role("button", name="Choose this response").click()
    summary = page.locator(".smlkit-summary-box")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose one of the responses")
    screenshot(page, "rehearsal-error")
    assert not axe_violations(page), describe(axe_violations(page))


def seed_room(db_url: str, scenario_id: str, node: str, options: list[int]) -> None:
    """Synthetic colleagues who each made one first choice at ``node``."""
    store = Store(db_url)
    scenario = scenario_library.load_library().get(scenario_id)
    for index, option in enumerate(options):
        pid = store.participant_for_token(f"seed-{scenario_id}-{index}")
        records.record_choice(store, pid, scenario, Choice(node, option))


def sign_in(page, workshop) -> None:
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()


def test_facilitator_debrief_shows_the_rooms_choices_and_answers_as_text(workshop, new_context):
    # One participant plays in the browser, writing something hostile; fourteen colleagues are seeded.
    player = new_context().new_page()
    dialogs: list[str] = []
    open_rehearsal(player, workshop)
    player.get_by_role("radio", name=re.compile("the member who always passes")).check()
    player.get_by_role("button", name="Start this scenario").click()
    player.get_by_label("What would you say to Leah, and to Marcus?").fill(HOSTILE)
    player.get_by_role("button", name="Save and show the responses").click()
    choose(player, "\"Leah's time is hers")
    expect(player.locator(".smlkit-feedback")).to_be_visible()
    seed_room(workshop.db_url, "silent-member", "pass-again", [0] * 4 + [1] * 5 + [2] * 5)

    # A participant cannot open the debrief.
    response = player.goto(workshop.page_url(DEBRIEF))
    assert response.status == 403

    page = new_context().new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(DEBRIEF))
    expect(page.locator(".smlkit-debrief.smlkit-ready")).to_be_visible(timeout=60_000)
    page.get_by_label("Scenario").select_option(label="Year 7: the member who always passes")
    choices = page.locator(".smlkit-debrief-choices")
    expect(choices).to_contain_text("First choices at this point: 15 people", timeout=15_000)
    first = choices.locator("table").first
    expect(first.get_by_role("row", name=re.compile("Leah's time is hers"))).to_contain_text("5")
    expect(first.get_by_role("row", name=re.compile("Accept the pass"))).to_contain_text("33%")
    expect(choices).to_contain_text("Fewer than 5 people have chosen here")

    answers = page.locator(".smlkit-debrief-answers")
    expect(answers.get_by_text(HOSTILE)).to_be_visible()
    assert page.locator(".smlkit-debrief img[src=x]").count() == 0
    screenshot(page, "scenario-debrief")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    answers.get_by_role("button", name="Hide answer 1").click()
    expect(answers.get_by_text(HOSTILE)).to_be_hidden()
    page.get_by_label("Show held and hidden answers, to review them").check()
    held = page.locator(".smlkit-debrief-held")
    expect(held.get_by_text(HOSTILE)).to_be_visible()
    held.get_by_role("button", name="Restore answer 1").click()
    expect(answers.get_by_text(HOSTILE)).to_be_visible()
    assert dialogs == []


def test_debrief_updates_itself_while_the_room_plays(workshop, new_context):
    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(DEBRIEF))
    expect(page.locator(".smlkit-debrief.smlkit-ready")).to_be_visible(timeout=60_000)
    page.get_by_label("Scenario").select_option(label="Staff group: the sceptical colleague")
    choices = page.locator(".smlkit-debrief-choices")
    expect(choices).not_to_contain_text("First choices at this point")
    seed_room(workshop.db_url, "sceptical-colleague", "fad", [0] * 5 + [1] * 5 + [2] * 5)
    expect(choices).to_contain_text("First choices at this point: 15 people", timeout=20_000)


@pytest.fixture(scope="module")
def authoring_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("our-scenarios")
    server = start_workshop(tmp_path_factory.mktemp("authoring"), env={scenario_library.FOLDERS_ENV: str(folder)})
    server.scenario_folder = folder
    yield server
    stop_workshop(server)


def test_a_scenario_file_written_after_the_server_started_appears_in_the_list(authoring_server, new_context):
    template = (ROOT / "exercises" / "scenario-template.yaml").read_text(encoding="utf-8")
    ours = template.replace("id: my-new-scenario", "id: our-corridor").replace(
        'title: "Year 7: a title that names the hard moment"', 'title: "Year 7: our own corridor moment"'
    )
    (authoring_server.scenario_folder / "corridor.yaml").write_text(ours, encoding="utf-8")
    broken = ours.replace("id: our-corridor", "id: our-broken").replace("goto: good-ending", "goto: nowhere", 1)
    (authoring_server.scenario_folder / "broken.yaml").write_text(broken, encoding="utf-8")

    page = new_context(server=authoring_server).new_page()
    open_rehearsal(page, authoring_server)
    expect(page.get_by_role("radio", name="Year 7: our own corridor moment")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("I don't know what to learn"))).to_be_visible()
    expect(page.locator(".smlkit-facilitator-note")).to_be_empty()

    facilitator = new_context(server=authoring_server).new_page()
    sign_in(facilitator, authoring_server)
    open_rehearsal(facilitator, authoring_server)
    note = facilitator.locator(".smlkit-facilitator-note")
    expect(note).to_contain_text("1 file is left out")
    expect(note).to_contain_text("broken.yaml")
    expect(note).to_contain_text("leads to 'nowhere'")
    facilitator.get_by_role("radio", name="Year 7: our own corridor moment").check()
    facilitator.get_by_role("button", name="Start this scenario").click()
    expect(facilitator.get_by_label("What would you say now?")).to_be_visible()
