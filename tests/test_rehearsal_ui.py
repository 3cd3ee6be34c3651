"""The rehearsal and debrief dashboards, driven as a kernel would drive them (no browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.people.records import set_display_name
from smlkit.scenarios import files as scenario_library
from smlkit.scenarios import records
from smlkit.scenarios.model import Choice, Progress, choose, position
from smlkit.storage.store import Store
from smlkit.ui.scenarios.debrief import Debrief
from smlkit.ui.scenarios.rehearsal import Rehearsal

CORPUS = Path(__file__).parent / "data" / "scenarios"
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(CORPUS / "valid.yaml", folder / "valid.yaml")
    return scenario_library.load_library([folder])


def page(store, library, token=None, facilitator=False) -> Rehearsal:
    dashboard = Rehearsal()
    dashboard.start(Visitor(token or new_token(), is_facilitator=facilitator), store=store, library=library)
    return dashboard


def play_to(dashboard: Rehearsal, said: str | None, options: list[int]) -> None:
    dashboard.picker.value = "corpus-valid"
    dashboard.open_button.click()
    for option in options:
        if dashboard.turn.ask_box.layout.display != "none":
            if said is None:
                dashboard.turn.said_skip.click()
            else:
                dashboard.turn.said_field.value = said
                dashboard.turn.said_save.click()
        dashboard.turn.option_field.value = option
        dashboard.turn.choose_button.click()


def test_a_click_before_the_page_has_started_says_it_is_still_loading(library):
    dashboard = Rehearsal()  # built, not yet started: no participant known
    dashboard.library = library
    dashboard.picker.control.options = [("A valid scenario", "corpus-valid")]
    dashboard.picker.value = "corpus-valid"
    dashboard.open_button.click()
    assert "The page is still loading" in dashboard.list_summary.widget.value
    assert dashboard.scenario is None


def test_the_list_offers_scenarios_and_needs_a_choice(store, library):
    dashboard = page(store, library)
    assert "smlkit-ready" in dashboard.widget._dom_classes
    assert dashboard.picker.control.options == (("A valid scenario", "corpus-valid"),)
    dashboard.open_button.click()
    assert "Choose a scenario to rehearse" in dashboard.list_summary.widget.value
    dashboard.picker.value = "corpus-valid"
    assert "Two decisions and two endings." in dashboard.card.value


def test_playing_asks_first_then_gives_feedback_and_reaches_an_ending(store, library):
    dashboard = page(store, library)
    dashboard.picker.value = "corpus-valid"
    dashboard.open_button.click()
    assert dashboard.turn.ask_box.layout.display == "flex" and dashboard.turn.choose_box.layout.display == "none"
    assert dashboard.turn.said_field.label == "What would you say?"
    dashboard.turn.said_save.click()  # nothing written
    assert "Write what you would say" in dashboard.summary.widget.value
    dashboard.turn.said_field.value = "What do you enjoy doing?"
    dashboard.turn.said_save.click()
    assert dashboard.turn.choose_box.layout.display == "flex"
    assert "What do you enjoy doing?" in dashboard.moment.value
    dashboard.turn.choose_button.click()  # nothing chosen
    assert "Choose one of the responses" in dashboard.summary.widget.value
    dashboard.turn.option_field.value = 0
    dashboard.turn.choose_button.click()
    assert "An open question." in dashboard.feedback.value
    assert "Honours: Ask rather than tell" in dashboard.feedback.value
    assert "data-smlkit-focus" in dashboard.feedback.value
    dashboard.turn.option_field.value = 1
    dashboard.turn.choose_button.click()
    assert dashboard.turn.ending_box.layout.display == "flex"
    assert "Ending: Not whistling" in dashboard.turn.ending.value
    assert "What got in the way?" in dashboard.turn.ending.value
    assert "Breaks: Support, not control" in dashboard.feedback.value


def test_going_back_marks_the_tried_option_and_reaches_the_other_ending(store, library):
    dashboard = page(store, library)
    play_to(dashboard, None, [0, 1])
    assert not dashboard.back_button.disabled
    dashboard.back_button.click()
    labels = [label for label, _ in dashboard.turn.option_field.control.options]
    assert labels[1].endswith("(you tried this before)") and not labels[0].endswith("(you tried this before)")
    dashboard.turn.option_field.value = 0
    dashboard.turn.choose_button.click()
    assert "You have reached 2 of 2 endings" in dashboard.turn.ending.value
    dashboard.restart_button.click()
    assert dashboard.turn.choose_box.layout.display == "flex", "the question was answered (skipped) already"
    assert dashboard.back_button.disabled


def test_progress_comes_back_on_a_new_page_for_the_same_person_only(store, library):
    token = new_token()
    first = page(store, library, token)
    play_to(first, "Ask what she enjoys", [0])
    again = page(store, library, token)
    assert again.scenario is not None and again.scenario.id == "corpus-valid"
    assert "Welcome back" in again.status.text
    assert "An open question." in again.feedback.value
    assert again.progress == first.progress
    other = page(store, library)
    assert other.scenario is None and other.list_view.layout.display == "flex"
    other.picker.value = "corpus-valid"
    other.open_button.click()
    assert "Ask what she enjoys" not in other.moment.value


def test_reflection_is_saved_at_an_ending(store, library):
    token = new_token()
    dashboard = page(store, library, token)
    play_to(dashboard, None, [1])
    dashboard.turn.reflection_save.click()
    assert "Write your reflection" in dashboard.summary.widget.value
    dashboard.turn.reflection_field.value = "Next time I will wait longer."
    dashboard.turn.reflection_save.click()
    assert "Saved at" in dashboard.turn.reflection_status.text
    assert page(store, library, token).turn.reflection_field.value == "Next time I will wait longer."


def test_facilitator_sees_left_out_files_and_participants_do_not(store, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CORPUS / "valid.yaml", folder / "valid.yaml")
    shutil.copy(CORPUS / "missing-links.yaml", folder / "broken.yaml")
    library = scenario_library.load_library([folder])
    assert [s.id for s in library.scenarios] == ["corpus-valid"]
    facilitator = page(store, library, facilitator=True)
    assert "broken.yaml" in facilitator.facilitator_note.value
    assert "smlkit scenarios check" in facilitator.facilitator_note.value
    assert page(store, library).facilitator_note.value == ""


def test_new_scenario_files_in_the_setting_folder_appear_without_code(monkeypatch, tmp_path):
    folder = tmp_path / "ours"
    folder.mkdir()
    text = (CORPUS / "valid.yaml").read_text().replace("corpus-valid", "our-own").replace("A valid scenario", "Ours")
    (folder / "ours.yaml").write_text(text)
    monkeypatch.setenv(scenario_library.FOLDERS_ENV, str(folder))
    library = scenario_library.load_library()
    assert library.get("our-own") is not None
    assert len(library.scenarios) >= 10, "the shipped scenarios are still there"


def seed_room(store, scenario_id, choices, said_node=None, texts=()):
    """Participants who each made ``choices`` (list of (node, option)), plus optional answers."""
    library_scenario = scenario_library.load_scenario(CORPUS / "valid.yaml")
    pids = []
    for index, picks in enumerate(choices):
        pid = store.participant_for_token(f"room-{scenario_id}-{index}")
        pids.append(pid)
        for node, option in picks:
            records.record_choice(store, pid, library_scenario, Choice(node, option))
        if said_node and index < len(texts):
            records.save_said(store, pid, scenario_id, said_node, texts[index])
    return pids


def debrief(store, library) -> Debrief:
    page_ = Debrief(interval=60)
    page_.start(Visitor(new_token(), is_facilitator=True), store=store, library=library, live=False)
    return page_


def test_debrief_hides_choices_until_the_minimum_have_chosen(store, library):
    seed_room(store, "corpus-valid", [[("first", 0)]] * 4)
    page_ = debrief(store, library)
    assert "Fewer than 5 people have chosen here" in page_.choices.value
    assert "<td>4</td>" not in page_.choices.value


def test_debrief_counts_first_choices_and_suppresses_small_cells(store, library):
    room = [[("first", 0), ("first", 1)]] * 6 + [[("first", 1)]] * 5 + [[("first", 0)]]
    seed_room(store, "corpus-valid", room)
    page_ = debrief(store, library)
    html = page_.choices.value
    assert "First choices at this point: 12 people" in html
    assert "<td>7</td>" in html and "<td>5</td>" in html, "first choice only: 7 asked, 5 told"
    assert "12 people have made at least one choice" in page_.overview.value


def test_debrief_with_six_players_shows_the_rooms_choices(store, library):
    # Six people: five asked Ada what she enjoys, one gave her a goal. Each option's count is a whole-room
    # count of anonymous choices, so the one who chose alone is shown as 1, not hidden.
    scenario = scenario_library.load_scenario(CORPUS / "valid.yaml")
    room = [[("first", 0), ("second", 0)]] * 4 + [[("first", 0), ("second", 1)], [("first", 1)]]
    for pid, picks in zip(seed_room(store, "corpus-valid", room), room, strict=True):
        progress = Progress("corpus-valid")
        for node, option in picks:
            assert node == position(scenario, progress).id
            progress = choose(scenario, progress, option)
        records.save_progress(store, pid, progress)
    page_ = debrief(store, library)
    html = page_.choices.value
    assert "Hidden (small group)" not in html and "Hidden (small group)" not in page_.endings.value
    assert "First choices at this point: 6 people" in html and "<td>5</td>" in html and "<td>1</td>" in html
    assert "First choices at this point: 5 people" in html and "<td>4</td>" in html
    endings = page_.endings.value
    assert "<td>4</td>" in endings and "<td>2</td>" in endings, "4 whistled; 1 was taught and 1 given a goal"


def test_debrief_shows_answers_escaped_and_moderated(store, library):
    texts = ["Ask her what she enjoys", HOSTILE, "this is sh1t", "Wait quietly"]
    seed_room(store, "corpus-valid", [[("first", 0)]] * 4, said_node="first", texts=texts)
    page_ = debrief(store, library)
    shown = "".join(getattr(w, "value", "") for row in page_.answers.children for w in getattr(row, "children", [row]))
    assert "Ask her what she enjoys" in shown
    assert "&lt;img src=x" in shown and "<img src=x" not in shown and "<script>" not in shown
    assert "sh1t" not in shown, "held words wait for the facilitator"
    assert "1 answer is held" in page_.held.children[0].value
    hide = next(
        w
        for row in page_.answers.children
        for w in getattr(row, "children", [])
        if getattr(w, "description", "") == "Hide answer 1"
    )
    hide.click()
    shown = "".join(getattr(w, "value", "") for row in page_.answers.children for w in getattr(row, "children", [row]))
    assert "Ask her what she enjoys" not in shown
    decisions = store.all_of(records.MODERATION, "corpus-valid")
    assert decisions[-1].participant_id is None and set(decisions[-1].data) == {"answer", "action"}
    page_.moderate.value = True
    held_text = "".join(getattr(w, "value", "") for row in page_.held.children for w in getattr(row, "children", [row]))
    assert "sh1t" in held_text and "Ask her what she enjoys" in held_text
    restore = next(
        w
        for row in page_.held.children
        for w in getattr(row, "children", [])
        if getattr(w, "description", "").startswith("Restore answer")
    )
    restore.click()
    shown = "".join(getattr(w, "value", "") for row in page_.answers.children for w in getattr(row, "children", [row]))
    assert "Ask her what she enjoys" in shown


def test_erasing_a_participant_removes_their_choices_and_answers(store, library):
    pids = seed_room(store, "corpus-valid", [[("first", 0)]] * 5, said_node="first", texts=["Mine"])
    store.erase_participant(pids[0])
    assert len(records.choice_events(store, "corpus-valid")) == 4
    assert records.room_answers(store, library.get("corpus-valid")) == []


def test_export_rows_keep_the_pages_promises_about_names_and_reflections(store, library):
    token = new_token()
    dashboard = page(store, library, token)
    play_to(dashboard, "First words", [0, 0])
    dashboard.turn.reflection_field.value = "A reflection kept for me"
    dashboard.turn.reflection_save.click()
    set_display_name(store, dashboard.participant_id, "Priya")
    rows = records.export_rows(store, library)
    # "Your answer goes to the facilitator's debrief without your name"; "your reflection is kept for you".
    assert {r["record"] for r in rows} == {"progress", "what I would say"}
    assert next(r for r in rows if r["record"] == "what I would say")["participant"] == ""
    assert next(r for r in rows if r["record"] == "progress")["participant"] == "Priya"
    assert "A reflection kept for me" not in str(rows)
    progress = next(r for r in rows if r["record"] == "progress")
    assert progress["endings_reached"] == "Whistling" and progress["scenario_title"] == "A valid scenario"
    assert next(r for r in rows if r["record"] == "what I would say")["text"] == "First words"
    assert len({tuple(sorted(r)) for r in rows}) == 1, "every row has the same columns"


def test_records_keep_personal_text_with_its_owner(store):
    pid = store.participant_for_token(new_token())
    saved = records.save_said(store, pid, "s", "n", "  Hello\r\nthere  ")
    assert saved.participant_id == pid and saved.data["text"] == "Hello\nthere"
    with pytest.raises(Exception, match="keep it to 2000"):
        records.save_said(store, pid, "s", "n", "x" * 2001)
    with pytest.raises(Exception, match="not a moderation action"):
        records.decide(store, "s", saved.save_id, "delete")


def test_a_store_that_fails_shows_a_message_not_a_traceback(library, tmp_path):
    class Broken(Store):
        def participant_for_token(self, token):
            from smlkit.errors import StoreError

            raise StoreError("the disk is full")

    dashboard = Rehearsal()
    dashboard.start(Visitor(new_token()), store=Broken(f"sqlite:///{tmp_path / 'b.sqlite'}"), library=library)
    assert "could not be loaded (the disk is full)" in dashboard.status.text
    assert "smlkit-ready" not in dashboard.widget._dom_classes


def test_markup_in_a_scenario_file_is_shown_as_text(tmp_path, store):
    text = (CORPUS / "valid.yaml").read_text()
    for old in ("A valid scenario", "An open question.", "Whistling", "Learn to whistle.", "Ada shrugs."):
        text = text.replace(old, HOSTILE.replace('"', "'"))
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "odd.yaml").write_text(text)
    library = scenario_library.load_library([folder])
    assert library.scenarios, [str(p) for p in library.problems]
    dashboard = page(store, library)
    play_to(dashboard, None, [0, 0])
    rendered = dashboard.heading.value + dashboard.context.value + dashboard.feedback.value
    rendered += dashboard.turn.ending.value + dashboard.path.value
    assert "<img" not in rendered and "<script" not in rendered
    assert "&lt;img src=x" in dashboard.heading.value and "&lt;script&gt;" in dashboard.turn.ending.value
