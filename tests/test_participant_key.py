"""Issue 17, item 1: which submission key a participant's page trusts (a pure function; the
browser side is in tests/e2e/test_participant_key_browser.py)."""

from __future__ import annotations

import json

from app_pages.participant_key import Saved, decide, new_key, read_saved, saved_text
from scoring import load_folder
from tests.conftest import QUESTIONNAIRES

BUILTIN = load_folder(QUESTIONNAIRES)
A, B = new_key(), new_key()


def stored(*keys):
    return lambda key: key in keys


def test_a_key_in_the_link_alone_is_never_proof_of_a_submission():
    # B opens A's full link: A's key is stored, but this browser and session never made it
    assert decide(A, None, None, stored(A)) == (None, False)
    # ... nor when B's browser holds a key of its own
    assert decide(A, None, B, stored(A)) == (B, False)
    assert decide(A, B, None, stored(A)) == (B, False)


def test_the_same_person_finds_their_row_after_a_refresh_a_new_tab_or_a_restart():
    assert decide(A, A, None, stored(A)) == (A, True)  # same session (a rerun)
    assert decide(None, None, A, stored(A)) == (A, True)  # a new session: the browser kept the key
    assert decide(A, None, A, stored(A)) == (A, True)
    # kept but not sent yet: that key is used again, no thanks
    assert decide(None, None, A, stored()) == (A, False)
    # a key sent before in this browser wins over a new session's key
    assert decide(None, B, A, stored(A)) == (A, True)
    assert decide(None, B, A, stored()) == (B, False)


def test_keys_not_of_the_servers_form_are_not_used():
    assert decide(None, None, "x" * 32, stored("x" * 32)) == (None, False)
    assert len(new_key()) == 32 and new_key() != new_key()


def test_what_a_browser_kept_is_checked_like_typed_answers():
    text = saved_text(Saved(key=A, consented=True, answers={"working-alliance": {"wa_goal_1": 4}}))
    assert read_saved(text, BUILTIN) == Saved(A, True, {"working-alliance": {"wa_goal_1": 4}})
    edited = json.dumps({"key": "not-a-key", "consented": True, "answers": {
        "working-alliance": {"wa_goal_1": 99, "wa_goal_2": 3, "nope": 1, "wa_goal_3": {"a": 1}},
        "no-such-instrument": {"x": 1}, "setting": "junk"}})
    assert read_saved(edited, BUILTIN) == Saved(None, False, {"working-alliance": {"wa_goal_2": 3}})
    for junk in ("", "[", "[]", "null", "1", "[" * 100_000 + "]" * 100_000, json.dumps({"key": 5})):
        assert read_saved(junk, BUILTIN) is None
