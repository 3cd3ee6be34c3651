"""``smlkit`` for the JupyterHub test: the real command, with a facilitator page if the course has none.

The hub test proves a participant is refused the facilitator's pages. Until the course has a
dashboard marked ``access: facilitator`` (the live wall, issue 5), this adds a placeholder entry
to the served course plan (its notebook does not exist: the refusal comes first). Once the course
has one, nothing is added and this is plain ``smlkit``.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from smlkit import library as content
from smlkit.course.plan import Course, Dashboard

PLACEHOLDER = Dashboard(
    id="hub-test-room",
    title="Room overview",
    notebook="hub-test-room.ipynb",
    audience=("facilitator",),
    access="facilitator",
    summary="A placeholder facilitator page for the JupyterHub test.",
)


def course_with_a_facilitator_page(course: Course) -> Course:
    if any(dash.needs_key for dash in course.dashboards):
        return course
    return replace(course, dashboards=(*course.dashboards, PLACEHOLDER))


def facilitator_page(course: Course) -> Dashboard:
    return next(dash for dash in course_with_a_facilitator_page(course).dashboards if dash.needs_key)


if __name__ == "__main__":
    served = course_with_a_facilitator_page(content.course())
    content.course = lambda: served
    from smlkit.cli.main import main

    sys.exit(main())
