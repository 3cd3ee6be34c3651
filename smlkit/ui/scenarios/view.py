"""HTML for the parts of a scenario: the group, the moment, feedback, an ending, the room's choices.

Everything here is built from escaped parts (``forms.escape`` / ``forms.paragraphs``):
scenario files are written by facilitators and answers by participants, and neither may
reach the page as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from smlkit.scenarios.debrief import DecisionSummary
from smlkit.scenarios.files import Library
from smlkit.scenarios.model import OUTCOME_WORDS, Ending, Node, Option, Principles, Progress, Scenario
from smlkit.text import are, counted
from smlkit.ui.kit.forms import escape, paragraphs


def _paras(text: str) -> str:
    return "".join(f"<p>{paragraphs(part)}</p>" for part in text.split("\n\n") if part.strip())


def principle_tags(option: Option, principles: Principles) -> str:
    """ "Honours: …" and "Breaks: …" tags, worded so colour is never the only signal."""
    tags = [
        f'<span class="smlkit-principle smlkit-honours">Honours: {escape(principles.name(p))}</span>'
        for p in option.honours
    ]
    tags += [
        f'<span class="smlkit-principle smlkit-breaks">Breaks: {escape(principles.name(p))}</span>'
        for p in option.breaks
    ]
    return " ".join(tags)


def scenario_card(scenario: Scenario, progress: Progress | None) -> str:
    """The summary shown when a scenario is selected in the list."""
    audience = ", ".join(
        {"staff": "staff", "facilitator": "facilitators", "head": "heads"}.get(a, a) for a in scenario.audience
    )
    status = "Not started yet."
    if progress is not None and (progress.path or progress.endings or progress.asked):
        status = (
            f"You have reached {len(progress.endings)} of {len(scenario.endings)} endings."
            if progress.endings
            else "You have started this scenario."
        )
    return (
        '<div class="smlkit-panel smlkit-scenario-card">'
        f"<h3>{escape(scenario.title)}</h3>"
        f"<p>{escape(scenario.summary)}</p>"
        f'<p class="smlkit-note">For {escape(audience)}. {escape(status)}</p>'
        "</div>"
    )


def context_block(scenario: Scenario, *, open_: bool) -> str:
    members = "".join(
        f"<li><strong>{escape(m.name)}</strong>"
        + (f" ({escape(m.described)})" if m.described else "")
        + f": {escape(m.agreement)}</li>"
        for m in scenario.context.members
    )
    return (
        f'<details class="smlkit-scenario-context"{" open" if open_ else ""}>'
        "<summary>The group and the situation</summary>"
        f"<p>{escape(scenario.context.group)}</p>"
        '<h3 class="smlkit-small-heading">Members and their agreements</h3>'
        f'<ul class="smlkit-members">{members}</ul>'
        '<h3 class="smlkit-small-heading">The situation</h3>'
        f"{_paras(scenario.situation)}"
        "</details>"
    )


def path_block(scenario: Scenario, progress: Progress, principles: Principles) -> str:
    if not progress.path:
        return ""
    items = []
    for choice in progress.path:
        node = scenario.node(choice.node)
        if node is None:
            continue
        option = node.options[choice.option]
        items.append(
            f"<li><strong>{escape(node.short_label)}.</strong> You chose: {escape(option.text)} "
            f"{principle_tags(option, principles)}</li>"
        )
    return f'<h3>Your path so far</h3><ol class="smlkit-path">{"".join(items)}</ol>'


def feedback_block(option: Option, principles: Principles, focus_token: str = "") -> str:
    """The feedback on the choice just made; ``focus_token`` asks the page to move focus here."""
    focus = f' data-smlkit-focus="{escape(focus_token)}"' if focus_token else ""
    named = [*option.honours, *option.breaks]
    about = "".join(
        f"<li><strong>{escape(principles.name(p))}.</strong> {escape(principles.get(p).summary)}</li>"
        for p in named
        if p in principles.ids
    )
    return (
        f'<div class="smlkit-feedback" tabindex="-1"{focus}>'
        "<h3>Feedback on your choice</h3>"
        f'<p class="smlkit-you-chose"><span class="smlkit-label">You chose:</span> {escape(option.text)}</p>'
        f'<p class="smlkit-principles">{principle_tags(option, principles)}</p>'
        f"{_paras(option.feedback)}"
        f"<details><summary>About {'this principle' if len(named) == 1 else 'these principles'}</summary>"
        f"<ul>{about}</ul></details>"
        "</div>"
    )


def node_block(node: Node, *, first: bool, said: str | None = None) -> str:
    heading = "What happens" if first else "What happens next"
    you_said = ""
    if said:
        you_said = (
            '<div class="smlkit-you-said"><p class="smlkit-note">You said:</p>'
            f"<blockquote>{paragraphs(said)}</blockquote></div>"
        )
    return f'<div class="smlkit-moment"><h3>{heading}</h3>{_paras(node.text)}{you_said}</div>'


def ending_block(scenario: Scenario, ending: Ending, progress: Progress, focus_token: str = "") -> str:
    focus = f' data-smlkit-focus="{escape(focus_token)}" tabindex="-1"' if focus_token else ""
    outcome = OUTCOME_WORDS.get(ending.outcome, "")
    reached = [scenario.ending(e) for e in progress.endings]
    titles = ", ".join(f"“{escape(e.title)}”" for e in reached if e is not None)
    count = f"You have reached {len(progress.endings)} of {len(scenario.endings)} endings"
    return (
        f'<div class="smlkit-ending smlkit-outcome-{escape(ending.outcome or "none")}"{focus}>'
        f"<h3>Ending: {escape(ending.title)}</h3>"
        + (f'<p class="smlkit-outcome">This is {escape(outcome)}.</p>' if outcome else "")
        + _paras(ending.text)
        + "<h4>To think about</h4>"
        + _paras(ending.debrief)
        + f'<p class="smlkit-note">{count}: {titles}. Go back a step to try another response.</p>'
        "</div>"
    )


def choices_table(summary: DecisionSummary, principles: Principles, minimum: int) -> str:
    """The room's first choices at one decision point: every response's count, or a note while too few chose."""
    node = summary.node
    head = f"<h3>{escape(node.short_label)}</h3>{_paras(node.text)}"
    if summary.suppressed:
        return (
            f'<section class="smlkit-room-choice">{head}<p class="smlkit-note">Fewer than {minimum} people have '
            "chosen here so far, so how the room chose is not shown yet.</p></section>"
        )
    rows = []
    for share in summary.options:
        label = f'<th scope="row">{escape(share.option.text)}</th><td>{principle_tags(share.option, principles)}</td>'
        percent = round((share.share or 0) * 100)
        rows.append(
            f"<tr>{label}<td>{share.n}</td>"
            f'<td><span class="smlkit-choice-bar" aria-hidden="true"><span style="width:{percent}%"></span></span> '
            f"{percent}%</td></tr>"
        )
    return (
        f'<section class="smlkit-room-choice">{head}<table class="smlkit-choice-table">'
        f"<caption>First choices at this point: {summary.total} people</caption>"
        '<thead><tr><th scope="col">Response</th><th scope="col">Principles</th>'
        '<th scope="col">People</th><th scope="col">Share</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def endings_list(endings: Sequence[Ending]) -> str:
    return ", ".join(f"“{escape(e.title)}”" for e in endings)


def facilitator_note(library: Library) -> str:
    """Where the list comes from, and which files were left out and why (shown to the facilitator only)."""
    folders = "".join(f"<li><code>{escape(f)}</code></li>" for f in library.folders)
    note = (
        '<div class="smlkit-panel"><h3>For the facilitator</h3>'
        f"<p>This list is read from these folders each time the page opens:</p><ul>{folders}</ul>"
        "<p>To add a scenario, put a new file in one of them and check it with "
        "<code>smlkit scenarios check</code>.</p>"
    )
    if library.problems:
        problems = "".join(f"<li>{escape(p)}</li>" for p in library.problems)
        note += (
            f"<p><strong>{counted(len(library.left_out), 'file')} {are(len(library.left_out))} left out of the list "
            f"because of problems:</strong></p><ul>{problems}</ul>"
        )
    return note + "</div>"
