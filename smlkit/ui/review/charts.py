"""The explorer's charts: matplotlib images, each shown with a text alternative saying what it shows."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence

from smlkit.review.analysis import Change, Summary
from smlkit.review.instrument import Element
from smlkit.review.scale import Scale
from smlkit.ui.kit.forms import escape


def _quartiles(summary: Summary) -> tuple[float, float, float] | None:
    """The lower quartile, median and upper quartile of a rated element (None: not rated, or suppressed)."""
    if summary.low is None or summary.median is None or summary.high is None:
        return None
    return summary.low, summary.median, summary.high


def radar_png(elements: Sequence[Element], whole: Mapping[str, Summary], scale: Scale) -> bytes:
    """Median per element round a circle, with the middle half of the ratings shaded."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no backend switch

    rated = {e.id: q for e in elements if (q := _quartiles(whole[e.id])) is not None}
    shown = [e for e in elements if e.id in rated]
    figure = Figure(figsize=(7.5, 7.5), dpi=90)
    axes = figure.add_subplot(projection="polar")
    if len(shown) >= 3:
        angles = [2 * math.pi * i / len(shown) for i in range(len(shown))]
        loop = [*angles, angles[0]]

        def ring(values: list[float]) -> list[float]:
            return [*values, values[0]]

        axes.fill_between(
            loop,
            ring([rated[e.id][0] for e in shown]),
            ring([rated[e.id][2] for e in shown]),
            color="#9ecae1",
            alpha=0.6,
            label="middle half of ratings",
        )
        axes.plot(loop, ring([rated[e.id][1] for e in shown]), color="#08519c", linewidth=2, marker="o", label="median")
        axes.set_xticks(angles)
        axes.set_xticklabels([e.short for e in shown], fontsize=8)
        axes.legend(loc="lower right", bbox_to_anchor=(1.15, -0.12), fontsize=8)
    else:
        axes.set_xticks([])
        axes.text(0, 0, "Too few ratings to draw", ha="center", va="center")
    axes.set_ylim(scale.lowest - 0.5, scale.highest)
    axes.set_yticks(list(scale.values))
    axes.set_yticklabels([str(v) for v in scale.values], fontsize=7, color="#333333")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def image_html(png: bytes, alt: str, css: str = "smlkit-chart") -> str:
    """An ``<img>`` carrying the chart, with its text alternative (escaped)."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{escape(css)}" src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def change_png(labels: Sequence[str], changes: Sequence[Change], scale: Scale) -> bytes:
    """Each element's median in the baseline (grey) and this round (blue), joined by a line."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 0.32 * len(changes) + 1.2), dpi=90)
    axes = figure.add_subplot()
    rows = list(range(len(changes)))[::-1]
    for y, change in zip(rows, changes, strict=True):
        if change.before is not None and change.after is not None:
            axes.plot([change.before, change.after], [y, y], color="#6f777b", linewidth=1.5)
        if change.before is not None:
            axes.plot(change.before, y, "o", color="#b1b4b6", markersize=7)
        if change.after is not None:
            axes.plot(change.after, y, "o", color="#08519c", markersize=7)
    axes.plot([], [], "o", color="#b1b4b6", label="baseline")
    axes.plot([], [], "o", color="#08519c", label="this round")
    axes.set_yticks(rows)
    axes.set_yticklabels(labels, fontsize=8)
    axes.set_xlim(scale.lowest - 0.3, scale.highest + 0.3)
    axes.set_xticks(list(scale.values))
    axes.set_xticklabels([f"{lv.value} {lv.label}" for lv in scale.levels], fontsize=8)
    axes.grid(axis="x", color="#e8e8e8")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=8, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
