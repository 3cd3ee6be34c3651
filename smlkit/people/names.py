"""How participants appear: a name they choose, a suggested pseudonym, or nothing (anonymous).

Pure core: checking a chosen name and offering pseudonyms.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable

from smlkit.errors import ValidationError
from smlkit.wall.moderation import CONFUSABLES

MAX_NAME = 40
ANONYMOUS = "Anonymous"

#: Where a participant's chosen name lives in the store: a record of this kind and key,
#: ``{"name": "..."}`` or ``{"name": None}`` for anonymous.
PROFILE_KIND = "profile"
PROFILE_KEY = "me"

_QUALITIES = (
    "Amber",
    "Bright",
    "Calm",
    "Curious",
    "Gentle",
    "Hazel",
    "Keen",
    "Lively",
    "Misty",
    "Nimble",
    "Quiet",
    "Rapid",
    "Silver",
    "Steady",
    "Sunny",
    "Swift",
    "Thoughtful",
    "Willow",
)
_CREATURES = (
    "Badger",
    "Curlew",
    "Dormouse",
    "Finch",
    "Hare",
    "Heron",
    "Kestrel",
    "Kingfisher",
    "Lapwing",
    "Otter",
    "Owl",
    "Plover",
    "Robin",
    "Skylark",
    "Stoat",
    "Swallow",
    "Vole",
    "Wren",
)


def clean_display_name(raw: str | None, field: str = "name") -> str:
    """A name as it will be shown: trimmed, single-spaced, printable, at most MAX_NAME characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if not text:
        raise ValidationError("Enter the name you want to be known by, or choose to stay anonymous", field=field)
    if len(text) > MAX_NAME:
        raise ValidationError(
            f"The name is {len(text)} characters long; use {MAX_NAME} characters or fewer", field=field
        )
    return text


def pseudonyms(seed: str, count: int = 6) -> list[str]:
    """A few friendly pseudonyms, the same ones for the same seed."""
    rng = random.Random(seed)
    chosen: list[str] = []
    while len(chosen) < count:
        name = f"{rng.choice(_QUALITIES)} {rng.choice(_CREATURES)}"
        if name not in chosen:
            chosen.append(name)
    return chosen


def shown_as(name: str | None) -> str:
    """What others see for a participant: their chosen name, or 'Anonymous'."""
    return name if name else ANONYMOUS


def name_key(name: str) -> str:
    """A name as compared with others: case, spacing, accents and look-alike letters ignored.

    "Sam", " sam ", "SAM" and "Ѕam" (a Cyrillic Ѕ) are one name to the people reading the wall.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(CONFUSABLES)
    return " ".join(text.split())


def taken_name_error(name: str, holder: str, field: str = "name") -> ValidationError:
    return ValidationError(
        f"Someone else in the room is already using the name '{holder}' today, so your answers could be "
        "taken for theirs: choose another (add an initial, or pick one of the suggested pseudonyms)",
        field=field,
    )


def told_apart(named: Iterable[tuple[str, str | None]]) -> dict[str, str | None]:
    """Participant id → name shown, with a later holder of the same name marked "Sam (2)".

    ``named`` is (participant id, chosen name) in the order the names were taken. Two people
    can end up with one name only by racing each other or from data older than the rule.
    """
    seen: dict[str, int] = {}
    shown: dict[str, str | None] = {}
    for participant_id, name in named:
        if not name:
            shown[participant_id] = name
            continue
        key = name_key(name)
        seen[key] = seen.get(key, 0) + 1
        shown[participant_id] = name if seen[key] == 1 else f"{name} ({seen[key]})"
    return shown
