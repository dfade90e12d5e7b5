"""The call before booking (criteria catalogue §16.4, issue 10): no answer is carried from the red-flag
screen into the full check; instead each red-flag item names the detailed criteria it shares with
the full check, and the report shows a flag raised in both places once. Cases are generated from
the instruments, so a renamed or re-severitied full-check item is followed automatically."""

from __future__ import annotations

import importlib.util

import pytest

from scoring import load_folder, report, results, score_response
from tests.conftest import QUESTIONNAIRES
from tests.test_content import candidates
from tests.test_questionnaires import criteria_table

BUILTIN = load_folder(QUESTIONNAIRES)
RF = BUILTIN["red-flags"]
CONTEXT = "harm_reduction"


def detailed(criteria) -> set[str]:
    return {c for c in criteria if not c.startswith("RF-")}


def careful(inst_id: str) -> dict:
    """The best answers of an instrument: its first worked example in the top band."""
    inst = BUILTIN[inst_id]
    resolved = {}
    for example in inst.spec.examples:
        answers = dict(resolved.get(example.like, {}), **example.answers) if example.like else dict(example.answers)
        resolved[example.name] = {k: v for k, v in answers.items() if v is not None}
        if inst.spec.bands and example.expect.verdict == inst.spec.bands[0].id and example.audience == "vetting":
            return resolved[example.name]
    return {}


def raising(inst_id: str, item_id: str):
    """An answer that raises the item's own flag from the careful answers, or None."""
    inst, base = BUILTIN[inst_id], careful(inst_id)
    for value in candidates(inst, item_id):
        if item_id in score_response(inst, dict(base, **{item_id: value}), context=CONTEXT).flags:
            return value
    return None


def twins():
    """(red-flag item, instrument, item) that share a detailed criterion and flag at the same severity."""
    for rf_id, info in RF.items.items():
        if info.flag is None:
            continue
        for inst_id, inst in BUILTIN.items():
            if inst_id == "red-flags":
                continue
            for iid, other in inst.items.items():
                if other.flag is not None and other.spec.flag.severity == info.spec.flag.severity \
                        and detailed(info.spec.criteria) & detailed(other.spec.criteria):
                    yield rf_id, inst_id, iid


TWINS = list(twins())


def test_there_is_no_pre_fill_any_more():
    assert importlib.util.find_spec("scoring.prefill") is None


def test_every_red_flag_names_a_detailed_criterion_of_the_full_check():
    """Each flag names a non-RF criterion of the catalogue, which the full check covers in its home
    instrument (tests/test_questionnaires.py::test_each_category_lives_in_its_instrument)."""
    catalogue = set(criteria_table())
    lonely = [rf_id for rf_id, info in RF.items.items()
              if info.flag is not None and not detailed(info.spec.criteria) & catalogue]
    assert not lonely, lonely


def test_some_red_flags_share_a_criterion_with_the_full_check():
    assert {rf_id for rf_id, _, _ in TWINS} >= {"rf_intake", "rf_sober"}


@pytest.mark.parametrize("rf_id, inst_id, item_id", TWINS)
def test_a_flag_raised_here_and_in_the_full_check_is_shown_once(rf_id, inst_id, item_id):
    rf_value, value = raising("red-flags", rf_id), raising(inst_id, item_id)
    if rf_value is None or value is None:
        pytest.skip("the flag is not raised from the careful answers in this context")
    answers = {"red-flags": dict(careful("red-flags"), **{rf_id: rf_value}),
               inst_id: dict(careful(inst_id), **{item_id: value})}
    rep = report.build(BUILTIN, results.score_all(BUILTIN, answers, context=CONTEXT, audience="vetting"))
    rows = [f for f in rep.critical + rep.other_flags
            if f"red-flags:{rf_id}" in f.ids or f"{inst_id}:{item_id}" in f.ids]
    assert len(rows) == 1, [(f.ids, f.criteria) for f in rows]
    assert {f"red-flags:{rf_id}", f"{inst_id}:{item_id}"} <= set(rows[0].ids)


def test_the_witness_question_is_a_flag_only_outside_clinical_settings():
    answers = dict(careful("red-flags"), rf_refuses_witness="yes")
    clinical = score_response(RF, answers, context="clinical")
    assert clinical.status["rf_refuses_witness"] == "hidden" and not clinical.flags
    for context in ("harm_reduction", "unknown"):
        assert score_response(RF, answers, context=context).flags == ["rf_refuses_witness"]


def test_each_ask_is_one_question():
    """Each red-flag question is one question: no item's `ask` holds a second question mark."""
    for iid, info in RF.items.items():
        if info.spec.ask is not None:
            for lang in RF.languages:
                assert RF.text(info.spec.ask, lang).count("?") == 1, (iid, lang)
