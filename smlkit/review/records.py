"""How the self-review is kept in the store, and read back for the explorer and the day's record.

Record kinds (every save is a new version):

* ``review-rating`` — a member of staff's sheet, key = round id, theirs (erasable);
* ``review-round`` — a round (name, date, scale), room-wide, key = round id;
* ``review-leadership`` — the leadership team's agreed view, room-wide, key = round id;
* ``review-notes`` — the team's notes on one element, room-wide, key = ``<round>/<element>``;
* ``review-plan`` — the action plan, room-wide, key = round id.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from smlkit import library as content
from smlkit.errors import SmlkitError
from smlkit.people.releases import Version, latest_release
from smlkit.review.analysis import Dataset
from smlkit.review.instrument import LEADERSHIP, STAFF, Instrument, Round, School, Sheet, check_sheet, round_from_data
from smlkit.review.plan import ActionPlan, plan_from_data
from smlkit.review.sample import ROUNDS, sample_round
from smlkit.review.scale import Scale
from smlkit.storage.store import Draft, Store

log = logging.getLogger("smlkit.review.instrument")

RATING = "review-rating"
ROUND = "review-round"
LEADERSHIP_KIND = "review-leadership"
NOTES = "review-notes"
PLAN = "review-plan"
DEFAULT_ROUND = "workshop"


def workshop_rounds(store: Store) -> list[Round]:
    """The rounds held in this store, oldest first (broken records are skipped)."""
    found = []
    for record in store.latest_each(ROUND):
        try:
            found.append(round_from_data(record.data))
        except (KeyError, TypeError, ValueError):
            log.warning("skipping a review round record that is not in the expected form: %s", record.key)
    return sorted(found, key=lambda r: (r.date, r.id))


def current_round(store: Store, school: School) -> Round:
    """The newest open round; the first visit of the day opens the default one."""
    open_rounds = [r for r in workshop_rounds(store) if r.open]
    if open_rounds:
        return open_rounds[-1]
    made = Round(DEFAULT_ROUND, "Workshop round", date.today().isoformat(), school.scale, open=True)
    # The same save id from every kernel: two people arriving at once open it once.
    store.save(ROUND, made.id, made.as_data(), save_id=f"{ROUND}-{made.id}-first")
    return made


def open_round(store: Store, made: Round, existing: list[Round], attempt: str) -> None:
    """Open a new round and close the others, together (so staff rate in exactly one)."""
    drafts = [Draft(ROUND, made.id, made.as_data(), save_id=f"{attempt}-round")]
    for r in existing:
        if r.open:
            closed = Round(r.id, r.name, r.date, r.scale, open=False)
            drafts.append(Draft(ROUND, r.id, closed.as_data(), save_id=f"{attempt}-close-{r.id}"))
    store.save_all(drafts)


def sheet_from_record(instrument: Instrument, scale: Scale, school: School, data: Any, view: str) -> Sheet | None:
    """A stored sheet, checked again (a hand-edited store cannot smuggle in bad figures)."""
    if not isinstance(data, dict):
        return None
    try:
        sheet, problems = check_sheet(instrument, scale, school, data, view=view)
    except SmlkitError:
        return None
    return None if problems else sheet


def dataset(store: Store, chosen: Round, instrument: Instrument, scale: Scale, school: School) -> Dataset:
    """Staff sheets in a round, released in blocks of the minimum group (see :mod:`releases`), and
    the leadership view. A head who looks before and after one more person rates sees the same
    figures, so that person's sheet cannot be worked out by comparing them."""
    histories: dict[str, list[Version[Sheet]]] = {}
    for record in store.all_of(RATING, chosen.id):
        sheet = sheet_from_record(instrument, scale, school, record.data, STAFF)
        if sheet is None or record.participant_id is None:
            log.warning("skipping a review sheet that no longer checks (record %s)", record.id)
        else:
            histories.setdefault(record.participant_id, []).append(Version(record.created_at, sheet))
    release = latest_release(histories, school.minimum)
    lead = store.latest(LEADERSHIP_KIND, chosen.id)
    leadership = sheet_from_record(instrument, scale, school, lead.data, LEADERSHIP) if lead else None
    return Dataset(chosen, tuple(release.values.values()), leadership, waiting=release.waiting)


def all_rounds(store: Store | None) -> list[Round]:
    """Rounds to choose from in the explorer: this workshop's, then the sample school's."""
    return [*(workshop_rounds(store) if store is not None else []), *ROUNDS]


def load_dataset(store: Store | None, chosen: Round) -> Dataset:
    instrument, school = content.review_instrument(), content.review_school()
    scale = content.review_scale(chosen.scale)
    if chosen in ROUNDS:
        return sample_round(instrument, school, scale, chosen)
    if store is None:
        return Dataset(chosen, ())
    return dataset(store, chosen, instrument, scale, school)


def notes(store: Store, round_id: str, element: str) -> str:
    record = store.latest(NOTES, f"{round_id}/{element}")
    text = record.data.get("notes") if record else ""
    return text if isinstance(text, str) else ""


def notes_for_round(store: Store | None, round_id: str) -> dict[str, str]:
    """The team's latest notes on each element in one round (elements with notes only)."""
    found = {}
    for record in store.latest_each(NOTES) if store is not None else []:
        data = record.data if isinstance(record.data, dict) else {}
        if data.get("round") == round_id and isinstance(data.get("notes"), str) and data["notes"].strip():
            found[str(data.get("element"))] = data["notes"]
    return found


def save_notes(store: Store, round_id: str, element: str, text: str, save_id: str) -> None:
    store.save(NOTES, f"{round_id}/{element}", {"round": round_id, "element": element, "notes": text}, save_id=save_id)


def plan(store: Store | None, instrument: Instrument, round_id: str) -> ActionPlan:
    record = store.latest(PLAN, round_id) if store is not None else None
    return plan_from_data(instrument, record.data if record else None, round_id)


def save_plan(store: Store, action_plan: ActionPlan, save_id: str) -> None:
    store.save(PLAN, action_plan.round, action_plan.as_data(), save_id=save_id)


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every member of staff's latest self-review sheet, one row each, for the day's record.

    Only the role and department the person chose are given (and the participant id,
    so an erasure request can find the row); the review asks nothing else about them.
    """
    rows: list[dict[str, Any]] = []
    for record in store.latest_each(RATING):
        data = record.data if isinstance(record.data, dict) else {}
        stored = data.get("ratings")
        ratings: dict[str, Any] = stored if isinstance(stored, dict) else {}
        rows.append(
            {
                "participant id": record.participant_id,
                "round": record.key,
                "role": data.get("role", ""),
                "department": data.get("department", ""),
                "saved at (UTC)": record.created_at.strftime("%Y-%m-%d %H:%M"),
                "versions": len(store.history(RATING, record.key, record.participant_id)),
                **{
                    element: (value.get("level") if isinstance(value, dict) else None)
                    for element, value in ratings.items()
                },
                "evidence notes": {
                    element: value["evidence"]
                    for element, value in ratings.items()
                    if isinstance(value, dict) and value.get("evidence")
                }
                or "",
            }
        )
    return rows
