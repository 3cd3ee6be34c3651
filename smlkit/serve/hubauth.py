"""Signing in through JupyterHub: every request to a hub-mode server is checked with the Hub.

These are JupyterHub's own classes for single-user servers (the ones ``jupyterhub-singleuser``
uses), plugged into Voila, with one rule added: only the Hub user who owns the server gets
in. JupyterHub lets admins open other people's servers; here an admin who does so is refused,
so a facilitator never reads or changes a participant's answers as that participant.

The checks apply to the pages and to the kernels' websockets alike. Needs the ``hub`` extra.
"""

from __future__ import annotations

from jupyterhub.singleuser.extension import JupyterHubAuthorizer, JupyterHubIdentityProvider
from tornado.web import HTTPError
from traitlets import Unicode


class WorkbookHubIdentity(JupyterHubIdentityProvider):
    """The Hub's OAuth sign-in, letting in only the server's owner."""

    owner = Unicode("", help="The Hub user this server belongs to ($JUPYTERHUB_USER).").tag(config=True)

    def __init__(self, token: str | None = None, **kwargs):
        # Voila hands its own (empty) token to every identity provider; the Hub's
        # provider takes its token from the environment instead.
        super().__init__(**kwargs)

    async def get_user(self, handler):
        user = await super().get_user(handler)
        if user is None or user.username == self.owner:
            return user
        self.log.warning("Refused Hub user %s on the workbook of %s", user.username, self.owner)
        handler._jupyterhub_user = None
        message = (
            f"This workbook belongs to {self.owner}. Open your own from the Hub's home page: "
            "nobody answers as somebody else, and the facilitator sees the room's answers on the facilitator's pages."
        )

        def refuse(*_args, **_kwargs):
            page = getattr(handler, "render_refusal", None)
            if page is None:  # Voila's own handlers (kernels, static files): a bare 403
                raise HTTPError(403, message)
            page(f"This is {self.owner}'s workbook", message)

        handler.redirect = refuse  # @authenticated "redirects" unknown users: answer 403 instead
        return None


class WorkbookHubAuthorizer(JupyterHubAuthorizer):
    """The Hub's scope check, and the owner rule once more (kernels' websockets come through here)."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        owner = getattr(self.identity_provider, "owner", "")
        return bool(owner) and user.username == owner and super().is_authorized(handler, user, action, resource)
