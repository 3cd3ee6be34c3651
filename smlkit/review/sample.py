"""A synthetic school for trying the heads' explorer: ~60 staff, 8 departments, two rounds
(or, for ``data/review/school-primary.yaml``, a primary school of 22 staff in four teams).

Nobody here is real. The ratings are drawn from a seeded random generator, shaped so
the explorer has something to show: departments that differ (most on student voice
and assessment for learning), a leadership view more hopeful than the staff's, some
growth between the baseline and the follow-up, and a department (Learning support,
three people) too small to be shown. Pure core: same seed, same school.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from smlkit.review.analysis import Dataset
from smlkit.review.instrument import LEADERSHIP, STAFF, Instrument, Rating, Round, School, Sheet
from smlkit.review.scale import Scale

#: Staff per department in the sample school (60 in all).
SIZES = {
    "English": 10,
    "Mathematics": 10,
    "Science": 11,
    "Humanities": 8,
    "Creative arts": 7,
    "Physical education": 6,
    "Modern languages": 5,
    "Learning support": 3,
}
ROLE_MIX = ("Teacher", "Teacher", "Teacher", "Middle leader", "Teaching assistant", "Support staff")

#: Staff per team in the primary sample school (``data/review/school-primary.yaml``, 22 in all),
#: where small groups are the norm: two teams are under five, and so are two roles.
PRIMARY_SIZES = {
    "Early years and Key Stage 1": 8,
    "Key Stage 2": 9,
    "Inclusion and support": 3,
    "Office and site": 2,
}
#: Each primary team's roles, in turn; a phase's first member leads it.
PRIMARY_ROLES = {
    "Early years and Key Stage 1": ("Leadership team", "Teacher", "Teaching assistant"),
    "Key Stage 2": ("Leadership team", "Teacher", "Teaching assistant"),
    "Inclusion and support": ("Teaching assistant",),
    "Office and site": ("Support staff",),
}

#: How much higher (or lower) than the school a department tends to rate, for some elements.
LEANINGS = {
    ("Mathematics", "mgmt-student-voice"): -1.2,
    ("Mathematics", "gate-student-voice"): -1.0,
    ("Creative arts", "mgmt-student-voice"): 1.0,
    ("Creative arts", "gate-student-voice"): 1.0,
    ("English", "dfes-assessment-for-learning"): 0.9,
    ("Science", "dfes-assessment-for-learning"): -0.9,
    ("Physical education", "gate-new-technologies"): -1.0,
    ("Science", "mgmt-ict"): 0.8,
    ("Learning support", "gate-mentoring"): 1.5,
    ("Humanities", "dfes-curriculum"): 0.7,
}
#: Elements the school worked on between the rounds.
GROWTH = ("dfes-assessment-for-learning", "mgmt-student-voice", "gate-student-voice", "gate-mentoring")

BASELINE = Round("sample-baseline", "Sample school: baseline (autumn)", "2025-10-06", "four-level", open=False)
FOLLOW_UP = Round("sample-follow-up", "Sample school: follow-up (summer)", "2026-06-15", "four-level", open=False)
ROUNDS = (BASELINE, FOLLOW_UP)


def _level(rng: random.Random, centre: float, scale: Scale) -> int:
    value = round(rng.gauss(centre, 0.7))
    return max(scale.lowest, min(scale.highest, value))


def _staff_list(school: School) -> list[tuple[str, str]]:
    """(department, role) for each sample member of staff: the secondary sample's, or the primary
    sample's when the school file names the primary teams."""
    primary = bool(set(PRIMARY_SIZES) & set(school.departments))
    people = []
    for department, size in (PRIMARY_SIZES if primary else SIZES).items():
        if department not in school.departments:
            continue
        for i in range(size):
            if primary:
                cycle = PRIMARY_ROLES[department]
                role = cycle[0] if i == 0 or len(cycle) == 1 else cycle[1 + (i - 1) % (len(cycle) - 1)]
            else:
                role = "Senior leader" if department == "English" and i == 0 else ROLE_MIX[i % len(ROLE_MIX)]
            people.append((department, role if role in school.roles else school.roles[0]))
    return people


def sample_round(instrument: Instrument, school: School, scale: Scale, which: Round, seed: int = 7) -> Dataset:
    """The sample school's sheets for one of :data:`ROUNDS` (the same every time)."""
    later = which.id == FOLLOW_UP.id
    rng = random.Random(f"{seed}-{which.id}")  # noqa: S311 - synthetic sample data, not security
    base = {e.id: 2.0 + (hash_fraction(e.id) - 0.5) for e in instrument.elements}
    sheets = []
    for department, role in _staff_list(school):
        ratings = {}
        for element in instrument.element_ids:
            centre = base[element] + LEANINGS.get((department, element), 0.0)
            if later and element in GROWTH:
                centre += 1.0
            if department != "Modern languages" and department != "Learning support" and rng.random() < 0.03:
                ratings[element] = Rating(None, True)
                continue
            ratings[element] = Rating(_level(rng, centre, scale), priority=rng.random() < 0.08)
        sheets.append(Sheet(which.id, STAFF, role, department, ratings))
    leaders = {
        e: Rating(_level(rng, base[e] + 0.9, scale), priority=e in GROWTH[:2] if not later else e == "mgmt-ict")
        for e in instrument.element_ids
    }
    leadership = Sheet(which.id, LEADERSHIP, ratings=leaders)
    return Dataset(which, tuple(sheets), leadership, sample=True)


def hash_fraction(text: str) -> float:
    """A stable number in [0, 1) from a text (Python's own hash changes between runs)."""
    total = 0
    for ch in text:
        total = (total * 131 + ord(ch)) % 1_000_003
    return total / 1_000_003


def sample_rounds(instrument: Instrument, school: School, scale: Scale) -> Sequence[Dataset]:
    return [sample_round(instrument, school, scale, r) for r in ROUNDS]
