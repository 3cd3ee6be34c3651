"""What a participant may say about themselves for breakdowns: a role and a department, nothing else.

Pure core. Both come from fixed lists (``data/respondent-groups.yaml``) so nothing
typed freely can identify a person; both are optional ("Prefer not to say").
Breakdowns of staff answers by either are always suppressed below the minimum group
(see :mod:`smlkit.people.suppression`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from smlkit.errors import DataFileError, ValidationError

Dimension = Literal["role", "department"]
DIMENSIONS: tuple[str, ...] = ("role", "department")

#: The group of people who chose not to say (a cell of every breakdown, suppressed like any other).
NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class RespondentGroups:
    roles: tuple[str, ...]
    departments: tuple[str, ...]

    def choices(self, dimension: str) -> tuple[str, ...]:
        if dimension == "role":
            return self.roles
        if dimension == "department":
            return self.departments
        raise ValidationError(f"'{dimension}' is not a breakdown; use role or department", field="breakdown")

    def check(self, dimension: str, value: Any) -> str | None:
        """A chosen group as stored: one from the list, or None for "prefer not to say"."""
        if value in (None, "", NOT_GIVEN):
            return None
        if not isinstance(value, str) or value not in self.choices(dimension):
            raise ValidationError(f"Choose your {dimension} from the list, or 'Prefer not to say'", field=dimension)
        return value

    def all_groups(self, dimension: str) -> tuple[str, ...]:
        """Every cell of a breakdown by ``dimension``, the not-given group last."""
        return (*self.choices(dimension), NOT_GIVEN)


def groups_from_data(data: Mapping[str, Any]) -> RespondentGroups:
    roles = tuple(data["roles"])
    departments = tuple(data["departments"])
    for name, values in (("roles", roles), ("departments", departments)):
        folded = [" ".join(v.split()).casefold() for v in values]
        if len(set(folded)) != len(folded):
            raise DataFileError(f"an entry in {name} is listed twice", field=name)
        if NOT_GIVEN.casefold() in folded:
            raise DataFileError(f"'{NOT_GIVEN}' is added by the workbook; remove it from {name}", field=name)
    return RespondentGroups(roles, departments)
