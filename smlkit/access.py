"""Who may see what: participant tokens and the facilitator key.

A participant is known by a random token in a cookie their browser keeps; it
lets them find their own answers again after a reload and nobody else's. The
facilitator (and a head exploring the self-review) proves they hold the key
once, on the key page; the server then sets a cookie carrying a keyed hash of
the key, which the server and the dashboards' kernels can both check without
the key itself ever reaching a browser.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import CookieError, SimpleCookie

PARTICIPANT_COOKIE = "smlkit_participant"
FACILITATOR_COOKIE = "smlkit_facilitator"
KEY_ENV = "SMLKIT_FACILITATOR_KEY"

#: How long a participant's browser keeps their token (a training day, plus follow-up).
PARTICIPANT_COOKIE_DAYS = 30


def new_token() -> str:
    """A participant token: unguessable, URL- and cookie-safe."""
    return secrets.token_urlsafe(24)


def new_key() -> str:
    """A facilitator key that is easy to read out and type: four groups of four letters/digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def facilitator_proof(key: str) -> str:
    """The cookie value that shows a browser was given ``key``."""
    return hmac.new(key.encode("utf-8"), b"smlkit facilitator", hashlib.sha256).hexdigest()


def key_matches(given: str, key: str) -> bool:
    """Compare a typed key with the real one, ignoring case and spaces, in constant time."""
    norm = lambda s: "".join(s.split()).lower()  # noqa: E731
    return bool(key) and hmac.compare_digest(norm(given).encode(), norm(key).encode())


def proof_matches(proof: str | None, key: str | None) -> bool:
    return bool(proof and key) and hmac.compare_digest(proof, facilitator_proof(key))


def parse_cookies(header: str | None) -> dict[str, str]:
    """Cookie header → dict; a malformed header yields what could be read."""
    jar: SimpleCookie = SimpleCookie()
    if header:
        try:
            jar.load(header)
        except CookieError:
            parts = (p.split("=", 1) for p in header.split(";") if "=" in p)
            return {k.strip(): v.strip() for k, v in parts}
    return {name: morsel.value for name, morsel in jar.items()}
