"""Results as HTML for a projected wall: tables with bars, top terms, the list of answers.

Built only from escaped parts (:func:`smlkit.ui.kit.forms.escape`). Every chart is a real
table whose numbers are text, so it needs no image and no separate text alternative;
the bars are decoration (``aria-hidden``). Used by the wall and reusable by any room
view (the scenario debrief shows choices with :func:`tally_html`).
"""

from __future__ import annotations

from collections.abc import Sequence

from smlkit.ui.kit.forms import escape, paragraphs
from smlkit.wall.board import Entry
from smlkit.wall.prompts import Prompt
from smlkit.wall.tally import Breakdown, Tally


def _count(n: int, one: str = "answer", many: str = "answers") -> str:
    return f"{n} {one if n == 1 else many}"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _bar(share: float) -> str:
    width = max(0.0, min(1.0, share)) * 100
    return f'<span class="smlkit-bar" aria-hidden="true" style="width: {width:.1f}%"></span>'


def _bars_table(caption: str, tally: Tally, first_column: str) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(bar.label)}</th>'
        f'<td class="smlkit-bar-cell">{_bar(bar.share)}</td>'
        f'<td class="smlkit-num">{bar.count}</td><td class="smlkit-num">{_percent(bar.share)}</td></tr>'
        for bar in tally.bars
    )
    return (
        f'<table class="smlkit-results"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(first_column)}</th><th scope="col"><span class="smlkit-visually-hidden">'
        'Bar</span></th><th scope="col">Number</th><th scope="col">Share</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def tally_html(prompt: Prompt, tally: Tally) -> str:
    """The room's answers to ``prompt`` summed up, as HTML."""
    if tally.n == 0:
        return '<p class="smlkit-results-empty">No answers yet.</p>'
    if tally.kind == "scale":
        low, high = prompt.points[0].value, prompt.points[-1].value
        mean = "" if tally.mean is None else f"Average {tally.mean:.1f} on a scale of {low} to {high}. "
        caption = f"{mean}How many chose each point ({_count(tally.n)})."
        return _bars_table(caption, tally, "Point on the scale")
    if tally.kind in ("single", "multiple"):
        extra = (
            " People could choose more than one, so shares add up to more than 100%."
            if tally.kind == "multiple"
            else ""
        )
        return _bars_table(
            f"How many chose each option ({_count(tally.n, 'person', 'people')}).{extra}", tally, "Option"
        )
    if tally.kind == "ranking":
        rows = "".join(
            f'<tr><td class="smlkit-num">{place}</td><th scope="row">{escape(r.option)}</th>'
            f'<td class="smlkit-num">{r.average:.1f}</td><td class="smlkit-num">{r.firsts}</td></tr>'
            for place, r in enumerate(tally.ranked, start=1)
        )
        return (
            f'<table class="smlkit-results"><caption>The room\'s order, by average position '
            f"(1 is first; {_count(tally.n, 'ranking', 'rankings')}).</caption>"
            '<thead><tr><th scope="col">Place</th><th scope="col">Option</th><th scope="col">Average position</th>'
            '<th scope="col">Put first by</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    return terms_html(tally)


def terms_html(tally: Tally) -> str:
    """The most used words, larger the more answers use them (a word cloud that a screen reader can read)."""
    if not tally.terms:
        return f'<p class="smlkit-note">{_count(tally.n)} shown; no word is used often enough to list yet.</p>'
    top = tally.terms[0][1]
    items = "".join(
        f'<li class="smlkit-term smlkit-term-{1 + round(3 * count / top)}">{escape(term)} '
        f'<span class="smlkit-term-count">({count})</span></li>'
        for term, count in tally.terms
    )
    return (
        f'<div class="smlkit-terms-box"><h3 class="smlkit-terms-title">Words used most '
        f"(by number of answers using them; {_count(tally.n)} shown)</h3>"
        f'<ul class="smlkit-terms">{items}</ul></div>'
    )


def answers_html(entries: Sequence[Entry]) -> str:
    """The shown free-text answers, numbered as in the moderation list, with the name if given under one."""
    if not entries:
        return ""
    items = []
    for entry in entries:
        who = entry.answer.name
        by = f'<p class="smlkit-answer-by">{escape(who)}</p>' if who else ""
        items.append(
            f'<li class="smlkit-answer" value="{entry.number}">'
            f'<p class="smlkit-answer-text">{paragraphs(entry.text)}</p>{by}</li>'
        )
    return f'<h3 class="smlkit-answers-title">Answers</h3><ol class="smlkit-answer-list">{"".join(items)}</ol>'


def _group_cell(prompt: Prompt, tally: Tally) -> str:
    if tally.kind == "scale" and tally.mean is not None:
        spread = ", ".join(f"{b.label.split(' – ', 1)[0]}: {b.count}" for b in tally.bars)
        return f'Average {tally.mean:.1f} <span class="smlkit-note">({escape(spread)})</span>'
    if tally.kind in ("single", "multiple"):
        ranked = sorted(tally.bars, key=lambda b: -b.count)
        return "; ".join(f"{escape(b.label)}: {b.count}" for b in ranked if b.count)
    if tally.kind == "ranking" and tally.ranked:
        return "Ranked first on average: " + escape(tally.ranked[0].option)
    return ""


def breakdown_html(prompt: Prompt, result: Breakdown) -> str:
    """A breakdown by role or department; a hidden group shows neither its answers nor its count."""
    label = "Role" if result.dimension == "role" else "Department"
    rows = "".join(
        f'<tr><th scope="row">{escape(g.group)}</th><td class="smlkit-num">{g.n}</td>'
        f"<td>{_group_cell(prompt, g.tally)}</td></tr>"
        for g in result.shown
        if g.tally is not None
    )
    table = (
        f'<table class="smlkit-results smlkit-breakdown"><caption>Answers by {escape(label.lower())}</caption>'
        f'<thead><tr><th scope="col">{label}</th><th scope="col">Answers</th><th scope="col">Result</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        if rows
        else f'<p class="smlkit-note">No {escape(label.lower())} has enough answers to show on its own yet.</p>'
    )
    hidden = result.hidden_names
    note = ""
    if hidden:
        note = (
            f'<p class="smlkit-note smlkit-suppressed">Not shown, to protect privacy: {escape(", ".join(hidden))}. '
            f"A group is hidden when fewer than {result.minimum} people in it have answered, and sometimes a "
            "larger one is hidden too, so that a small group cannot be worked out by subtraction.</p>"
        )
    return table + note
