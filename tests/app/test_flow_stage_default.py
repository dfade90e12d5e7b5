"""Issue 10 (§16.2 WA): the default selection of instruments leaves out those with nothing to ask
yet at the chosen stage, so the working alliance is never selected by default before booking."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _default_selection(stage: str | None) -> list[str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/vet.py").run()
    if stage is not None:
        at.radio(key="answer_stage_vetting").set_value(stage).run()
    assert not at.exception
    return list(at.multiselect(key=f"selected_vetting_unknown_{stage or 'before_intake'}").value)


def test_the_stage_chosen_after_the_setting_still_brings_the_full_check():
    """The new-user walk found the picker stuck on the red-flag screen when the setting was chosen
    first and the stage after it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/vet.py").run()
    at.radio(key="context_vetting").set_value("harm_reduction").run()
    assert at.multiselect(key="selected_vetting_harm_reduction_before_intake").value == ["red-flags"]
    at.radio(key="answer_stage_vetting").set_value("after_intake").run()
    chosen = at.multiselect(key="selected_vetting_harm_reduction_after_intake").value
    assert "staffing" in chosen and "working-alliance" in chosen


def test_the_alliance_is_not_selected_by_default_before_booking():
    before = _default_selection(None)  # a person vetting a guide starts before the intake
    assert "red-flags" in before and "working-alliance" not in before


def test_the_alliance_is_selected_by_default_after_the_intake():
    assert "working-alliance" in _default_selection("after_intake")
