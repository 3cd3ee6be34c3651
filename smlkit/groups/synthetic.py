"""Synthetic schools: made-up pupils, mentors and rules for samples, tests and benchmarks.

Pure core; no real pupils. Everything is drawn from a seeded random generator, so the
same arguments always give the same school. Pupil ids look like UPNs but use local
authority code 999, which no authority has.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from smlkit.groups.learners import Learner, Mentor
from smlkit.groups.rules import APART, LOCK, PREFER, TOGETHER, Rule, Rules

#: Forenames by the gender a roster would most often record with them (so a projected group
#: never pairs a name with an unlikely gender); ``EITHER`` names go with both.
GIRLS = (
    "Aaliyah Aisha Amara Amelia Ava Bella Chloe Eliza Ella Erin Evie Faith Freya Grace Harper Isla Ivy Jade "
    "Layla Lily Maisie Maya Mia Nadia Nora Olivia Phoebe Poppy Priya Rosa Ruby Sara Sofia Zara Zoe"
).split()
BOYS = (
    "Adam Alfie Arjun Ayaan Ben Caleb Daniel Dev Emeka Ethan Ezra Finn Hamza Harry Hassan Ibrahim Isaac Jack "
    "Jacob Jayden Kian Leo Logan Luca Mohammed Noah Oliver Omar Oscar Reuben Theo Toby Tomasz Yusuf"
).split()
EITHER = "Eden Kai Riley Sami".split()
FORENAMES = sorted(GIRLS + BOYS + EITHER)
FORENAMES_FOR = {"F": tuple(GIRLS + EITHER), "M": tuple(BOYS + EITHER)}
SURNAMES = (
    "Adeyemi Ahmed Ali Allen Bailey Baker Begum Bennett Brown Campbell Chen Clarke Cole Cooper Davies Dixon "
    "Edwards Evans Fisher Francis Green Hall Harris Hughes Hussain Iqbal Jackson James Johnson Jones Kaur Khan "
    "King Kowalski Lee Lewis Martin Mensah Mitchell Moore Morgan Murphy Nowak Okafor Osei Owen Patel Phillips "
    "Price Rahman Roberts Robinson Rose Shah Singh Smith Taylor Thomas Thompson Turner Walker Ward Watson White "
    "Williams Wilson Wood Wright Young"
).split()
TITLES = ("Ms", "Mr", "Mrs", "Dr", "Mx")


@dataclass(frozen=True)
class School:
    learners: list[Learner]
    mentors: list[Mentor]
    rules: Rules
    school_year: int


def _dob(rng: random.Random, year_group: int, school_year: int) -> date:
    """A birthday in the cohort that is in ``year_group`` in the school year starting ``school_year``."""
    start = date(school_year - year_group - 5, 9, 1)
    end = date(start.year + 1, 8, 31)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def synthetic_learners(
    count: int, years: Sequence[int], *, school_year: int = 2024, seed: int = 0, forms_of: int = 30
) -> list[Learner]:
    """``count`` pupils spread evenly over ``years``, with names, forms, gender and SEN status."""
    rng = random.Random(seed)  # noqa: S311 (seeded for repeatable results, not security)
    learners: list[Learner] = []
    used: set[str] = set()
    per_year = {y: count // len(years) + (1 if i < count % len(years) else 0) for i, y in enumerate(years)}
    for year_group in years:
        forms = min(23, max(1, round(per_year[year_group] / forms_of)))
        for n in range(per_year[year_group]):
            while True:
                upn = f"X999{rng.randint(0, 9999):04d}{(school_year - year_group) % 100:02d}{rng.randint(0, 999):03d}"
                if upn not in used:
                    used.add(upn)
                    break
            gender = rng.choice("FM")
            sen = rng.choices(["N", "K", "E"], weights=[84, 13, 3])[0]
            learners.append(
                Learner(
                    id=upn,
                    dob=_dob(rng, year_group, school_year),
                    forename=rng.choice(FORENAMES_FOR[gender]),
                    surname=rng.choice(SURNAMES),
                    year=year_group,
                    reg_group=f"{year_group}{'ABCDEFGHJKLMNPRSTUVWXYZ'[n % forms]}",
                    gender=gender,
                    sen=sen,
                )
            )
    return learners


def synthetic_mentors(groups_needed: dict[int, int], *, seed: int = 0, spare: float = 0.15) -> list[Mentor]:
    """Enough mentors (plus ``spare``) for the groups each year needs; some take two groups or two years."""
    rng = random.Random(seed + 1)  # noqa: S311 (seeded for repeatable results, not security)
    mentors: list[Mentor] = []
    number = 0
    for year_group, needed in sorted(groups_needed.items()):
        seats = 0
        target = needed + max(1, round(needed * spare))
        while seats < target:
            number += 1
            capacity = 2 if rng.random() < 0.2 else 1
            years = {year_group}
            if rng.random() < 0.25 and year_group + 1 in groups_needed:
                years.add(year_group + 1)
            mentors.append(
                Mentor(
                    id=f"M{number:04d}",
                    name=f"{rng.choice(TITLES)} {rng.choice(SURNAMES)}",
                    capacity=capacity,
                    years=frozenset(years),
                )
            )
            seats += capacity
    return mentors


def synthetic_rules(
    learners: Sequence[Learner], mentors: Sequence[Mentor], *, seed: int = 0, rate: float = 0.02
) -> Rules:
    """About ``rate`` of learners in each kind of rule: keep apart, keep together, lock, preferred mentor."""
    rng = random.Random(seed + 2)  # noqa: S311 (seeded for repeatable results, not security)
    by_form: dict[str, list[Learner]] = {}
    for learner in learners:
        by_form.setdefault(learner.reg_group, []).append(learner)
    forms = sorted(by_form)
    rules: list[Rule] = []
    count = max(1, round(len(learners) * rate))
    used: set[str] = set()

    def pick_pair(close: bool) -> tuple[str, str] | None:
        for _ in range(50):
            form = by_form[rng.choice(forms)]
            pool = [learner for learner in form if learner.id not in used]
            if len(pool) < 2:
                continue
            a = rng.choice(pool)
            if close:  # friends kept together: within about three months of age
                near = [b for b in pool if b.id != a.id and abs(b.born - a.born) <= 92]
                if not near:
                    continue
                b = rng.choice(near)
            else:
                b = rng.choice([b for b in pool if b.id != a.id])
            used.update((a.id, b.id))
            return a.id, b.id
        return None

    for n in range(count):
        pair = pick_pair(close=False)
        if pair:
            rules.append(Rule(APART, pair, source=f"synthetic apart {n + 1}"))
    for n in range(max(1, count // 2)):
        pair = pick_pair(close=True)
        if pair:
            rules.append(Rule(TOGETHER, pair, source=f"synthetic together {n + 1}"))
    free = [learner for learner in learners if learner.id not in used]
    for n in range(max(1, count // 2)):
        if not free:
            break
        learner = free.pop(rng.randrange(len(free)))
        used.add(learner.id)
        rules.append(Rule(LOCK, (learner.id,), group=f"Lock-{n + 1}", source=f"synthetic lock {n + 1}"))
    eligible = {y: [m for m in mentors if y in m.years] for y in {learner.year for learner in learners}}
    for n in range(count):
        if not free:
            break
        learner = free.pop(rng.randrange(len(free)))
        options = eligible.get(learner.year) or []
        if options:
            mentor = rng.choice(options)
            rules.append(Rule(PREFER, (learner.id,), mentor=mentor.id, source=f"synthetic preference {n + 1}"))
    return Rules(tuple(rules))


def synthetic_school(
    count: int, years: Sequence[int], *, seed: int = 0, school_year: int = 2024, rules: bool = True
) -> School:
    learners = synthetic_learners(count, years, school_year=school_year, seed=seed)
    per_year: dict[int, int] = {}
    for learner in learners:
        per_year[learner.year or 0] = per_year.get(learner.year or 0, 0) + 1
    needed = {y: -(-n // 6) + 1 for y, n in per_year.items()}
    mentors = synthetic_mentors(needed, seed=seed)
    return School(learners, mentors, synthetic_rules(learners, mentors, seed=seed) if rules else Rules(), school_year)
