"""The course: what the workbook offers, to whom, and where each part lives.

Pure core. The plan is read from ``data/course.yaml`` by ``smlkit.content``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DataFileError

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
    )
