"""The person a dashboard kernel is serving, read from the page request.

Voila starts some kernels before anyone asks for the page (the preheated pool),
so a dashboard first builds its widgets, then calls :func:`current_visitor`,
which waits for the real request and reads the visitor's cookies from it.
Outside Voila (a notebook test, a script) the visitor is a fresh anonymous one.
Under JupyterHub (the server started with ``--hub``) the visitor is the Hub user who
owns the server, and the facilitator is a Hub admin; cookies and the key play no part.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .access import FACILITATOR_COOKIE, KEY_ENV, PARTICIPANT_COOKIE, new_token, parse_cookies, proof_matches
from .hub import FACILITATOR_ENV, HUB_USER_ENV, is_facilitator_flag, participant_token


@dataclass(frozen=True)
class Visitor:
    """Who opened this page: their participant token and whether they hold the key."""

    token: str
    is_facilitator: bool = False
    from_browser: bool = True


def current_visitor() -> Visitor:
    """Wait (under Voila) for the page request, then say who made it."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request  # only meaningful inside a Voila kernel

        wait_for_request()
    hub_user = os.environ.get(HUB_USER_ENV)
    if hub_user:
        return Visitor(
            token=participant_token(hub_user), is_facilitator=is_facilitator_flag(os.environ.get(FACILITATOR_ENV))
        )
    cookies = parse_cookies(os.environ.get("HTTP_COOKIE"))
    token = cookies.get(PARTICIPANT_COOKIE)
    facilitator = proof_matches(cookies.get(FACILITATOR_COOKIE), os.environ.get(KEY_ENV))
    if not token:
        return Visitor(token=new_token(), is_facilitator=facilitator, from_browser=False)
    return Visitor(token=token, is_facilitator=facilitator)
