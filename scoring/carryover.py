"""Answers the call before booking already gave, carried into the full check.

The catalogue (revision 2, §16.4) carries no answer between the two paths "unless they are the same
question". These pairs are the same question: the red-flag item and the detailed item ask about one
criterion, at the same stage, with the same polarity (yes is the careful answer in both). Nothing
else is carried: a promise in the call ("will the intake cover ...") is not what the full check
asks after the intake ("did the provider ask ..."), and an answer that only implies another is not
the same question. "I don't know" is not carried either: the full check is the chance to clear it.

The instruments are not changed (no content hash moves): a carried answer is an ordinary answer to
the detailed item, filled in for the person, shown as answered and theirs to change.
"""

from __future__ import annotations

SOURCE = "red-flags"

# (red-flag item, instrument, item): the same question, asked in both places
SAME_QUESTION: tuple[tuple[str, str, str], ...] = (
    ("rf_sober", "staffing", "st_line_of_sight"),  # ST-13: a sober person sees and hears you, breaks covered
    ("rf_no_sexual_contact", "boundaries", "bnd_commits_no_sexual"),  # BND-13: the guide's commitment
    ("rf_track_record", "claims", "clm_references"),  # CLM-14: references or a professional body named
    ("rf_emergency_call", "aftercare", "aft_emergency_call"),  # AFT-11: emergency services called at once
)
CARRIED_VALUES = ("yes", "no")


def implied(answers: dict[str, dict]) -> dict[tuple[str, str], tuple[object, str]]:
    """(instrument, item) -> (answer, red-flag item) for every detailed item whose question the call
    answered, among the instruments present in ``answers``."""
    source = answers.get(SOURCE) or {}
    return {(iid, item): (source[rf], rf) for rf, iid, item in SAME_QUESTION
            if iid in answers and source.get(rf) in CARRIED_VALUES}


def carry(answers: dict[str, dict], carried: dict[str, object]) -> dict[str, object]:
    """Fill in, in place, the detailed answers the call gave, and return the new record of what was
    carried ("instrument/item" -> answer). ``carried`` is the record from the run before: an answer
    still as it was carried follows the call's answer when that changes (and goes when the call's
    answer goes); an answer the person changed is theirs and is never touched again."""
    now = implied(answers)
    out: dict[str, object] = {}
    for key, value in carried.items():  # carried before, no longer answered by the call: withdraw it
        iid, item = key.split("/", 1)
        if (iid, item) not in now and answers.get(iid, {}).get(item) == value:
            answers[iid].pop(item, None)
    for (iid, item), (value, _) in now.items():
        key = f"{iid}/{item}"
        current = answers[iid].get(item)
        if current is None or (key in carried and current == carried[key]):
            answers[iid][item] = value
            out[key] = value
    return out
