"""The call before booking and the full check: only the same question is carried over (§16.4), and
a carried answer follows the call until the person changes it."""

import pytest

from scoring import carryover
from tests.test_questionnaires import LOADED


@pytest.mark.parametrize("rf, iid, item", carryover.SAME_QUESTION)
def test_each_pair_is_the_same_question(rf, iid, item):
    """Same criterion, same kind of answer, same stage, same polarity: else it is not carried."""
    source, target = LOADED["red-flags"].items[rf].spec, LOADED[iid].items[item].spec
    detailed = {c for c in source.criteria if not c.startswith("RF-")}
    assert detailed & set(target.criteria), (rf, item)
    assert source.type == target.type == "yes_no"
    assert source.stage == target.stage
    assert (source.points.yes > source.points.no) == (target.points.yes > target.points.no)
    assert bool(source.allow_unsure) == bool(target.allow_unsure)


def test_a_promise_and_what_happened_are_not_the_same_question():
    """'Will the intake cover ...' (the call) is checked after the intake, never filled in from it."""
    targets = {(iid, item) for _, iid, item in carryover.SAME_QUESTION}
    for kept in (("screening", "scr_all_medication"), ("screening", "scr_psychosis_own"), ("screening", "scr_heart"),
                 ("screening", "scr_intake"), ("staffing", "st_sober_present")):
        assert kept not in targets


def answers(**red):
    return {"red-flags": dict(red), "staffing": {}, "boundaries": {}}


def test_the_call_fills_the_same_question_in_the_full_check():
    given = answers(rf_sober="yes", rf_no_sexual_contact="no", rf_track_record="unsure", rf_intake="yes")
    carried = carryover.carry(given, {})
    assert given["staffing"] == {"st_line_of_sight": "yes"}
    assert given["boundaries"] == {"bnd_commits_no_sexual": "no"}
    assert carried == {"staffing/st_line_of_sight": "yes", "boundaries/bnd_commits_no_sexual": "no"}
    assert "claims" not in given  # an instrument not chosen gets nothing; "I don't know" is not carried


def test_a_carried_answer_follows_the_call_until_the_person_changes_it():
    given = answers(rf_sober="yes", rf_no_sexual_contact="yes")
    carried = carryover.carry(given, {})
    given["red-flags"]["rf_sober"] = "no"  # the call's answer changes: the carried one follows
    carried = carryover.carry(given, carried)
    assert given["staffing"]["st_line_of_sight"] == "no"
    given["red-flags"]["rf_sober"] = "unsure"  # no longer a yes or no: the carried answer goes
    carried = carryover.carry(given, carried)
    assert "st_line_of_sight" not in given["staffing"] and "staffing/st_line_of_sight" not in carried
    given["boundaries"]["bnd_commits_no_sexual"] = "no"  # the person's own answer in the full check
    given["red-flags"]["rf_no_sexual_contact"] = "yes"
    carried = carryover.carry(given, carried)
    assert given["boundaries"]["bnd_commits_no_sexual"] == "no" and "boundaries/bnd_commits_no_sexual" not in carried


def test_an_answer_given_before_is_never_overwritten():
    given = answers(rf_sober="yes")
    given["staffing"]["st_line_of_sight"] = "no"
    assert carryover.carry(given, {}) == {} and given["staffing"]["st_line_of_sight"] == "no"
