"""The wall's records: answers only while a question is open, decisions by save id, erasure, 30 writers at once."""

from __future__ import annotations

import threading

import pytest

from smlkit import library as content
from smlkit.errors import ValidationError
from smlkit.storage.store import Store
from smlkit.wall import records as room

LIBRARY = content.prompts()
TEXT = LIBRARY.get("know-sentence")
SCALE = LIBRARY.get("now-gap")
GROUPS = content.respondent_groups()


def open_room(store: Store, *prompt_ids: str) -> None:
    state, _ = room.room_state(store)
    room.save_room_state(store, state.open_prompts(list(prompt_ids)))


def test_the_room_starts_with_nothing_open(store):
    state, record_id = room.room_state(store)
    assert state.open == () and record_id == 0


def test_an_answer_is_taken_while_open_and_refused_but_kept_after_closing(store):
    me = store.participant_for_token("me")
    open_room(store, TEXT.id)
    saved = room.submit(store, me, TEXT, "  when I can explain it  ", named=False)
    assert saved.data == {"value": "when I can explain it", "named": False, "round": 1}
    state, _ = room.room_state(store)
    room.save_room_state(store, state.close())
    with pytest.raises(ValidationError, match="closed this question") as caught:
        room.submit(store, me, TEXT, "too late", named=False)
    assert caught.value.field == TEXT.id
    assert [r.data["value"] for r in store.history(room.LATE_KIND, TEXT.id, me)] == ["too late"]
    assert [r.data["value"] for r in store.history(room.ANSWER_KIND, TEXT.id, me)] == ["when I can explain it"]


def test_a_bad_answer_saves_nothing(store):
    me = store.participant_for_token("me")
    open_room(store, SCALE.id)
    with pytest.raises(ValidationError):
        room.submit(store, me, SCALE, 9, named=False)
    assert store.count(room.ANSWER_KIND) == 0


def test_changing_an_answer_is_a_new_version_and_the_wall_sees_the_latest(store):
    me = store.participant_for_token("me")
    open_room(store, SCALE.id)
    room.submit(store, me, SCALE, 2, named=False)
    room.submit(store, me, SCALE, 5, named=False)
    assert len(store.history(room.ANSWER_KIND, SCALE.id, me)) == 2
    assert [a.value for a in room.read_room(store, {}).answers_to(SCALE.id)] == [5]


def test_a_fresh_round_leaves_earlier_answers_in_the_store_but_off_the_wall(store):
    me = store.participant_for_token("me")
    open_room(store, SCALE.id)
    room.submit(store, me, SCALE, 2, named=False)
    state, _ = room.room_state(store)
    room.save_room_state(store, state.fresh_round(SCALE.id))
    assert room.read_room(store, {}).answers_to(SCALE.id) == []
    assert room.my_answer(store, me, SCALE.id, 2) is None
    room.submit(store, me, SCALE, 4, named=False)
    assert [(a.value, a.round) for a in room.read_room(store, {}).answers_to(SCALE.id)] == [(4, 2)]


def test_names_reach_the_wall_only_for_answers_given_under_a_name(store):
    named, anon = store.participant_for_token("named"), store.participant_for_token("anon")
    open_room(store, TEXT.id)
    room.submit(store, named, TEXT, "I will know", named=True)
    room.submit(store, anon, TEXT, "Me too", named=False)
    names = {named: "Priya", anon: "Secret Name"}
    shown = {a.value: a.name for a in room.read_room(store, names).answers_to(TEXT.id)}
    assert shown == {"I will know": "Priya", "Me too": None}


def test_role_and_department_come_only_from_the_lists(store):
    me = store.participant_for_token("me")
    room.set_respondent_groups(store, me, GROUPS, GROUPS.roles[0], None)
    assert room.respondent_groups_of(store, me) == (GROUPS.roles[0], None)
    with pytest.raises(ValidationError, match="from the list") as caught:
        room.set_respondent_groups(store, me, GROUPS, "Head of <b>Nowhere</b>", None)
    assert caught.value.field == "role"
    room.set_respondent_groups(store, me, GROUPS, GROUPS.roles[0], None)  # unchanged: no new version
    assert len(store.history(room.RESPONDENT_KIND, room.RESPONDENT_KEY, me)) == 1


def test_decisions_name_the_answer_by_save_id_and_copy_nothing_of_it(store):
    me = store.participant_for_token("me")
    open_room(store, TEXT.id)
    answer = room.submit(store, me, TEXT, "a private thought", named=True)
    decision = room.decide(store, TEXT.id, answer.save_id, "hide")
    assert decision.participant_id is None
    assert decision.data == {"answer_id": answer.save_id, "action": "hide"}
    with pytest.raises(ValidationError):
        room.decide(store, TEXT.id, answer.save_id, "delete")


def test_erasing_a_participant_removes_their_answers_late_answers_and_groups(store):
    me, other = store.participant_for_token("me"), store.participant_for_token("other")
    open_room(store, TEXT.id)
    mine = room.submit(store, me, TEXT, "mine", named=False)
    room.submit(store, other, TEXT, "theirs", named=False)
    room.set_respondent_groups(store, me, GROUPS, None, GROUPS.departments[0])
    room.decide(store, TEXT.id, mine.save_id, "hide")
    state, _ = room.room_state(store)
    room.save_room_state(store, state.close())
    with pytest.raises(ValidationError):
        room.submit(store, me, TEXT, "late", named=False)
    store.erase_participant(me)
    assert store.records_of(me) == []
    assert [a.value for a in room.read_room(store, {}).answers_to(TEXT.id)] == ["theirs"]
    leftovers = [r.data for r in store.all_of(room.DECISION_KIND)] + [r.data for r in store.all_of(room.STATE_KIND)]
    assert "mine" not in repr(leftovers) and "late" not in repr(leftovers)


def test_thirty_people_answering_at_once_each_arrive_exactly_once(db_url):
    store = Store(db_url)
    open_room(store, TEXT.id)
    people = [store.participant_for_token(f"person-{i}") for i in range(30)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(30)

    def answer(index: int, pid: str) -> None:
        try:
            mine = Store(db_url)
            barrier.wait(timeout=30)
            save_id = f"answer-{index}"
            room.submit(mine, pid, TEXT, f"answer number {index}", named=False, save_id=save_id)
            room.submit(mine, pid, TEXT, f"answer number {index}", named=False, save_id=save_id)  # a retry
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(i, pid)) for i, pid in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    saved = store.all_of(room.ANSWER_KIND, TEXT.id)
    assert len(saved) == 30
    assert sorted(r.participant_id for r in saved) == sorted(people)
    assert sorted(r.data["value"] for r in saved) == sorted(f"answer number {i}" for i in range(30))
    assert len(room.read_room(Store(db_url), {}).answers_to(TEXT.id)) == 30
