"""The two dashboards driven without a browser: what each person would see and be able to do."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.ui.kit.forms import escape
from smlkit.ui.kit.prompt_fields import CheckboxGroup, PromptControl, RankingList
from smlkit.ui.wall.answer_room import PREFER_NOT, AnswerRoom
from smlkit.ui.wall.console import Wall
from smlkit.wall import records as room

LIBRARY = content.prompts()


def everything_shown(widget) -> str:
    """All text a widget tree puts on the page (HTML values, labels, field values)."""
    out = []
    for name in ("value", "description", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            out.append(value)
    for child in getattr(widget, "children", ()):
        out.append(everything_shown(child))
    return "\n".join(out)


@pytest.fixture
def wall(store):
    board = Wall()
    board.start(Visitor("facilitator-token", is_facilitator=True), store)
    yield board
    board.live.stop()


def participant(store, token: str) -> AnswerRoom:
    page = AnswerRoom()
    page.start(Visitor(token), store)
    page.live.stop()  # the tests call poll() themselves
    return page


def open_question(wall: Wall, prompt_id: str) -> None:
    wall.chooser.sequence.control.value = ""
    wall.chooser.prompt.control.value = prompt_id
    wall.open_button.click()


def test_the_wall_refuses_a_visitor_without_the_key(store):
    board = Wall()
    board.start(Visitor("someone"), store)
    shown = everything_shown(board.widget)
    assert "for the facilitator" in shown
    assert "Open this question" not in shown


def test_a_participant_waits_then_sees_the_opened_question_and_answers_it(store, wall):
    page = participant(store, "p1")
    assert "No question is open" in everything_shown(page.widget)
    assert page.send_button.disabled
    open_question(wall, "now-gap")
    page.poll()
    control = page.controls[("now-gap", 1)]
    assert control.box in page.question.children and not page.send_button.disabled
    control.value = 4
    page.send_button.click()
    assert "Sent anonymously" in page.status.text
    assert page.send_button.description == "Update my answer"
    wall.refresh()
    assert ">1</span> answer" in wall.count.value


def test_a_closed_question_cannot_be_answered_and_unsent_text_is_kept(store, wall):
    page = participant(store, "p1")
    open_question(wall, "know-sentence")
    page.poll()
    control = page.controls[("know-sentence", 1)]
    control.value = "typed but never sent"
    wall.close_button.click()
    page.poll()
    assert control.disabled and page.send_button.disabled
    assert "closed" in page.room_status.text
    late = store.latest(room.LATE_KIND, "know-sentence", page.participant_id)
    assert late is not None and late.data["value"] == "typed but never sent"
    assert room.read_room(store, {}).answers_to("know-sentence") == []


def test_a_participant_never_sees_another_participants_answer(store, wall):
    first, second = participant(store, "p1"), participant(store, "p2")
    open_question(wall, "know-sentence")
    first.poll()
    second.poll()
    first.identity.how.value = "named"
    first.identity.name.value = "Priya"
    first.controls[("know-sentence", 1)].value = "a thought only the wall should see"
    first.send_button.click()
    second.poll()
    assert "a thought only the wall should see" not in everything_shown(second.widget)
    assert "Priya" not in everything_shown(second.widget)
    wall.refresh()
    wall.reveal_button.click()
    assert "a thought only the wall should see" in wall.results.value and "Priya" in wall.results.value


def test_a_whole_sequence_can_be_answered_with_previous_and_next(store, wall):
    page = participant(store, "p1")
    wall.chooser.sequence.control.value = "learning-groups"
    wall.open_all_button.click()
    page.poll()
    assert "Question 1 of 5" in page.position.value and page.previous_button.disabled
    page.next_button.click()
    page.next_button.click()
    assert page.current == "group-mentor-job"
    assert isinstance(page.controls[("group-mentor-job", 1)].field, CheckboxGroup)


def test_breakdowns_hide_small_groups_on_the_wall(store, wall):
    groups = content.respondent_groups()
    open_question(wall, "now-gap")
    english, science, maths = groups.departments[2], groups.departments[4], groups.departments[3]
    members = [english] * 6 + [science] * 5 + [maths]
    for i, department in enumerate(members):
        page = participant(store, f"p{i}")
        page.poll()
        page.department.value = department
        page.controls[("now-gap", 1)].value = 1 if department == maths else 4
        page.send_button.click()
    wall.refresh()
    wall.reveal_button.click()
    wall.split.control.value = "department"
    shown, hidden = wall.breakdown.value.split("Not shown", 1)
    assert english in shown and ">6</td>" in shown
    # Maths (1 person) is hidden, and so is Science, or Maths could be found by subtraction from the room.
    assert maths not in shown and science not in shown
    assert maths in hidden and science in hidden and ">5</td>" not in wall.breakdown.value
    assert PREFER_NOT not in wall.breakdown.value


def test_moderation_hides_and_restores_from_the_panel(store, wall):
    page = participant(store, "p1")
    open_question(wall, "know-sentence")
    page.poll()
    page.controls[("know-sentence", 1)].value = "worth hiding"
    page.send_button.click()
    wall.refresh()
    wall.reveal_button.click()
    row = wall.moderation._rows[wall.board.entries[0].answer_id]
    assert row.first.description == "Hide answer 1"
    row.first.click()
    assert "worth hiding" not in wall.results.value
    assert row.first.description == "Restore answer 1", "the same button now undoes the decision"
    row.first.click()
    assert "worth hiding" in wall.results.value


def test_ranking_moves_with_buttons_and_refuses_to_move_past_the_ends():
    prompt = LIBRARY.get("know-evidence")
    ranking = RankingList(prompt.id, prompt.text, prompt.options)
    first, second = ranking.value[:2]
    _text, up, down = ranking.rows[0]
    assert up.disabled and not down.disabled
    down.click()
    assert ranking.value[:2] == [second, first]
    assert f"{first}: now 2 of" in ranking.announce.text
    ranking.move(0, -1)
    assert ranking.value[:2] == [second, first]


def test_every_kind_gets_a_labelled_control():
    for kind in ("scale", "single", "multiple", "ranking", "text"):
        prompt = LIBRARY.select(kind=kind)[0]
        control = PromptControl(prompt, seed="x")
        assert escape(prompt.text) in everything_shown(control.box)
        assert isinstance(control.box, widgets.Box)


# ---- one name, one person (issue 14) ----------------------------------------------------------------


def _send_as(page: AnswerRoom, name: str, text: str) -> None:
    page.poll()
    page.identity.how.value = "named"
    page.identity.name.value = name
    page.controls[("know-sentence", 1)].value = text
    page.send_button.click()


@pytest.mark.parametrize("again", ["Sam", "  sam ", "SAM", "\u0405am"])  # the last with a Cyrillic Ѕ
def test_a_second_person_cannot_post_under_a_name_someone_else_uses_today(store, wall, again):
    first, second = participant(store, "p1"), participant(store, "p2")
    open_question(wall, "know-sentence")
    _send_as(first, "Sam", "the real Sam's answer")
    _send_as(second, again, "someone pretending")
    assert "already using the name" in second.summary.widget.value and "choose another" in second.identity.name.error
    assert store.latest(room.ANSWER_KIND, "know-sentence", second.participant_id) is None
    _send_as(second, "Sam B", "now under a name of my own")
    _send_as(first, "Sam", "Sam can still change their answer")
    wall.refresh()
    wall.reveal_button.click()
    shown = wall.results.value
    assert "Sam B" in shown and "someone pretending" not in shown and "Sam can still change" in shown


def test_the_kernel_refuses_a_taken_name_whatever_the_page_sends(store):
    from smlkit.errors import ValidationError
    from smlkit.people.records import profile_draft, set_display_name

    first, second = store.participant_for_token("a"), store.participant_for_token("b")
    set_display_name(store, first, "Priya")
    for attempt in (lambda: set_display_name(store, second, "priya"), lambda: profile_draft(store, second, "Priya")):
        with pytest.raises(ValidationError, match="already using the name 'Priya'") as raised:
            attempt()
        assert raised.value.field == "name"
    set_display_name(store, first, None)  # Priya goes anonymous: the name is free again
    set_display_name(store, second, "Priya")


def test_two_people_who_got_the_same_name_anyway_are_told_apart_on_the_wall(store, wall):
    from smlkit.people.names import PROFILE_KEY, PROFILE_KIND

    open_question(wall, "know-sentence")
    pages = [participant(store, f"p{i}") for i in range(2)]
    for i, page in enumerate(pages):  # as two kernels racing, or data from before this rule
        store.save(PROFILE_KIND, PROFILE_KEY, {"name": "Alex"}, participant_id=page.participant_id)
        page.poll()
        page.controls[("know-sentence", 1)].value = f"answer {i}"
        room.submit(store, page.participant_id, LIBRARY.get("know-sentence"), f"answer {i}", named=True)
    wall.refresh()
    wall.reveal_button.click()
    assert "Alex (2)" in wall.results.value and wall.results.value.count("Alex") == 2


def test_where_now_and_my_agreement_refuse_a_taken_name_beside_the_name_field(store):
    from smlkit.course.records import REFLECTION_KEY as KEY
    from smlkit.course.records import REFLECTION_KIND as KIND
    from smlkit.people.records import set_display_name
    from smlkit.ui.agreements.my_agreement import MyAgreement
    from smlkit.ui.course.where_now import WhereNow

    set_display_name(store, store.participant_for_token("first"), "Jo")
    page = WhereNow()
    page.start(Visitor("second"), store)
    page.identity.how.value, page.identity.name.value = "named", "jo"
    for field in page.answers:
        field.value = 3 if field.name == "where-now-steering" else "an answer"
    page.form.submit()
    assert "already using the name 'Jo'" in page.identity.name.error
    assert store.latest(KIND, KEY, page.participant_id) is None, "nothing saved under someone else's name"
    mine = MyAgreement()
    mine.start(Visitor("third"), store)
    mine.identity.how.value, mine.identity.name.value = "named", "JO"
    assert mine._chosen_name(strict=False) is False, "an autosave keeps the agreement and leaves the name"
    with pytest.raises(Exception, match="already using the name 'Jo'"):
        mine._chosen_name(strict=True)


def test_reveal_is_off_until_a_question_is_on_the_wall_and_hiding_is_never_green(store, wall):
    assert wall.reveal_button.disabled, "no question on the wall: nothing to reveal"
    page = participant(store, "p1")
    open_question(wall, "know-sentence")
    assert not wall.reveal_button.disabled
    assert "smlkit-secondary" not in wall.reveal_button._dom_classes, "revealing is the positive step"
    page.poll()
    page.controls[("know-sentence", 1)].value = "an answer to hide"
    page.send_button.click()
    wall.refresh()
    wall.reveal_button.click()
    assert wall.reveal_button.description == "Hide results"
    assert "smlkit-secondary" in wall.reveal_button._dom_classes, "'Hide results' takes the neutral style"
    row = wall.moderation._rows[wall.board.entries[0].answer_id]
    assert row.first.description == "Hide answer 1" and "smlkit-secondary" in row.first._dom_classes
    row.first.click()
    assert row.first.description == "Restore answer 1" and "smlkit-secondary" not in row.first._dom_classes
    wall.reveal_button.click()
    assert wall.reveal_button.description == "Reveal results"
    assert "smlkit-secondary" not in wall.reveal_button._dom_classes


def test_the_rooms_choices_appear_once_five_have_answered_each_count_shown(store, wall):
    open_question(wall, "now-gap")
    pages = [participant(store, f"p{i}") for i in range(5)]
    for i, page in enumerate(pages[:4]):
        page.poll()
        page.controls[("now-gap", 1)].value = 4 if i else 1
        page.send_button.click()
    wall.refresh()
    wall.reveal_button.click()
    assert "appear once at least 5 people have answered (4 so far)" in wall.results.value
    assert "Average" not in wall.results.value
    pages[4].poll()
    pages[4].controls[("now-gap", 1)].value = 4
    pages[4].send_button.click()
    wall.refresh()
    # Five in the room: every point with its count, the lone 1 included (nothing ties it to anyone).
    assert "Average 3.4" in wall.results.value
    assert (
        '<td class="smlkit-num">1</td>' in wall.results.value and '<td class="smlkit-num">4</td>' in wall.results.value
    )
