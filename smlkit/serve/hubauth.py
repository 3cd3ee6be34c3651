"""Signing in through JupyterHub: every request to a hub-mode server is checked with the Hub.

These are JupyterHub's own classes for single-user servers (the ones ``jupyterhub-singleuser``
uses), plugged into Voila, with one rule added: only the Hub user who owns the server gets
in. JupyterHub lets admins open other people's servers; here an admin who does so is refused,
so a facilitator never reads or changes a participant's answers as that participant.

The checks apply to the pages and to the kernels' websockets alike. Needs the ``hub`` extra.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.identity import User
from jupyterhub.singleuser.extension import JupyterHubAuthorizer, JupyterHubIdentityProvider
from tornado.web import HTTPError, RequestHandler
from traitlets import Unicode


class WorkbookHubIdentity(JupyterHubIdentityProvider):  # type: ignore[misc]  # jupyterhub has no type hints
    """The Hub's OAuth sign-in, letting in only the server's owner."""

    owner = Unicode("", help="The Hub user this server belongs to ($JUPYTERHUB_USER).").tag(config=True)

    def __init__(self, token: str | None = None, **kwargs: Any) -> None:
        # Voila hands its own (empty) token to every identity provider; the Hub's
        # provider takes its token from the environment instead.
        super().__init__(**kwargs)

    async def get_user(self, handler: RequestHandler) -> User | None:
        user: User | None = await super().get_user(handler)
        if user is None or user.username == self.owner:
            return user
        self.log.warning("Refused Hub user %s on the workbook of %s", user.username, self.owner)
        handler._jupyterhub_user = None  # type: ignore[attr-defined]  # JupyterHub's own mark on the handler
        message = (
            f"This workbook belongs to {self.owner}. Open your own from the Hub's home page: "
            "nobody answers as somebody else, and the facilitator sees the room's answers on the facilitator's pages."
        )

        def refuse(*_args: object, **_kwargs: object) -> None:
            page = getattr(handler, "render_refusal", None)
            if page is None:  # Voila's own handlers (kernels, static files): a bare 403
                raise HTTPError(403, message)
            page(f"This is {self.owner}'s workbook", message)

        # @authenticated "redirects" unknown users: answer 403 instead (a deliberate patch of this one handler)
        handler.redirect = refuse  # type: ignore[method-assign]
        return None


class WorkbookHubAuthorizer(JupyterHubAuthorizer):  # type: ignore[misc]  # jupyterhub has no type hints
    """The Hub's scope check, and the owner rule once more (kernels' websockets come through here)."""

    def is_authorized(self, handler: RequestHandler, user: User, action: str, resource: str) -> bool:
        owner = getattr(self.identity_provider, "owner", "")
        if not owner or user.username != owner:
            return False
        return bool(super().is_authorized(handler, user, action, resource))
