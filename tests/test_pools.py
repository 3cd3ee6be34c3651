"""Sizing a room's kernel pools with SMLKIT_PREHEAT and SMLKIT_REFILL_DELAY (deploy/README.md)."""

from __future__ import annotations

import pytest

from smlkit import library as content
from smlkit.errors import ConfigError
from smlkit.serve.config import PREHEAT_ENV, REFILL_ENV, voila_config


def pools(monkeypatch, preheat: str | None = None, refill: str | None = None) -> dict:
    for name, value in ((PREHEAT_ENV, preheat), (REFILL_ENV, refill)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    manager = voila_config(content.course())["VoilaKernelManager"]
    return {nb: cfg["pool_size"] for nb, cfg in manager["kernel_pools_config"].items()} | {
        "fill_delay": manager.get("fill_delay")
    }


def test_the_course_plan_sets_the_pools_by_default(monkeypatch):
    sizes = pools(monkeypatch)
    assert sizes["where-are-you-now.ipynb"] == 2
    assert "workshop-wall.ipynb" not in sizes  # facilitator pages are never preheated
    assert sizes["fill_delay"] == 0


def test_a_room_warms_the_pages_it_opens_together_and_refills_after_the_rush(monkeypatch):
    sizes = pools(monkeypatch, "where-now=30,my-learning-agreement=30", "240")
    assert sizes["where-are-you-now.ipynb"] == 30
    assert sizes["my-learning-agreement.ipynb"] == 30
    assert sizes["answer-the-room.ipynb"] == 2  # not named: the course plan's size
    assert sizes["fill_delay"] == 240.0


def test_one_number_sets_every_preheated_pool(monkeypatch):
    sizes = pools(monkeypatch, "0")
    assert all(size == 0 for name, size in sizes.items() if name != "fill_delay")


@pytest.mark.parametrize(
    ("preheat", "refill", "message"),
    [
        ("where-now=lots", None, "whole numbers"),
        ("where-now=999", None, "0 to 64"),
        ("nowhere=3", None, "no dashboard called nowhere"),
        ("where-now", None, None),  # one bare word is read as a number
        ("=3", None, "dashboard=number"),
        (None, "soon", "number of seconds"),
    ],
)
def test_a_mistyped_pool_setting_is_refused_with_what_to_write(monkeypatch, preheat, refill, message):
    with pytest.raises(ConfigError, match=message or "whole numbers"):
        pools(monkeypatch, preheat, refill)
