"""The session's UI state is typed and kept in one place (app_pages/state.py, issue 13)."""

from __future__ import annotations

import ast
import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import state
from app_pages.state import KEYS, FlowState, ParticipantState
from tests.conftest import ROOT

# where raw st.session_state is still read: the question widgets being rewritten in another part
# of issue 13, and the report page of a third (report_view: its download cache, KEYS.DOWNLOAD_FILES)
ALLOWED = {("flow.py", "question"), ("flow.py", "unsure_box"), ("report_view.py", "_files")}


def test_a_new_flow_asks_a_person_vetting_before_the_intake_and_an_organisation_everything():
    assert FlowState.new("vetting").answer_stage == "before_intake"
    assert FlowState.new("self_audit").answer_stage == "after_session"
    flow = FlowState.new("vetting")
    assert (flow.stage, flow.context, flow.selected, flow.step, flow.answers) == ("setup", "unknown", None, 0, {})


def test_flows_share_no_mutable_defaults():
    one, two = FlowState.new("vetting"), FlowState.new("vetting")
    one.answers["red-flags"] = {"rf_guarantee": "no"}
    one.carried["staffing/st_line_of_sight"] = "yes"
    assert two.answers == {} and two.carried == {}


@pytest.mark.parametrize("cls", [FlowState, ParticipantState])
def test_a_misspelt_field_is_an_error_not_a_new_key(cls):
    """With a dict, flow["stpe"] = 1 silently kept a second step; a slotted dataclass refuses it."""
    found = cls()
    with pytest.raises(AttributeError):
        found.stpe = 1


def test_notices_and_missing_are_shown_once():
    flow = FlowState(notices=["back"], missing=[("red-flags", "rf_intake")])
    assert flow.take_notices() == ["back"] and flow.take_notices() == []
    assert flow.take_missing() == [("red-flags", "rf_intake")] and flow.take_missing() == []
    person = ParticipantState(restored="consent")
    assert person.take_restored() == "consent" and person.take_restored() is None


def test_widget_keys_are_the_ones_the_pages_and_tests_use():
    key = state.widget_key("selected", "vetting", "unknown", "before_intake")
    assert key == "selected_vetting_unknown_before_intake"
    assert state.widget_key("goto", "vetting", 3) == "goto_vetting_3"
    assert state.widget_key("_crisis_country", "page") == "_crisis_country_page"


def test_every_session_key_is_named_once():
    names = {k: v for k, v in vars(KEYS).items() if k.isupper()}
    assert len(set(names.values())) == len(names), names


def _raw_session_state_uses() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "app_pages").glob("*.py")):
        if path.name == "state.py":
            continue
        tree = ast.parse(path.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "session_state":
                owner = [f.name for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)
                         and f.col_offset == 0]
                found.add((path.name, owner[0] if owner else "<module>"))
    return found


def test_no_page_reads_or_writes_raw_session_state_keys():
    """Six modules used to read and write untyped session_state keys; now only state.py does."""
    assert _raw_session_state_uses() <= ALLOWED, _raw_session_state_uses() - ALLOWED


def test_the_questionnaire_in_the_session_is_a_flow_state():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/vet.py").run()
    flow = at.session_state[KEYS.FLOWS]["vetting"]
    assert isinstance(flow, FlowState) and dataclasses.is_dataclass(flow)
    at.button(key="start_vetting").click().run()
    assert not at.exception
    flow = at.session_state[KEYS.FLOWS]["vetting"]
    assert flow.stage == "questions" and flow.selected == ["red-flags"]
    at.radio(key="q:vetting:red-flags:rf_guarantee").set_value("no").run()
    assert at.session_state[KEYS.FLOWS]["vetting"].answers["red-flags"] == {"rf_guarantee": "no"}
