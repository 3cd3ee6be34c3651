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

import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from voila.app import Voila

from smlkit import library as content
from smlkit import settings as smlkit_settings
from smlkit.access import hub, kernel_proof
from smlkit.access import tokens as access
from smlkit.content import datafile
from smlkit.content.paths import data_dir, notebooks_dir, share_dir
from smlkit.course.plan import Course
from smlkit.serve import forking, healing, messages, page_request, pools, templates
from smlkit.serve.config import hand_set_pools, hub_config, voila_config
from smlkit.serve.pages import (
    DashboardHandler,
    JoinNeededHandler,
    KeyHandler,
    LandingHandler,
    NotHereHandler,
    SignOutHandler,
    TemplateFiles,
    TreeRedirectHandler,
)


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
    #: Where the room joins (with the join token; "" when not known, as under the Hub), for the
    #: presenter view: handed to the kernels as SMLKIT_JOIN_URL.
    join_url: str = ""
    #: How many people the kernel pools are sized for (``--room``; SMLKIT_ROOM; 30).
    room: int = smlkit_settings.DEFAULT_ROOM


class WorkshopApp(Voila):  # type: ignore[misc]  # voila has no type hints
    """Voila, serving the workbook."""

    name = "smlkit-workshop"

    #: Set by :func:`build_app` before ``initialize``: the key stays in the server process only.
    smlkit_facilitator_key = ""
    #: Set by :func:`build_app`: the options it was built from (the room, the programme).
    smlkit_options: WorkshopOptions | None = None
    #: Keeps the kernel pools to the room and the timetable (made in ``init_settings``, at start).
    pool_keeper: pools.PoolKeeper | None = None
    #: Called once, when the pools are first full (the CLI prints "Ready ...").
    on_pools_ready: Callable[[pools.PoolKeeper], None] | None = None

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        if hasattr(self.kernel_manager, "_pools"):
            healing.heal(self.kernel_manager)
            self.pool_keeper = self._keeper()
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

    def _keeper(self) -> pools.PoolKeeper:
        options = self.smlkit_options
        course = content.course()
        ours = smlkit_settings.current()
        hand_set = hand_set_pools(course)
        if options is not None and options.hub is not None:
            hand_set = {}  # one person per server under the Hub: no pools (deploy/README.md)

        def clock() -> int:
            return smlkit_settings.current().minute_of_day()

        room = options.room if options is not None else ours.room
        keeper = pools.PoolKeeper(self.kernel_manager, course, content.programme(), room, clock, hand_set)
        keeper.on_ready = self.on_pools_ready
        return keeper

    def init_handlers(self) -> list[tuple[Any, ...]]:
        handlers: list[tuple[Any, ...]] = super().init_handlers()
        render_kwargs = next(spec[2] for spec in handlers if len(spec) > 2 and spec[0].endswith("/voila/render/(.*)"))
        base = self.server_url
        ours: list[tuple[Any, ...]] = [
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
        templates.install()
        messages.install()
        messages.guard_page_writes()
        if smlkit_settings.current().hub_user:
            # The Hub's OAuth callback (and log-out), under this server's prefix.
            ours += [(url_path_join(base, spec[0]), *spec[1:]) for spec in self.identity_provider.get_handlers()]
        else:  # Jupyter's log-in and log-out pages mean nothing here (and log-out answered 500)
            ours += [
                (url_path_join(base, "login"), JoinNeededHandler),
                (url_path_join(base, "logout"), NotHereHandler),
            ]
        return ours + handlers

    def start(self) -> None:
        # Kernels handed to a visitor that never confirmed their page request are shut down,
        # not left busy for ever (busy kernels are never culled).
        from tornado.ioloop import PeriodicCallback

        async def shed() -> None:
            await page_request.shed_overdue(self.kernel_manager)

        PeriodicCallback(shed, 15_000).start()

        def keep() -> None:  # dead kernels leave the pools, and the pools follow the day, every second
            if self.pool_keeper is not None:
                self.pool_keeper.tick()

        PeriodicCallback(keep, 1_000).start()
        # What start-up made lives as long as the server: out of the collector's sight, so that a full
        # collection while the room arrives walks only what the day adds (it held every page for
        # 130-190 ms when it walked all 280,000 objects; see bench/room.py).
        gc.collect()
        gc.freeze()
        stall_ms = smlkit_settings.current().stall_ms
        if stall_ms > 0:
            from tornado.ioloop import IOLoop

            from smlkit.serve import stalls

            stalls.watch(IOLoop.current().asyncio_loop, stall_ms)  # type: ignore[attr-defined]
        super().start()


def build_app(options: WorkshopOptions, extra_config: dict[str, Any] | None = None) -> WorkshopApp:
    """A configured, initialised (not yet started) WorkshopApp."""
    from traitlets.config import Config

    # Kernels inherit this process's environment: hand them their settings in the one place that
    # writes it. They get the verifier of facilitator sessions, the secret that proves them to the
    # page-request socket and the room's join address, never the facilitator key; under the Hub they
    # get the participant and the admin flag, and on its own the workbook clears those, so only
    # cookies and the key count.
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
            checked=",".join(sorted(_check_content())),
            clock=given.started_clock(),
            join_url=options.join_url,
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
    if options.hub is None and given.fork_kernels and hasattr(os, "fork") and sys.platform.startswith("linux"):
        # Started here, after the kernels' settings are in the environment it copies (never the key).
        forking.CLIENT.start(notebooks_dir())
        config.KernelProvisionerFactory.default_provisioner_name = forking.PROVISIONER
    if options.hub is not None:
        config.merge(Config(hub_config(options.hub)))
    if extra_config:
        config.merge(Config(extra_config))
    app = WorkshopApp(config=config)
    app.smlkit_facilitator_key = options.facilitator_key
    app.smlkit_options = options
    app.initialize([])
    app.root_dir = str(notebooks_dir())
    return app


def _check_content() -> set[str]:
    """Load and check every content file the pages read, once, here: a refusal names the file before
    anything is served, and the kernels are told what was checked (SMLKIT_CHECKED), so each does not
    import jsonschema and check the same files again (``smlkit.content.datafile.schema_errors``)."""
    from smlkit.agreements.files import yaml_json
    from smlkit.scenarios.files import load_library

    for load in (
        content.course,
        content.prompts,
        content.respondent_groups,
        content.agreement_guide,
        content.principles,
        content.review_instrument,
        content.review_school,
        content.references,
        content.word_filter,
        content.review_scale,
        load_library,
    ):
        load()
    for path in content.sample_agreement_paths():
        yaml_json.load(path)
    for scale in sorted((data_dir() / "review" / "scales").glob("*.yaml")):
        content.load_review_scale(scale.stem)
    return set(datafile.CHECKED)


def notebook_paths(course: Course) -> list[Path]:
    return [notebooks_dir() / dash.notebook for dash in course.dashboards]
