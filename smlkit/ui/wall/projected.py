"""The presenter view's HTML: big charts, the word cloud, answer cards and the join panel.

Built only from escaped parts (:func:`smlkit.ui.kit.forms.escape`), from a
:class:`smlkit.wall.projection.Projection` (which holds only what the room may see). Every
chart is text first: each bar's label, number and share are written out, and the bars
themselves are decoration (``aria-hidden``), so the chart and its text alternative are one.
Sizes come from the stylesheet (``.smlkit-presenter`` in ``sml.css``), in type large enough
for the back of a room.
"""

from __future__ import annotations

import base64
import re

from smlkit.ui.kit.forms import escape, paragraphs
from smlkit.wall.join import JoinAddress, qr_svg
from smlkit.wall.projection import Card, Projection, Word
from smlkit.wall.prompts import Prompt
from smlkit.wall.tally import Tally

P = "smlkit-presenter"
HIDDEN = '<span class="smlkit-visually-hidden">{}</span>'


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _bar(share: float) -> str:
    width = max(0.0, min(1.0, share)) * 100
    width = max(width, 1.0) if width > 0 else 0.0  # a share above nothing stays visible; nothing draws nothing
    return (
        f'<span class="{P}-track" aria-hidden="true"><span class="{P}-bar" style="width: {width:.1f}%"></span></span>'
    )


# -- the question and the live count -------------------------------------------------------------


def question_html(projection: Projection) -> str:
    prompt = projection.prompt
    if prompt is None:
        return f'<h2 class="{P}-question">Waiting for the first question</h2>'
    again = f" · round {projection.round}" if projection.round > 1 else ""
    state = "open" if projection.is_open else "closed"
    words = "Open for answers" if projection.is_open else "Answering closed"
    return (
        f'<p class="{P}-meta">{escape(prompt.theme)}</p>'
        f'<h2 class="{P}-question">{escape(prompt.text)}</h2>'
        f'<p class="{P}-state {P}-{state}">{words}{again}</p>'
    )


def count_html(projection: Projection) -> str:
    if projection.prompt is None:
        return ""
    n = projection.received
    return (
        f'<p class="{P}-count"><span class="{P}-count-number">{n}</span> {"answer" if n == 1 else "answers"} so far</p>'
    )


# -- results ------------------------------------------------------------------------------------------


def results_html(projection: Projection) -> str:
    prompt, summary = projection.prompt, projection.tally
    if prompt is None:
        return ""
    if not projection.revealed or summary is None:
        return f'<p class="{P}-waiting">The results appear here when the facilitator reveals them.</p>'
    if summary.n == 0:
        return f'<p class="{P}-waiting">No answers to show yet.</p>'
    if summary.kind in ("scale", "single", "multiple"):
        return _bars_chart(prompt, summary)
    if summary.kind == "ranking":
        return _ranking_chart(prompt, summary)
    return words_html(projection.words, summary.n) + cards_html(projection.cards, projection.more)


def _bars_chart(prompt: Prompt, summary: Tally) -> str:
    if summary.kind == "scale":
        low, high = prompt.points[0].value, prompt.points[-1].value
        mean = "" if summary.mean is None else f" Average {summary.mean:.1f} on a scale of {low} to {high}."
        caption = f"How many chose each point ({_count(summary.n, 'answer', 'answers')}).{mean}"
    else:
        more = " Each person could choose more than one." if summary.kind == "multiple" else ""
        caption = f"How many chose each option ({_count(summary.n, 'person', 'people')}).{more}"
    rows = "".join(
        f'<li class="{P}-row"><span class="{P}-label">{escape(bar.label)}</span>{HIDDEN.format(": ")}'
        f"{_bar(bar.share)}"
        f'<span class="{P}-value">{bar.count}{HIDDEN.format(",")} <span class="{P}-share">'
        f"{round(bar.share * 100)}%</span></span></li>"
        for bar in summary.bars
    )
    return (
        f'<figure class="{P}-chart"><figcaption class="{P}-caption">{escape(caption)}</figcaption>'
        f'<ul class="{P}-bars">{rows}</ul></figure>'
    )


def _ranking_chart(prompt: Prompt, summary: Tally) -> str:
    k = len(prompt.options)
    rows = "".join(
        f'<li class="{P}-row"><span class="{P}-label">{escape(r.option)}</span>{HIDDEN.format(": ")}'
        f"{_bar((k - r.average) / (k - 1) if k > 1 else 1.0)}"
        f'<span class="{P}-value">average place {r.average:.1f}, first for {r.firsts}</span></li>'
        for r in summary.ranked
    )
    caption = (
        f"The room's order, by average place (1 is first; {_count(summary.n, 'ranking', 'rankings')}). "
        "The longer the bar, the higher the room put it."
    )
    return (
        f'<figure class="{P}-chart"><figcaption class="{P}-caption">{escape(caption)}</figcaption>'
        f'<ol class="{P}-bars {P}-ranking">{rows}</ol></figure>'
    )


def words_html(words: tuple[Word, ...], shown: int) -> str:
    """The words used most, larger the more answers use them: a word cloud a screen reader reads as a list."""
    answers = _count(shown, "answer", "answers")
    if not words:
        return f'<p class="{P}-waiting">{answers} shown; no word is used often enough to list yet.</p>'
    items = "".join(
        f'<li class="{P}-word {P}-word-{w.level}">{escape(w.text)} <span class="{P}-word-count">({w.count})</span></li>'
        for w in words
    )
    return (
        f'<figure class="{P}-cloud"><figcaption class="{P}-caption">Words used most, commonest first '
        f"(in brackets: how many answers use each; {answers} shown)</figcaption>"
        f'<ol class="{P}-words">{items}</ol></figure>'
    )


def cards_html(cards: tuple[Card, ...], more: int = 0) -> str:
    if not cards:
        return ""
    items = "".join(
        f'<li class="{P}-card"><p class="{P}-card-text">{paragraphs(c.text)}</p>'
        + (f'<p class="{P}-card-by">{escape(c.name)}</p>' if c.name else "")
        + "</li>"
        for c in cards
    )
    earlier = f'<p class="{P}-more">And {_count(more, "earlier answer", "earlier answers")}.</p>' if more else ""
    return f'<h3 class="{P}-cards-title">Answers</h3><ul class="{P}-cards">{items}</ul>{earlier}'


# -- joining --------------------------------------------------------------------------------------------


def qr_image(url: str, alt: str) -> str:
    """The QR code of ``url`` as an image drawn on this machine (a data: address), with ``alt`` as its text."""
    data = base64.b64encode(qr_svg(url).encode("ascii")).decode("ascii")
    return f'<img class="{P}-qr" src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'


def breakable(url: str) -> str:
    """``url`` escaped, with places to break the line after each path's ``/`` and before ``?`` and ``&``."""
    marked = re.sub(r"(?<!/)/(?!/)", "/<wbr>", escape(url))
    return marked.replace("?", "<wbr>?").replace("&amp;", "<wbr>&amp;").replace("<wbr><wbr>", "<wbr>")


def join_html(address: JoinAddress | None) -> str:
    """How the room joins: the address and its QR code; on a server only on this computer, what to do."""
    if address is None:
        return (
            f'<div class="{P}-join-box"><h2 class="{P}-join-title">Join</h2>'
            f'<p class="{P}-join-note">Open the workbook at the address the facilitator gives you, then '
            "“Answer the room's questions”.</p></div>"
        )
    url = breakable(address.url)
    if address.room_can_join:
        return (
            f'<div class="{P}-join-box"><h2 class="{P}-join-title">Join on your phone or laptop</h2>'
            + qr_image(address.url, f"QR code of the join address {address.url}")
            + f'<p class="{P}-address">{url}</p>'
            f'<p class="{P}-join-note">Then open “Answer the room\'s questions”.</p></div>'
        )
    return (
        f'<div class="{P}-join-box {P}-local"><h2 class="{P}-join-title">This computer only</h2>'
        + qr_image(address.url, f"QR code of the address {address.url}, which only this computer can open")
        + f'<p class="{P}-address">{url}</p>'
        f'<p class="{P}-warning">The room cannot join yet: this server is only on this computer. Start it '
        f"with <code>--host 0.0.0.0</code> to share it with the room.</p></div>"
    )
