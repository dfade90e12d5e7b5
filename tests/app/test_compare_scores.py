"""Compare shows each score as the report does (scoring.report.format_score): a percentage only
for a percent method. It used to print "%" whatever the method (issue 13)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.app.test_pages import APP, _unknown
from tests.conftest import base_spec

# a mean of 1-5 points: 3.5 is "3.50", never "4%"
MEAN = base_spec(sections=[{"id": "main", "title": "Main", "items": [
    {"id": "q2", "type": "likert", "text": "Q2?", "scale": "agree5"},
    {"id": "q3", "type": "likert", "text": "Q3?", "scale": "agree5"}]}],
    scores=[{"id": "total", "label": "Total", "items": ["q2", "q3"], "method": "mean"}],
    bands=[{"id": "good", "min": 4, "label": "Good"}, {"id": "poor", "min": 0, "label": "Poor"}])


def _file(label: str, answers: dict) -> tuple[str, bytes, str]:
    body = {"guidecheck_result": 1, "kind": "vetting", "context": "harm_reduction", "label": label,
            "instruments": [{"id": "tiny", "version": "1.0.0", "answers": answers}]}
    return (f"{label}.json", json.dumps(body).encode(), "application/json")


def _compare_figure(load) -> dict:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["custom_instruments"] = {"tiny": load(MEAN)}
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([_file("A", {"q2": 3, "q3": 4}), _file("B", {"q2": 5, "q3": 5})]).run()
    assert not at.exception
    charts = list(at.get("plotly_chart")) or _unknown(at, "plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_compare_prints_a_mean_as_a_mean_not_a_percentage(load):
    figure = _compare_figure(load)
    texts = [t for bar in figure["data"] for t in bar["text"]]
    assert texts == ["3.50", "5.00"], texts
    assert not any("}%" in bar["hovertemplate"] for bar in figure["data"])  # no "%" after the value
    assert figure["data"][0]["customdata"][0].endswith(": 3.50")
    assert figure["layout"]["xaxis"]["range"] != [0, 100]  # 3.5 out of 100 would be a sliver
