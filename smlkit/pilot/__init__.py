"""Planning a pilot of learning groups: from the training day to Monday.

Pure core (no widgets, no database, no files). A school team's choices go in as
:class:`PilotChoices`; :func:`build_plan` returns a :class:`PilotPlan` with the groups (formed
from a roster by the workbook's own grouping), the meeting for the largest group (timed by the
meeting planner), the meeting dates and what to settle before starting; :func:`plan_markdown`
writes it for the team to download.
"""

from __future__ import annotations

from smlkit.pilot.markdown import plan_markdown
from smlkit.pilot.meetings import MeetingFit, meeting_dates, meeting_fit, recommended_minutes
from smlkit.pilot.plan import (
    CAUTION,
    MENTOR_ROLES,
    PROBLEM,
    Adaptation,
    Issue,
    MentorPlan,
    MentorSupport,
    PilotChoices,
    PilotPlan,
    PlannedGroup,
    ReviewCycle,
    Slot,
    build_plan,
    check,
    group_sizes,
    groups_from_roster,
)
from smlkit.pilot.selection import METHODS, Selection, Share, lottery, representation

__all__ = [
    "CAUTION",
    "MENTOR_ROLES",
    "METHODS",
    "PROBLEM",
    "Adaptation",
    "Issue",
    "MeetingFit",
    "MentorPlan",
    "MentorSupport",
    "PilotChoices",
    "PilotPlan",
    "PlannedGroup",
    "ReviewCycle",
    "Selection",
    "Share",
    "Slot",
    "build_plan",
    "check",
    "group_sizes",
    "groups_from_roster",
    "lottery",
    "meeting_dates",
    "meeting_fit",
    "plan_markdown",
    "recommended_minutes",
    "representation",
]
