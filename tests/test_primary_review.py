"""The primary sample school for the self-review: small staff groups are the norm, and stay hidden."""

from __future__ import annotations

from collections import Counter

import pytest

from smlkit import library as content
from smlkit.content.paths import data_dir
from smlkit.review.sample import FOLLOW_UP, PRIMARY_SIZES, sample_round
from smlkit.review.tables import SUPPRESSED, build_report, respondent_row, role_rows


@pytest.fixture(scope="module")
def primary():
    return content.load_review_school(data_dir() / "review" / "school-primary.yaml")


@pytest.fixture(scope="module")
def report(primary):
    instrument, scale = content.review_instrument(), content.review_scale(primary.scale)
    data = sample_round(instrument, primary, scale, FOLLOW_UP)
    return data, build_report(instrument, primary.departments, primary.roles, primary.minimum, data)


def test_the_primary_sample_is_a_small_school_in_phases_not_year_teams(primary, report):
    data, _report = report
    assert primary.minimum == 5 and set(primary.departments) == set(PRIMARY_SIZES)
    assert len(data.staff) == sum(PRIMARY_SIZES.values()) == 22
    assert Counter(s.department for s in data.staff) == Counter(PRIMARY_SIZES)
    roles = Counter(s.role for s in data.staff)
    assert set(roles) <= set(primary.roles) and roles["Leadership team"] == 2
    assert data == sample_round(content.review_instrument(), primary, content.review_scale(), FOLLOW_UP)


def test_small_teams_and_roles_are_hidden_even_where_only_the_two_breakdowns_together_give_them_away(report):
    _data, report = report
    teams = respondent_row(report)
    roles = role_rows(content.review_instrument(), report)[0]
    assert teams["whole school"] == 22
    assert teams["Inclusion and support"] == SUPPRESSED and teams["Office and site"] == SUPPRESSED
    assert roles["Leadership team"] == SUPPRESSED and roles["Support staff"] == SUPPRESSED
    shown = [n for row in (teams, roles) for key, n in row.items() if key not in ("element", "whole school")]
    assert all(n == SUPPRESSED or n >= 5 for n in shown)
    # Hiding the two small teams is not enough: department minus role would give a small group away,
    # so in a school this size most of both breakdowns stays hidden, and one phase and one role show.
    assert teams["Key Stage 2"] == 9 and roles["Teaching assistant"] == 10
    assert sum(n == SUPPRESSED for n in shown) >= 5


def test_the_secondary_sample_is_unchanged():
    school = content.review_school()
    data = sample_round(content.review_instrument(), school, content.review_scale(), FOLLOW_UP)
    assert len(data.staff) == 60 and len({s.department for s in data.staff}) == 8
