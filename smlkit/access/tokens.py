"""Who may see what: participant tokens and the facilitator key.

A participant is known by a random token in a cookie their browser keeps; it
lets them find their own answers again after a reload and nobody else's. The
facilitator (and a head exploring the self-review) proves they hold the key
once, on the key page; the server then sets a cookie carrying a *session token*:
an expiry time signed (Ed25519) with a private key derived from the facilitator
key. The dashboards' kernels check it with the matching public key, the
*verifier*, which is all they are given: the facilitator key never reaches a
kernel or a browser, a kernel cannot make a token, and a token seen once stops
working when it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

PARTICIPANT_COOKIE = "smlkit_participant"
FACILITATOR_COOKIE = "smlkit_facilitator"
KEY_ENV = "SMLKIT_FACILITATOR_KEY"
#: The verifier (public key) the server gives its kernels, so they can check session tokens.
VERIFIER_ENV = "SMLKIT_FACILITATOR_VERIFIER"
#: How long a facilitator stays signed in on one browser (a training day).
SESSION_HOURS = 12
#: Longer text typed into the key box is cut here before it is compared.
MAX_KEY_LENGTH = 200
_SESSION_LABEL = b"smlkit facilitator session v1"

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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """The server's signer of facilitator session tokens, derived from the facilitator key.

    The same key gives the same signer, so sessions survive a restart of the server; a new
    key ends every session at once.
    """

    def __init__(self, key: str) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        seed = hmac.new(key.encode("utf-8"), _SESSION_LABEL, hashlib.sha256).digest()
        self._private = Ed25519PrivateKey.from_private_bytes(seed)

    def verifier(self) -> str:
        """The public half, for kernels: it checks tokens and cannot make them."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return _b64(self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def issue(self, now: float | None = None, hours: float = SESSION_HOURS) -> str:
        """A token valid for ``hours`` from ``now``."""
        expires = int((time.time() if now is None else now) + hours * 3600)
        body = f"v1.{expires}.{secrets.token_hex(8)}"
        return f"{body}.{_b64(self._private.sign(_SESSION_LABEL + body.encode('ascii')))}"


def session_expiry(token: str | None, verifier: str | None, now: float | None = None) -> float | None:
    """When ``token`` stops working, if it is a genuine, unexpired session token; else None."""
    if not token or not verifier or len(token) > 256:
        return None
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != "v1" or not (parts[1].isascii() and parts[1].isdigit()):
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    body = ".".join(parts[:3])
    try:
        public = Ed25519PublicKey.from_public_bytes(_unb64(verifier))
        public.verify(_unb64(parts[3]), _SESSION_LABEL + body.encode("ascii"))
    except (InvalidSignature, ValueError):
        return None
    expires = float(parts[1])
    return expires if expires > (time.time() if now is None else now) else None


def key_matches(given: str, key: str) -> bool:
    """Compare a typed key with the real one, ignoring case and spaces, in constant time."""

    def norm(text: str) -> bytes:
        return "".join(text.split()).lower().encode()

    return bool(key) and hmac.compare_digest(norm(given), norm(key))


def same_site_path(target: str, fallback: str) -> str:
    """``target`` if it is a path on this server (one leading "/", no backslash, no scheme or host), else ``fallback``.

    Browsers read "\\" as "/" and "//host" as another host, so both are refused, as are control
    characters (a tab or newline inside "//" is dropped by the browser before it parses).
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parsed = urlsplit(target)
    if parsed.scheme or parsed.netloc:
        return fallback
    return target


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
