"""The sample agreements a room is shown: the ones its track (primary or secondary) names.

Samples are synthetic, shipped in ``data/agreements/``; each is shown read-only in a
disclosure (``<details>``), so a participant can look at one and close it again.
"""

from __future__ import annotations

from smlkit import library as content
from smlkit.agreements.files import yaml_json as agreement_files
from smlkit.agreements.model import LearningAgreement
from smlkit.course.programme import Track
from smlkit.errors import SmlkitError
from smlkit.ui.agreements.room import agreement_html
from smlkit.ui.kit.forms import escape


def samples_for(track: Track) -> list[tuple[str, LearningAgreement]]:
    """(sample id, agreement) for each sample the track names that loads; a broken file is left out."""
    paths = {path.stem: path for path in content.sample_agreement_paths()}
    found = []
    for sample_id in track.sample_agreements:
        if sample_id not in paths:
            continue
        try:
            found.append((sample_id, agreement_files.load(paths[sample_id])))
        except SmlkitError:
            continue
    return found


def samples_html(track: Track) -> str:
    samples = samples_for(track)
    if not samples:
        return ""
    items = []
    for _sample_id, agreement in samples:
        about = agreement.sample.description if agreement.sample else agreement.learner.describe()
        items.append(
            f'<details class="smlkit-sample"><summary>{escape(about)}</summary>'
            f"{agreement_html(agreement, [], agreement.learner.name or 'Sample')}</details>"
        )
    return (
        f'<h2 class="smlkit-agreement-heading">Examples for {escape(track.title)}</h2>'
        "<p>Made-up agreements to look at before or after you write your own: what a pupil of this age "
        "might write, and what a member of staff might. Open one to read it.</p>" + "".join(items)
    )
