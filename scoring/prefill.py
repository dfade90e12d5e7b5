"""The red-flag screen asks about issues that detailed instruments ask again from the other side.
When both are answered in one session, an answer on the screen pre-fills the detailed question
(while it is still unanswered), so the person answers each issue once and the two agree.

Each entry: red-flag item -> [(instrument, item, how the answer maps)]. SAME keeps the answer;
FLIP turns it round, for questions asked in the opposite direction."""

from __future__ import annotations

SAME = {"yes": "yes", "no": "no", "unsure": "unsure"}
FLIP = {"yes": "no", "no": "yes", "unsure": "unsure"}

PREFILL: dict[str, list[tuple[str, str, dict]]] = {
    # Issue 10 (catalogue §16.4): nothing is carried into `boundaries` or `claims`, whose questions
    # are worded differently from the screen's (what the guide said or committed to, what happened
    # after the session), so a screen answer would assert what was never said.
    "rf_intake": [("screening", "scr_intake", SAME)],
    "rf_medication": [("screening", "scr_all_medication", SAME)],
    "rf_sober": [("staffing", "st_sober_present", SAME)],
    "rf_emergency_plan": [("aftercare", "aft_safety_plan", SAME)],
    "rf_one_off": [("integration", "int_planned", FLIP)],
}


def prefill(answers: dict[str, dict]) -> dict[str, dict]:
    """Fill detailed answers from red-flag answers where the detailed ones are still empty.
    Returns {instrument: {item: value}} of what was filled (``answers`` is updated in place)."""
    filled: dict[str, dict] = {}
    screen = answers.get("red-flags", {})
    for rf_item, targets in PREFILL.items():
        value = screen.get(rf_item)
        if value not in SAME:
            continue
        for inst_id, item_id, mapping in targets:
            if inst_id in answers and answers[inst_id].get(item_id) in (None, ""):
                answers[inst_id][item_id] = mapping[value]
                filled.setdefault(inst_id, {})[item_id] = mapping[value]
    return filled
