"""The workbook's own pages (landing, facilitator key, refusals) and the handlers that guard Voila's.

:class:`smlkit.serve.server.WorkshopApp` puts these in front of Voila's own handlers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import jinja2
import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from smlkit import library as content
from smlkit import settings as smlkit_settings
from smlkit.access import tokens as access
from smlkit.content.paths import share_dir
from smlkit.course import timetable
from smlkit.course.plan import Course
from smlkit.course.programme import clock_of as programme_clock
from smlkit.errors import SmlkitError

AUDIENCE_LABELS = {"staff": "staff", "facilitator": "facilitators", "head": "heads and leaders"}

_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(share_dir() / "pages")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_pages.filters["audience_label"] = lambda a: AUDIENCE_LABELS.get(a, a)


class _WorkbookPage(JupyterHandler):
    """Shared helpers for the workbook's own (non-notebook) pages."""

    @property
    def course(self) -> Course:
        return content.course()

    def hub_user(self) -> str:
        """The Hub user this server belongs to, or "" when the workbook runs on its own."""
        user: str = self.settings.get("smlkit_hub_user", "")
        return user

    def visitor_is_facilitator(self) -> bool:
        if self.hub_user():
            return bool(self.settings.get("smlkit_hub_facilitator"))
        token = self.get_cookie(access.FACILITATOR_COOKIE)
        return access.session_expiry(token, self.settings.get("smlkit_facilitator_verifier")) is not None

    def ensure_participant(self) -> None:
        """Give this browser a participant token if it has none, and make the current request carry it."""
        if self.hub_user() or self.get_cookie(access.PARTICIPANT_COOKIE):
            return
        token = access.new_token()
        self.set_cookie(
            access.PARTICIPANT_COOKIE,
            token,
            path=self.base_url,
            expires_days=access.PARTICIPANT_COOKIE_DAYS,
            httponly=True,
            samesite="Lax",
        )
        existing = self.request.headers.get("Cookie")
        joined = f"{existing}; " if existing else ""
        self.request.headers["Cookie"] = f"{joined}{access.PARTICIPANT_COOKIE}={token}"

    def render_page(self, name: str, status: int = 200, **values: Any) -> None:
        values.setdefault("xsrf", self.xsrf_token.decode())
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(
            _pages.get_template(name).render(
                course=self.course,
                base_url=self.base_url,
                is_facilitator=self.visitor_is_facilitator(),
                hub_user=self.hub_user(),
                hub_home=self.settings.get("smlkit_hub_home", ""),
                nav=timetable.navigation(self.course, content.programme()),
                **values,
            )
        )

    def render_refusal(self, heading: str, message: str) -> None:
        """403 for a Hub user on someone else's workbook (called by ``smlkit.serve.hubauth``)."""
        hub_home = self.settings.get("smlkit_hub_home", "")
        self.render_page(
            "refused.html.j2",
            status=403,
            heading=heading,
            message=message,
            link=hub_home,
            link_text="Go to the Hub's home page" if hub_home else "",
            someone_elses=True,
        )


class LandingHandler(_WorkbookPage):
    """The course's first page: title, welcome and the list of dashboards."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.ensure_participant()
        course = self.course
        running = content.programme()
        notice = ""
        try:
            shown = course.programme(self.get_argument("programme", "") or running.id)
        except SmlkitError:
            shown, notice = running, "There is no timetable by that name; this is the one the workshop runs."
        try:
            at = self.get_argument("at", "")
            minute = timetable.clock_minute(at) if at else smlkit_settings.current().minute_of_day()
        except SmlkitError as exc:
            minute = smlkit_settings.current().minute_of_day()
            notice = f"{exc.message}; the timetable shows the time now."
        track = content.track()
        self.render_page(
            "landing.html.j2",
            programme=shown,
            running=running,
            others=[p for p in course.programmes if p.id != shown.id],
            track=track,
            sessions=timetable.timetable(course, shown, track, minute),
            clock=programme_clock(minute),
            preview=bool(self.get_argument("at", "")),
            notice=notice,
        )


class KeyHandler(_WorkbookPage):
    """The facilitator proves they hold the key once; the browser keeps a proof cookie."""

    def _next(self) -> str:
        return access.same_site_path(self.get_argument("next", ""), self.base_url)

    @tornado.web.authenticated
    def get(self) -> None:
        if self.hub_user():
            self._hub_page()
            return
        reason = ""
        if self.get_argument("next", ""):
            reason = "The page you asked for is for the facilitator. Sign in with the key to open it."
        self.render_page("key.html.j2", error="", reason=reason, next=self._next(), xsrf=self.xsrf_token.decode())

    def _hub_page(self) -> None:
        """Under JupyterHub there is no key: the Hub's admins are the facilitators."""
        if self.visitor_is_facilitator():
            self.redirect(self._next())
            return
        self.render_page(
            "refused.html.j2",
            status=403,
            heading="Facilitator pages are for the Hub's facilitators",
            message=f"You are signed in to JupyterHub as {self.hub_user()}, a participant. The facilitator's "
            "pages open for the people the Hub lists as its admins; there is no key to type here.",
            link="",
            link_text="",
        )

    @tornado.web.authenticated
    def post(self) -> None:
        if self.hub_user():
            self._hub_page()
            return
        given = self.get_body_argument("key", "")[: access.MAX_KEY_LENGTH]
        key = self.settings.get("smlkit_facilitator_key", "")
        signer = self.settings.get("smlkit_session_signer")
        if not given.strip():
            error = "Enter the facilitator key"
        elif signer is None or not access.key_matches(given, key):
            error = "That key is not right. Check it against the terminal where the server was started"
        else:
            self.set_cookie(
                access.FACILITATOR_COOKIE,
                signer.issue(),
                path=self.base_url,
                httponly=True,
                samesite="Strict",
                expires_days=access.SESSION_HOURS / 24,
            )
            self.redirect(self._next())
            return
        self.render_page(
            "key.html.j2", status=400, error=error, reason="", next=self._next(), xsrf=self.xsrf_token.decode()
        )


class SignOutHandler(_WorkbookPage):
    """The facilitator signs out on this browser: the session cookie is removed."""

    @tornado.web.authenticated
    def post(self) -> None:
        self.clear_cookie(access.FACILITATOR_COOKIE, path=self.base_url)
        self.redirect(self.base_url)


class NotHereHandler(_WorkbookPage):
    """Addresses Voila or Jupyter answer that the workbook does not offer (the file list, log-out)."""

    def _not_here(self, *_args: str) -> None:
        self.render_page(
            "refused.html.j2",
            status=404,
            heading="Page not found",
            message="There is nothing at this address. The course's dashboards are listed on the first page.",
            link="",
            link_text="",
        )

    get = post = put = delete = patch = _not_here

    def check_xsrf_cookie(self) -> None:  # nothing is done here, so no token is needed to be told so
        return


class JoinNeededHandler(_WorkbookPage):
    """Where Jupyter sends a browser without the room's join token (its log-in page): say how to get in."""

    @allow_unauthenticated
    def get(self, *_args: str) -> None:
        self.render_page(
            "refused.html.j2",
            status=403,
            heading="This workshop needs its join link",
            message="The workshop is shared with the room through a join link that carries a code. Ask the "
            "facilitator for the join link, or scan the QR code on the screen, and open it on this device.",
            link="",
            link_text="",
        )

    def check_xsrf_cookie(self) -> None:  # nothing is done here
        return


_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class TemplateFiles(TemplateStaticFileHandler):  # type: ignore[misc]  # voila has no type hints
    """Voila's template files, with a plain answer for a bad address (Voila's error page needs
    Jupyter's own static files, which a dashboard server does not have, so it answered 500)."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static" or not _TEMPLATE_NAME.fullmatch(parts[0]) or not parts[2]:
            raise tornado.web.HTTPError(404)
        if ".." in parts[2].replace("\\", "/").split("/"):
            raise tornado.web.HTTPError(404)  # never above the template's own folder
        inside: str = super().parse_url_path(path)
        return inside

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {self._reason}\n")


class DashboardHandler(_WorkbookPage, TornadoVoilaHandler):  # type: ignore[misc]  # voila has no type hints
    """Voila's notebook handler, limited to the course's dashboards and their access rules."""

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        dashboard = self.course.by_notebook(path or "")
        if dashboard is None:
            self.render_page(
                "refused.html.j2",
                status=404,
                heading="Page not found",
                message="There is no dashboard at this address. The course's dashboards are listed on the first page.",
                link="",
                link_text="",
            )
            return
        self.ensure_participant()
        if dashboard.needs_key and not self.visitor_is_facilitator():
            target = url_path_join(self.base_url, "voila/render", dashboard.notebook)
            if self.hub_user():
                message = (
                    "This page shows the whole room's answers, so it opens only for the facilitator "
                    "(an admin of this JupyterHub). If you are taking part in the workshop, you do not need this page."
                )
                link = link_text = ""
            else:
                message = (
                    "This page shows the whole room's answers, so it needs the facilitator key. "
                    "If you are taking part in the workshop, you do not need this page."
                )
                link = f"{self.base_url}smlkit/key?next={quote(target)}"
                link_text = "Sign in with the facilitator key"
            self.render_page(
                "refused.html.j2",
                status=403,
                heading=f"{dashboard.title} is for the facilitator",
                message=message,
                link=link,
                link_text=link_text,
            )
            return
        # Voila's page posts to /voila/api/shutdown/<kernel> when it is closed, carrying the _xsrf
        # cookie; setting it here lets that request through, so a closed page frees its kernel.
        _ = self.xsrf_token
        await TornadoVoilaHandler.get(self, path)  # Voila's own page (what super() is at run time; untyped)


class TreeRedirectHandler(JupyterHandler):
    """Voila's file browser is not part of the course: send people to the landing page."""

    @tornado.web.authenticated
    def get(self, *_args: str) -> None:
        self.redirect(self.base_url)
