"""The wall's presenter view driven without a browser: what the projector shows, and what it never shows."""

from __future__ import annotations

import time

import ipywidgets as widgets
import pytest

from smlkit.access.visitor import Visitor
from smlkit.ui.wall.console import Wall
from smlkit.ui.wall.presenter import Presenter

from .test_wall_dashboards import everything_shown, open_question, participant

FACILITATOR = Visitor("facilitator-token", is_facilitator=True)


@pytest.fixture
def wall(store):
    board = Wall()
    board.start(FACILITATOR, store)
    board.live.stop()
    yield board


@pytest.fixture
def presenter(store, monkeypatch):
    monkeypatch.setenv("SMLKIT_JOIN_URL", "http://192.168.1.20:8866/?token=room-token")
    page = Presenter()
    page.start(FACILITATOR, store)
    page.live.stop()  # the tests call refresh() themselves
    yield page


def controls(widget) -> list[widgets.Widget]:
    found = (
        [widget]
        if isinstance(widget, widgets.Button | widgets.ValueWidget) and not isinstance(widget, widgets.HTML)
        else []
    )
    for child in getattr(widget, "children", ()):
        found += controls(child)
    return found


def send(store, token: str, prompt_id: str, value, *, name: str | None = None) -> None:
    page = participant(store, token)
    page.poll()
    if name:
        page.identity.how.value = "named"
        page.identity.name.value = name
    page.controls[(prompt_id, 1)].value = value
    page.send_button.click()
    assert "Sent" in page.status.text, page.status.text


def test_the_presenter_view_is_refused_without_the_key(store):
    page = Presenter()
    page.start(Visitor("someone"), store)
    shown = everything_shown(page.widget)
    assert "for the facilitator" in shown
    assert "smlkit-presenter-qr" not in shown and "Waiting for the first question" not in shown
    assert not page.live.running


def test_it_shows_the_join_address_and_its_qr_code_and_no_controls(presenter):
    shown = everything_shown(presenter.widget)
    assert "Waiting for the first question" in shown
    assert 'alt="QR code of the join address http://192.168.1.20:8866/?token=room-token"' in presenter.join.value
    assert "data:image/svg+xml;base64," in presenter.join.value
    assert controls(presenter.widget) == []


def test_on_a_server_only_on_this_computer_it_says_the_room_cannot_join(store, monkeypatch):
    monkeypatch.setenv("SMLKIT_JOIN_URL", "http://127.0.0.1:8866/")
    page = Presenter()
    page.start(FACILITATOR, store)
    page.live.stop()
    assert "http://127.0.0.1:8866/" in page.join.value
    assert "The room cannot join yet" in page.join.value and "--host 0.0.0.0" in page.join.value


def test_it_shows_the_opened_questions_live_count_then_the_revealed_results(store, wall, presenter):
    open_question(wall, "now-gap")
    presenter.refresh()
    assert wall.library.get("now-gap").text in presenter.question.value
    assert "Open for answers" in presenter.question.value
    assert ">0</span> answers so far" in presenter.count.value
    send(store, "p1", "now-gap", 4)
    send(store, "p2", "now-gap", 2)
    presenter.refresh()
    assert ">2</span> answers so far" in presenter.count.value
    assert "appear here when the facilitator reveals them" in presenter.results.value
    wall.refresh()
    wall.reveal_button.click()
    presenter.refresh()
    results = presenter.results.value
    assert "<figure" in results and "How many chose each point (2 answers). Average 3.0" in results
    assert 'aria-hidden="true"' in results and "50%" in results
    wall.close_button.click()
    presenter.refresh()
    assert "Answering closed" in presenter.question.value


def test_a_held_or_hidden_answer_never_reaches_the_projector(store, wall, presenter):
    open_question(wall, "know-sentence")
    send(store, "p1", "know-sentence", "Mentors who listen first", name="Priya")
    send(store, "p2", "know-sentence", "What a crap idea this is")  # on the held-word list
    send(store, "p3", "know-sentence", "Something the facilitator will hide")
    wall.refresh()
    wall.reveal_button.click()
    hide = next(e for e in wall.board.entries if "will hide" in e.text)
    wall.decide(hide.answer_id, "hide")
    presenter.refresh()
    shown = everything_shown(presenter.widget)
    assert ">3</span> answers so far" in presenter.count.value
    assert "Mentors who listen first" in shown and "Priya" in shown
    assert "crap" not in shown and "What a" not in shown
    assert "will hide" not in shown and "facilitator will" not in shown
    assert "smlkit-presenter-word" in shown and "mentors" in shown
    # Approving the held answer on the console puts it up; hiding it again takes it down.
    held = next(e for e in wall.board.entries if e.state == "held")
    wall.decide(held.answer_id, "approve")
    presenter.refresh()
    assert "What a crap idea this is" in everything_shown(presenter.widget)
    wall.decide(held.answer_id, "hide")
    presenter.refresh()
    assert "crap" not in everything_shown(presenter.widget)


def test_a_ranking_is_a_chart_in_the_rooms_order(store, wall, presenter):
    open_question(wall, "know-evidence")
    options = list(wall.library.get("know-evidence").options)
    send(store, "p1", "know-evidence", options)
    wall.refresh()
    wall.reveal_button.click()
    presenter.refresh()
    results = presenter.results.value
    assert "<ol" in results and "average place 1.0, first for 1" in results
    assert results.index(options[0]) < results.index(options[1])


def test_the_console_opens_the_presenter_view_in_a_new_tab(wall):
    link = wall.widget.children[0].value
    assert 'href="workshop-presenter.ipynb"' in link and 'target="_blank"' in link
    assert "Open the presenter view for the projector (new tab)" in link


def test_when_the_facilitators_session_ends_the_projector_takes_the_wall_down(store, wall, presenter):
    open_question(wall, "know-sentence")
    send(store, "p1", "know-sentence", "Mentors who listen first")
    wall.refresh()
    wall.reveal_button.click()
    presenter.refresh()
    assert "Mentors who listen first" in everything_shown(presenter.widget)
    presenter.live.start()
    presenter.gate.visitor = Visitor("facilitator-token", is_facilitator=True, facilitator_until=time.time() - 1)
    presenter.live.refresh_now()  # the next redraw, as the live view makes it
    shown = everything_shown(presenter.widget)
    assert "for the facilitator" in shown and "Mentors who listen first" not in shown
    assert not presenter.live.running


def test_a_passing_problem_is_said_then_cleared_when_the_store_answers_again(store, presenter, monkeypatch):
    def busy(_kinds):
        raise RuntimeError("the database is locked")

    monkeypatch.setattr(store, "marker", busy)
    presenter.live.refresh_now()
    assert presenter.status.text, "a failed redraw says so"
    monkeypatch.undo()
    presenter.live.refresh_now()
    assert presenter.status.text == ""
    assert "Waiting for the first question" in presenter.question.value


def test_a_long_join_address_breaks_only_between_its_parts():
    from smlkit.ui.wall.projected import breakable

    marked = breakable("http://192.168.1.20:8866/sml/?token=a&b=<x>")
    assert marked == "http://192.168.1.20:8866/<wbr>sml/<wbr>?token=a<wbr>&amp;b=&lt;x&gt;"
