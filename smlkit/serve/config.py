"""The workbook's Voila configuration: the pools set by hand, the navigation, and the Hub's settings.

Read by :func:`smlkit.serve.server.build_app`. The pools' sizes are kept by
:class:`smlkit.serve.pools.PoolKeeper` (from the room and the timetable) unless ``SMLKIT_PREHEAT``
sets them by hand.
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

#: Pool sizes set by hand, instead of the room and the timetable: "0" turns preheating off; "plan"
#: takes the course plan's own small pools (its ``preheat``: a few kernels per staff page, whatever
#: the time; the tests' servers use it); "4" sets every pool the plan preheats to 4;
#: "where-now=30,my-learning-agreement=30" sets those dashboards' pools (by id) and no others.
#: See deploy/README.md and bench/room.py --hand-pools.
PREHEAT_ENV = "SMLKIT_PREHEAT"
MAX_POOL = 64


def hand_set_pools(course: Course) -> dict[str, int] | None:
    """Each participant page's pool, by notebook, as ``SMLKIT_PREHEAT`` sets it; None when it is not set."""
    sizes = pool_sizes(course)
    if sizes is None:
        return None
    return {dash.notebook: sizes[dash.id] for dash in course.dashboards if not dash.needs_key}


def pool_sizes(course: Course) -> dict[str, int] | None:
    """Each dashboard's kernel pool, by id, as ``SMLKIT_PREHEAT`` says; None when it says nothing."""
    planned = {dash.id: dash.preheat for dash in course.dashboards}
    raw = smlkit_settings.current().preheat
    if not raw:
        return None
    if raw.strip() == "plan":
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
    return {name: 0 for name in planned} | sizes


def _pool_number(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{PREHEAT_ENV} must give whole numbers of kernels, not {raw.strip()!r}") from None
    if not 0 <= value <= MAX_POOL:
        raise ConfigError(f"{PREHEAT_ENV}: a pool holds 0 to {MAX_POOL} kernels, not {value}")
    return value


def voila_config(course: Course) -> dict[str, Any]:
    """The packaged Voila configuration. Every pool starts empty: the server's pool keeper fills them."""
    config: dict[str, Any] = json.loads((share_dir() / "voila.json").read_text(encoding="utf-8"))
    hand_set_pools(course)  # a mistyped SMLKIT_PREHEAT is refused before anything starts
    config.setdefault("VoilaKernelManager", {})["kernel_pools_config"] = {"default": {"pool_size": 0}}
    given = smlkit_settings.current()
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
