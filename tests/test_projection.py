"""The projected wall's pure core: what it shows (only what is revealed and let through), the word
cloud, and the join address with its QR code."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from smlkit import library as content
from smlkit import settings
from smlkit.cli import main as cli
from smlkit.errors import ConfigError
from smlkit.wall.board import Answer, RoomState
from smlkit.wall.join import join_address, join_url, qr_svg, with_token
from smlkit.wall.moderation import Decision, WordFilter
from smlkit.wall.projection import project, word_cloud

LIBRARY = content.prompts()
HELD = WordFilter.from_lines(["crap", "darn*"])
WHEN = datetime(2026, 3, 2, 10, 0)


def answer(n: int, prompt_id: str, value, name: str | None = None) -> Answer:
    return Answer(f"save-{n}", f"person-{n}", prompt_id, value, WHEN, order=n, name=name)


def revealed(prompt_id: str, **changes) -> RoomState:
    state = RoomState().open_prompts([prompt_id]).reveal(prompt_id)
    for name, value in changes.items():
        state = getattr(state, name)(value)
    return state


# -- what is shown ------------------------------------------------------------------------------


def test_nothing_on_the_wall_shows_nothing():
    shown = project(RoomState(), None, (), (), HELD)
    assert shown.prompt is None and shown.received == 0 and shown.tally is None


def test_before_the_reveal_only_the_question_and_the_count_are_shown():
    prompt = LIBRARY.get("know-sentence")
    state = RoomState().open_prompts([prompt.id])
    answers = [answer(1, prompt.id, "group work helps"), answer(2, prompt.id, "time to think")]
    shown = project(state, prompt, answers, (), HELD)
    assert (shown.prompt, shown.is_open, shown.received, shown.revealed) == (prompt, True, 2, False)
    assert shown.tally is None and shown.cards == () and shown.words == ()


def test_a_revealed_scale_is_summed_up():
    prompt = LIBRARY.get("now-gap")
    answers = [answer(1, prompt.id, 4), answer(2, prompt.id, 4), answer(3, prompt.id, 2)]
    shown = project(revealed(prompt.id), prompt, answers, (), HELD)
    assert shown.tally is not None and shown.tally.n == 3
    assert {bar.label.split(" – ")[0]: bar.count for bar in shown.tally.bars}["4"] == 2
    assert shown.tally.mean == pytest.approx(10 / 3)


def test_held_and_hidden_answers_are_never_shown_counted_or_quoted():
    prompt = LIBRARY.get("know-sentence")
    answers = [
        answer(1, prompt.id, "Mentors listening to mentors", name="Priya"),
        answer(2, prompt.id, "This crap timetable mentors nobody"),  # held by the word list
        answer(3, prompt.id, "Something the facilitator hid about mentors"),
        answer(4, prompt.id, "A fine answer", name="Darnell"),  # a held word in the name holds it too
    ]
    shown = project(revealed(prompt.id), prompt, answers, [Decision("save-3", "hide")], HELD)
    assert shown.received == 4, "the live count counts every answer that arrived"
    assert [c.text for c in shown.cards] == ["Mentors listening to mentors"]
    assert shown.cards[0].name == "Priya"
    assert shown.tally is not None and shown.tally.n == 1
    words = {w.text for w in shown.words}
    assert words == {"mentors", "listening"}
    assert "crap" not in words and "timetable" not in words and "facilitator" not in words


def test_an_approved_answer_is_shown_and_with_the_word_list_off_nothing_is_held():
    prompt = LIBRARY.get("know-sentence")
    answers = [answer(1, prompt.id, "a crap day"), answer(2, prompt.id, "a darned good day")]
    approved = project(revealed(prompt.id), prompt, answers, [Decision("save-1", "approve")], HELD)
    assert [c.text for c in approved.cards] == ["a crap day"]
    off = project(revealed(prompt.id, with_hold_words=False), prompt, answers, (), HELD)
    assert len(off.cards) == 2


def test_only_the_latest_cards_are_shown_and_the_rest_are_counted():
    prompt = LIBRARY.get("know-sentence")
    answers = [answer(n, prompt.id, f"answer number {n}") for n in range(1, 31)]
    shown = project(revealed(prompt.id), prompt, answers, (), HELD, cards=24)
    assert len(shown.cards) == 24 and shown.more == 6
    assert shown.cards[-1].text == "answer number 30" and shown.cards[0].text == "answer number 7"
    assert shown.tally is not None and shown.tally.n == 30


def test_answers_to_other_questions_are_left_out():
    prompt = LIBRARY.get("now-gap")
    shown = project(revealed(prompt.id), prompt, [answer(1, prompt.id, 3), answer(2, "know-sentence", "x")], (), None)
    assert shown.received == 1


# -- the word cloud ----------------------------------------------------------------------------------


def test_the_word_cloud_keeps_the_order_and_sizes_words_between_the_least_and_most_used():
    cloud = word_cloud([("mentor", 9), ("group", 5), ("time", 1)])
    assert [(w.text, w.count, w.level) for w in cloud] == [("mentor", 9, 5), ("group", 5, 3), ("time", 1, 1)]
    assert {w.level for w in word_cloud([("a", 2), ("b", 2)])} == {3}
    assert word_cloud([]) == ()


# -- joining --------------------------------------------------------------------------------------------


def test_a_join_address_says_whether_the_room_can_reach_it():
    room = join_address("http://192.168.1.20:8866/?token=abc")
    assert room is not None and room.room_can_join and room.host == "192.168.1.20"
    for local in ("http://127.0.0.1:8866/", "http://localhost:8866/", "http://[::1]:8866/"):
        address = join_address(local)
        assert address is not None and not address.room_can_join, local
    assert join_address("") is None and join_address("javascript:alert(1)") is None
    assert join_address("not an address") is None


def test_join_urls_are_built_as_the_server_announces_them():
    assert join_url("192.168.1.20", 8866, "/", "tok") == "http://192.168.1.20:8866/?token=tok"
    assert join_url("127.0.0.1", 8900, "/sml/") == "http://127.0.0.1:8900/sml/"
    assert join_url("fe80::1", 8866, "sml/") == "http://[fe80::1]:8866/sml/"


def test_the_server_gives_the_presenter_the_rooms_address(monkeypatch):
    assert cli.room_join_url("127.0.0.1", 8866, "/", None) == "http://127.0.0.1:8866/"
    assert cli.room_join_url("10.0.0.7", 8866, "/", "tok") == "http://10.0.0.7:8866/?token=tok"
    monkeypatch.setattr(cli, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.7"])
    assert cli.room_join_url("0.0.0.0", 8866, "/", "tok") == "http://192.168.1.20:8866/?token=tok"
    monkeypatch.setattr(cli, "lan_addresses", lambda: [])
    assert cli.room_join_url("0.0.0.0", 8866, "/", "tok") == ""


def test_a_given_join_address_wins_and_carries_the_rooms_token(monkeypatch):
    given = "https://sml.school.example/room/"
    assert cli.room_join_url("0.0.0.0", 8866, "/", "tok", given) == "https://sml.school.example/room/?token=tok"
    assert cli.room_join_url("127.0.0.1", 8866, "/", None, given) == given
    assert with_token("http://sml.local:8866/?lang=en", "tok") == "http://sml.local:8866/?lang=en&token=tok"
    assert with_token("http://sml.local:8866", "tok") == "http://sml.local:8866/?token=tok"
    assert with_token("http://sml.local:8866/?token=mine", "tok") == "http://sml.local:8866/?token=mine"
    assert cli.given_join_url({"SMLKIT_JOIN_URL": f" {given} "}) == given
    assert cli.given_join_url({}) == ""
    with pytest.raises(ConfigError, match="SMLKIT_JOIN_URL must be a web address"):
        cli.given_join_url({"SMLKIT_JOIN_URL": "sml.school.example"})


def test_the_workshop_command_reads_the_join_address_from_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("SMLKIT_HOME", str(tmp_path))

    def options(*argv: str, env: dict[str, str]):
        return cli.workshop_options(
            cli.build_parser().parse_args(["workshop", "--db", str(tmp_path / "x"), *argv]), env
        )

    assert options(env={}).join_url == "http://127.0.0.1:8866/"
    given = options("--host", "0.0.0.0", env={"SMLKIT_JOIN_URL": "http://sml-room.local:8866/"})
    assert given.token and given.join_url == f"http://sml-room.local:8866/?token={given.token}"
    hub_env = {
        "JUPYTERHUB_USER": "alice",
        "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/",
        "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:41234/user/alice/",
        "JUPYTERHUB_API_TOKEN": "not-a-real-token",
        "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
        "SMLKIT_DB": "sqlite:///room.sqlite",
    }
    assert cli.workshop_options(cli.build_parser().parse_args(["workshop", "--hub"]), hub_env).join_url == ""
    hub_env["SMLKIT_JOIN_URL"] = "https://hub.school.example/"
    hub = cli.workshop_options(cli.build_parser().parse_args(["workshop", "--hub"]), hub_env)
    assert hub.join_url == "https://hub.school.example/", "under the Hub the Hub signs people in: no token"


def test_kernels_are_handed_the_join_address_but_never_the_key(tmp_path):
    env = {"SMLKIT_JOIN_URL": "http://stale:1/"}
    chosen = settings.Settings(home=tmp_path, facilitator_key="the-key-1234", join_url="http://10.0.0.7:8866/?token=t")
    settings.hand_to_kernels(chosen, env)
    assert env["SMLKIT_JOIN_URL"] == "http://10.0.0.7:8866/?token=t"
    assert "the-key-1234" not in env.values()
    settings.hand_to_kernels(settings.Settings(home=tmp_path), env)
    assert "SMLKIT_JOIN_URL" not in env, "a stale address is taken away"


def test_the_qr_code_is_drawn_here_square_by_square_from_the_encoded_address():
    import qrcode

    url = "http://192.168.1.20:8866/?token=abcdefghijklmnop"
    svg = qr_svg(url)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    assert f'viewBox="0 0 {size} {size}"' in svg
    drawn = [[False] * size for _ in range(size)]
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1", svg):
        for dx in range(int(length)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == [list(row) for row in matrix]
    assert url not in svg and "<script" not in svg and "href" not in svg
