"""The course: what the workbook offers, to whom, and where each part lives.

Pure core. The plan is read from ``data/course.yaml`` by ``smlkit.library``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from smlkit.course.programme import Programme, Track, pick, programme_from_data, track_from_data
from smlkit.errors import DataFileError

#: Who a dashboard is for, and whether the facilitator key is needed to open it.
ACCESS_LEVELS = ("participant", "facilitator")


@dataclass(frozen=True)
class Dashboard:
    id: str
    title: str
    notebook: str
    audience: tuple[str, ...]
    access: str
    summary: str
    preheat: int = 0

    @property
    def needs_key(self) -> bool:
        return self.access == "facilitator"


@dataclass(frozen=True)
class Course:
    title: str
    subtitle: str
    welcome: str
    dashboards: tuple[Dashboard, ...]
    programmes: tuple[Programme, ...] = ()
    tracks: tuple[Track, ...] = ()

    def programme(self, programme_id: str | None = None) -> Programme:
        """The programme with this id; the first (the full day) when none is named."""
        return pick(self.programmes, programme_id, "programme")

    def track(self, track_id: str | None = None) -> Track:
        """The track with this id; the first when none is named."""
        return pick(self.tracks, track_id, "track")

    def problems(self, exercise_exists: Callable[[str], bool] = lambda name: True) -> list[str]:
        """Cross-references that do not hold: unknown dashboards, exercises or tracks."""
        found = []
        ids = {dash.id for dash in self.dashboards}
        tracks = {track.id for track in self.tracks}
        for programme in self.programmes:
            for session in programme.sessions:
                where = f"programme '{programme.id}', session '{session.id}'"
                found += [f"{where}: no dashboard '{d}'" for d in session.dashboards if d not in ids]
                if session.exercise and not exercise_exists(session.exercise):
                    found.append(f"{where}: no exercise sheet '{session.exercise}'")
                found += [f"{where}: examples for unknown track '{t}'" for t in session.examples if t not in tracks]
        return found

    def dashboard(self, dashboard_id: str) -> Dashboard:
        for dash in self.dashboards:
            if dash.id == dashboard_id:
                return dash
        raise DataFileError(f"the course has no dashboard '{dashboard_id}'")

    def by_notebook(self, notebook: str) -> Dashboard | None:
        for dash in self.dashboards:
            if dash.notebook == notebook:
                return dash
        return None


def course_from_data(data: Mapping[str, Any]) -> Course:
    dashboards = []
    seen: set[str] = set()
    for item in data["dashboards"]:
        if item["id"] in seen:
            raise DataFileError(f"the dashboard id '{item['id']}' is used twice", field="dashboards")
        seen.add(item["id"])
        audience = item["audience"]
        dashboards.append(
            Dashboard(
                id=item["id"],
                title=item["title"],
                notebook=item["notebook"],
                audience=tuple([audience] if isinstance(audience, str) else audience),
                access=item.get("access", "participant"),
                summary=item["summary"],
                preheat=int(item.get("preheat", 0)),
            )
        )
    return Course(
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        welcome=data["welcome"],
        dashboards=tuple(dashboards),
        programmes=tuple(programme_from_data(p) for p in data.get("programmes", ())),
        tracks=tuple(track_from_data(t) for t in data.get("tracks", ())),
    )
