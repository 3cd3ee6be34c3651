"""What people type: answers, names and keys are checked the same way everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smlkit.access import tokens as access
from smlkit.errors import ValidationError
from smlkit.people.names import MAX_NAME, clean_display_name, pseudonyms
from smlkit.wall.prompts import Prompt, ScalePoint, check_answer, clean_text

SCALE = Prompt(
    "s", "How much?", ("staff",), "scale", "t", "e", "src", points=tuple(ScalePoint(i, str(i)) for i in range(1, 6))
)
TEXT = Prompt("x", "What?", ("staff",), "text", "t", "e", "src", max_length=50)


def test_scale_needs_one_of_its_points():
    assert check_answer(SCALE, 3) == 3
    with pytest.raises(ValidationError, match="Choose a number from 1 to 5") as caught:
        check_answer(SCALE, None)
    assert caught.value.field == "s"
    with pytest.raises(ValidationError):
        check_answer(SCALE, 9)


def test_text_is_trimmed_and_limited():
    assert check_answer(TEXT, "  hello\r\nworld  ") == "hello\nworld"
    with pytest.raises(ValidationError, match="keep it to 50"):
        check_answer(TEXT, "x" * 51)
    assert check_answer(TEXT, "", required=False) == ""


@given(st.text())
def test_cleaned_text_has_no_control_characters(raw):
    cleaned = clean_text(raw)
    assert all(ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127) for ch in cleaned)


@given(st.text(max_size=200))
def test_any_name_is_either_clean_or_a_clear_error(raw):
    try:
        name = clean_display_name(raw)
    except ValidationError as exc:
        assert exc.field == "name"
        assert exc.message
    else:
        assert 0 < len(name) <= MAX_NAME
        assert name == name.strip()
        assert "  " not in name


def test_hostile_name_is_kept_as_text_to_be_escaped_later():
    assert clean_display_name("<img src=x onerror=alert(1)>") == "<img src=x onerror=alert(1)>"


def test_pseudonyms_are_stable_and_distinct():
    assert pseudonyms("room-1") == pseudonyms("room-1")
    assert len(set(pseudonyms("room-1"))) == 6


def test_facilitator_key_checks():
    key = access.new_key()
    assert access.key_matches(key.upper(), key)
    assert access.key_matches(" " + key + " ", key)
    assert not access.key_matches("wrong-key", key)
    assert not access.key_matches("", key)


def test_a_session_token_works_until_it_expires_and_only_with_its_keys_verifier():
    signer = access.SessionSigner("the-room-key-1234")
    verifier = signer.verifier()
    token = signer.issue(now=1_000_000, hours=12)
    assert access.session_expiry(token, verifier, now=1_000_000 + 11 * 3600) == 1_000_000 + 12 * 3600
    assert access.session_expiry(token, verifier, now=1_000_000 + 12 * 3600 + 1) is None
    # Another key's verifier, a token with its expiry pushed back, junk: all refused.
    assert access.session_expiry(token, access.SessionSigner("another-key-5678").verifier(), now=1_000_000) is None
    version, expires, nonce, signature = token.split(".")
    stretched = f"{version}.{int(expires) + 86400}.{nonce}.{signature}"
    assert access.session_expiry(stretched, verifier, now=1_000_000) is None
    for junk in ("", "v1", "v1.²³.x.y", "v1.1.2.3.4", "v1.99999999999.aa.!!!", "x" * 5000, None):
        assert access.session_expiry(junk, verifier, now=1_000_000) is None
    # The same key gives the same verifier (sessions survive a restart); the verifier is not the key.
    assert access.SessionSigner("the-room-key-1234").verifier() == verifier
    assert "the-room-key-1234" not in verifier


def test_a_visitor_whose_session_ends_may_no_longer_act_as_facilitator():
    from smlkit.access.visitor import Visitor

    who = Visitor("t", is_facilitator=True, facilitator_until=2_000.0)
    assert who.may_facilitate(now=1_999.0)
    assert not who.may_facilitate(now=2_000.5)
    assert not Visitor("t").may_facilitate()
    assert Visitor("t", is_facilitator=True).may_facilitate()  # under the Hub: no expiry


def test_cookie_header_parsing_survives_junk():
    assert access.parse_cookies("a=1; smlkit_participant=abc")["smlkit_participant"] == "abc"
    assert access.parse_cookies(None) == {}
    assert isinstance(access.parse_cookies('bad"cookie; =; x'), dict)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/voila/render/workshop-wall.ipynb", "/voila/render/workshop-wall.ipynb"),
        ("/sml/voila/render/x.ipynb?session=2", "/sml/voila/render/x.ipynb?session=2"),
        ("/\\evil.example/", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("evil.example", "/"),
        ("", "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_only_paths_on_this_server_are_accepted_as_where_to_go_next(target, expected):
    assert access.same_site_path(target, "/") == expected
