"""The red-flag screen asks about issues that detailed instruments ask again from the other side.
When both are answered in one session, an answer on the screen pre-fills the detailed question
(while it is still unanswered), so the person answers each issue once and the two agree.

Each entry: red-flag item -> [(instrument, item, how the answer maps)]. SAME keeps the answer;
FLIP turns it round, for questions asked in the opposite direction."""

from __future__ import annotations

SAME = {"yes": "yes", "no": "no", "unsure": "unsure"}
FLIP = {"yes": "no", "no": "yes", "unsure": "unsure"}

PREFILL: dict[str, list[tuple[str, str, dict]]] = {
    "rf_guarantee": [("claims", "clm_no_guarantee", FLIP)],
    "rf_medical_claims": [("claims", "clm_not_treatment", FLIP)],
    "rf_intake": [("screening", "scr_intake", SAME)],
    "rf_medication": [("screening", "scr_all_medication", SAME)],
    "rf_pressure": [("boundaries", "bnd_no_pressure", FLIP)],
    "rf_sexual": [("boundaries", "bnd_no_sexual", FLIP)],
    "rf_unagreed_touch": [("boundaries", "bnd_touch_consent", FLIP)],
    "rf_touch_as_healing": [("boundaries", "bnd_affection_not_healing", FLIP)],
    "rf_refuses_witness": [("boundaries", "bnd_witness_allowed", FLIP)],
    "rf_sober": [("staffing", "st_sober_present", SAME)],
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
