"""The workbook's Voila configuration: kernel pools per dashboard, the navigation, and the Hub's settings.

Read by :func:`smlkit.serve.server.build_app`, and by the benchmarks that size a room's pools.
"""

from __future__ import annotations

import json
from typing import Any

from smlkit import library as content
from smlkit import settings as smlkit_settings
from smlkit.access import hub
from smlkit.content.paths import share_dir
from smlkit.course import timetable
from smlkit.course.plan import Course
from smlkit.errors import ConfigError

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
    sizes: dict[str, int] = {}
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


def voila_config(course: Course) -> dict[str, Any]:
    """The packaged Voila configuration, with a kernel pool for each dashboard that asks for one."""
    config: dict[str, Any] = json.loads((share_dir() / "voila.json").read_text(encoding="utf-8"))
    pools = {"default": {"pool_size": 0}}
    sizes = pool_sizes(course)
    for dash in course.dashboards:
        size = sizes[dash.id]
        if size > 0 and not dash.needs_key:
            pools[dash.notebook] = {"pool_size": size}
    config.setdefault("VoilaKernelManager", {})["kernel_pools_config"] = pools
    given = smlkit_settings.current()
    if given.refill_delay is not None:
        config["VoilaKernelManager"]["fill_delay"] = given.refill_delay
    culling = config.setdefault("MappingKernelManager", {})
    culling["cull_idle_timeout"] = int(given.cull_seconds)
    culling["cull_interval"] = max(1, min(60, int(given.cull_seconds // 3)))
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


def hub_config(server: hub.HubServer) -> dict[str, Any]:
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
