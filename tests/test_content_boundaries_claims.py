"""Issue 10, boundaries and claims: what the content review found, pinned down.

- no red-flag answer is carried into these checklists (a screen 'no unagreed touch' once marked the
  critical touch-consent question 'yes');
- the witness / recording pair raises a flag only outside clinical settings, and only when both are
  refused;
- 'yes' is evidence: no question passes by avoiding a topic ('refrains from', 'avoids');
- the review's scenarios (touch agreed only vaguely, a guide who guarantees healing);
- CLM-13 is withdrawn, its replacement BND-14 lives in boundaries; 'certified' is never asked
  outside clinical settings; the Dutch uses 'toestemming'.
"""

from __future__ import annotations

import re
from itertools import product

import pytest

from scoring import score_response
from tests.test_content import best_example
from tests.test_questionnaires import LOADED, texts

MINE = ("boundaries", "claims")


def test_no_red_flag_answer_is_carried_into_boundaries_or_claims():
    # the pre-fill is gone altogether (tests/test_content_red_flags.py checks the module is removed)
    import importlib.util

    assert importlib.util.find_spec("scoring.prefill") is None


@pytest.mark.parametrize("context", ["clinical", "harm_reduction", "unknown"])
def test_witness_and_recording_flag_only_outside_a_clinic_and_only_when_both_are_refused(context):
    inst = LOADED["boundaries"]
    _, best = best_example(inst)
    for person, record in product(["yes", "no", "unsure"], repeat=2):
        result = score_response(inst, dict(best, bnd_trusted_person=person, bnd_recording=record),
                                context=context)
        raised = "bnd_no_witness_or_record" in result.flags
        assert raised == (person == record == "no" and context != "clinical"), (person, record, context)
        if context == "clinical":
            assert result.status["bnd_trusted_person"] == result.status["bnd_recording"] == "hidden"


@pytest.mark.parametrize("inst_id", MINE)
def test_yes_is_evidence_no_question_passes_by_avoiding_a_topic(inst_id):
    inst = LOADED[inst_id]
    avoidance = re.compile(r"\b(refrain\w*|avoid\w*|onthoud\w*|vermijd\w*|keeps? clear)\b", re.I)
    for iid, info in inst.items.items():
        for field in ("text", "self_audit_text", "ask"):
            for lang in inst.languages:
                text = inst.text(getattr(info.spec, field), lang) or ""
                assert not avoidance.search(text), (iid, field, lang, text)


def test_touch_agreed_only_vaguely_is_critical():
    inst = LOADED["boundaries"]
    example, best = best_example(inst)
    for stage in ("before_intake", "after_session"):
        result = score_response(inst, dict(best, bnd_touch_agreed="no"), context=example.context, stage=stage)
        assert result.verdict == "critical" and "bnd_touch_agreed" in result.flags


def test_a_guide_who_guarantees_healing_is_critical_and_saying_nothing_is_not():
    inst = LOADED["claims"]
    example, best = best_example(inst)
    for iid in ("clm_results_said", "clm_cure_said"):
        worst = next(o.value for o in inst.items[iid].spec.options if o.points == 0)
        result = score_response(inst, dict(best, **{iid: worst}), context=example.context, stage="before_intake")
        assert result.verdict == "critical" and iid in result.flags
        silent = score_response(inst, dict(best, **{iid: "nothing_said"}), context=example.context)
        assert not silent.flags and silent.scores["total"] < 100


def test_clm_13_is_withdrawn_and_its_replacement_lives_in_boundaries():
    claims = {c for info in LOADED["claims"].items.values() for c in info.spec.criteria}
    boundaries = {c for info in LOADED["boundaries"].items.values() for c in info.spec.criteria}
    assert "CLM-13" not in claims | boundaries
    assert {"BND-12", "BND-13", "BND-14"} <= boundaries and {"CLM-14", "CLM-15"} <= claims


@pytest.mark.parametrize("inst_id", MINE)
def test_certified_is_never_asked_outside_a_clinic(inst_id):
    inst = LOADED[inst_id]
    shown = score_response(inst, {}, context="harm_reduction").status
    for iid, info in inst.items.items():
        if shown[iid] == "hidden":
            continue
        for field in ("text", "self_audit_text", "ask", "help"):
            for lang in inst.languages:
                text = inst.text(getattr(info.spec, field), lang) or ""
                assert not re.search(r"certif|gecertificeerd", text, re.I), (iid, field, lang)


def test_the_evidence_and_the_law_are_described_for_more_than_two_countries():
    inst = LOADED["claims"]
    evidence, legal = inst.items["clm_evidence_accurate"].spec, inst.items["clm_legal_accurate"].spec
    assert evidence.source.startswith("000 Integration")
    for lang, australia in (("en", "Australia"), ("nl", "Australië")):
        assert australia in inst.text(evidence.help, lang) and "2023" in inst.text(evidence.help, lang)
        assert australia in inst.text(legal.help, lang)
        # the evidence question itself names no country, so a correct answer for any country passes
        assert not re.search(r"PTS|Netherlands|Nederland|United States|Verenigde", inst.text(evidence.text, lang))
    assert "not a legal category" in inst.text(legal.help, "en")
    assert "geen wettelijke categorie" in inst.text(legal.help, "nl")


@pytest.mark.parametrize("inst_id", MINE)
def test_dutch_says_toestemming(inst_id):
    inst = LOADED[inst_id]
    assert not [t for t in texts(inst, "nl") if re.search(r"instem", t, re.I)]
    if inst_id == "boundaries":
        assert inst.text(inst.spec.title, "nl") == "Grenzen en toestemming"


def test_oversight_that_cannot_be_named_is_never_good_in_a_clinic():
    """CLM-09 is asked in clinical settings only, which the generated worst-answer test (run in the
    best example's harm-reduction context) skips."""
    inst = LOADED["claims"]
    clinical = next(e for e in inst.spec.examples if e.name == "a careful clinical programme")
    _, best = best_example(inst)
    answers = {k: v for k, v in dict(best, **clinical.answers).items() if v is not None}
    assert score_response(inst, answers, context="clinical").verdict == "meets"
    for iid in ("clm_ethics_committee", "clm_authorisation"):
        result = score_response(inst, dict(answers, **{iid: "no"}), context="clinical")
        assert inst.verdict_tone(result.verdict) != "good" and iid in result.flags
