"""Issue 10, part d: aftercare, integration, setting, preparation, the working alliance and the
organisation checks (narrow tests beside the generated ones in test_content.py)."""

from __future__ import annotations

from scoring import score_response
from tests.test_questionnaires import LOADED


def test_no_prefill_into_integration_or_the_aftercare_plan():
    """§16.4: a red-flag answer never fills a differently worded question (rf_one_off credited
    integration; rf_emergency_plan filled a written plan for both emergencies)."""
    import importlib.util

    assert importlib.util.find_spec("scoring.prefill") is None  # the pre-fill is gone altogether


def test_aftercare_asks_each_emergency_plan_on_its_own():
    inst = LOADED["aftercare"]
    assert "aft_safety_plan" not in inst.items
    for iid in ("aft_crisis_plan", "aft_medical_plan", "aft_emergency_signs", "aft_emergency_call"):
        assert inst.items[iid].critical, iid
    careful = {iid: "yes" for iid in inst.items}
    for iid in ("aft_crisis_plan", "aft_medical_plan"):
        result = score_response(inst, dict(careful, **{iid: "no"}), context="harm_reduction")
        assert result.verdict == "critical" and result.flags == [iid]
    criteria = {c for info in inst.items.values() for c in info.spec.criteria}
    assert {"AFT-11", "AFT-12"} <= criteria


def test_spacing_is_asked_on_its_own():
    """§16.2 INT-12: the spacing question was hidden unless the optional number of sessions was
    answered; it is asked whatever else is answered."""
    inst = LOADED["integration"]
    for context in ("clinical", "harm_reduction", "unknown"):
        result = score_response(inst, {}, context=context, stage="before_intake")
        assert result.status["int_spacing_weeks"] != "hidden", context
    result = score_response(inst, {"int_spacing_weeks": 2}, context="harm_reduction")
    assert "int_spacing_weeks" in result.flags


def test_what_only_a_session_shows_is_asked_after_the_session():
    inst = LOADED["setting"]
    for iid in ("set_checkin", "set_quiet_room", "set_safety_priority", "set_non_directive", "set_regulation"):
        assert inst.items[iid].spec.stage == "after_session", iid
    shown = score_response(inst, {}, context="clinical", stage="before_intake").status
    assert shown["set_checkin"] == "hidden" and shown["set_fluids"] != "hidden"
