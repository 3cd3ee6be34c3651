"""Short forms keep a draft as people type: back after a reload, cleared by a save, never an answer."""

from __future__ import annotations

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.course.records import REFLECTION_KEY, REFLECTION_KIND, where_now_rows
from smlkit.ui.course.where_now import WhereNow
from smlkit.ui.kit.drafts import DRAFT_KIND
from smlkit.ui.review.rating import ReviewRating


class _Clock:
    """Runs scheduled saves at once when asked, so the test controls the timing."""

    def __init__(self) -> None:
        self.pending: list = []

    def schedule(self, _delay, action):
        self.pending.append(action)

        class _Handle:
            def cancel(self_inner) -> None:
                if action in self.pending:
                    self.pending.remove(action)

        return _Handle()

    def run(self) -> None:
        while self.pending:
            self.pending.pop(0)()


def _where_now(store, token, clock):
    page = WhereNow()
    page.drafts.autosave._schedule = clock.schedule
    page.start(Visitor(token), store=store)
    return page


def test_typing_on_where_now_comes_back_after_a_reload_and_a_save_clears_it(store):
    clock, token = _Clock(), new_token()
    page = _where_now(store, token, clock)
    text = page.answers[1]
    text.value = "Typed, then a validation error and a reload"
    clock.run()
    assert store.count(DRAFT_KIND) == 1 and store.count(REFLECTION_KIND) == 0, "a draft is not an answer"
    assert where_now_rows(store) == [], "the day's record holds answers, not drafts"
    again = _where_now(store, token, clock)
    assert again.answers[1].value == "Typed, then a validation error and a reload"
    assert "unsaved draft" in again.form.status.text
    again.answers[0].value = 3
    again.form.save_button.click()
    assert "Saved at" in again.form.status.text
    third = _where_now(store, token, clock)
    assert "unsaved draft" not in third.form.status.text, "a save spends the draft"
    assert store.latest(REFLECTION_KIND, REFLECTION_KEY, third.participant_id).data["answers"]["where-now-learning"]


def test_someone_elses_draft_never_reaches_my_page(store):
    clock = _Clock()
    mine = _where_now(store, new_token(), clock)
    mine.answers[1].value = "Private draft"
    clock.run()
    theirs = _where_now(store, new_token(), clock)
    assert theirs.answers[1].value == ""


def test_a_staff_rating_sheet_keeps_its_draft(store):
    token = new_token()
    page = ReviewRating()
    page.start(Visitor(token), store=store)
    assert page.drafts is not None
    page.elements[0].evidence.value = "Seen in the science department"
    page.drafts.autosave.flush()
    again = ReviewRating()
    again.start(Visitor(token), store=store)
    assert again.elements[0].evidence.value == "Seen in the science department"
    assert "unsaved draft" in again.form.status.text
