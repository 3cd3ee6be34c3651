"""The explorer's charts: matplotlib images, each shown with a text alternative saying what it shows."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence

from ..review import Element
from ..review_analysis import Summary
from ..review_scale import Scale
from .forms import escape


def radar_png(elements: Sequence[Element], whole: Mapping[str, Summary], scale: Scale) -> bytes:
    """Median per element round a circle, with the middle half of the ratings shaded."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no backend switch

    shown = [e for e in elements if whole[e.id].rated]
    figure = Figure(figsize=(7.5, 7.5), dpi=90)
    axes = figure.add_subplot(projection="polar")
    if len(shown) >= 3:
        angles = [2 * math.pi * i / len(shown) for i in range(len(shown))]
        loop = [*angles, angles[0]]

        def ring(values):
            return [*values, values[0]]

        axes.fill_between(
            loop,
            ring([whole[e.id].low for e in shown]),
            ring([whole[e.id].high for e in shown]),
            color="#9ecae1",
            alpha=0.6,
            label="middle half of ratings",
        )
        axes.plot(
            loop, ring([whole[e.id].median for e in shown]), color="#08519c", linewidth=2, marker="o", label="median"
        )
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
