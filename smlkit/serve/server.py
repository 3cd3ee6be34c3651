"""Serving the workbook: Voila with the workbook's pages, access rules and configuration.

``WorkshopApp`` is Voila's application with four additions:

* ``/`` is the course's landing page, rendered from the course plan (no kernel);
* every dashboard request gets a participant cookie, so a person finds their own
  answers after a reload and never anyone else's;
* dashboards marked ``access: facilitator`` answer 403 with a sign-in link unless
  the browser has shown the facilitator key;
* only the course's own notebooks are served.

Under JupyterHub (``--hub``, see ``smlkit.access.hub``) the same server runs once per person:
the Hub signs people in, the participant is the Hub user who owns the server and the
facilitator is a Hub admin, so there are no participant cookies and no key.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import jinja2
import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from smlkit import library as content
from smlkit import settings as smlkit_settings
from smlkit.access import hub, kernel_proof
from smlkit.access import tokens as access
from smlkit.content.paths import notebooks_dir, share_dir
from smlkit.course import timetable
from smlkit.course.plan import Course
from smlkit.course.programme import clock_of as programme_clock
from smlkit.errors import ConfigError, SmlkitError
from smlkit.serve import healing, page_request

AUDIENCE_LABELS = {"staff": "staff", "facilitator": "facilitators", "head": "heads and leaders"}

_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(share_dir() / "pages")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_pages.filters["audience_label"] = lambda a: AUDIENCE_LABELS.get(a, a)


@dataclass(frozen=True)
class WorkshopOptions:
    """What ``smlkit workshop`` was asked for, after checking."""

    host: str
    port: int
    db_url: str
    facilitator_key: str
    token: str | None = None
    #: URL path the workbook is reached at (behind a reverse proxy, or the Hub's /user/<name>/).
    base_url: str = "/"
    #: Under JupyterHub: the server the Hub asked for (owner, admin flag); None when standalone.
    hub: hub.HubServer | None = None
    #: The timetable and track the room runs (ids from the course plan; "" for the plan's first).
    programme: str = ""
    track: str = ""


class _WorkbookPage:
    """Shared helpers for the workbook's own (non-notebook) pages."""

    @property
    def course(self) -> Course:
        return content.course()

    def hub_user(self: JupyterHandler) -> str:
        """The Hub user this server belongs to, or "" when the workbook runs on its own."""
        return self.settings.get("smlkit_hub_user", "")

    def visitor_is_facilitator(self: JupyterHandler) -> bool:
        if self.hub_user():
            return bool(self.settings.get("smlkit_hub_facilitator"))
        token = self.get_cookie(access.FACILITATOR_COOKIE)
        return access.session_expiry(token, self.settings.get("smlkit_facilitator_verifier")) is not None

    def ensure_participant(self: JupyterHandler) -> None:
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

    def render_page(self: JupyterHandler, name: str, status: int = 200, **values) -> None:
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

    def render_refusal(self: JupyterHandler, heading: str, message: str) -> None:
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


class LandingHandler(_WorkbookPage, JupyterHandler):
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
            minute = timetable.clock_minute(self.get_argument("at", "") or None)
        except SmlkitError as exc:
            minute, notice = timetable.clock_minute(None), f"{exc.message}; the timetable shows the time now."
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


class KeyHandler(_WorkbookPage, JupyterHandler):
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


class SignOutHandler(_WorkbookPage, JupyterHandler):
    """The facilitator signs out on this browser: the session cookie is removed."""

    @tornado.web.authenticated
    def post(self) -> None:
        self.clear_cookie(access.FACILITATOR_COOKIE, path=self.base_url)
        self.redirect(self.base_url)


class NotHereHandler(_WorkbookPage, JupyterHandler):
    """Addresses Voila or Jupyter answer that the workbook does not offer (the file list, log-out)."""

    def _not_here(self, *_args) -> None:
        self.render_page(
            "refused.html.j2",
            status=404,
            heading="Page not found",
            message="There is nothing at this address. The course's dashboards are listed on the first page.",
            link="",
            link_text="",
        )

    get = post = put = delete = patch = _not_here  # type: ignore[assignment]

    def check_xsrf_cookie(self) -> None:  # nothing is done here, so no token is needed to be told so
        return


_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class TemplateFiles(TemplateStaticFileHandler):
    """Voila's template files, with a plain answer for a bad address (Voila's error page needs
    Jupyter's own static files, which a dashboard server does not have, so it answered 500)."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static" or not _TEMPLATE_NAME.fullmatch(parts[0]) or not parts[2]:
            raise tornado.web.HTTPError(404)
        if ".." in parts[2].replace("\\", "/").split("/"):
            raise tornado.web.HTTPError(404)  # never above the template's own folder
        return super().parse_url_path(path)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {self._reason}\n")


class DashboardHandler(_WorkbookPage, TornadoVoilaHandler):
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
        await super().get(path)


class TreeRedirectHandler(JupyterHandler):
    """Voila's file browser is not part of the course: send people to the landing page."""

    @tornado.web.authenticated
    def get(self, *_args) -> None:
        self.redirect(self.base_url)


class WorkshopApp(Voila):
    """Voila, serving the workbook."""

    name = "smlkit-workshop"

    #: Set by :func:`build_app` before ``initialize``: the key stays in the server process only.
    smlkit_facilitator_key = ""

    def init_settings(self):
        settings = super().init_settings()
        if hasattr(self.kernel_manager, "_pools"):
            healing.heal(self.kernel_manager)
        key = self.smlkit_facilitator_key
        settings["smlkit_facilitator_key"] = key
        settings["smlkit_session_signer"] = access.SessionSigner(key) if key else None
        ours = smlkit_settings.current()
        settings["smlkit_facilitator_verifier"] = ours.facilitator_verifier
        settings["smlkit_kernel_secret"] = ours.kernel_secret
        owner = ours.hub_user
        settings["smlkit_hub_user"] = owner
        settings["smlkit_hub_facilitator"] = bool(owner) and ours.hub_facilitator
        if owner:
            hub_base = url_path_join(os.environ.get("JUPYTERHUB_BASE_URL") or "/", "hub/")
            settings["smlkit_hub_home"] = url_path_join(hub_base, "home")
        return settings

    def init_handlers(self):
        handlers = super().init_handlers()
        render_kwargs = next(spec[2] for spec in handlers if len(spec) > 2 and spec[0].endswith("/voila/render/(.*)"))
        base = self.server_url
        ours = [
            (base, LandingHandler),
            (url_path_join(base, "smlkit/key"), KeyHandler),
            (url_path_join(base, r"voila/render/(.*)"), DashboardHandler, render_kwargs),
            (url_path_join(base, r"voila/tree(.*)"), TreeRedirectHandler),
            (url_path_join(base, "smlkit/signout"), SignOutHandler),
            (url_path_join(base, r"voila/api/contents(.*)"), NotHereHandler),
            (url_path_join(base, r"voila/templates/(.*)"), TemplateFiles),
            # Ahead of Voila's own (unauthenticated) handler for the same address.
            (url_path_join(base, r"voila/query/(?P<kernel_id>[\w-]+)"), page_request.PageRequestSocket),
        ]
        page_request.install()
        if smlkit_settings.current().hub_user:
            # The Hub's OAuth callback (and log-out), under this server's prefix.
            ours += [(url_path_join(base, spec[0]), *spec[1:]) for spec in self.identity_provider.get_handlers()]
        else:  # Jupyter's log-in and log-out pages mean nothing here (and log-out answered 500)
            ours += [(url_path_join(base, r"(?:login|logout)"), NotHereHandler)]
        return ours + handlers

    def start(self):
        # Kernels handed to a visitor that never confirmed their page request are shut down,
        # not left busy for ever (busy kernels are never culled).
        from tornado.ioloop import PeriodicCallback

        async def shed() -> None:
            await page_request.shed_overdue(self.kernel_manager)

        PeriodicCallback(shed, 15_000).start()
        def prune() -> None:  # dead kernels leave the pools within seconds
            manager = getattr(self, "kernel_manager", None)
            if manager is not None and hasattr(manager, "_pools"):
                healing.prune_dead(manager)

        PeriodicCallback(prune, 3_000).start()
        super().start()


#: Overrides pool sizes, for sizing a room: "0" turns preheating off; "4" sets every pool that the
#: course plan preheats; "where-now=30,my-learning-agreement=30" sets those dashboards' pools
#: (by id, and they need not be preheated in the plan). See deploy/README.md and bench/room.py.
PREHEAT_ENV = "SMLKIT_PREHEAT"
MAX_POOL = 64
#: Seconds a pool waits before replacing a kernel someone took (the course's default: at once).
#: A room arriving together is served from the full pool and refills after, not during, the rush.
REFILL_ENV = "SMLKIT_REFILL_DELAY"


def pool_sizes(course: Course) -> dict[str, int]:
    """Each dashboard's kernel pool, by id: the course plan's ``preheat``, or what ``SMLKIT_PREHEAT`` says."""
    planned = {dash.id: dash.preheat for dash in course.dashboards}
    raw = smlkit_settings.current().preheat
    if not raw:
        return planned
    if "=" not in raw:
        every = _pool_number(raw)
        return {name: every if size else 0 for name, size in planned.items()}
    sizes = {}
    for part in raw.split(","):
        name, sep, number = part.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{PREHEAT_ENV}: write each pool as dashboard=number, not {part.strip()!r}")
        sizes[name.strip()] = _pool_number(number)
    unknown = set(sizes) - set(planned)
    if unknown:
        raise ConfigError(f"{PREHEAT_ENV}: there is no dashboard called {', '.join(sorted(unknown))}")
    return planned | sizes


def _pool_number(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{PREHEAT_ENV} must give whole numbers of kernels, not {raw.strip()!r}") from None
    if not 0 <= value <= MAX_POOL:
        raise ConfigError(f"{PREHEAT_ENV}: a pool holds 0 to {MAX_POOL} kernels, not {value}")
    return value


def voila_config(course: Course) -> dict:
    """The packaged Voila configuration, with a kernel pool for each dashboard that asks for one."""
    config = json.loads((share_dir() / "voila.json").read_text(encoding="utf-8"))
    pools = {"default": {"pool_size": 0}}
    sizes = pool_sizes(course)
    for dash in course.dashboards:
        size = sizes[dash.id]
        if size > 0 and not dash.needs_key:
            pools[dash.notebook] = {"pool_size": size}
    config.setdefault("VoilaKernelManager", {})["kernel_pools_config"] = pools
    delay = smlkit_settings.current().refill_delay
    if delay is not None:
        config["VoilaKernelManager"]["fill_delay"] = delay
    nav = [
        {
            "number": item.number,
            "title": item.title,
            "href": item.href,
            "notebooks": " ".join(item.notebooks),
            "session": item.session,
        }
        for item in timetable.navigation(course, content.programme())
    ]
    config["VoilaConfiguration"]["resources"] = {"smlkit": {"title": course.title, "nav": nav}}
    return config


def build_app(options: WorkshopOptions, extra_config: dict | None = None) -> WorkshopApp:
    """A configured, initialised (not yet started) WorkshopApp."""
    from traitlets.config import Config

    # Kernels inherit this process's environment: hand them their settings in the one place that
    # writes it. They get the verifier of facilitator sessions and the secret that proves them to
    # the page-request socket, never the facilitator key; under the Hub they get the participant
    # and the admin flag, and on its own the workbook clears those, so only cookies and the key count.
    given = smlkit_settings.current()
    smlkit_settings.hand_to_kernels(
        replace(
            given,
            db_url=options.db_url,
            facilitator_key="",
            programme=options.programme or given.programme,
            track=options.track or given.track,
            facilitator_verifier=(
                access.SessionSigner(options.facilitator_key).verifier() if options.facilitator_key else ""
            ),
            kernel_secret=kernel_proof.new_secret(),
            hub_user=options.hub.user if options.hub is not None else "",
            hub_facilitator=bool(options.hub and options.hub.is_facilitator),
        )
    )
    course = content.course()
    # Voila finds the workbook's template through the Jupyter data path.
    jupyter_path = os.environ.get("JUPYTER_PATH", "")
    ours = str(share_dir() / "jupyter")
    if ours not in jupyter_path.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (ours, jupyter_path) if p)

    config = Config(voila_config(course))
    config.Voila.ip = options.host
    config.Voila.port = options.port
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.Voila.root_dir = str(notebooks_dir())
    config.Voila.config_file_paths = []
    config.Voila.token = options.token or ""
    config.Voila.base_url = options.base_url
    if options.hub is not None:
        config.merge(Config(hub_config(options.hub)))
    if extra_config:
        config.merge(Config(extra_config))
    app = WorkshopApp(config=config)
    app.smlkit_facilitator_key = options.facilitator_key
    app.initialize([])
    app.root_dir = str(notebooks_dir())
    return app


def hub_config(server: hub.HubServer) -> dict:
    """Voila settings for one person's server under JupyterHub."""
    return {
        "Voila": {
            "identity_provider_class": "smlkit.serve.hubauth.WorkbookHubIdentity",
            "authorizer_class": "smlkit.serve.hubauth.WorkbookHubAuthorizer",
        },
        "WorkbookHubIdentity": {"owner": server.user},
        # One person per server: a kernel starts when they open a page, none wait in a pool
        # (a pool per person would multiply the room's memory; see deploy/README.md).
        "VoilaKernelManager": {"kernel_pools_config": {"default": {"pool_size": 0}}},
    }


def notebook_paths(course: Course) -> list[Path]:
    return [notebooks_dir() / dash.notebook for dash in course.dashboards]
