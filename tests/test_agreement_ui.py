"""'My learning agreement' driven as a kernel would drive it (no browser), and its autosave."""

from __future__ import annotations

import io
import subprocess
import sys

import ipywidgets as widgets
import pytest
from openpyxl import load_workbook

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.agreements import records
from smlkit.errors import StoreBusyError
from smlkit.exports import day_record
from smlkit.people.records import set_display_name
from smlkit.ui.agreements.my_agreement import MyAgreement
from smlkit.ui.kit.autosave import Autosave

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


class ManualClock:
    """Timers that fire only when the test says time has passed."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[list] = []

    def schedule(self, delay, action):
        timer = [self.now + delay, action, False]
        self.timers.append(timer)

        class Handle:
            def cancel(self_inner) -> None:
                timer[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for timer in list(self.timers):
            if not timer[2] and timer[0] <= self.now:
                timer[2] = True
                timer[1]()


@pytest.fixture
def clock():
    return ManualClock()


def open_page(store, clock, token=None, facilitator=False) -> MyAgreement:
    page = MyAgreement(schedule=clock.schedule)
    page.start(Visitor(token or new_token(), is_facilitator=facilitator), store=store)
    return page


def versions(store, page):
    return store.history(records.KIND, records.KEY, page.participant_id)


def html_of(widget) -> str:
    """Every piece of HTML the page shows, as sent to the browser."""
    found = []
    if isinstance(widget, widgets.HTML):
        found.append(widget.value)
    if hasattr(widget, "description") and isinstance(widget.description, str):
        found.append(widget.description)
    for child in getattr(widget, "children", ()):
        found.append(html_of(child))
    return "\n".join(found)


def test_typing_is_saved_after_a_pause_and_comes_back(store, clock):
    token = new_token()
    page = open_page(store, clock, token)
    assert page.status.text.startswith("Start anywhere")
    page.form.sections["now"].value = "I plan alone"
    page.form.sections["now"].value = "I plan alone and rarely ask pupils"
    clock.advance(1.0)
    assert versions(store, page) == []  # still typing
    clock.advance(1.0)
    saved = versions(store, page)
    assert len(saved) == 1 and saved[0].data["how"] == "autosave"
    assert page.status.text.startswith("Draft saved at")
    clock.advance(30)
    assert len(versions(store, page)) == 1  # nothing new, nothing saved

    again = open_page(store, clock, token)
    assert again.form.sections["now"].value == "I plan alone and rarely ask pupils"
    assert again.status.text.startswith("Welcome back")


def test_a_pending_draft_is_saved_when_the_kernel_ends(store, clock):
    page = open_page(store, clock)
    page.form.sections["been"].value = "Twenty years in primary schools"
    from smlkit.ui.kit import autosave

    autosave._flush_all_on_exit()  # what atexit runs when Voila shuts the kernel down
    assert versions(store, page)[-1].data["agreement"]["sections"]["been"] == "Twenty years in primary schools"


def test_new_goals_are_watched_and_mentor_questions_follow_the_writing(store, clock):
    page = open_page(store, clock)
    card = page.form.add_goal()
    card.fields["what"].value = "Run a weekly learning group with six pupils"
    clock.advance(2)
    assert versions(store, page)[-1].data["agreement"]["goals"][0]["what"].startswith("Run a weekly")
    assert "Needed before signing" in card.mentor.widget.value  # no evidence yet
    assert "Not ready to sign yet" in page.readiness.value
    card.fields["evidence"].value = "Each of the six pupils says what they worked on in 3 meetings"
    clock.advance(2)
    assert "Needed before signing" not in card.mentor.widget.value


def test_saves_are_versions_and_restoring_adds_one(store, clock):
    page = open_page(store, clock)
    page.form.sections["to"].value = "First aim"
    page.save()
    page.form.sections["to"].value = "Second aim"
    page.save()
    saved = versions(store, page)
    assert [r.data["how"] for r in saved] == ["saved", "saved"]
    assert "as version 2" in page.status.text
    assert [v.changes for v in page.history.versions] == [
        ["Started the agreement"],
        ["Edited “Where do I want to get to?”"],
    ]

    page.history.choice.value = 1
    page.history.restore_button.click()
    saved = versions(store, page)
    assert len(saved) == 3 and saved[-1].data["how"] == "restored" and saved[-1].data["restored_from"] == 1
    assert page.form.sections["to"].value == "First aim"
    assert "Restored from version 1" in page.history.table.value
    clock.advance(30)
    assert len(versions(store, page)) == 3  # filling the form from the restore is not an edit


def test_signing_is_blocked_until_every_goal_says_how_you_will_know(store, clock):
    page = open_page(store, clock)
    card = page.form.add_goal()
    card.fields["what"].value = "Learn to chair a learning group meeting"
    page.signer_name.value = "Sam"
    page.sign_button.click()
    assert "There is a problem" in page.summary.widget.value
    assert 'data-smlkit-field="goal-g1-evidence"' in page.summary.widget.value
    assert card.fields["evidence"].error
    assert not any(r.data["how"] == "signed" for r in versions(store, page))

    card.fields["evidence"].value = "My group says each meeting gave everyone their time"
    clock.advance(2)  # once the draft is saved, the problem it fixed leaves the list
    assert page.summary.widget.value == "" and not card.fields["evidence"].error
    page.sign_button.click()
    assert page.summary.widget.value == ""
    last = versions(store, page)[-1]
    assert last.data["how"] == "signed"
    assert last.data["agreement"]["sign_offs"][0]["name"] == "Sam"
    assert page.status.text.startswith("Signed by the learner")


def test_signing_without_a_name_is_an_error_beside_the_name(store, clock):
    page = open_page(store, clock)
    page.form.add_goal().fields["what"].value = "x"
    page.form.cards[0].fields["evidence"].value = "y"
    page.sign_button.click()
    assert page.signer_name.error and "There is a problem" in page.summary.widget.value


def test_exports_carry_the_draft(store, clock):
    page = open_page(store, clock)
    page.form.name.value = "Alex / Morgan"
    page.form.sections["now"].value = "Where I stand"
    name, data = page._build_markdown()
    assert name == "learning-agreement-Alex-Morgan.md"
    assert "Where I stand" in data.decode("utf-8")
    page.docx.button.click()
    assert "Download learning-agreement-Alex-Morgan.docx" in page.docx.link.value
    assert versions(store, page)  # the pending draft was saved before the export


def test_store_busy_during_autosave_keeps_the_text_and_says_so(store, clock, monkeypatch):
    page = open_page(store, clock)

    def busy(_drafts):
        raise StoreBusyError("the store is busy")

    monkeypatch.setattr(store, "save_all", busy)
    page.form.sections["how"].value = "Read, try, ask"
    clock.advance(2)
    assert "not saved yet" in page.status.text
    assert page.autosave.pending and page.form.sections["how"].value == "Read, try, ask"
    monkeypatch.undo()
    clock.advance(10)
    assert not page.autosave.pending
    assert versions(store, page)[-1].data["agreement"]["sections"]["how"] == "Read, try, ask"


def test_hostile_text_is_escaped_everywhere_including_the_facilitator_view(store, clock):
    page = open_page(store, clock)
    page.identity.how.value = "named"
    page.identity.name.value = "Mo <img src=x onerror=a()>"
    for field in page.form.sections.values():
        field.value = HOSTILE
    page.save()
    card = page.form.add_goal()
    for part in ("what", "why", "evidence", "helpers"):
        card.fields[part].value = HOSTILE
    page.save()
    shown = html_of(page.widget)
    assert "<img" not in shown and "<script" not in shown
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown  # the history names the goal

    facilitator = open_page(store, clock, facilitator=True)
    assert facilitator.room is not None and facilitator.room_slot.children == (facilitator.room.widget,)
    assert page.room is None and page.room_slot.children == (), "a participant's page has no room panel"
    facilitator.room.choice.value = page.participant_id
    facilitator.room.open_button.click()
    shown = html_of(facilitator.room.widget)
    assert "<img" not in shown and "<script" not in shown
    assert "Mo &lt;img src=x onerror=a()&gt;" in shown
    assert "Questions a mentor might ask" in facilitator.room.view.value


def test_the_room_list_names_people_only_as_they_chose(store, clock):
    anonymous = open_page(store, clock)
    anonymous.form.sections["now"].value = "a"
    anonymous.save()
    named = open_page(store, clock)
    set_display_name(store, named.participant_id, "Priya")
    named.form.sections["now"].value = "b"
    named.save()
    facilitator = open_page(store, clock, facilitator=True)
    table = facilitator.room.table.value
    assert "Anonymous" in table and "Priya" in table and "2 agreements in the room" in table


def test_the_days_record_has_a_learning_agreements_sheet_and_erasure_removes_it(store, clock):
    assert ("Learning agreements", records.export_rows) in day_record.SHEETS
    page = open_page(store, clock)
    set_display_name(store, page.participant_id, "Priya")
    page.form.add_goal().fields["what"].value = "=HYPERLINK(evil)"
    page.save()
    book = load_workbook(io.BytesIO(day_record.day_workbook(store)))
    sheet = book["Learning agreements"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["shown as"] == "Priya" and row["goals"] == "'=HYPERLINK(evil)"
    store.erase_participant(page.participant_id)
    assert records.export_rows(store) == []


def test_autosave_saves_at_most_max_wait_after_the_first_change_while_typing():
    clock = ManualClock()
    saves = []
    autosave = Autosave(
        lambda: saves.append(clock.now), delay=1.5, max_wait=4, schedule=clock.schedule, clock=lambda: clock.now
    )
    for _ in range(10):
        autosave.touch()
        clock.advance(1)
    assert saves and saves[0] <= 4.0
    autosave.stop()


def test_a_process_that_ends_saves_its_pending_draft(tmp_path):
    """What happens when Voila shuts a kernel down: the interpreter exits and atexit saves the draft."""
    script = tmp_path / "kernel.py"
    marker = tmp_path / "saved.txt"
    script.write_text(
        "from smlkit.ui.kit.autosave import Autosave\n"
        f"a = Autosave(lambda: open({str(marker)!r}, 'w').write('saved'), delay=60, max_wait=60)\n"
        "a.touch()\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    assert marker.read_text(encoding="utf-8") == "saved"


def test_hiding_one_field_hides_only_that_field(store, clock):
    """The page's fields share one layout model (fewer widgets to load); hiding the year group must
    still hide that field alone, and nothing may change the shared layout behind their backs."""
    page = open_page(store, clock)
    boxes = {name: field.box for name, field in page.form.fields.items()}
    assert len({id(box.layout) for box in boxes.values()}) <= 2  # shared, but for the hidden year
    for role, year_shown in (("primary-pupil", "flex"), ("staff", "none"), ("secondary-pupil", "flex")):
        page.form.role.value = role
        assert boxes.pop("learner-year").layout.display == year_shown
        assert [name for name, box in boxes.items() if box.layout.display not in (None, "", "flex")] == []
        boxes["learner-year"] = page.form.year.box
    shared = page.form.name.box.layout
    with pytest.raises(AttributeError, match="shared layout"):
        shared.display = "none"
    assert page.form.name.box.layout.display is None and page.form.mentor.box.layout.display is None
    style = page.form.name.control.style  # shared by the page's text boxes, too
    assert style is page.form.mentor.control.style
    with pytest.raises(AttributeError, match="shared"):
        style.description_width = "20em"
    assert style.description_width == "initial" and style.get_state()["_model_name"] == "TextStyleModel"
    # The page's boxes (columns and rows) are on the same layout, but for the few it hides.
    page_boxes = [w for w in _descendants(page.widget) if isinstance(w, widgets.Box)]
    own = [box for box in page_boxes if box.layout is not shared]
    assert len(page_boxes) > 20 and len(own) <= 3, [box.layout.get_state() for box in own]
    assert all(box.layout.display in ("none", "flex") for box in own)  # given their own by set_display


def _descendants(widget):
    """Every widget shown under ``widget`` (a tree: the loop ends when the children do)."""
    found, queue = [], [widget]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(getattr(current, "children", ()))
    return found


def test_practising_a_pupils_agreement_asks_for_the_year_and_encourages(store, clock):
    page = open_page(store, clock)
    assert page.form.year.box.layout.display == "none"  # staff have no year group
    staff_hint = page.form.sections["to"].hint
    page.form.role.value = "primary-pupil"
    assert page.form.year.box.layout.display == "flex"
    assert [label for label, _ in page.form.year.control.options][1:] == [f"Year {n}" for n in range(1, 7)]
    page.form.year.value = 5
    assert page.form.sections["to"].hint != staff_hint  # a hint in words for younger children
    page.form.sections["to"].value = "Be brave at my new school"
    page.form.add_goal().fields["what"].value = "swimming"
    clock.advance(2)
    saved = versions(store, page)[-1].data["agreement"]
    assert saved["learner"] == {"name": "", "role": "primary-pupil", "year_group": 5}
    notes = page.form.cards[0].mentor.widget.value
    assert "Encouragement" in notes and "Needed before signing" not in notes
    assert "Ready to sign" in page.readiness.value


def test_removing_a_goal_is_a_new_version_and_the_others_are_renumbered(store, clock):
    page = open_page(store, clock)
    first = page.form.add_goal()
    first.fields["what"].value = "Learn to chair a meeting"
    second = page.form.add_goal()
    second.fields["what"].value = "Read two books on mentoring"
    page.save()
    first.remove_button.click()
    clock.advance(2)
    assert [g["what"] for g in versions(store, page)[-1].data["agreement"]["goals"]] == ["Read two books on mentoring"]
    assert second.number == 1 and second.remove_button.description == "Remove goal 1"
    assert "Removed a goal: Learn to chair a meeting" in page.history.table.value
    page.history.choice.value = 1
    page.history.restore_button.click()  # the removed goal comes back from an earlier version
    assert [c.value().what for c in page.form.cards] == ["Learn to chair a meeting", "Read two books on mentoring"]


def test_a_draft_too_long_to_keep_is_refused_with_a_clear_message_and_the_page_keeps_it(store, clock):
    page = open_page(store, clock)
    page.form.sections["now"].value = "A first thought."
    page.save()
    huge = "words " * 2_000_000  # about 12 MB, as a hostile page could send
    page.form.sections["now"].value = huge
    page.save_button.click()
    assert "Not done yet" in page.status.text
    problem = page.summary.widget.value
    assert "Where am I now? is 11,999,999 characters long" in problem and "your text is still on the page" in problem
    assert page.form.sections["now"].value == huge
    assert len(versions(store, page)) == 1
    assert versions(store, page)[-1].data["agreement"]["sections"]["now"] == "A first thought."
